"""A key customer's falling pulses show in the project's evidence as satisfaction-falling."""

from datetime import timedelta

from django.utils import timezone

from rapport.satisfaction import services
from rapport.status.selectors import project_health


def _pulses(world, stakeholder, scores):
    start = timezone.now() - timedelta(days=7 * len(scores))
    for i, score in enumerate(scores):
        services.pulse_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=stakeholder,
            score=score,
            given_at=start + timedelta(days=7 * i),
        )


def _signal(project):
    report = project_health(project).report
    return next(s for s in report.evidence.signals if s.code == "satisfaction-falling")


def test_without_pulses_satisfaction_is_not_measured(world, people):
    assert not _signal(world.alpha).measured


def test_a_key_customers_falling_pulses_turn_the_signal_red(world, people):
    kim, _ = people
    _pulses(world, kim, [5, 5, 5, 4, 3, 3])
    signal = _signal(world.alpha)
    assert signal.measured and signal.colour.label == "red"
    assert "Kim Key's satisfaction down" in signal.message


def test_a_quiet_stakeholders_falling_pulses_do_not_count(world, people):
    _, pat = people
    _pulses(world, pat, [5, 5, 5, 1, 1, 1])
    assert not _signal(world.alpha).measured
