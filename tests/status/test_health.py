"""Evidence-based health, signal by signal, and the watermelon finding. No database."""

import json

import pytest

from rapport.comms.rules import Finding
from rapport.status.rules import (
    Colour,
    Health,
    HealthInputs,
    HealthSettings,
    evidence_health,
    health_report,
    signal_activities_overdue,
    signal_budget_burn,
    signal_commitments_missed,
    signal_high_risks,
    signal_milestones_slipped,
    signal_raci_errors,
    signal_ratings_falling,
    signal_reports_unacknowledged,
    watermelon,
)

DEFAULTS = HealthSettings()
G, A, R = Colour.GREEN, Colour.AMBER, Colour.RED


def test_colours_are_an_ordered_scale_from_green_to_red():
    assert (int(G), int(A), int(R)) == (0, 1, 2)
    assert G < A < R
    assert max(G, R, A) is R
    assert [c.label for c in Colour] == ["green", "amber", "red"]


def test_a_colour_is_read_from_its_name_in_any_case():
    assert Colour.parse("Green") is G
    assert Colour.parse(" RED ") is R
    assert Colour.parse(A) is A
    with pytest.raises(ValueError, match="unknown colour 'blue': use green, amber or red"):
        Colour.parse("blue")


# --- each signal at its boundaries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("slips", "colour", "value", "message"),
    [
        ([], G, 0, "no milestone slipped 5+ days"),
        ([4, 0, -3], G, 4, "no milestone slipped 5+ days"),
        ([5], A, 5, "1 milestone slipped 5+ days (worst 5 days)"),
        ([14, 6, 1], A, 14, "2 milestones slipped 5+ days (worst 14 days)"),
        ([15], R, 15, "1 milestone slipped 15+ days"),
        ([20, 16, 3], R, 20, "2 milestones slipped 15+ days"),
    ],
)
def test_milestones_slipped_against_their_baseline(slips, colour, value, message):
    signal = signal_milestones_slipped(slips, DEFAULTS)
    assert (signal.code, signal.colour, signal.value, signal.message, signal.measured) == (
        "milestones-slipped",
        colour,
        value,
        message,
        True,
    )


def test_milestones_need_as_many_red_slips_as_the_settings_say():
    settings = HealthSettings(milestone_red_count=2)
    assert signal_milestones_slipped([20], settings).colour is A
    assert signal_milestones_slipped([20, 15], settings).colour is R


@pytest.mark.parametrize(
    ("open_", "overdue", "colour", "message"),
    [
        (0, 0, G, "no open activities"),
        (100, 9, G, "9% of open activities overdue (9 of 100)"),
        (10, 1, A, "10% of open activities overdue (1 of 10)"),
        (100, 24, A, "24% of open activities overdue (24 of 100)"),
        (4, 1, R, "25% of open activities overdue (1 of 4)"),
        (10, 10, R, "100% of open activities overdue (10 of 10)"),
    ],
)
def test_overdue_activities_as_a_share_of_the_open_ones(open_, overdue, colour, message):
    signal = signal_activities_overdue(open_, overdue, DEFAULTS)
    assert (signal.code, signal.colour, signal.message) == ("activities-overdue", colour, message)
    assert signal.value == (overdue / open_ if open_ else 0.0)


@pytest.mark.parametrize(
    ("spent", "progress", "colour", "gap"),
    [
        (0.34, 0.25, G, 0.09),
        (0.35, 0.25, A, 0.10),  # exactly at the threshold, despite 0.35 - 0.25 < 0.1 in floats
        (0.49, 0.25, A, 0.24),
        (0.50, 0.25, R, 0.25),
        (0.40, 0.10, R, 0.30),
        (0.10, 0.50, G, -0.40),  # spending behind progress is fine
        (1.20, 0.90, R, 0.30),  # overspent
    ],
)
def test_budget_burn_against_progress(spent, progress, colour, gap):
    signal = signal_budget_burn(spent, progress, DEFAULTS)
    assert (signal.code, signal.colour, signal.value) == ("budget-burn", colour, gap)


