"""RACI checks (rapport.raci.rules.raci_check): pure logic, no database."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.raci.rules import (
    CODES,
    KEY_KINDS,
    KINDS,
    LETTERS,
    Activity,
    Assignment,
    Finding,
    Outcome,
    Party,
    Thresholds,
    raci_check,
)

# -- a small project that is right: every check passes -----------------------------------------

ANN = Party("ann", "Ann Lee", is_group=False)  # project manager
BOB = Party("bob", "Bob Ng", is_group=False)  # developer
CARL = Party("carl", "Carl Diaz", is_group=False)  # analyst
DEV = Party("dev", "Dev team", is_group=True)  # the team as a group
SPONSOR = Party("spo", "Sue Sponsor", is_group=False, is_customer=True, power=5, interest=4)
USERS = Party("usr", "End users", is_group=True, is_customer=True, power=2, interest=3)
DANA = Party("dana", "Dana Ruiz", is_group=False)  # new team member, in no cell yet
PARTIES = (ANN, BOB, CARL, DEV, SPONSOR, USERS, DANA)

FASTER = Outcome("o1", "Orders ship in one day")
CHEAPER = Outcome("o2", "Cost per order below 2 EUR")
OUTCOMES = (FASTER, CHEAPER)

BUILD = Activity("a1", "Build the order page", "task", is_open=True, outcome_ids=("o1",))
TEST = Activity("a2", "Test the order page", "task", is_open=True, outcome_ids=("o1", "o2"))
GO_LIVE = Activity("a3", "Go-live decision", "decision", is_open=True)
HANDOVER = Activity("a4", "Handover", "milestone", is_open=True)
ACTIVITIES = (BUILD, TEST, GO_LIVE, HANDOVER)

# Each person owns one of the four open activities (25%, under the 30% overload share); the Dev
# team does the work everywhere, which is fine for a group.
GOOD = (
    Assignment("a1", "ann", "A"),
    Assignment("a1", "dev", "R"),
    Assignment("a1", "carl", "C"),
    Assignment("a2", "bob", "A"),
    Assignment("a2", "dev", "R"),
    Assignment("a2", "usr", "C"),
    Assignment("a3", "spo", "A"),
    Assignment("a3", "dev", "R"),
    Assignment("a3", "ann", "C"),
    Assignment("a3", "usr", "I"),
    Assignment("a4", "carl", "A"),
    Assignment("a4", "dev", "R"),
    Assignment("a4", "spo", "I"),
)


DEFAULTS = Thresholds()


def check(
    activities=ACTIVITIES,
    parties=PARTIES,
    assignments=GOOD,
    thresholds=DEFAULTS,
    outcomes=OUTCOMES,
):
    return raci_check(activities, parties, assignments, thresholds, outcomes)


def codes(findings):
    return [finding.code for finding in findings]


def replace(assignments, activity_id, party_id, letter=None):
    """The matrix with one cell changed (letter None empties it)."""
    kept = [a for a in assignments if (a.activity_id, a.party_id) != (activity_id, party_id)]
    if letter is not None:
        kept.append(Assignment(activity_id, party_id, letter))
    return kept


def test_a_right_matrix_has_no_findings():
    assert check() == []


# -- no-accountable -------------------------------------------------------------------------


def test_it_flags_an_activity_with_nobody_accountable():
    findings = check(assignments=replace(GOOD, "a1", "ann"))
    assert codes(findings) == ["no-accountable"]
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.activity_id == "a1"
    assert "Build the order page" in finding.message


def test_it_flags_an_activity_with_no_letters_at_all():
    extra = Activity("a9", "Write the manual", "deliverable", is_open=False)
    assert codes(check(activities=(*ACTIVITIES, extra))) == ["no-accountable", "no-responsible"]


def test_it_does_not_flag_no_accountable_when_each_activity_has_one():
    assert "no-accountable" not in codes(check())


# -- multiple-accountable -------------------------------------------------------------------


def test_it_flags_two_accountables():
    findings = check(assignments=replace(GOOD, "a1", "dana", "A"))
    assert codes(findings) == ["multiple-accountable"]
    assert findings[0].severity == "error"
    assert findings[0].message.startswith(
        "'Build the order page' has 2 Accountable (Ann Lee and Dana Ruiz)"
    )


def test_it_names_three_accountables_in_column_order_whatever_the_cell_order():
    cells = replace(replace(GOOD, "a1", "dana", "A"), "a1", "carl", "A")
    messages = {check(assignments=order)[0].message for order in (cells, list(reversed(cells)))}
    assert len(messages) == 1
    assert "(Ann Lee, Carl Diaz and Dana Ruiz)" in messages.pop()


def test_it_does_not_flag_multiple_accountable_when_there_is_exactly_one():
    assert "multiple-accountable" not in codes(check())


# -- no-responsible -------------------------------------------------------------------------


def test_it_warns_when_nobody_is_responsible():
    findings = check(assignments=replace(GOOD, "a1", "dev"))
    assert codes(findings) == ["no-responsible"]
    assert findings[0].severity == "warning"
    assert findings[0].activity_id == "a1"


def test_it_accepts_no_responsible_when_the_accountable_does_the_work():
    build = dataclasses.replace(BUILD, accountable_does_work=True)
    activities = (build, TEST, GO_LIVE, HANDOVER)
    assert check(activities=activities, assignments=replace(GOOD, "a1", "dev")) == []


def test_the_accountable_does_the_work_flag_does_not_excuse_a_missing_accountable():
    build = dataclasses.replace(BUILD, accountable_does_work=True)
    cells = replace(replace(GOOD, "a1", "dev"), "a1", "ann")
    findings = check(activities=(build, TEST, GO_LIVE, HANDOVER), assignments=cells)
    assert codes(findings) == ["no-accountable", "no-responsible"]


def test_it_does_not_flag_no_responsible_when_someone_is_responsible():
    assert "no-responsible" not in codes(check())


# -- accountable-is-group -------------------------------------------------------------------


def test_it_warns_when_a_group_is_accountable():
    cells = replace(replace(GOOD, "a4", "carl", "R"), "a4", "dev", "A")
    findings = check(assignments=cells)
    assert codes(findings) == ["accountable-is-group"]
    finding = findings[0]
    assert (finding.activity_id, finding.party_id) == ("a4", "dev")
    assert "'Dev team' is Accountable for 'Handover'" in finding.message


def test_it_does_not_flag_a_group_that_is_only_responsible():
    assert "accountable-is-group" not in codes(check())  # Dev team is R on Handover


# -- too-many-consulted ---------------------------------------------------------------------


def test_it_warns_when_too_many_are_consulted():
    cells = [*GOOD, Assignment("a3", "bob", "C"), Assignment("a3", "carl", "C")]
    findings = check(assignments=cells, thresholds=Thresholds(max_consulted=2))
    assert codes(findings) == ["too-many-consulted"]
    assert findings[0].activity_id == "a3"
    assert "3 parties Consulted, more than the limit of 2" in findings[0].message


def test_it_accepts_exactly_the_maximum_consulted():
    cells = [*GOOD, Assignment("a3", "bob", "C")]
    assert check(assignments=cells, thresholds=Thresholds(max_consulted=2)) == []


# -- overloaded -----------------------------------------------------------------------------


def test_it_warns_when_one_person_carries_too_much_of_the_open_work():
    # Carl also does the work on Test and Go-live: with Handover, 3 of the 4 open activities.
    cells = [*GOOD, Assignment("a2", "carl", "R"), Assignment("a3", "carl", "R")]
    findings = check(assignments=cells)
    assert codes(findings) == ["overloaded"]
    finding = findings[0]
    assert finding.party_id == "carl"
    assert finding.activity_id is None
    assert "'Carl Diaz' is Responsible or Accountable for 3 of the 4 open activities (75%)" in (
        finding.message
    )
    assert "30% limit" in finding.message


def test_a_higher_overload_share_tolerates_more_work():
    cells = [*GOOD, Assignment("a2", "carl", "R"), Assignment("a3", "carl", "R")]
    assert check(assignments=cells, thresholds=Thresholds(overload_share=0.75)) == []


def test_it_counts_only_open_activities_for_overload():
    closed = [dataclasses.replace(a, is_open=a.id == "a1") for a in ACTIVITIES]
    findings = check(activities=closed)
    # One open activity (Build): Ann (A) carries all of it; the others own only closed ones.
    assert [(f.code, f.party_id) for f in findings] == [("overloaded", "ann")]
    assert "1 of the 1 open activities (100%)" in findings[0].message


def test_it_never_calls_a_group_overloaded():
    assert check() == []  # the Dev team is Responsible for every open activity


def test_it_does_not_flag_overload_when_nothing_is_open():
    closed = [dataclasses.replace(a, is_open=False) for a in ACTIVITIES]
    assert check(activities=closed, thresholds=Thresholds(overload_share=0.01)) == []


def test_it_does_not_flag_overload_under_the_share():
    assert "overloaded" not in codes(check())  # each person owns 1 of 4 open activities: 25%


# -- customer-not-in-raci -------------------------------------------------------------------


def test_it_warns_about_a_customer_missing_from_the_matrix():
    regulator = Party("reg", "Regulator", is_group=True, is_customer=True)
    findings = check(parties=(*PARTIES, regulator))
    assert codes(findings) == ["customer-not-in-raci"]
    assert findings[0].party_id == "reg"
    assert "Customer 'Regulator' appears nowhere in the RACI" in findings[0].message


def test_it_does_not_ask_for_team_members_outside_the_matrix():
    bystander = Party("x", "Xavier", is_group=False)
    assert check(parties=(*PARTIES, bystander)) == []


def test_it_does_not_flag_a_customer_who_appears_anywhere():
    assert "customer-not-in-raci" not in codes(check())  # End users are C on Test and I on Go-live


# -- key-customer-not-informed --------------------------------------------------------------


def test_it_warns_when_a_key_customer_hears_of_no_milestone_or_decision():
    # Dana owns Go-live instead of Sue, and Sue hears about the build instead of the handover.
    cells = replace(replace(GOOD, "a3", "spo"), "a3", "dana", "A")
    cells = replace(replace(cells, "a4", "spo"), "a1", "spo", "I")
    findings = check(assignments=cells)
    assert codes(findings) == ["key-customer-not-informed"]
    assert findings[0].party_id == "spo"
    assert "Key customer 'Sue Sponsor' (power 5, interest 4)" in findings[0].message


def test_a_key_customer_missing_from_the_matrix_gets_both_customer_warnings():
    board = Party("brd", "Board", is_group=True, is_customer=True, interest=4)
    findings = check(parties=(*PARTIES, board))
    assert codes(findings) == ["customer-not-in-raci", "key-customer-not-informed"]


def test_it_says_so_when_the_plan_has_no_milestone_or_decision():
    tasks = [dataclasses.replace(a, kind="task") for a in ACTIVITIES]
    findings = [f for f in check(activities=tasks) if f.party_id == "spo"]
    assert codes(findings) == ["key-customer-not-informed"]
    assert "no milestones or decisions yet" in findings[0].message


def test_it_does_not_flag_a_customer_below_the_key_level():
    # End users (power 2, interest 3) lose their I on Go-live: on no milestone or decision now.
    cells = replace(GOOD, "a3", "usr")
    assert "key-customer-not-informed" not in codes(check(assignments=cells))


def test_a_lower_key_level_makes_more_customers_key():
    cells = replace(GOOD, "a3", "usr")
    findings = check(assignments=cells, thresholds=Thresholds(key_level=3))
    assert [(f.code, f.party_id) for f in findings] == [("key-customer-not-informed", "usr")]


def test_an_informed_key_customer_is_not_flagged():
    assert "key-customer-not-informed" not in codes(check())  # Sue is A on Go-live, I on Handover


@pytest.mark.parametrize("letter", ["C", "I", "A", "R"])
def test_any_letter_on_a_milestone_keeps_a_key_customer_informed(letter):
    cells = replace(replace(GOOD, "a3", "spo"), "a3", "dana", "A")
    cells = replace(cells, "a4", "spo", letter)
    assert "key-customer-not-informed" not in codes(check(assignments=cells))


# -- outcome-not-served ---------------------------------------------------------------------


def test_it_warns_about_an_outcome_no_activity_serves():
    greener = Outcome("o3", "Half the packaging")
    findings = check(outcomes=(*OUTCOMES, greener))
    assert codes(findings) == ["outcome-not-served"]
    assert findings[0].outcome_id == "o3"
    assert findings[0].activity_id is None and findings[0].party_id is None
    assert "'Half the packaging'" in findings[0].message


def test_it_does_not_flag_outcomes_that_are_served():
    assert "outcome-not-served" not in codes(check())


def test_it_skips_the_outcome_check_when_no_outcomes_are_given():
    assert check(outcomes=()) == []


# -- findings as data -----------------------------------------------------------------------


def test_a_finding_turns_into_a_dict_with_names():
    finding = check(assignments=replace(GOOD, "a4", "dev"))[0]
    assert finding.to_dict() == {
        "code": "no-responsible",
        "severity": "warning",
        "activity": "Handover",
        "party": None,
        "message": finding.message,
    }
    group = Finding(
        "accountable-is-group",
        "warning",
        "m",
        activity_id="a4",
        party_id="dev",
        activity_name="Handover",
        party_name="Dev team",
    )
    assert (group.to_dict()["activity"], group.to_dict()["party"]) == ("Handover", "Dev team")


def test_findings_come_errors_first_then_in_activity_then_party_order():
    cells = [a for a in GOOD if a.activity_id != "a3"]  # Go-live: no A, no R
    cells = replace(cells, "a1", "dana", "A")  # Build: two A
    regulator = Party("reg", "Regulator", is_group=True, is_customer=True)
    findings = check(parties=(*PARTIES, regulator), assignments=cells)
    assert [(f.severity, f.code, f.activity_id, f.party_id) for f in findings] == [
        ("error", "multiple-accountable", "a1", None),
        ("error", "no-accountable", "a3", None),
        ("warning", "no-responsible", "a3", None),
        ("warning", "customer-not-in-raci", None, "reg"),
    ]


def test_it_accepts_any_iterables_including_generators():
    assert (
        raci_check(iter(ACTIVITIES), iter(PARTIES), (a for a in GOOD), Thresholds(), iter(OUTCOMES))
        == []
    )


# -- bad input ------------------------------------------------------------------------------


def test_it_rejects_an_assignment_to_an_unknown_activity():
    with pytest.raises(ValueError, match="activity 'zz'"):
        check(assignments=[*GOOD, Assignment("zz", "ann", "R")])


def test_it_rejects_an_assignment_to_an_unknown_party():
    with pytest.raises(ValueError, match="party 'nobody'"):
        check(assignments=[*GOOD, Assignment("a1", "nobody", "R")])


@pytest.mark.parametrize("letter", ["X", "r", "", "RA", None])
def test_it_rejects_a_letter_that_is_not_r_a_c_or_i(letter):
    with pytest.raises(ValueError, match="is not one of R, A, C, I"):
        Assignment("a1", "ann", letter)


def test_raci_check_itself_rejects_a_bad_letter_from_a_look_alike_object():
    @dataclasses.dataclass
    class Cell:  # what a caller passing its own row objects might hand over
        activity_id: str
        party_id: str
        letter: str

    with pytest.raises(ValueError, match="Letter 'X' for 'Bob Ng' on 'Build the order page'"):
        check(assignments=[*GOOD, Cell("a1", "bob", "X")])


def test_it_rejects_one_cell_with_two_letters():
    with pytest.raises(
        ValueError, match="'Dev team' is given both R and C on 'Build the order page'"
    ):
        check(assignments=[*GOOD, Assignment("a1", "dev", "C")])


def test_the_same_cell_given_twice_with_one_letter_counts_once():
    assert check(assignments=[*GOOD, *GOOD]) == check()


def test_it_rejects_two_activities_or_parties_with_one_id():
    with pytest.raises(ValueError, match="Two activity entries have the id 'a1'"):
        check(activities=(*ACTIVITIES, dataclasses.replace(BUILD, name="Copy")))
    with pytest.raises(ValueError, match="Two party entries have the id 'ann'"):
        check(parties=(*PARTIES, ANN))


def test_it_rejects_an_activity_serving_an_unknown_outcome():
    stray = dataclasses.replace(HANDOVER, outcome_ids=("o9",))
    with pytest.raises(ValueError, match="outcome 'o9'"):
        check(activities=(BUILD, TEST, GO_LIVE, stray))


def test_it_rejects_an_unknown_kind_and_scores_off_the_scale():
    with pytest.raises(ValueError, match="kind 'epic'"):
        Activity("a", "Epic", "epic", is_open=True)
    with pytest.raises(ValueError, match="power 6"):
        Party("p", "Pat", is_group=False, power=6)


@pytest.mark.parametrize(
    "bad",
    [{"max_consulted": -1}, {"overload_share": 0}, {"overload_share": 1.5}, {"key_level": 0}],
)
def test_it_rejects_thresholds_that_make_no_sense(bad):
    with pytest.raises(ValueError):
        Thresholds(**bad)


# -- properties -----------------------------------------------------------------------------


@st.composite
def matrices(draw, one_accountable_each=False):
    """A random project: activities, parties, outcomes and a matrix of at most one letter a cell."""
    n_activities = draw(st.integers(1, 8))
    n_parties = draw(st.integers(1, 7))
    outcomes = [Outcome(f"o{i}", f"Outcome {i}") for i in range(draw(st.integers(0, 3)))]
    activities = [
        Activity(
            f"a{i}",
            f"Activity {i}",
            draw(st.sampled_from(KINDS)),
            is_open=draw(st.booleans()),
            accountable_does_work=draw(st.booleans()),
            outcome_ids=tuple(
                draw(st.lists(st.sampled_from([o.id for o in outcomes]), max_size=2))
                if outcomes
                else ()
            ),
        )
        for i in range(n_activities)
    ]
    score = st.none() | st.integers(1, 5)
    parties = [
        Party(
            f"p{j}",
            f"Party {j}",
            is_group=draw(st.booleans()),
            is_customer=draw(st.booleans()),
            power=draw(score),
            interest=draw(score),
        )
        for j in range(n_parties)
    ]
    cells = draw(
        st.dictionaries(
            st.tuples(st.integers(0, n_activities - 1), st.integers(0, n_parties - 1)),
            st.sampled_from(LETTERS),
        )
    )
    if one_accountable_each:
        cells = {cell: letter for cell, letter in cells.items() if letter != "A"}
        for i in range(n_activities):
            cells[(i, draw(st.integers(0, n_parties - 1)))] = "A"
    assignments = [Assignment(f"a{i}", f"p{j}", letter) for (i, j), letter in cells.items()]
    thresholds = Thresholds(
        max_consulted=draw(st.integers(0, 4)),
        overload_share=draw(st.sampled_from([0.1, 0.3, 0.5, 1.0])),
        key_level=draw(st.integers(1, 5)),
    )
    return activities, parties, assignments, thresholds, outcomes


def reference(activities, parties, assignments, thresholds, outcomes):
    """The checks written the slow, obvious way (activities x parties), to compare against."""
    letter = {(a.activity_id, a.party_id): a.letter for a in assignments}
    found = set()
    open_ids = [a.id for a in activities if a.is_open]
    for activity in activities:
        owners = [p for p in parties if letter.get((activity.id, p.id)) == "A"]
        doers = [p for p in parties if letter.get((activity.id, p.id)) == "R"]
        consulted = [p for p in parties if letter.get((activity.id, p.id)) == "C"]
        if not owners:
            found.add(("no-accountable", activity.id, None))
        if len(owners) > 1:
            found.add(("multiple-accountable", activity.id, None))
        if not doers and not (owners and activity.accountable_does_work):
            found.add(("no-responsible", activity.id, None))
        for owner in owners:
            if owner.is_group:
                found.add(("accountable-is-group", activity.id, owner.id))
        if len(consulted) > thresholds.max_consulted:
            found.add(("too-many-consulted", activity.id, None))
    for party in parties:
        load = sum(1 for a in open_ids if letter.get((a, party.id)) in ("R", "A"))
        if open_ids and not party.is_group and load / len(open_ids) > thresholds.overload_share:
            found.add(("overloaded", None, party.id))
        if party.is_customer:
            if not any((a.id, party.id) in letter for a in activities):
                found.add(("customer-not-in-raci", None, party.id))
            key = any(
                s is not None and s >= thresholds.key_level for s in (party.power, party.interest)
            )
            informed = any((a.id, party.id) in letter for a in activities if a.kind in KEY_KINDS)
            if key and not informed:
                found.add(("key-customer-not-informed", None, party.id))
    for outcome in outcomes:
        if not any(outcome.id in a.outcome_ids for a in activities):
            found.add(("outcome-not-served", None, outcome.id))
    return found


def as_set(findings):
    return {
        (f.code, f.activity_id, f.party_id if f.code != "outcome-not-served" else f.outcome_id)
        for f in findings
    }


@settings(max_examples=200)
@given(matrices())
def test_it_agrees_with_the_obvious_slow_implementation(matrix):
    findings = raci_check(*matrix)
    assert as_set(findings) == reference(*matrix)
    assert len(findings) == len(as_set(findings))  # no finding twice


@given(matrices(), st.data())
def test_findings_are_the_same_whatever_the_order_of_assignments(matrix, data):
    activities, parties, assignments, thresholds, outcomes = matrix
    shuffled = data.draw(st.permutations(assignments))
    repeated = data.draw(st.lists(st.sampled_from(assignments), max_size=5)) if assignments else []
    expected = raci_check(activities, parties, assignments, thresholds, outcomes)
    assert raci_check(activities, parties, shuffled + repeated, thresholds, outcomes) == expected


@given(matrices(one_accountable_each=True))
def test_exactly_one_accountable_per_activity_never_yields_accountable_errors(matrix):
    found = codes(raci_check(*matrix))
    assert "no-accountable" not in found
    assert "multiple-accountable" not in found


@given(matrices())
def test_findings_are_sorted_errors_first_and_use_only_the_stable_codes(matrix):
    findings = raci_check(*matrix)
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
    assert set(codes(findings)) <= set(CODES)
    activities = matrix[0]
    positions = [
        [a.id for a in activities].index(f.activity_id)
        for f in findings
        if f.severity == "warning" and f.activity_id is not None
    ]
    assert positions == sorted(positions)
    for finding in findings:
        assert finding.message
        assert set(finding.to_dict()) == {"code", "severity", "activity", "party", "message"}
