"""Every version of the estimate is kept with who, when and why; any two compare; restoring is a
new version, so changing it back is always visible."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.estimates import selectors, services, versions
from rapport.estimates.models import ActivityEstimate, EstimateVersion, SponsorConstraint
from rapport.raci import services as raci
from tests.estimates.factories import activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    """Version 1: Build 5/8/12; 2: the target; 3: Build widened by Mei-like news; 4: Test added."""
    made = activities(world, ["Build", "Test"])
    services.estimate_set(
        actor=world.contributor,
        activity=made["Build"],
        reason="First guess",
        duration=[5, 8, 12],
        cost=[100, 200, 300],
    )
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Sponsor's ask",
        budget=1000,
        finish_date=date(2027, 1, 29),
    )
    services.estimate_set(
        actor=world.manager,
        activity=made["Build"],
        reason="Vendor is late",
        duration=[5, 10, 30],
        cost=[100, 250, 600],
        source="Vendor call",
    )
    services.estimate_set(
        actor=world.contributor,
        activity=made["Test"],
        reason="Test plan ready",
        duration=[2, 3, 4],
        cost=[10, 20, 30],
        predecessors=[made["Build"]],
    )
    return made


def test_each_change_is_a_numbered_version_with_author_time_and_reason(world, history):
    found = list(selectors.version_list(world.alpha))
    assert [(v.number, v.reason, v.author) for v in found] == [
        (4, "Test plan ready", world.contributor),
        (3, "Vendor is late", world.manager),
        (2, "Sponsor's ask", world.manager),
        (1, "First guess", world.contributor),
    ]
    assert found[0].summary == "Test: estimate added, depends on"
    assert found[1].summary == "Build: duration, cost, source"


def test_any_version_compares_with_any_earlier_one(world, history):
    first, third = selectors.version_get(world.alpha, 1), selectors.version_get(world.alpha, 3)
    changes = versions.compare(first.snapshot, third.snapshot)
    assert [c.to_dict() for c in changes] == [
        {
            "subject": "Build",
            "part": "duration (working days)",
            "before": "5 / 8 / 12",
            "after": "5 / 10 / 30",
        },
        {
            "subject": "Build",
            "part": "cost",
            "before": "100 / 200 / 300",
            "after": "100 / 250 / 600",
        },
        {"subject": "Build", "part": "source", "before": None, "after": "Vendor call"},
        {"subject": "sponsor's target", "part": "finish by", "before": None, "after": "2027-01-29"},
        {"subject": "sponsor's target", "part": "budget", "before": None, "after": "1,000"},
    ]


def test_restoring_an_old_version_is_a_new_version_with_its_reason(world, history):
    saved = services.estimate_restore(
        actor=world.manager,
        project=world.alpha,
        version=selectors.version_get(world.alpha, 1),
        reason="Sponsor cut scope",
    )
    v = saved.version
    assert (v.number, v.restored_from.number, v.reason) == (5, 1, "Sponsor cut scope")
    assert v.summary.startswith(
        "Restores version 1: Build: duration, cost, source; Test: estimate removed"
    )
    assert ActivityEstimate.objects.get().duration_text == "5 / 8 / 12"
    assert not SponsorConstraint.objects.exists()
    assert versions.digest(v.snapshot) == versions.digest(
        selectors.version_get(world.alpha, 1).snapshot
    )
    # nothing was lost: versions 2 to 4 are all still there
    assert EstimateVersion.objects.count() == 5


def test_changing_an_estimate_back_by_hand_is_shown_as_a_change_back(world, history):
    services.estimate_set(
        actor=world.manager,
        activity=history["Test"],
        reason="Oops",
        duration=[2, 3, 5],
        cost=[10, 20, 30],
    )
    services.estimate_set(
        actor=world.manager,
        activity=history["Test"],
        reason="Back again",
        duration=[2, 3, 4],
        cost=[10, 20, 30],
    )
    latest = selectors.versions_with_echoes(world.alpha)[0]
    assert (latest.number, latest.same_as) == (6, 4)


def test_restoring_what_is_already_there_is_refused(world, history):
    with pytest.raises(ValidationError, match="already matches version 4"):
        services.estimate_restore(
            actor=world.manager,
            project=world.alpha,
            version=selectors.version_get(world.alpha, 4),
            reason="Same",
        )


def test_restoring_needs_a_reason(world, history):
    with pytest.raises(ValidationError, match="Say why"):
        services.estimate_restore(
            actor=world.manager,
            project=world.alpha,
            version=selectors.version_get(world.alpha, 1),
            reason="",
        )
    assert EstimateVersion.objects.count() == 4


def test_an_activity_deleted_since_is_skipped_and_named(world, history):
    raci.activity_delete(actor=world.manager, activity=history["Test"])
    services.estimate_set(
        actor=world.manager,
        activity=history["Build"],
        reason="Rethink",
        duration=[1, 2, 3],
        cost=[1, 2, 3],
    )
    saved = services.estimate_restore(
        actor=world.manager,
        project=world.alpha,
        version=selectors.version_get(world.alpha, 4),
        reason="Back",
    )
    assert saved.skipped == ("Test",)
    assert ActivityEstimate.objects.get().duration_text == "5 / 10 / 30"


def test_an_old_version_still_reads_right_after_an_activity_is_renamed(world, history):
    raci.activity_update(actor=world.manager, activity=history["Build"], name="Build the CRM")
    services.estimate_set(
        actor=world.manager,
        activity=history["Build"],
        reason="Rename check",
        duration=[5, 10, 31],
        cost=[100, 250, 600],
    )
    changes = versions.compare(
        selectors.version_get(world.alpha, 1).snapshot,
        selectors.version_current(world.alpha).snapshot,
    )
    assert changes[0].subject == "Build the CRM"
    assert selectors.version_get(world.alpha, 1).snapshot["activities"][0]["name"] == "Build"


def test_the_version_number_is_per_project(world, history):
    from rapport.projects import services as projects

    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    other = activities(world, ["Plan"], project=beta)["Plan"]
    saved = services.estimate_set(
        actor=world.manager, activity=other, reason="First", duration=[1, 1, 1], cost=[1, 1, 1]
    )
    assert saved.version.number == 1
