"""Bad estimates get clear errors naming the activity, all of them at once. No database."""

import datetime as dt
import math

import pytest

from rapport.estimates.rules import (
    ActivityEstimate,
    EstimateError,
    Target,
    ThreePoint,
    check_target,
    simulate,
    validate_activities,
    working_days_to_date,
)

ONE_DAY = ThreePoint(1, 1, 1)
FREE = ThreePoint(0, 0, 0)


def activity(aid, name=None, duration=ONE_DAY, cost=FREE, predecessors=()):
    return ActivityEstimate(aid, name or aid, duration, cost, tuple(predecessors))


def problems_of(activities, **settings):
    with pytest.raises(EstimateError) as raised:
        simulate(activities, iterations=100, seed=1, **settings)
    return raised.value.problems


def messages_of(activities, **settings):
    return [p.message for p in problems_of(activities, **settings)]


def test_a_valid_estimate_has_no_findings():
    assert (
        validate_activities([activity("D", "Design"), activity("B", "Build", predecessors=["D"])])
        == []
    )


def test_the_error_is_a_value_error():
    assert issubclass(EstimateError, ValueError)


def test_it_rejects_a_pessimistic_duration_below_the_most_likely():
    bad = activity("B", "Build", duration=ThreePoint(2, 5, 3))
    assert messages_of([bad]) == ["Build: duration pessimistic (3) is less than most likely (5)"]
    assert problems_of([bad])[0].code == "pessimistic-below-most-likely"
    assert problems_of([bad])[0].activity_id == "B"


def test_it_rejects_a_most_likely_cost_below_the_optimistic():
    bad = activity("B", "Build", cost=ThreePoint(500, 400, 900))
    assert messages_of([bad]) == ["Build: cost most likely (400) is less than optimistic (500)"]
    assert problems_of([bad])[0].code == "most-likely-below-optimistic"


def test_it_rejects_negative_durations_and_costs():
    bad = activity("T", "Test", duration=ThreePoint(-1, 2, 3), cost=ThreePoint(-300, -200, -100))
    assert messages_of([bad]) == [
        "Test: duration optimistic is negative (-1)",
        "Test: cost optimistic is negative (-300)",
        "Test: cost most likely is negative (-200)",
        "Test: cost pessimistic is negative (-100)",
    ]
    assert {p.code for p in problems_of([bad])} == {"negative-estimate"}


@pytest.mark.parametrize("value", [math.nan, math.inf, "5", None, True])
def test_it_rejects_values_that_are_not_finite_numbers(value):
    bad = activity("T", "Test", duration=ThreePoint(1, value, 3))
    assert messages_of([bad]) == [
        f"Test: duration most likely must be a finite number, got {value!r}"
    ]


def test_it_rejects_a_dependency_on_an_unknown_activity():
    assert messages_of([activity("B", "Build", predecessors=["D"])]) == [
        "Build: depends on unknown activity 'D'"
    ]


def test_it_rejects_an_activity_that_depends_on_itself():
    problems = problems_of([activity("B", "Build", predecessors=["B"])])
    assert [(p.code, p.message) for p in problems] == [
        ("self-dependency", "Build: depends on itself")
    ]


def test_it_names_the_activities_of_a_dependency_cycle_in_order():
    cycle = [
        activity("D", "Design", predecessors=["T"]),
        activity("B", "Build", predecessors=["D"]),
        activity("T", "Test", predecessors=["B"]),
    ]
    problems = problems_of(cycle)
    assert [p.message for p in problems] == ["dependency cycle: Design → Build → Test → Design"]
    assert problems[0].code == "dependency-cycle"


def test_it_reports_each_separate_cycle_but_not_the_activities_merely_after_one():
    activities = [
        activity("A", "Alpha", predecessors=["B"]),
        activity("B", "Beta", predecessors=["A"]),
        activity("L", "Launch", predecessors=["B", "Y"]),  # blocked by both cycles, in neither
        activity("X", "Xray", predecessors=["Y"]),
        activity("Y", "Yankee", predecessors=["X"]),
    ]
    assert messages_of(activities) == [
        "dependency cycle: Alpha → Beta → Alpha",
        "dependency cycle: Xray → Yankee → Xray",
    ]


def test_it_reports_every_problem_at_once_not_just_the_first():
    activities = [
        activity("D", "Design", duration=ThreePoint(5, 3, 8)),
        activity("B", "Build", cost=ThreePoint(-1, 0, 0), predecessors=["D", "Q"]),
        activity("T", "Test", predecessors=["T", "B"]),
    ]
    problems = problems_of(activities)
    assert [(p.code, p.activity_id) for p in problems] == [
        ("most-likely-below-optimistic", "D"),
        ("negative-estimate", "B"),
        ("unknown-dependency", "B"),
        ("self-dependency", "T"),
    ]
    assert str(EstimateError(problems)).count("\n") == 3


def test_it_rejects_two_activities_with_the_same_id():
    assert messages_of([activity("D", "Design"), activity("D", "Draft")]) == [
        "Draft: id 'D' is already used by Design"
    ]


def test_it_rejects_an_estimate_without_activities():
    assert messages_of([]) == ["the estimate has no activities"]


def test_it_rejects_predecessors_given_as_one_text():
    problems = problems_of([activity("D"), ActivityEstimate("B", "Build", ONE_DAY, FREE, "D")])
    assert [p.code for p in problems] == ["invalid-predecessors"]


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"iterations": 0}, "invalid-iterations"),
        ({"iterations": 10.5}, "invalid-iterations"),
        ({"iterations": 200_000_000}, "too-many-samples"),
        ({"confidence": 1.0}, "invalid-confidence"),
        ({"confidence": 0}, "invalid-confidence"),
        ({"distribution": "normal"}, "invalid-distribution"),
        ({"seed": -1}, "invalid-seed"),
        ({"target": Target(finish_days=-5)}, "invalid-target"),
        ({"target": Target()}, "invalid-target"),
        ({"target": (100, 5000)}, "invalid-target"),
        ({"top": -1}, "invalid-top"),
    ],
)
def test_it_rejects_bad_simulation_settings(settings, code):
    settings = {"iterations": 100, "seed": 1, **settings}
    with pytest.raises(EstimateError) as raised:
        simulate([activity("D", "Design")], **settings)
    assert [p.code for p in raised.value.problems] == [code]


def test_it_reports_bad_settings_together_with_bad_activities():
    bad = activity("B", "Build", duration=ThreePoint(3, 2, 1))
    codes = [p.code for p in problems_of([bad], confidence=2)]
    assert codes == [
        "most-likely-below-optimistic",
        "pessimistic-below-most-likely",
        "invalid-confidence",
    ]


def test_checking_a_result_against_a_malformed_target_is_refused():
    result = simulate([activity("D", "Design")], iterations=100, seed=1)
    with pytest.raises(EstimateError, match="target budget must be a non-negative number"):
        check_target(result, Target(budget=math.nan))
    with pytest.raises(EstimateError, match="a target is needed"):
        check_target(result, None)


def test_a_negative_number_of_working_days_has_no_date():
    with pytest.raises(EstimateError, match="working days must be a non-negative number"):
        working_days_to_date(dt.date(2025, 6, 2), -1)