def test_budget_burn_reads_as_spent_at_progress():
    assert signal_budget_burn(0.4, 0.1, DEFAULTS).message == "budget 40% spent at 10% progress"


@pytest.mark.parametrize(
    ("count", "colour", "message"),
    [
        (0, G, "no RACI errors on open items"),
        (1, A, "1 RACI error on open items"),
        (4, A, "4 RACI errors on open items"),
        (5, R, "5 RACI errors on open items"),
    ],
)
def test_raci_errors_on_open_items(count, colour, message):
    signal = signal_raci_errors(count, DEFAULTS)
    assert (signal.code, signal.colour, signal.value, signal.message) == (
        "raci-errors",
        colour,
        count,
        message,
    )


@pytest.mark.parametrize(
    ("count", "colour", "message"),
    [
        (0, G, "no high risks open"),
        (1, A, "1 high risk open"),
        (2, A, "2 high risks open"),
        (3, R, "3 high risks open"),
    ],
)
def test_open_high_risks(count, colour, message):
    signal = signal_high_risks(count, DEFAULTS)
    assert (signal.code, signal.colour, signal.message) == ("high-risks-open", colour, message)


@pytest.mark.parametrize(
    ("open_", "overdue", "colour", "message"),
    [
        (0, 0, G, "no promises overdue"),
        (10, 0, G, "no promises overdue"),
        (10, 1, A, "1 of 10 promises overdue"),
        (10, 2, A, "2 of 10 promises overdue"),
        (5, 2, A, "2 of 5 promises overdue"),  # 40%: under half
        (10, 3, R, "3 of 10 promises overdue"),  # the red count
        (4, 2, R, "2 of 4 promises overdue"),  # half of them
        (1, 1, R, "1 of 1 promise overdue"),
    ],
)
def test_commitments_missed(open_, overdue, colour, message):
    signal = signal_commitments_missed(open_, overdue, DEFAULTS)
    assert (signal.code, signal.colour, signal.value, signal.message) == (
        "commitments-missed",
        colour,
        overdue,
        message,
    )


@pytest.mark.parametrize(
    ("ratings", "colour", "change"),
    [
        ([4] * 5 + [4] * 5, G, 0.0),
        ([4] * 5 + [3.6] * 5, G, -0.4),
        ([4] * 5 + [3.5] * 5, A, -0.5),
        ([4.2] * 5 + [3.7] * 5, A, -0.5),  # -0.5000000000000004 in floats
        ([4] * 5 + [3.1] * 5, A, -0.9),
        ([4] * 5 + [3] * 5, R, -1.0),
        ([5] * 5 + [1] * 5, R, -4.0),
        ([3] * 5 + [4] * 5, G, 1.0),  # rising
        ([1, 1, 1] + [4] * 10, G, 0.0),  # only the last 2N count
    ],
)
def test_customer_ratings_falling(ratings, colour, change):
    signal = signal_ratings_falling(ratings, DEFAULTS)
    assert (signal.code, signal.colour, signal.value, signal.measured) == (
        "ratings-falling",
        colour,
        change,
        True,
    )


@pytest.mark.parametrize(
    ("sent", "unacknowledged", "colour"),
    [
        (10, 0, G),
        (10, 4, G),
        (10, 5, A),  # at the amber threshold: half the reports went unread
        (8, 5, A),
        (4, 3, R),  # three quarters
        (1, 1, R),
    ],
)
def test_reports_nobody_acknowledges(sent, unacknowledged, colour):
    signal = signal_reports_unacknowledged(sent, unacknowledged, DEFAULTS)
    assert (signal.code, signal.colour, signal.value, signal.measured) == (
        "reports-unacknowledged",
        colour,
        round(unacknowledged / sent, 9),
        True,
    )


def test_the_acknowledgement_signal_reads_as_a_sentence_and_refuses_nonsense():
    assert (
        signal_reports_unacknowledged(8, 5, DEFAULTS).message
        == "5 of 8 reports sent not acknowledged"
    )
    assert (
        signal_reports_unacknowledged(2, 0, DEFAULTS).message
        == "every one of 2 reports sent acknowledged"
    )
    with pytest.raises(ValueError, match="reports_unacknowledged \\(3\\) cannot exceed"):
        signal_reports_unacknowledged(2, 3, DEFAULTS)


