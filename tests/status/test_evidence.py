"""Evidence-based health from the project's data, and the watermelon finding on the project page,
in the API and in `rapport status health --project CODE [--json]`."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from rapport.promises import services as promises
from rapport.raci import services as raci
from rapport.status import services
from rapport.status.selectors import project_health
from tests.comms.factories import party, publish

TODAY = datetime(2025, 3, 12, 12, tzinfo=UTC)


def signals(project) -> dict:
    with time_machine.travel(TODAY, tick=False):
        report = project_health(project).report
    return {s.code: s for s in report.evidence.signals}


def activity(
    world, name, *, kind="task", status="not_started", planned=None, baseline=None, actual=None
):
    return raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name=name,
        kind=kind,
        status=status,
        planned_start=planned,
        planned_finish=planned,
        baseline_finish=baseline,
        actual_finish=actual,
    )


def test_a_project_without_data_measures_nothing_and_is_no_watermelon(world):
    publish(world, overall="green")
    with time_machine.travel(TODAY, tick=False):
        report = project_health(world.alpha).report
    assert report.evidence.colour is None
    assert all(not s.measured for s in report.evidence.signals)
    assert report.watermelon is None
    reasons = {s.code: s.message for s in report.evidence.signals}
    assert reasons["high-risks-open"] == "risk not measured: no risk register"


def test_slipped_milestones_and_overdue_work_come_from_the_plan(world):
    activity(
        world,
        "Design signed off",
        kind="milestone",
        status="done",
        planned=date(2025, 2, 20),
        baseline=date(2025, 2, 1),
        actual=date(2025, 2, 20),
    )
    activity(
        world, "Go-live", kind="milestone", planned=date(2025, 3, 5), baseline=date(2025, 3, 5)
    )  # late, still open
    activity(world, "Build", planned=date(2025, 3, 1))  # overdue
    activity(world, "Test", planned=date(2025, 4, 1))
    found = signals(world.alpha)
    assert (
        found["milestones-slipped"].value == 19
        and found["milestones-slipped"].colour.label == "red"
    )
    # Go-live: planned 5 March, still open on 12 March: 7 days late and counting.
    overdue = found["activities-overdue"]
    assert (overdue.value, overdue.colour.label) == (pytest.approx(2 / 3, abs=1e-4), "red")
    assert found["activities-overdue"].message == "67% of open activities overdue (2 of 3)"


def test_budget_burn_compares_spending_with_the_work_done(world):
    world.alpha.budget = Decimal("100000")
    world.alpha.save()
    for n in range(4):
        activity(
            world, f"Step {n}", status="done" if n == 0 else "in_progress", planned=date(2025, 5, 1)
        )
    publish(world, spent=Decimal("60000"))
    burn = signals(world.alpha)["budget-burn"]
    assert burn.message == "budget 60% spent at 25% progress" and burn.colour.label == "red"


def test_risks_promises_and_raci_errors_count(world):
    for n in range(3):
        services.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"Risk {n}",
            probability="high",
            impact="medium",
        )
    services.risk_create(
        actor=world.manager, project=world.alpha, title="Small", probability="low", impact="low"
    )
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 1, tzinfo=UTC), tick=False):
        promises.commitment_create(
            actor=world.manager,
            project=world.alpha,
            party=bea,
            what="Demo",
            promised_date=date(2025, 3, 1),
        )
        promises.commitment_create(
            actor=world.manager,
            project=world.alpha,
            party=bea,
            what="Training",
            promised_date=date(2025, 6, 1),
        )
    activity(world, "Nobody accountable", planned=date(2025, 6, 1))
    found = signals(world.alpha)
    assert found["high-risks-open"].value == 3 and found["high-risks-open"].colour.label == "red"
    assert found["commitments-missed"].message == "1 of 2 promises overdue"
    assert found["commitments-missed"].colour.label == "red"  # half the open promises overdue
    assert found["raci-errors"].value == 1  # no Accountable on an open activity


def test_reported_green_against_red_evidence_is_a_watermelon_everywhere(world, client_for):
    for n in range(3):
        services.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"Risk {n}",
            probability="high",
            impact="high",
        )
    publish(world, overall="green", not_going_well="Nothing.")

    with time_machine.travel(TODAY, tick=False):
        report = project_health(world.alpha).report
    assert report.watermelon.severity == "error"
    assert report.watermelon.message == "Reported green; evidence red: 3 high risks open"

    page = client_for(world.viewer).get("/o/acme/p/ALPHA/status/")
    assert b"Watermelon: green outside, red inside?" in page.content
    assert b"Reported green; evidence red: 3 high risks open" in page.content

    api = client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/health").json()
    assert (api["reported"], api["evidence"], api["watermelon"]["code"]) == (
        "green",
        "red",
        "watermelon",
    )

    out = StringIO()
    with pytest.raises(SystemExit) as exited:  # exit code 3: a watermelon (test_health_exit_code)
        call_command("status", "health", "--project", "ALPHA", "--json", stdout=out)
    assert exited.value.code == 3
    data = json.loads(out.getvalue())
    assert list(data) == ["reported", "evidence", "signals", "watermelon"]
    assert data["watermelon"]["message"] == "Reported green; evidence red: 3 high risks open"
    assert len(data["signals"]) == 11
    text = StringIO()
    with pytest.raises(SystemExit):
        call_command("status", "health", "--project", "acme/ALPHA", stdout=text)
    assert "WATERMELON (error)" in text.getvalue()


def test_an_honest_red_is_no_watermelon(world):
    for n in range(3):
        services.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"Risk {n}",
            probability="high",
            impact="high",
        )
    publish(world, overall="red")
    assert project_health(world.alpha).report.watermelon is None


def test_the_margin_and_thresholds_are_the_projects_own(world, client_for):
    services.risk_create(
        actor=world.manager, project=world.alpha, title="One", probability="high", impact="high"
    )
    publish(world, overall="green")
    assert project_health(world.alpha).report.watermelon is not None  # amber evidence, margin 1
    services.health_config_set(actor=world.manager, project=world.alpha, margin=2)
    assert project_health(world.alpha).report.watermelon is None
    services.health_config_set(
        actor=world.manager, project=world.alpha, margin=1, overrides={"risks_enabled": False}
    )
    risk = {s.code: s for s in project_health(world.alpha).report.evidence.signals}[
        "high-risks-open"
    ]
    assert not risk.measured and "turned off" in risk.message
    with pytest.raises(Exception, match="must not exceed"):
        services.health_config_set(
            actor=world.manager, project=world.alpha, overrides={"risks_amber_count": 9}
        )
    from dataclasses import asdict

    from rapport.status.rules import HealthSettings

    data = {
        k: ("on" if v is True else "" if v is False else str(v))
        for k, v in asdict(HealthSettings()).items()
    }
    page = client_for(world.manager).post(
        "/o/acme/p/ALPHA/status/settings/",
        {**data, "margin": "1", "risks_amber_count": "2", "risks_red_count": "1"},
    )
    assert b"risks_amber_count (2) must not exceed risks_red_count (1)" in page.content
    saved = client_for(world.manager).post(
        "/o/acme/p/ALPHA/status/settings/", {**data, "margin": "2", "risks_red_count": "4"}
    )
    assert saved.status_code == 302
    world.alpha.health_config.refresh_from_db()
    assert world.alpha.health_config.margin == 2 and world.alpha.health_config.overrides == {
        "risks_red_count": 4
    }


def test_the_cli_names_an_unknown_project(db):
    with pytest.raises(CommandError, match="No project with the code NOPE"):
        call_command("status", "health", "--project", "NOPE")


def test_publishing_records_a_snapshot_for_the_history(world):
    with time_machine.travel(TODAY, tick=False):
        publish(world, overall="green")
    snap = world.alpha.evidence_snapshots.get()
    assert snap.reported == "green" and snap.evidence == "" and not snap.watermelon
    assert snap.taken_at == TODAY


def test_the_periodic_run_refreshes_stale_snapshots_only(world):
    from rapport.status.services import snapshots_refresh

    with time_machine.travel(TODAY, tick=False):
        publish(world)
        assert snapshots_refresh() == 1  # OMEGA; ALPHA has one from the publication
        assert snapshots_refresh() == 0
    with time_machine.travel(TODAY + timedelta(hours=7), tick=False):
        assert snapshots_refresh() == 2
