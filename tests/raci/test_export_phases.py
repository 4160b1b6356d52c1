"""RACI exports keep the phases: a Phase column in both layouts, read back on import, so a round
trip through a spreadsheet loses nothing."""

import csv
import io

import openpyxl
import pytest

from rapport.raci import importing, services
from rapport.raci.models import Activity, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def phased(world, small):
    """Build the portal and Go-live decision in Build; Train users in Rollout; one without."""
    a, p = small["activities"], small["parties"]
    rollout = services.phase_create(actor=world.manager, project=world.alpha, name="Rollout")
    services.activity_update(actor=world.manager, activity=a["train"], phase=rollout)
    services.activity_create(actor=world.manager, project=world.alpha, name="Celebrate")
    services.raci_assign_many(
        actor=world.manager,
        project=world.alpha,
        cells=[(a["build"], p["ann"], "A"), (a["train"], p["bob"], "R")],
    )
    return small


def phases_now(project):
    return {a.name: (a.phase.name if a.phase else "") for a in project.activities.all()}


@pytest.mark.parametrize("layout", ["grid", "list"])
def test_each_layout_writes_the_phase_beside_the_activity(world, phased, layout):
    content, _, _ = importing.export_file(world.alpha, fmt="csv", layout=layout)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Activity", "Phase"]
    assert {row[0]: row[1] for row in rows[1:]} == {
        "Build the portal": "Build",
        "Go-live decision": "Build",
        "Train users": "Rollout",
        "Celebrate": "",
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", ["grid", "list"])
def test_a_round_trip_through_a_spreadsheet_restores_lost_phases(world, phased, fmt, layout):
    before = phases_now(world.alpha)
    content, _, _ = importing.export_file(world.alpha, fmt=fmt, layout=layout)
    # Someone reshuffles the plan in Rapport after exporting: the file puts it back.
    Activity.objects.filter(project=world.alpha).update(phase=None)
    Phase.objects.filter(project=world.alpha, name="Rollout").delete()

    plan = importing.plan_import(project=world.alpha, content=content)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert plan.summary()["new_phases"] == ["Rollout"]
    importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    assert phases_now(world.alpha) == before


def test_a_grid_without_a_phase_column_leaves_the_phases_alone(world, phased):
    before = phases_now(world.alpha)
    content = b"Activity,Ann Lee\nTrain users,A\n"
    plan = importing.plan_import(project=world.alpha, content=content)
    importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    assert phases_now(world.alpha) == before


def test_a_list_file_moves_an_activity_to_another_phase_and_creates_new_ones(world, phased):
    wb = openpyxl.Workbook()
    wb.active.append(["Activity", "Responsible", "Accountable", "Consulted", "Informed", "Phase"])
    wb.active.append(["Build the portal", "Bob Ng", "Ann Lee", "", "", "rollout"])
    wb.active.append(["Write the manual", "Bob Ng", "Ann Lee", "", "", "Documentation"])
    out = io.BytesIO()
    wb.save(out)
    plan = importing.plan_import(project=world.alpha, content=out.getvalue())
    assert plan.is_valid and plan.summary()["new_phases"] == ["Documentation"]
    importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    now = phases_now(world.alpha)
    assert now["Build the portal"] == "Rollout"  # matched whatever the case
    assert now["Write the manual"] == "Documentation"
    assert now["Go-live decision"] == "Build"  # not in the file: untouched


def test_a_phase_name_too_long_is_a_problem_on_its_row_and_nothing_changes(world, phased):
    before = phases_now(world.alpha)
    content = ("Activity,Phase,Ann Lee\nBuild the portal," + "x" * 201 + ",A\n").encode()
    plan = importing.plan_import(project=world.alpha, content=content)
    assert [p.row for p in plan.problems] == [2]
    assert "at most 200" in plan.problems[0].message
    with pytest.raises(importing.ImportRefused):
        importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    assert phases_now(world.alpha) == before