def test_the_rating_trend_reads_as_a_sentence():
    message = signal_ratings_falling([4] * 5 + [3] * 5, DEFAULTS).message
    assert message == "customer rating down 1.0 (4.0 to 3.0, last 5 against the 5 before)"


def test_too_few_ratings_are_not_measured():
    signal = signal_ratings_falling([5] * 9, DEFAULTS)
    assert (signal.measured, signal.colour, signal.value) == (False, None, None)
    assert signal.message == "customer rating trend not measured: 9 ratings, need 10"
    assert signal_ratings_falling([5] * 6, HealthSettings(ratings_window=3)).measured


NOT_MEASURED = [
    ("milestones-slipped", lambda s: signal_milestones_slipped(None, s)),
    ("activities-overdue", lambda s: signal_activities_overdue(None, 3, s)),
    ("activities-overdue", lambda s: signal_activities_overdue(10, None, s)),
    ("budget-burn", lambda s: signal_budget_burn(0.5, None, s)),
    ("budget-burn", lambda s: signal_budget_burn(None, 0.5, s)),
    ("raci-errors", lambda s: signal_raci_errors(None, s)),
    ("high-risks-open", lambda s: signal_high_risks(None, s)),
    ("commitments-missed", lambda s: signal_commitments_missed(None, None, s)),
    ("ratings-falling", lambda s: signal_ratings_falling(None, s)),
    ("reports-unacknowledged", lambda s: signal_reports_unacknowledged(None, None, s)),
    ("reports-unacknowledged", lambda s: signal_reports_unacknowledged(0, 0, s)),
]


@pytest.mark.parametrize(("code", "compute"), NOT_MEASURED)
def test_a_missing_input_is_not_measured_and_never_green(code, compute):
    signal = compute(DEFAULTS)
    assert signal.code == code
    assert signal.measured is False
    assert signal.colour is None
    assert signal.value is None
    assert "not measured" in signal.message


SWITCHES = {
    "milestones_enabled": lambda s: signal_milestones_slipped([30], s),
    "activities_enabled": lambda s: signal_activities_overdue(1, 1, s),
    "budget_enabled": lambda s: signal_budget_burn(0.9, 0.1, s),
    "raci_enabled": lambda s: signal_raci_errors(9, s),
    "risks_enabled": lambda s: signal_high_risks(9, s),
    "commitments_enabled": lambda s: signal_commitments_missed(9, 9, s),
    "ratings_enabled": lambda s: signal_ratings_falling([5] * 5 + [1] * 5, s),
    "acknowledgements_enabled": lambda s: signal_reports_unacknowledged(4, 4, s),
}


@pytest.mark.parametrize("switch", list(SWITCHES))
def test_a_signal_turned_off_is_reported_as_not_measured(switch):
    assert SWITCHES[switch](DEFAULTS).colour is R
    signal = SWITCHES[switch](HealthSettings(**{switch: False}))
    assert (signal.measured, signal.colour) == (False, None)
    assert signal.message.endswith("not measured: turned off in the health settings")


@pytest.mark.parametrize(
    ("compute", "problem"),
    [
        (
            lambda: signal_activities_overdue(3, 4, DEFAULTS),
            "activities_overdue \\(4\\) cannot exceed",
        ),
        (
            lambda: signal_activities_overdue(-1, 0, DEFAULTS),
            "activities_open must be a whole number",
        ),
        (
            lambda: signal_commitments_missed(1, 2, DEFAULTS),
            "commitments_overdue \\(2\\) cannot exceed",
        ),
        (
            lambda: signal_budget_burn(0.5, 1.5, DEFAULTS),
            "progress_share must be a number of at least 0 and at most 1",
        ),
        (lambda: signal_budget_burn(-0.1, 0.5, DEFAULTS), "budget_spent_share must be"),
        (lambda: signal_raci_errors(1.5, DEFAULTS), "raci_errors must be a whole number"),
        (lambda: signal_high_risks(True, DEFAULTS), "high_risks_open must be a whole number"),
        (
            lambda: signal_milestones_slipped(["3"], DEFAULTS),
            "milestone_slip_days must hold whole numbers",
        ),
        (
            lambda: signal_ratings_falling([4] * 9 + [6], DEFAULTS),
            "ratings must be numbers from 1 to 5",
        ),
        (lambda: signal_ratings_falling([0], DEFAULTS), "ratings must be numbers from 1 to 5"),
    ],
)
def test_impossible_evidence_is_refused_with_a_clear_message(compute, problem):
    with pytest.raises(ValueError, match=problem):
        compute()


