"""`rapport status health` answers a scheduled check with its exit code: 3 for a watermelon,
1 for an error, 0 otherwise (docs/administration.md, CLI section)."""

from io import StringIO

import pytest
from django.core.management import call_command

from rapport.status import services
from tests import test_cli
from tests.comms.factories import publish

# A real `rapport` process against a real migrated SQLite file (the fixtures of test_cli.py).
migrated, rapport = test_cli.migrated, test_cli.rapport


def health_exit_code(*args) -> int:
    """The exit code the `rapport` process would end with."""
    from django.core.management import CommandError

    try:
        call_command("status", "health", *args, stdout=StringIO(), stderr=StringIO())
    except SystemExit as exited:
        return exited.code
    except CommandError as error:  # run_from_argv turns it into this exit code
        return error.returncode
    return 0


def three_high_risks(world):
    for n in range(3):
        services.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"Risk {n}",
            probability="high",
            impact="high",
        )


def test_a_watermelon_exits_with_3_in_text_and_in_json(world):
    three_high_risks(world)
    publish(world, overall="green")
    assert health_exit_code("--project", "ALPHA") == 3
    assert health_exit_code("--project", "acme/ALPHA", "--json") == 3


def test_an_honest_colour_exits_with_0(world):
    three_high_risks(world)
    publish(world, overall="red")
    assert health_exit_code("--project", "ALPHA") == 0


def test_a_project_with_nothing_measured_exits_with_0(world):
    publish(world, overall="green")
    assert health_exit_code("--project", "ALPHA") == 0


def test_an_unknown_project_is_an_error_with_exit_code_1(db):
    assert health_exit_code("--project", "NOPE") == 1


@pytest.mark.parametrize("fmt", [(), ("--json",)])
def test_the_report_is_printed_in_full_before_the_exit(world, fmt):
    three_high_risks(world)
    publish(world, overall="green")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("status", "health", "--project", "ALPHA", *fmt, stdout=out)
    assert "Reported green; evidence red: 3 high risks open" in out.getvalue()


def test_the_installed_command_exits_3_on_the_demo_watermelon_and_1_on_an_error(rapport):
    """The real `rapport` process, as cron or a systemd timer runs it."""
    assert rapport("demo").returncode == 0
    watermelon = rapport("status", "health", "--project", "CRM")
    assert watermelon.returncode == 3, watermelon.stderr
    assert "WATERMELON (error): Reported green; evidence red" in watermelon.stdout
    unknown = rapport("status", "health", "--project", "NOPE")
    assert unknown.returncode == 1 and "No project with the code NOPE" in unknown.stderr
