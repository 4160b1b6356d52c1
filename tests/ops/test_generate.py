"""`rapport generate`: a company-sized workspace, made in bulk, the same for the same seed."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from rapport.ops.generate import generate
from rapport.projects.models import Project, ProjectState
from rapport.raci.models import Activity, Assignment
from rapport.stakeholders.models import Party, ProjectStakeholder
from rapport.status.models import EvidenceSnapshot, StatusUpdate

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def small(slug: str, seed: int = 7):
    return generate(org_slug=slug, projects=40, parties=300, cells=2000, seed=seed, today=TODAY)


def test_it_fills_an_organisation_with_every_kind_of_thing_a_company_has():
    made = small("big")
    projects = Project.objects.filter(org__slug="big")
    assert projects.count() == 40
    assert set(projects.values_list("state", flat=True)) == set(ProjectState.values)
    assert Party.objects.filter(org__slug="big").count() == 300
    assert Assignment.objects.filter(activity__project__org__slug="big").count() == 2000
    for label in (
        "phases",
        "activities",
        "estimates",
        "project stakeholders",
        "status updates",
        "evidence snapshots",
        "plan rows",
        "deliveries",
        "promises",
        "audit entries",
    ):
        assert made.counts[label] > 0, label
    assert StatusUpdate.objects.filter(project__org__slug="big", state="published").exists()
    assert EvidenceSnapshot.objects.filter(project__org__slug="big", watermelon=True).exists()


def test_every_activity_with_letters_has_exactly_one_accountable_on_the_project():
    small("big")
    letters = Assignment.objects.filter(activity__project__org__slug="big")
    accountable = Counter(letters.filter(letter="A").values_list("activity_id", flat=True))
    assert set(accountable.values()) == {1}
    assert set(accountable) == set(letters.values_list("activity_id", flat=True))
    on_project = set(
        ProjectStakeholder.objects.filter(project__org__slug="big").values_list(
            "project_id", "party_id"
        )
    )
    assert set(letters.values_list("activity__project_id", "party_id")) <= on_project


def test_the_same_seed_gives_the_same_workspace_and_another_seed_another():
    def shape(slug):
        return (
            list(Party.objects.filter(org__slug=slug).order_by("pk").values_list("name", "kind")),
            list(
                Activity.objects.filter(project__org__slug=slug)
                .order_by("pk")
                .values_list("project__code", "name", "planned_finish", "status")
            ),
            list(
                Assignment.objects.filter(activity__project__org__slug=slug)
                .order_by("pk")
                .values_list("activity__name", "party__name", "letter")
            ),
        )

    small("one", seed=3)
    small("two", seed=3)
    small("three", seed=4)
    assert shape("one") == shape("two")
    assert shape("one") != shape("three")


def test_it_refuses_to_generate_into_an_organisation_that_has_projects(world):
    with pytest.raises(CommandError, match="has projects or parties already"):
        call_command("generate", "--org", "acme", "--projects", "2", "--parties", "5")
    assert Project.objects.filter(org=world.acme).count() == 1


def test_the_command_says_what_it_made_and_how_to_sign_in(capsys):
    call_command(
        "generate",
        "--org",
        "trial",
        "--projects",
        "5",
        "--parties",
        "30",
        "--cells",
        "100",
        "--seed",
        "2",
        "--today",
        "2026-06-01",
    )
    out = capsys.readouterr().out
    assert "100 RACI cells" in out and "5 projects" in out
    assert "Sign in as owner@trial.example" in out