def test_settings_refuse_an_amber_threshold_above_the_red_one():
    with pytest.raises(
        ValueError, match=r"budget_amber_gap \(0.3\) must not exceed budget_red_gap \(0.25\)"
    ):
        HealthSettings(budget_amber_gap=0.3)
    with pytest.raises(ValueError, match="ratings_window must be a positive number"):
        HealthSettings(ratings_window=0)
    with pytest.raises(ValueError, match="ratings_window must be a whole number"):
        HealthSettings(ratings_window=2.5)


# --- overall evidence colour ------------------------------------------------------------------

ALL_GREEN = HealthInputs(
    milestone_slip_days=[0, 2],
    activities_open=20,
    activities_overdue=1,
    budget_spent_share=0.3,
    progress_share=0.3,
    raci_errors=0,
    high_risks_open=0,
    commitments_open=4,
    commitments_overdue=0,
    ratings=[4] * 10,
    reports_sent=8,
    reports_unacknowledged=1,
    business_invited=12,
    business_missed=1,
    key_customer_pulses={"Bea": [4, 4, 4, 4, 4, 5]},
    sla_breaches_it=0,
    sla_breaches_business=0,
)


def with_(inputs: HealthInputs, **changes) -> HealthInputs:
    from dataclasses import replace

    return replace(inputs, **changes)


def test_all_green_evidence_is_green_with_every_signal_measured():
    health = evidence_health(ALL_GREEN)
    assert health.colour is G
    assert [s.code for s in health.signals] == [
        "milestones-slipped",
        "activities-overdue",
        "budget-burn",
        "commitments-missed",
        "high-risks-open",
        "raci-errors",
        "ratings-falling",
        "reports-unacknowledged",
        "business-absent",
        "satisfaction-falling",
        "sla-breached",
    ]
    assert all(s.measured and s.colour is G for s in health.signals)


def test_the_evidence_colour_is_the_worst_measured_signal():
    assert evidence_health(with_(ALL_GREEN, high_risks_open=1)).colour is A
    assert evidence_health(with_(ALL_GREEN, high_risks_open=1, raci_errors=5)).colour is R


def test_unmeasured_signals_do_not_make_the_evidence_green_or_red():
    health = evidence_health(HealthInputs(high_risks_open=1))
    assert health.colour is A
    assert [s.code for s in health.measured] == ["high-risks-open"]


def test_no_evidence_at_all_is_not_measured_rather_than_green():
    health = evidence_health(HealthInputs())
    assert health.colour is None
    assert health.measured == ()
    assert len(health.signals) == 11


def test_a_red_signal_turned_off_does_not_count():
    inputs = with_(ALL_GREEN, raci_errors=9)
    assert evidence_health(inputs).colour is R
    assert evidence_health(inputs, HealthSettings(raci_enabled=False)).colour is G


# --- the watermelon ---------------------------------------------------------------------------

RED_INSIDE = with_(
    ALL_GREEN, milestone_slip_days=[20, 16, 3], budget_spent_share=0.4, progress_share=0.1
)


def test_reported_green_with_red_evidence_is_a_watermelon_error_naming_the_red_signals():
    finding = watermelon("green", evidence_health(RED_INSIDE))
    assert finding == Finding(
        code="watermelon",
        severity="error",
        message=(
            "Reported green; evidence red: 2 milestones slipped 15+ days, "
            "budget 40% spent at 10% progress"
        ),
    )


