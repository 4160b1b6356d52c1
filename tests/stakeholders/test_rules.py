"""The pure rules: no database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.stakeholders import rules
from rapport.stakeholders.rules import CriterionFacts, OutcomeFacts, StakeholderFacts


@pytest.mark.parametrize(
    "power, interest, strategy",
    [
        (5, 5, "Manage closely"),
        (4, 1, "Keep satisfied"),
        (1, 4, "Keep informed"),
        (2, 2, "Monitor"),
        (3, 3, "Manage closely"),
        (None, 3, "Not assessed"),
    ],
)
def test_each_quadrant_has_its_strategy(power, interest, strategy):
    assert rules.quadrant_strategy(power, interest) == strategy


def test_the_engagement_gap_counts_steps_up_to_what_is_needed():
    assert rules.engagement_gap("resistant", "supportive") == 2
    assert rules.engagement_gap("leading", "neutral") == -2
    assert rules.engagement_gap("", "neutral") is None


def test_a_project_without_sponsor_or_customer_is_told_so():
    codes = {f.code for f in rules.register_findings([StakeholderFacts(1, "Ada")])}
    assert {"no-sponsor", "no-customer", "not-assessed"} <= codes


def test_a_nervous_stakeholder_and_an_engagement_gap_are_findings():
    found = rules.register_findings(
        [
            StakeholderFacts(
                1,
                "Lars",
                roles=["sponsor"],
                is_customer=True,
                power=3,
                interest=5,
                nervous=True,
                concerns="Activity tracking",
                engagement_now="resistant",
                engagement_needed="supportive",
            )
        ]
    )
    messages = {f.code: f.message for f in found}
    assert messages["nervous-stakeholder"] == "Lars is nervous: Activity tracking"
    assert "2 steps" in messages["engagement-gap"]


def test_a_powerful_blocker_is_a_warning():
    found = rules.register_findings(
        [StakeholderFacts(1, "Vendor", power=4, interest=2, attitude="blocker")]
    )
    assert any(f.code == "powerful-blocker" and f.severity == "warning" for f in found)


def test_an_empty_register_says_where_to_start():
    assert [f.code for f in rules.register_findings([])] == ["no-stakeholders"]


def test_identification_prompts_leave_out_represented_and_not_applicable_categories():
    categories = [
        (1, "Sponsor", ""),
        (2, "Union", ""),
        (3, "Government/regulator", ""),
        (4, "Community", ""),
    ]
    prompts = rules.identification_prompts(categories, represented=[1], not_applicable=[4])
    assert [p.name for p in prompts] == ["Union", "Government/regulator"]
    assert (
        rules.prompt_message(prompts)
        == "No union or government/regulator stakeholder recorded — none affected?"
    )


def test_the_prompt_message_lists_three_names_then_counts():
    prompts = [rules.Prompt(i, f"Kind {i}", "") for i in range(6)]
    assert "or 3 other kinds of stakeholder" in rules.prompt_message(prompts)
    assert rules.prompt_message([]) == ""


def test_value_findings_name_goals_customers_and_criteria_that_do_not_line_up():
    found = rules.value_findings(
        goals=[(10, "Faster sales"), (11, "Retire the old system")],
        customers=[(1, "Sales team"), (2, "Support")],
        criteria=[
            CriterionFacts(100, 1, "One screen", 3, (10,)),
            CriterionFacts(101, 1, "No double entry", 1, ()),
        ],
    )
    by_code = {(f.code, f.subject) for f in found}
    assert ("goal-valued-by-no-customer", "Retire the old system") in by_code
    assert ("customer-without-value-criteria", "Support") in by_code
    assert ("criterion-aligned-to-no-goal", "No double entry") in by_code
    assert ("goal-valued-by-no-customer", "Faster sales") not in by_code


def test_a_goal_valued_only_by_a_non_customer_still_counts_as_unvalued():
    found = rules.value_findings(
        goals=[(10, "G")], customers=[], criteria=[CriterionFacts(1, 9, "x", 1, (10,))]
    )
    assert [f.code for f in found] == ["goal-valued-by-no-customer"]


def test_weights_become_shares():
    assert rules.weight_shares([3, 1]) == [75.0, 25.0]
    assert rules.weight_shares([]) == []


@pytest.mark.parametrize(
    "statuses, state",
    [
        ([], "no-customers"),
        (["agreed", "agreed"], "agreed"),
        (["agreed", "pending"], "pending"),
        (["agreed", "objected", "pending"], "objected"),
    ],
)
def test_consensus_of_an_outcome(statuses, state):
    assert rules.outcome_consensus(statuses) == state


def test_consensus_is_reached_only_when_all_agree_and_no_conflict_is_open():
    assert rules.consensus_summary(["agreed", "agreed"], 0)["reached"]
    assert not rules.consensus_summary(["agreed", "agreed"], 1)["reached"]
    assert not rules.consensus_summary([], 0)["reached"]


def test_outcome_findings_cover_objections_pending_csf_overdue_and_conflicts():
    outcomes = [
        OutcomeFacts(1, "More servers", positions=[("IT", "agreed"), ("Finance", "objected")]),
        OutcomeFacts(2, "Lower cost", is_csf=True, positions=[("Finance", "pending")]),
        OutcomeFacts(
            3,
            "Faster",
            metric="min",
            baseline=Decimal(25),
            target=Decimal(5),
            current=Decimal(10),
            due_date=date(2020, 1, 1),
            positions=[("Sales", "agreed")],
        ),
        OutcomeFacts(4, "Orphan"),
    ]
    codes = [
        f.code
        for f in rules.outcome_findings(
            outcomes, [(7, "More servers", "Lower cost")], today=date(2026, 1, 1)
        )
    ]
    for code in (
        "outcome-objected",
        "outcome-pending",
        "csf-not-measurable",
        "outcome-overdue",
        "outcome-conflict",
        "outcome-without-customer",
    ):
        assert code in codes


def test_targets_can_go_down():
    assert rules.target_met(Decimal(25), Decimal(5), Decimal(4)) is True
    assert rules.target_met(Decimal(25), Decimal(5), Decimal(6)) is False
    assert rules.progress_percent(Decimal(25), Decimal(5), Decimal(15)) == 50
    assert rules.progress_percent(Decimal(0), Decimal(10), Decimal(20)) == 100


def test_a_chain_stops_at_loops_and_new_links_that_make_one_are_caught():
    parents = {1: 2, 2: 3, 3: None}
    assert rules.chain_up(1, parents) == [2, 3]
    assert rules.creates_loop(3, 1, parents)
    assert rules.creates_loop(1, 1, parents)
    assert not rules.creates_loop(1, 3, parents)
    assert rules.chain_up(1, {1: 2, 2: 1}) == [2]


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised_with_a_quote(cell):
    assert rules.neutralise(cell) == "'" + cell
    assert rules.unneutralise(rules.neutralise(cell)) == cell


@pytest.mark.parametrize("text", ["'=1+1", "'-5", "''=x", "'", "'x"])
def test_text_that_already_starts_with_a_quote_and_a_formula_sign_reads_back_whole(text):
    assert rules.unneutralise(rules.neutralise(text)) == text


@given(st.text())
def test_neutralising_then_reading_back_gives_the_same_text(text):
    assert rules.unneutralise(rules.neutralise(text)) == text
    assert not rules.neutralise(text).startswith(rules.FORMULA_STARTS)


def test_cells_parse_leniently_but_refuse_nonsense():
    assert rules.parse_bool("Yes") and not rules.parse_bool("") and rules.parse_bool("x")
    assert rules.parse_scale("4.0") == 4 and rules.parse_scale(" ") is None
    assert rules.parse_choice("skeptic", rules.ATTITUDES, rules.ATTITUDE_ALIASES) == "sceptic"
    assert rules.parse_roles("Sponsor; customer, SME") == (["sponsor", "sme"], True)
    for bad in (
        lambda: rules.parse_scale("4.5"),
        lambda: rules.parse_bool("perhaps"),
        lambda: rules.parse_roles("Astronaut"),
    ):
        with pytest.raises(ValueError):
            bad()


def test_project_roles_stand_for_the_categories_they_name_even_renamed_ones():
    categories = [(1, "Sponsor", ""), (2, "Regulator", ""), (3, "Union", ""), (4, "End user", "")]
    # "regulator" names Government/regulator; this organisation renamed it to the role's label.
    assert rules.categories_of_roles(["sponsor", "regulator", "approver"], categories) == {1, 2}
    assert rules.categories_of_roles([], categories) == set()
    prompts = rules.identification_prompts(
        categories, rules.categories_of_roles(["end_user"], categories), [3]
    )
    assert [p.name for p in prompts] == ["Sponsor", "Regulator"]
