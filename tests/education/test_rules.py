"""The pure education rules: latest understanding, a missed target, what the work touches and
the "let me restate…" suggestions (no database)."""

from datetime import date

from rapport.education import rules
from rapport.education.rules import TopicFacts

SQL = TopicFacts(1, "SQL", "SQL is how reports ask.", ("sql", "query"))
ESTIMATE = TopicFacts(2, "Contingency and how the estimate was developed", "A range.", (), True)
SERVERS = TopicFacts(3, "Virtual vs physical servers", "", ("data centre", "vm"))


def test_the_latest_explanation_decides_the_understanding():
    latest = rules.latest_understanding(
        [
            (1, 10, date(2026, 1, 5), "understood"),
            (1, 10, date(2026, 1, 1), "not_yet"),
            (1, 11, date(2026, 1, 1), "partly"),
        ]
    )
    assert latest == {(1, 10): "understood", (1, 11): "partly"}


def test_a_simulation_past_the_sponsors_date_misses_the_target():
    result = {"what_it_would_take": {"confidence": 0.8, "finish_gap": 21.4, "cost_gap": -5}}
    assert rules.target_missed(result) == (
        "the estimate's P80 finishes 21 working days after the sponsor's date"
    )


def test_a_simulation_within_the_target_or_without_one_misses_nothing():
    assert rules.target_missed({"what_it_would_take": {"finish_gap": 0, "cost_gap": -1}}) is None
    assert rules.target_missed({"what_it_would_take": None}) is None
    assert rules.target_missed(None) is None


def test_keywords_match_whole_words_in_the_current_work():
    touched = rules.touched_topics(
        [SQL, SERVERS], ["Write the SQL for the sales report", "Move to the new data centre"]
    )
    assert set(touched) == {1, 3}
    assert rules.touched_topics([SERVERS], ["Improve the vmware licence"]) == {}


def test_the_estimate_topic_is_touched_when_the_target_is_missed():
    touched = rules.touched_topics([ESTIMATE], [], missed="the estimate's P80 finishes late")
    assert touched == {2: "the estimate's P80 finishes late"}
    assert rules.touched_topics([ESTIMATE], ["Estimate the budget"]) == {}


def test_it_suggests_what_some_attendee_has_not_understood_most_people_first():
    touched = {1: "current work touches it", 2: "the target is missed"}
    understanding = {(1, 10): "understood", (1, 11): "partly", (2, 10): "not_yet"}
    found = rules.restate_suggestions([SQL, ESTIMATE], [10, 11], understanding, touched)
    assert [(s.topic_id, s.who) for s in found] == [(2, (10, 11)), (1, (11,))]
    assert found[0].sentence.startswith(
        "Let me restate contingency and how the estimate was developed, because the target"
    )


def test_a_topic_everyone_understood_or_the_work_does_not_touch_is_not_suggested():
    understanding = {(1, 10): "understood"}
    assert rules.restate_suggestions([SQL], [10], understanding, {1: "x"}) == []
    assert rules.restate_suggestions([SQL], [10], {}, {}) == []


def test_an_acronym_keeps_its_capitals_in_the_sentence():
    assert rules.sentence(SQL, "the work touches it").startswith("Let me restate SQL, because")
