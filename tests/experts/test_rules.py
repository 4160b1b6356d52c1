"""The pure rules: areas without an expert consulted, and whom to suggest (no database)."""

from rapport.experts.rules import Suggestion, areas_without_expert, consult_suggestions


def test_an_area_is_covered_when_one_of_its_experts_is_consulted_on_one_of_its_activities():
    assert areas_without_expert({1: [10, 11], 2: [12]}, {(11, 100)}, {1: [100], 2: [100]}) == [2]


def test_an_area_nobody_knows_is_without_an_expert():
    assert areas_without_expert({1: [10]}, set(), {}) == [1]


def test_suggestions_put_the_available_first_and_skip_the_unavailable_and_letter_holders():
    found = consult_suggestions(
        {1: [10]},
        {10: {102: "I"}},
        {1: [101, 100, 102, 103]},
        {100: "available", 101: "limited", 102: "available", 103: "unavailable"},
    )
    assert found == [Suggestion(1, 10, 100), Suggestion(1, 10, 101)]


def test_an_activity_that_already_consults_an_expert_of_the_area_gets_no_suggestion():
    found = consult_suggestions(
        {1: [10, 11]}, {10: {100: "C"}}, {1: [100, 101]}, {100: "available", 101: "available"}
    )
    assert [s.activity_id for s in found] == [11, 11]


def test_at_most_three_suggestions_per_activity():
    experts = list(range(100, 110))
    found = consult_suggestions({1: [10]}, {}, {1: experts}, dict.fromkeys(experts, "available"))
    assert len(found) == 3
