"""Broken promises count against the evidence: a promise broken within the signal's window is a
miss like an overdue one, and a renegotiation counts less (half by default)."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from rapport.promises import services as promises
from rapport.status import services
from rapport.status.rules import HealthSettings, signal_commitments_missed
from rapport.status.selectors import project_health
from tests.comms.factories import party

TODAY = datetime(2025, 3, 12, 12, tzinfo=UTC)


def promises_signal(project, at=TODAY):
    with time_machine.travel(at, tick=False):
        report = project_health(project).report
    return {s.code: s for s in report.evidence.signals}["commitments-missed"]


def promise(world, to, what, due):
    with time_machine.travel(datetime(2025, 1, 2, 9, tzinfo=UTC), tick=False):
        return promises.commitment_create(
            actor=world.manager, project=world.alpha, party=to, what=what, promised_date=due
        )


def break_on(world, commitment, day):
    with time_machine.travel(day, tick=False):
        promises.commitment_break(
            actor=world.manager, commitment=commitment, reason="Supplier went bust"
        )


def test_a_broken_promise_turns_the_promises_signal_from_green(world):
    bea = party(world, "Bea Business-Lead")
    demo = promise(world, bea, "Demo", date(2025, 3, 1))
    promise(world, bea, "Training", date(2025, 6, 1))
    break_on(world, demo, datetime(2025, 3, 3, tzinfo=UTC))

    signal = promises_signal(world.alpha)
    assert signal.colour.label != "green"
    assert signal.message == "1 promise broken in the last 90 days"
    assert signal.value == 1


def test_a_promise_broken_longer_ago_than_the_window_no_longer_counts(world):
    bea = party(world, "Bea Business-Lead")
    demo = promise(world, bea, "Demo", date(2025, 3, 1))
    promise(world, bea, "Training", date(2025, 9, 1))
    break_on(world, demo, datetime(2025, 3, 3, tzinfo=UTC))

    in_june = datetime(2025, 6, 10, tzinfo=UTC)  # 99 days later
    assert promises_signal(world.alpha, at=in_june).colour.label == "green"
    services.health_config_set(
        actor=world.manager, project=world.alpha, overrides={"commitments_window_days": 120}
    )
    assert promises_signal(world.alpha, at=in_june).colour.label != "green"


def test_a_late_delivery_counts_as_broken_too(world):
    bea = party(world, "Bea Business-Lead")
    promise(world, bea, "Training", date(2025, 6, 1))
    late = promise(world, bea, "Demo", date(2025, 3, 1))
    with time_machine.travel(datetime(2025, 3, 10, tzinfo=UTC), tick=False):
        promises.commitment_deliver(
            actor=world.manager,
            commitment=late,
            delivered_on=date(2025, 3, 9),
            delivered_scope="as",
        )
    assert promises_signal(world.alpha).message == "1 promise broken in the last 90 days"


def test_a_renegotiation_counts_less_than_a_broken_promise(world):
    bea = party(world, "Bea Business-Lead")
    promise(world, bea, "Training", date(2025, 6, 1))
    moved = promise(world, bea, "Demo", date(2025, 3, 20))
    with time_machine.travel(datetime(2025, 3, 5, tzinfo=UTC), tick=False):
        promises.commitment_renegotiate(
            actor=world.manager,
            commitment=moved,
            new_date=date(2025, 4, 20),
            reason="Sandbox late",
        )
    one = promises_signal(world.alpha)
    assert (one.value, one.colour.label) == (0.5, "green")
    assert one.message == "1 renegotiation in the last 90 days (each counts 0.5 of a miss)"

    second = promise(world, bea, "Report", date(2025, 3, 25))
    with time_machine.travel(datetime(2025, 3, 6, tzinfo=UTC), tick=False):
        promises.commitment_renegotiate(
            actor=world.manager,
            commitment=second,
            new_date=date(2025, 4, 25),
            reason="Data late",
        )
    two = promises_signal(world.alpha)
    assert (two.value, two.colour.label) == (1, "amber")  # two renegotiations: one miss


@pytest.mark.parametrize(
    ("open_", "overdue", "broken", "renegotiated", "colour"),
    [
        (10, 0, 0, 0, "green"),
        (10, 0, 1, 0, "amber"),  # a broken promise is a miss
        (10, 0, 0, 1, "green"),  # a renegotiation alone is half a miss
        (10, 0, 0, 2, "amber"),
        (10, 1, 1, 2, "red"),  # three misses
        (1, 0, 1, 0, "red"),  # half of the promises at stake broken
    ],
)
def test_the_rule_weighs_broken_promises_and_renegotiations(
    open_, overdue, broken, renegotiated, colour
):
    signal = signal_commitments_missed(
        open_, overdue, HealthSettings(), broken=broken, renegotiated=renegotiated
    )
    assert signal.colour.label == colour
