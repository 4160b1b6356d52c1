"""Satisfaction rules: trends of 1-5 scores. Pure logic, plain data in."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

SCORES = range(1, 6)
WINDOW = 3  # a trend compares the last N pulses with the N before (like the evidence signal)


@dataclass(frozen=True)
class Trend:
    """Scores oldest first, and what they say: ``direction`` is falling / rising / steady, or
    "too few" with fewer than two pulses."""

    scores: tuple[float, ...]
    direction: str
    change: float | None  # average of the last N minus the N before (fewer: last minus first)

    @property
    def last(self) -> float | None:
        return self.scores[-1] if self.scores else None

    @property
    def average(self) -> float | None:
        return round(math.fsum(self.scores) / len(self.scores), 1) if self.scores else None

    @property
    def words(self) -> str:
        if self.direction == "too few":
            return "too few pulses for a trend"
        if self.direction == "steady":
            return "steady"
        return f"{self.direction} ({self.change:+.1f})"


def trend(scores: Sequence[float], *, window: int = WINDOW, step: float = 0.5) -> Trend:
    """The direction of a series of scores, oldest first: the average of the last ``window``
    scores against the ``window`` before (or, with fewer, the halves of the series). A change
    of ``step`` points or more is falling or rising; less is steady."""
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int | float) or not 1 <= score <= 5:
            raise ValueError(f"scores must be numbers from 1 to 5, got {score!r}")
    scores = tuple(scores)
    if len(scores) < 2:
        return Trend(scores, "too few", None)
    n = min(window, len(scores) // 2)
    recent = math.fsum(scores[-n:]) / n
    before = math.fsum(scores[-2 * n : -n]) / n
    change = round(recent - before, 2)
    if change <= -step:
        direction = "falling"
    elif change >= step:
        direction = "rising"
    else:
        direction = "steady"
    return Trend(scores, direction, change)


def monthly_averages(points: Iterable[tuple[date, float]]) -> list[tuple[date, float, int]]:
    """(first day of the month, average score, pulses) per month with pulses, oldest first."""
    months: dict[date, list[float]] = {}
    for day, score in points:
        months.setdefault(day.replace(day=1), []).append(score)
    return [(month, round(math.fsum(s) / len(s), 2), len(s)) for month, s in sorted(months.items())]
