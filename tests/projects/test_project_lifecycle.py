"""The project lifecycle as pure rules: which state may follow which (no database)."""

import pytest

from rapport.projects import rules
from rapport.projects.models import ProjectState

STATES = [s.value for s in ProjectState]


def test_every_state_of_the_model_has_its_rule():
    assert sorted(rules.TRANSITIONS) == sorted(STATES)
    assert all(set(nexts) <= set(STATES) for nexts in rules.TRANSITIONS.values())


def test_a_proposal_is_started_or_cancelled():
    assert set(rules.next_states("proposed")) == {"active", "cancelled"}


def test_an_active_project_pauses_completes_or_is_cancelled():
    assert set(rules.next_states("active")) == {"on_hold", "completed", "cancelled"}


def test_a_project_on_hold_resumes_or_is_cancelled():
    assert set(rules.next_states("on_hold")) == {"active", "cancelled"}


def test_a_completed_project_can_be_reopened_when_the_outcome_is_not_there_yet():
    assert rules.next_states("completed") == ("active",)


def test_a_cancelled_project_can_only_be_proposed_again():
    assert rules.next_states("cancelled") == ("proposed",)


@pytest.mark.parametrize(
    "current, new",
    [
        ("proposed", "completed"),  # nothing was delivered yet
        ("proposed", "on_hold"),
        ("on_hold", "completed"),  # resume first
        ("completed", "cancelled"),
        ("cancelled", "active"),  # propose again first
    ],
)
def test_it_refuses_skipping_a_step(current, new):
    assert not rules.state_change_allowed(current, new)


@pytest.mark.parametrize("state", STATES)
def test_staying_in_the_same_state_is_always_allowed(state):
    assert rules.state_change_allowed(state, state)


@pytest.mark.parametrize("state", STATES)
def test_every_state_can_be_left(state):
    assert rules.next_states(state)


def test_every_state_is_reachable_from_a_proposal():
    reached, frontier = {"proposed"}, ["proposed"]
    while frontier:
        for new in rules.next_states(frontier.pop()):
            if new not in reached:
                reached.add(new)
                frontier.append(new)
    assert reached == set(STATES)


def test_an_unknown_state_has_no_way_out_and_cannot_be_entered():
    assert rules.next_states("archived") == ()
    assert not rules.state_change_allowed("active", "archived")
    assert not rules.state_change_allowed("archived", "active")
