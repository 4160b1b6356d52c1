"""The RACI checks on the compact form give exactly the findings of the old object-by-object checks.

Random matrices (activities of every kind and state, people and groups, customers with power and
interest, any letters, recorded inputs, outcomes and thresholds) go through the old
implementation, kept in tests/raci/_old_rules.py as the oracle, and through both entry points of
the new one: codes, severities, messages, subjects and order must all be the same.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.raci.rules import (
    KINDS,
    LETTERS,
    Activity,
    Assignment,
    Outcome,
    Party,
    Thresholds,
    raci_check,
    raci_check_rows,
)

from ._old_rules import old_raci_check

scores = st.none() | st.integers(min_value=1, max_value=5)


@st.composite
def matrices(draw):
    """A random valid matrix: (activities, parties, assignments, thresholds, outcomes)."""
    n_outcomes = draw(st.integers(0, 4))
    outcomes = [Outcome(f"o{k}", f"Outcome {k}") for k in range(n_outcomes)]
    n_parties = draw(st.integers(0, 8))
    parties = [
        Party(
            100 + j,
            # Names may repeat: findings must still tell the parties apart by position.
            draw(st.sampled_from(["Ann", "Bob", "Dev team", f"Party {j}"])),
            is_group=draw(st.booleans()),
            is_customer=draw(st.booleans()),
            power=draw(scores),
            interest=draw(scores),
        )
        for j in range(n_parties)
    ]
    n_activities = draw(st.integers(0, 10))
    activities = []
    for i in range(n_activities):
        status = draw(st.sampled_from(["open", "done", "blocked"]))
        activities.append(
            Activity(
                f"a{i}",
                f"Activity {i}",
                draw(st.sampled_from(KINDS)),
                is_open=status == "open",
                accountable_does_work=draw(st.booleans()),
                outcome_ids=draw(
                    st.lists(st.sampled_from(outcomes), max_size=2, unique=True).map(
                        lambda chosen: tuple(o.id for o in chosen)
                    )
                )
                if outcomes
                else (),
                signed_off=status == "done",
                input_from=draw(st.frozensets(st.sampled_from([p.id for p in parties])))
                if parties
                else frozenset(),
            )
        )
    assignments = []
    if activities and parties:
        cells = draw(
            st.dictionaries(
                st.tuples(st.integers(0, n_activities - 1), st.integers(0, n_parties - 1)),
                # Weighted towards A and C so that two owners and too many Consulted happen.
                st.sampled_from(["A", "A", "C", "C", *LETTERS]),
                max_size=40,
            )
        )
        assignments = [
            Assignment(activities[i].id, parties[j].id, letter) for (i, j), letter in cells.items()
        ]
        assignments = draw(st.permutations(assignments))
    thresholds = Thresholds(
        max_consulted=draw(st.integers(0, 4)),
        overload_share=draw(st.sampled_from([0.1, 0.25, 0.3, 0.5, 1.0])),
        key_level=draw(st.integers(1, 5)),
    )
    return activities, parties, assignments, thresholds, outcomes


def compact_form(activities, parties, assignments, outcomes):
    """The matrix as a loaded one holds it: rows without input_from, letters per activity."""
    rows = [
        SimpleNamespace(
            id=a.id,
            name=a.name,
            kind=a.kind,
            is_open=a.is_open,
            signed_off=a.signed_off,
            accountable_does_work=a.accountable_does_work,
            outcome_ids=a.outcome_ids,
        )
        for a in activities
    ]
    letters: dict = {}
    for cell in assignments:
        letters.setdefault(cell.activity_id, {})[cell.party_id] = cell.letter
    inputs = {a.id: set(a.input_from) for a in activities if a.input_from}
    return rows, parties, letters, [(o.id, o.name) for o in outcomes], inputs


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_the_compact_checks_find_exactly_what_the_old_checks_found(matrix):
    activities, parties, assignments, thresholds, outcomes = matrix
    expected = old_raci_check(activities, parties, assignments, thresholds, outcomes)

    assert raci_check(activities, parties, assignments, thresholds, outcomes) == expected
    rows, columns, letters, outcome_pairs, inputs = compact_form(
        activities, parties, assignments, outcomes
    )
    assert raci_check_rows(rows, columns, letters, thresholds, outcome_pairs, inputs) == expected


def test_the_property_meets_every_finding_code():
    """The generator is rich enough: every code turns up in some generated matrix."""
    seen: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None)
    @given(matrices())
    def collect(matrix):
        seen.update(f.code for f in old_raci_check(*matrix))

    collect()
    assert seen == {
        "no-accountable",
        "multiple-accountable",
        "no-responsible",
        "accountable-is-group",
        "too-many-consulted",
        "signed-off-without-input",
        "overloaded",
        "customer-not-in-raci",
        "key-customer-not-informed",
        "outcome-not-served",
    }


def test_the_compact_form_rejects_letters_that_do_not_describe_the_matrix():
    activity = SimpleNamespace(
        id=1,
        name="Build the order page",
        kind="task",
        is_open=True,
        signed_off=False,
        accountable_does_work=False,
        outcome_ids=(),
    )
    ann = Party(10, "Ann", is_group=False)

    with pytest.raises(ValueError, match="party 99"):
        raci_check_rows([activity], [ann], {1: {99: "R"}})
    with pytest.raises(ValueError, match="activity 7"):
        raci_check_rows([activity], [ann], {7: {10: "R"}})
    with pytest.raises(ValueError, match="Letter 'X'"):
        raci_check_rows([activity], [ann], {1: {10: "X"}})
    with pytest.raises(ValueError, match="Two party entries have the id 10"):
        raci_check_rows([activity], [ann, ann], {})
