"""Saving one cell re-checks only its activity and its party: the result must be exactly the
findings a full check of the changed matrix gives (codes, messages, subjects and order), for any
matrix and any change, including a change back and a cell left as it was."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.raci.rules import raci_check_rows, raci_recheck_cell

from .test_raci_rules_compact import compact_form, matrices


@st.composite
def matrices_and_a_change(draw):
    activities, parties, assignments, thresholds, outcomes = draw(
        matrices().filter(lambda m: m[0] and m[1])
    )
    activity = draw(st.sampled_from(activities))
    party = draw(st.sampled_from(parties))
    letter = draw(st.sampled_from([None, "R", "A", "C", "I"]))
    return activities, parties, assignments, thresholds, outcomes, activity.id, party.id, letter


def changed(letters: dict, activity_id, party_id, letter) -> dict:
    """The letters after the change, the way the cache builds them: only the one row copied."""
    after = dict(letters)
    row = dict(after.get(activity_id, {}))
    if letter is None:
        row.pop(party_id, None)
    else:
        row[party_id] = letter
    if row:
        after[activity_id] = row
    else:
        after.pop(activity_id, None)
    return after


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices_and_a_change())
def test_rechecking_one_cell_gives_what_a_full_check_gives(case):
    activities, parties, assignments, thresholds, outcomes, activity_id, party_id, letter = case
    rows, columns, letters, outcome_pairs, inputs = compact_form(
        activities, parties, assignments, outcomes
    )
    before = raci_check_rows(rows, columns, letters, thresholds, outcome_pairs, inputs)
    after = changed(letters, activity_id, party_id, letter)

    rechecked = raci_recheck_cell(
        rows, columns, after, before, activity_id, party_id, thresholds, inputs
    )

    assert rechecked == raci_check_rows(rows, columns, after, thresholds, outcome_pairs, inputs)


def test_a_fix_removes_the_finding_and_a_mistake_adds_it_in_place():
    """Readable example: giving the second activity its Accountable removes its error only."""
    from types import SimpleNamespace

    from rapport.raci.rules import Party, Thresholds

    rows = [
        SimpleNamespace(
            id=n,
            name=f"Step {n}",
            kind="task",
            is_open=True,
            signed_off=False,
            accountable_does_work=True,
            outcome_ids=(),
        )
        for n in (1, 2, 3)
    ]
    ann, bob = Party(10, "Ann", is_group=False), Party(11, "Bob", is_group=False)
    letters = {1: {10: "A"}, 3: {11: "A"}}
    thresholds = Thresholds(overload_share=1.0)
    before = raci_check_rows(rows, [ann, bob], letters, thresholds)
    assert [(f.code, f.activity_id) for f in before] == [
        ("no-accountable", 2),
        ("no-responsible", 2),
    ]

    fixed = raci_recheck_cell(
        rows, [ann, bob], {**letters, 2: {10: "A"}}, before, 2, 10, thresholds
    )
    assert fixed == []

    broken = raci_recheck_cell(rows, [ann, bob], {3: {11: "A"}}, before, 1, 10, thresholds)
    # Errors first, then warnings, each in activity order: as a full check gives them.
    assert [(f.code, f.activity_id) for f in broken] == [
        ("no-accountable", 1),
        ("no-accountable", 2),
        ("no-responsible", 1),
        ("no-responsible", 2),
    ]