def test_the_message_lists_red_signals_before_amber_ones():
    evidence = evidence_health(with_(RED_INSIDE, high_risks_open=1))
    message = watermelon(G, evidence).message
    assert message == (
        "Reported green; evidence red: 2 milestones slipped 15+ days, "
        "budget 40% spent at 10% progress, 1 high risk open"
    )
    # reported amber: only what is worse than amber is named
    assert watermelon(A, evidence).message == (
        "Reported amber; evidence red: 2 milestones slipped 15+ days, budget 40% spent at 10% progress"
    )


@pytest.mark.parametrize(
    ("reported", "evidence_inputs", "margin", "severity"),
    [
        (G, RED_INSIDE, 1, "error"),
        (G, RED_INSIDE, 2, "error"),
        (A, RED_INSIDE, 1, "warning"),
        (A, RED_INSIDE, 2, None),
        (G, with_(ALL_GREEN, high_risks_open=1), 1, "warning"),
        (G, with_(ALL_GREEN, high_risks_open=1), 2, None),
        (G, ALL_GREEN, 1, None),
        (R, RED_INSIDE, 1, None),
        (R, ALL_GREEN, 1, None),  # gloomier than the evidence is not a watermelon
        (A, ALL_GREEN, 1, None),
    ],
)
def test_the_watermelon_margin(reported, evidence_inputs, margin, severity):
    finding = watermelon(reported, evidence_health(evidence_inputs), margin)
    assert (finding.severity if finding else None) == severity


def test_no_watermelon_without_a_report_or_without_evidence():
    assert watermelon(None, evidence_health(RED_INSIDE)) is None
    assert watermelon(G, evidence_health(HealthInputs())) is None


def test_the_watermelon_names_its_subject_and_refuses_a_bad_margin():
    assert watermelon(G, evidence_health(RED_INSIDE), subject=42).subject == 42
    with pytest.raises(ValueError, match="margin must be a whole number of at least 1"):
        watermelon(G, evidence_health(RED_INSIDE), 0)
    with pytest.raises(ValueError, match="unknown colour"):
        watermelon("purple", evidence_health(RED_INSIDE))


# --- the shape `rapport status health --json` prints ------------------------------------------


def test_the_report_dict_has_reported_evidence_signals_and_watermelon():
    report = health_report("green", with_(RED_INSIDE, ratings=None), subject="ALPHA")
    data = report.to_dict()
    assert list(data) == ["reported", "evidence", "signals", "watermelon"]
    assert data["reported"] == "green"
    assert data["evidence"] == "red"
    assert data["signals"][0] == {
        "code": "milestones-slipped",
        "colour": "red",
        "value": 20,
        "message": "2 milestones slipped 15+ days",
        "measured": True,
    }
    assert data["signals"][6] == {
        "code": "ratings-falling",
        "colour": None,
        "value": None,
        "message": "customer rating trend not measured: no ratings",
        "measured": False,
    }
    assert data["watermelon"] == {
        "code": "watermelon",
        "severity": "error",
        "message": (
            "Reported green; evidence red: 2 milestones slipped 15+ days, "
            "budget 40% spent at 10% progress"
        ),
        "subject": "ALPHA",
    }
    assert json.loads(json.dumps(data)) == data


def test_an_honest_report_has_no_watermelon_and_nothing_measured_is_null():
    assert health_report("red", RED_INSIDE).to_dict()["watermelon"] is None
    data = health_report(None, HealthInputs()).to_dict()
    assert (data["reported"], data["evidence"], data["watermelon"]) == (None, None, None)
    assert all(s["measured"] is False and s["colour"] is None for s in data["signals"])


def test_health_has_its_own_plain_dict():
    health = evidence_health(with_(ALL_GREEN, high_risks_open=1))
    assert isinstance(health, Health)
    data = health.to_dict()
    assert data["colour"] == "amber"
    assert [s["code"] for s in data["signals"]][4] == "high-risks-open"
