"""Recording three-point estimates and dependencies: every change is a version with a reason;
bad input gets clear errors naming the activity and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.estimates import services
from rapport.estimates.models import ActivityEstimate, Dependency, EstimateVersion
from rapport.projects import services as projects
from tests.estimates.factories import activities, estimated_network

pytestmark = pytest.mark.django_db


def set_estimate(
    world, activity, duration=(2, 5, 14), cost=(1000, 1500, 4000), reason="Workshop", **fields
):
    return services.estimate_set(
        actor=world.contributor,
        activity=activity,
        reason=reason,
        duration=list(duration),
        cost=list(cost),
        **fields,
    )


def test_an_estimate_is_saved_with_its_basis_as_version_1(world):
    build = activities(world, ["Build"])["Build"]
    saved = set_estimate(
        world, build, method="analogous", assumptions="Two developers", source="2024 webshop"
    )
    e = ActivityEstimate.objects.get()
    assert e.duration == (Decimal("2"), Decimal("5"), Decimal("14"))
    assert (e.method, e.assumptions, e.source, e.estimated_by) == (
        "analogous",
        "Two developers",
        "2024 webshop",
        world.contributor,
    )
    assert saved.version.number == 1 and saved.version.reason == "Workshop"
    assert saved.version.author == world.contributor
    assert saved.version.summary == "Build: estimate added"


def test_saving_the_same_estimate_again_makes_no_new_version(world):
    build = activities(world, ["Build"])["Build"]
    set_estimate(world, build)
    assert set_estimate(world, build, reason="Again").version is None
    assert EstimateVersion.objects.count() == 1


def test_every_change_needs_a_reason(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        set_estimate(world, build, reason="  ")
    assert error.value.message_dict == {
        "reason": ["Say why the estimate changes: every version keeps its reason."]
    }
    assert not ActivityEstimate.objects.exists() and not EstimateVersion.objects.exists()


def test_a_pessimistic_value_below_the_optimistic_one_is_refused_naming_the_activity(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        set_estimate(world, build, duration=(10, 8, 6))
    assert error.value.message_dict == {
        "duration_most_likely": ["Build: duration most likely (8) is less than optimistic (10)"],
        "duration_pessimistic": ["Build: duration pessimistic (6) is less than most likely (8)"],
    }
    assert not ActivityEstimate.objects.exists()


def test_negative_costs_are_refused_each_on_its_own_field(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        set_estimate(world, build, cost=(-100, 50, 80))
    assert error.value.message_dict == {
        "cost_optimistic": ["Build: cost optimistic is negative (-100)"]
    }


@pytest.mark.parametrize("bad", ["abc", None, "", float("nan"), float("inf"), True])
def test_values_that_are_not_numbers_are_refused(world, bad):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        set_estimate(world, build, duration=(1, bad, 3))
    assert list(error.value.message_dict) == ["duration_most_likely"]
    assert "Build: duration most likely" in error.value.message_dict["duration_most_likely"][0]


def test_a_range_needs_three_values(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(
        ValidationError, match="give the cost as optimistic, most likely, pessimistic"
    ):
        set_estimate(world, build, cost=(1, 2))


def test_a_dependency_cycle_is_refused_naming_its_activities_in_order(world):
    made = estimated_network(world)
    versions_before = EstimateVersion.objects.count()
    with pytest.raises(ValidationError) as error:
        services.dependencies_set(
            actor=world.manager,
            activity=made["Design"],
            predecessors=[made["Test"]],
            reason="Rework loop",
        )
    assert error.value.message_dict == {
        "predecessors": ["dependency cycle: Design → Build → Test → Design"]
    }
    assert not Dependency.objects.filter(successor=made["Design"]).exists()
    assert EstimateVersion.objects.count() == versions_before


def test_an_activity_cannot_depend_on_itself(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        services.dependencies_set(
            actor=world.manager, activity=build, predecessors=[build], reason="x"
        )
    assert error.value.message_dict == {"predecessors": ["Build: depends on itself"]}


def test_a_dependency_on_another_projects_activity_is_refused(world):
    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    theirs = activities(world, ["Their design"], project=beta)["Their design"]
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError) as error:
        set_estimate(world, build, predecessors=[theirs])
    assert error.value.message_dict == {
        "predecessors": ["Their design belongs to another project: dependencies stay within ALPHA."]
    }
    assert not ActivityEstimate.objects.exists() and not Dependency.objects.exists()


def test_the_sheet_saves_several_estimates_as_one_version_or_none_at_all(world):
    made = activities(world, ["Design", "Build"])
    with pytest.raises(ValidationError) as error:
        services.estimates_set_many(
            actor=world.manager,
            project=world.alpha,
            reason="Sheet",
            rows=[
                {"activity": made["Design"], "duration": [1, 2, 3], "cost": [1, 2, 3]},
                {"activity": made["Build"], "duration": [3, 2, 1], "cost": [1, 2, 3]},
            ],
        )
    assert f"{made['Build'].pk}-duration_most_likely" in error.value.message_dict
    assert not ActivityEstimate.objects.exists()
    saved = services.estimates_set_many(
        actor=world.manager,
        project=world.alpha,
        reason="Sheet",
        rows=[{"activity": a, "duration": [1, 2, 3], "cost": [10, 20, 30]} for a in made.values()],
    )
    assert saved.version.number == 1 and ActivityEstimate.objects.count() == 2


def test_removing_an_estimate_is_a_version_too(world):
    build = activities(world, ["Build"])["Build"]
    set_estimate(world, build)
    removed = services.estimate_delete(actor=world.manager, activity=build, reason="Out of scope")
    assert removed.version.number == 2 and removed.version.summary == "Build: estimate removed"
    with pytest.raises(ValidationError, match="has no estimate to remove"):
        services.estimate_delete(actor=world.manager, activity=build, reason="again")


def test_the_person_who_estimated_must_be_on_the_project(world):
    build = activities(world, ["Build"])["Build"]
    with pytest.raises(ValidationError, match="Mona Member has no role on ALPHA"):
        set_estimate(world, build, estimated_by=world.member)
