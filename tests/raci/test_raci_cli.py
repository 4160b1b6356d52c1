"""`rapport raci import|export|check` from the command line."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.raci import services
from rapport.raci.management.commands.raci import Command
from rapport.raci.models import Assignment
from rapport.stakeholders.models import Party

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("raci", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_check_prints_the_findings_and_exits_1_when_one_is_an_error(world, small):
    with pytest.raises(CommandError) as failed:
        out, _ = run("check", "--project", "ALPHA")
    assert failed.value.returncode == 1
    assert "3 finding(s) are errors" in str(failed.value)


def test_check_exits_0_and_lists_warnings_when_there_is_no_error(world, small, capsys):
    a, p = small["activities"], small["parties"]
    for activity in a.values():
        services.raci_assign(actor=world.manager, activity=activity, party=p["ann"], letter="A")
    out, _ = run("check", "--project", "acme/alpha")
    assert "WARNING  no-responsible" in out
    assert "ALPHA: 3 activities, 4 parties, 3 letters; 0 errors" in out


def test_check_json_is_a_list_of_findings_with_the_five_keys(world, small):
    services.raci_assign(
        actor=world.manager,
        activity=small["activities"]["golive"],
        party=small["parties"]["finance"],
        letter="A",
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("raci", "check", "--project", "ALPHA", "--json", stdout=out)
    findings = json.loads(out.getvalue())
    assert all(set(f) == {"code", "severity", "activity", "party", "message"} for f in findings)
    assert {
        "code": "accountable-is-group",
        "severity": "warning",
        "activity": "Go-live decision",
        "party": "Finance",
        "message": "'Finance' is Accountable for 'Go-live decision' but is a group: name the one person in it who signs it off.",
    } in findings
    assert findings[0]["severity"] == "error"


def test_the_console_script_exits_with_status_1_on_errors(world, small, capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["rapport", "raci", "check", "--project", "ALPHA", "--json"])
    assert exited.value.code == 1
    assert json.loads(capsys.readouterr().out)[0]["code"] == "no-accountable"


def test_an_unknown_project_is_a_clear_error(world):
    with pytest.raises(CommandError, match="No project with the code NOPE"):
        run("check", "--project", "NOPE")


def test_import_then_export_round_trips_through_files(world, small, tmp_path):
    source = tmp_path / "raci.csv"
    source.write_text("Activity,Ann Lee,Newbie\nBuild the portal,A,R\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import", "--project", "ALPHA", str(source))
    assert not Assignment.objects.exists()

    out, _ = run("import", "--project", "ALPHA", str(source), "--create-missing")
    assert "2 letters added" in out
    assert Party.objects.filter(name="Newbie").exists()

    target = tmp_path / "out.xlsx"
    out, _ = run("export", "--project", "ALPHA", "--format", "xlsx", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert [c.value for c in sheet[1]][:4] == ["Activity", "Phase", "Ann Lee", "Bob Ng"]

    listing = tmp_path / "list.csv"
    run("export", "--project", "ALPHA", "--format", "csv", "--layout", "list", "-o", str(listing))
    assert "Build the portal,Build,Newbie,Ann Lee,," in listing.read_text(encoding="utf-8-sig")


def test_import_reports_problems_and_can_take_the_valid_rows_only(world, small, tmp_path):
    source = tmp_path / "raci.csv"
    source.write_text(
        "Activity,Ann Lee,Ghost\nBuild the portal,A,\nTrain users,,R\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="--valid-only"):
        call_command(
            "raci", "import", "--project", "ALPHA", str(source), stdout=io.StringIO(), stderr=err
        )
    assert "row 3, column C: 'Ghost' is not in the stakeholder register" in err.getvalue()
    assert "1 name(s) are not in the register: --create-missing adds them" in err.getvalue()

    out, _ = run("import", "--project", "ALPHA", str(source), "--valid-only")
    assert "1 rows skipped" in out
    assert Assignment.objects.count() == 1


def test_import_dry_run_changes_nothing(world, small, tmp_path):
    source = tmp_path / "raci.csv"
    source.write_text("Activity,Ann Lee\nBuild the portal,A\n", encoding="utf-8")
    out, _ = run("import", "--project", "ALPHA", str(source), "--dry-run")
    assert "1 letters would be added" in out
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [(b"", "The file is empty"), (b"\xd0\xcf\x11\xe0" + b"\0" * 64, "97-2003"), (None, "No file")],
)
def test_import_refuses_unreadable_files_and_changes_nothing(
    world, small, tmp_path, content, message
):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("import", "--project", "ALPHA", str(path))
    assert not Assignment.objects.exists()


def test_export_to_standard_output_is_csv_only(world, small):
    out, _ = run("export", "--project", "ALPHA", "--format", "csv", "-o", "-")
    assert out.startswith("Activity,Phase,Ann Lee,Bob Ng")
    with pytest.raises(CommandError, match="Only CSV"):
        run("export", "--project", "ALPHA", "--format", "xlsx", "-o", "-")
