"""The track record follows completed projects and status updates, and calibrates simulations."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.estimates import services
from rapport.estimates.models import CalibrationFit, TrackRecord
from rapport.estimates.track_record import fits_get, track_record_summary
from rapport.projects import services as projects

from .factories import estimated_network, with_start
from .history import completed_project


def four_overrunning_projects(world, overrun=1.4):
    return [
        completed_project(world, f"PAST{n}", overrun=overrun, spent=60000 + 5000 * n, seed=n)
        for n in range(4)
    ]


def test_a_completed_project_records_its_estimate_against_its_outcome(world):
    project = completed_project(world, "PAST", overrun=1.5, spent="70000")
    whole = TrackRecord.objects.get(project=project, activity__isnull=True)
    assert whole.finish_actual == project.actual_days
    # planned along the critical path at most likely values: 8 + 15 + 5 working days
    assert whole.finish_p50 < whole.finish_actual
    assert whole.finish_actual / whole.finish_p50 > 1.2
    assert whole.cost_actual == 70000
    assert whole.version.number == 1
    done = TrackRecord.objects.filter(project=project, activity__isnull=False)
    assert {r.name for r in done} == {"Design", "Build", "Data migration", "Test", "Go-live"}
    build = done.get(name="Build")
    assert build.finish_actual == pytest.approx(15 * 1.5, abs=2)
    assert build.kind == "task"


def test_a_published_status_records_the_activities_finished_so_far(world):
    from rapport.raci import services as raci
    from rapport.status import services as status

    with_start(world)
    made = estimated_network(world)
    raci.activity_update(
        actor=world.manager,
        activity=made["Design"],
        status="done",
        actual_start=date(2026, 1, 5),
        actual_finish=date(2026, 1, 20),
    )
    assert not TrackRecord.objects.filter(project=world.alpha).exists()
    status.status_update_create(
        actor=world.manager,
        project=world.alpha,
        period_start=date(2026, 1, 5),
        period_end=date(2026, 1, 20),
        overall="amber",
        summary="Design late",
        not_going_well="Design took twice as long",
        publish=True,
    )
    records = TrackRecord.objects.filter(project=world.alpha)
    assert [r.name for r in records] == ["Design"]
    assert records[0].finish_actual == 12  # 5 Jan to 20 Jan, Monday to Friday
    assert records[0].estimator_name == "Max Manager"


def test_a_reopened_project_leaves_the_calibration(world):
    past = four_overrunning_projects(world)
    assert fits_get(world.acme).projects == 4
    projects.project_update(actor=world.manager, project=past[0], state="active")
    fits = fits_get(world.acme)
    assert fits.finish is None
    assert "3 completed projects" in fits.refused


def test_a_simulation_with_too_little_history_says_why_it_is_not_calibrated(world):
    completed_project(world, "PAST", overrun=1.3)
    with_start(world)
    estimated_network(world)
    run = services.simulation_run(actor=world.manager, project=world.alpha, seed=3)
    assert run.result["calibrated"] is None
    assert "1 completed project " in run.result["calibration_refused"]
    assert "at least 4" in run.result["calibration_refused"]


def test_the_calibrated_forecast_is_later_by_the_organisations_overrun(world):
    four_overrunning_projects(world, overrun=1.4)
    fit_row = CalibrationFit.objects.get(org=world.acme)
    assert fit_row.projects == 4 and fit_row.activities == 20
    with_start(world)
    estimated_network(world)
    run = services.simulation_run(actor=world.manager, project=world.alpha, seed=3)
    calibrated = run.result["calibrated"]
    plain_p80 = run.result["p80"]["finish"]
    # the past projects ran ~1.4× their most likely path, well past their own P80
    assert calibrated["factor"]["finish"] > 1.1
    assert calibrated["p80"]["finish"] == pytest.approx(
        plain_p80 * calibrated["factor"]["finish"], rel=0.001
    )
    assert calibrated["p80"]["finish"] > plain_p80 * 1.1
    assert calibrated["sample_size"] == 4
    assert calibrated["factor"]["cost"] is not None  # the four published their spend


def test_the_cli_adds_the_calibrated_forecast_to_the_json(world):
    four_overrunning_projects(world)
    with_start(world)
    estimated_network(world)
    out = StringIO()
    call_command(
        "estimate",
        "simulate",
        "--project",
        "acme/ALPHA",
        "--calibrated",
        "--json",
        "--seed",
        "1",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert set(data["calibrated"]) >= {"p50", "p80", "p90", "sample_size", "factor"}
    assert data["calibrated"]["p80"]["finish"] > data["p80"]["finish"]
    assert data["calibrated"]["sample_size"] == 4


def test_the_cli_refuses_a_calibrated_forecast_without_enough_history(world):
    with_start(world)
    estimated_network(world)
    with pytest.raises(CommandError, match="Not enough history to calibrate"):
        call_command(
            "estimate", "simulate", "--project", "acme/ALPHA", "--calibrated", stdout=StringIO()
        )


def test_track_record_cli_prints_the_organisations_figures_as_json(world):
    four_overrunning_projects(world)
    out = StringIO()
    call_command("track-record", "--org", "acme", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["calibration"]["projects"] == 4
    assert sorted(p["project"] for p in data["projects"]) == ["PAST0", "PAST1", "PAST2", "PAST3"]
    assert data["by_estimator"][0]["label"] == "Max Manager"
    assert data["by_estimator"][0]["mean_ratio"] > 1.2


def test_track_record_cli_names_an_unknown_organisation(world):
    with pytest.raises(CommandError, match="No organisation with the slug 'nope'"):
        call_command("track-record", "--org", "nope", stdout=StringIO())


def test_the_track_record_shows_only_projects_the_person_may_see(world):
    four_overrunning_projects(world)
    assert len(track_record_summary(world.owner, world.acme).projects) == 4
    assert track_record_summary(world.member, world.acme).projects == []


def test_the_track_record_page_shows_the_calibration_and_the_charts(
    world, client_for, django_assert_max_num_queries
):
    four_overrunning_projects(world)
    client = client_for(world.owner)
    with django_assert_max_num_queries(14):  # 12 + the benefits table (outcomes, measurements)
        page = client.get("/o/acme/track-record/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Projects here finished within" in html
    assert "Estimate accuracy over time" in html
    assert "Max Manager" in html


def test_the_track_record_page_costs_the_same_queries_with_more_projects(
    world, client_for, django_assert_max_num_queries
):
    four_overrunning_projects(world)
    completed_project(world, "MORE1", overrun=1.1, seed=9)
    completed_project(world, "MORE2", overrun=1.2, seed=10)
    client = client_for(world.owner)
    with django_assert_max_num_queries(14):  # 12 + the benefits table (outcomes, measurements)
        assert client.get("/o/acme/track-record/").status_code == 200


def test_the_estimate_page_shows_the_calibrated_column_and_its_reason(world, client_for):
    four_overrunning_projects(world)
    with_start(world)
    estimated_network(world)
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Sponsor's ask",
        finish_date=date(2026, 2, 27),
        budget=Decimal("50000"),
    )
    services.simulation_run(actor=world.manager, project=world.alpha, seed=2)
    html = client_for(world.manager).get("/o/acme/p/ALPHA/estimates/").content.decode()
    assert "Calibrated on Acme Corp" in html
    assert "projects here finished within" in html
    assert "Calibrated chance" in html


def test_the_api_gives_the_track_record_and_the_calibrated_forecast(world, client_for):
    four_overrunning_projects(world)
    with_start(world)
    estimated_network(world)
    services.simulation_run(actor=world.manager, project=world.alpha, seed=2)
    client = client_for(world.viewer)
    data = client.get(f"/api/v1/projects/{world.alpha.pk}/simulations/latest/calibrated").json()
    assert data["calibrated"]["p80"]["finish"] > data["plain"]["p80"]["finish"]
    assert data["refused"] is None
    owner = client_for(world.owner)
    record = owner.get("/api/v1/orgs/acme/track-record").json()
    assert record["calibration"]["finish"]["sample_size"] == 4
    assert client_for(world.outsider).get("/api/v1/orgs/acme/track-record").status_code == 404


def test_the_sponsors_pdf_gives_the_calibrated_column_and_its_method(world, tmp_path):
    from rapport.estimates.pdf import explanation_pdf

    from .test_explanation_pdf import pdf_text

    four_overrunning_projects(world)
    with_start(world)
    estimated_network(world)
    services.simulation_run(actor=world.manager, project=world.alpha, seed=2)
    text = pdf_text(explanation_pdf(world.alpha), tmp_path)
    assert "Calibrated on our track record" in text
    assert "projects here finished within" in text
    assert "Reference-class forecasting (Flyvbjerg)" in text
