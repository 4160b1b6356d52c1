"""The relationship signals of the evidence: the business staying away from status meetings, a
key customer's satisfaction falling, and SLA breaches by either side. No database."""

import pytest

from rapport.status.rules import (
    Colour,
    HealthInputs,
    HealthSettings,
    evidence_health,
    signal_business_absent,
    signal_satisfaction_falling,
    signal_sla_breached,
    signals_by_dimension,
)

DEFAULTS = HealthSettings()
G, A, R = Colour.GREEN, Colour.AMBER, Colour.RED


def test_business_attendance_is_graded_by_the_share_of_invitations_missed():
    assert signal_business_absent(6, 0, DEFAULTS).colour is G
    assert signal_business_absent(6, 1, DEFAULTS).colour is G  # one in six: under a third
    assert signal_business_absent(6, 3, DEFAULTS).colour is R  # half
    amber = signal_business_absent(12, 5, DEFAULTS)
    assert amber.colour is A
    assert amber.value == pytest.approx(5 / 12, abs=1e-4)
    assert amber.message == "the business missed 5 of 12 invitations to the last 6 status meetings"


def test_business_attendance_without_an_invitation_is_not_measured():
    assert not signal_business_absent(None, None, DEFAULTS).measured
    assert not signal_business_absent(0, 0, DEFAULTS).measured


def test_business_attendance_refuses_more_missed_than_invited():
    with pytest.raises(ValueError, match="cannot exceed"):
        signal_business_absent(2, 3, DEFAULTS)


def test_the_worst_key_customer_decides_the_satisfaction_signal():
    pulses = {
        "Bea Business": [5, 5, 4, 3, 3, 2],  # 4.7 -> 2.7: down 2.0
        "Carl Customer": [3, 3, 3, 4, 4, 4],  # up 1.0
    }
    signal = signal_satisfaction_falling(pulses, DEFAULTS)
    assert signal.colour is R
    assert signal.value == pytest.approx(-2.0)
    assert signal.message == "Bea Business's satisfaction down 2.0 (4.7 to 2.7)"


def test_a_small_dip_is_amber_and_a_rise_is_green():
    assert signal_satisfaction_falling({"Bea": [4, 4, 4, 4, 3, 3]}, DEFAULTS).colour is A
    rising = signal_satisfaction_falling({"Bea": [2, 2, 2, 4, 4, 4]}, DEFAULTS)
    assert rising.colour is G
    assert rising.message == "no key customer's satisfaction falling (1 customer)"


def test_too_few_pulses_is_not_measured_rather_than_green():
    signal = signal_satisfaction_falling({"Bea": [5, 1]}, DEFAULTS)
    assert not signal.measured
    assert "6 pulses" in signal.message
    assert not signal_satisfaction_falling(None, DEFAULTS).measured


def test_a_pulse_outside_one_to_five_is_refused():
    with pytest.raises(ValueError, match="1 to 5"):
        signal_satisfaction_falling({"Bea": [5, 5, 5, 6, 1, 1]}, DEFAULTS)


def test_sla_breaches_count_both_sides():
    signal = signal_sla_breached(1, 1, DEFAULTS)
    assert signal.colour is A
    assert signal.message == "2 SLA breaches in 90 days: 1 by IT, 1 by the business"
    assert signal_sla_breached(2, 1, DEFAULTS).colour is R
    assert signal_sla_breached(0, 0, DEFAULTS).colour is G
    assert not signal_sla_breached(None, None, DEFAULTS).measured


def test_relationship_signals_can_be_turned_off_and_then_do_not_count():
    settings = HealthSettings(
        business_enabled=False, satisfaction_enabled=False, slas_enabled=False
    )
    inputs = HealthInputs(
        business_invited=6,
        business_missed=6,
        key_customer_pulses={"Bea": [5, 5, 5, 1, 1, 1]},
        sla_breaches_it=5,
        sla_breaches_business=5,
    )
    assert evidence_health(inputs, settings).colour is None
    assert evidence_health(inputs).colour is R


def test_the_status_form_shows_them_beside_risk_and_quality():
    health = evidence_health(
        HealthInputs(
            business_invited=6, business_missed=3, sla_breaches_it=0, sla_breaches_business=1
        )
    )
    grouped = signals_by_dimension(health.signals)
    assert [s.code for s in grouped["risk"]] == ["business-absent"]
    assert [s.code for s in grouped["quality"]] == ["sla-breached"]


def test_the_new_thresholds_are_checked_like_the_others():
    with pytest.raises(ValueError, match="business_amber_share"):
        HealthSettings(business_amber_share=0.6, business_red_share=0.5)
    with pytest.raises(ValueError, match="whole number"):
        HealthSettings(satisfaction_window=2.5)
