"""SLA rules: which events breach an obligation. Pure logic, plain data in, breaches out.

One function per kind of obligation. Each takes the events Rapport saw (plain tuples), the
obligation's target and the moment of measuring, and returns the breaches with the moment each
happened: the moment the allowed time ran out, so an unanswered question breaches as soon as it
is late, not only once answered.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Measured:
    """A breach Rapport measured: when it happened (the deadline missed) and what, in words."""

    at: date
    what: str


def _day(value: date) -> str:
    # rules.py stays free of Django: a fixed "5 Nov 2026", not the reader's locale.
    return f"{value.day} {value:%b %Y}"


def _late(due, done, allowed: timedelta, now):
    """The moment the allowed time ran out, if it did by ``now`` (else None)."""
    deadline = due + allowed
    if done is not None and done <= deadline:
        return None
    if done is None and now <= deadline:
        return None
    return deadline


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}"


def question_response(
    questions: Iterable[tuple[datetime, datetime | None, str]], *, hours: int, now: datetime
) -> list[Measured]:
    """Questions (asked at, answered at or None, who asked) not answered within ``hours``."""
    found = []
    for asked, answered, who in questions:
        deadline = _late(asked, answered, timedelta(hours=hours), now)
        if deadline is None:
            continue
        if answered is None:
            what = f"{who}'s question of {_day(asked.date())} is still unanswered"
        else:
            what = f"{who}'s question of {_day(asked.date())} was answered after {_hours(answered - asked)}"
        found.append(Measured(deadline.date(), what))
    return found


def report_cadence(
    reports: Iterable[tuple[datetime, datetime | None, str]], *, hours: int, now: datetime
) -> list[Measured]:
    """Planned reports (due at, sent at or None, which report) sent more than ``hours`` late."""
    found = []
    for due, sent, label in reports:
        deadline = _late(due, sent, timedelta(hours=hours), now)
        if deadline is None:
            continue
        if sent is None:
            what = f"{label} due {_day(due.date())} was not sent"
        else:
            what = f"{label} due {_day(due.date())} was sent {_hours(sent - due)} late"
        found.append(Measured(deadline.date(), what))
    return found


def decision_turnaround(
    requests: Iterable[tuple[date, date | None, str]], *, days: int, today: date
) -> list[Measured]:
    """Decisions asked for (asked on, decided on or None, what) not decided within ``days``."""
    found = []
    for asked, decided, text in requests:
        deadline = _late(asked, decided, timedelta(days=days), today)
        if deadline is None:
            continue
        if decided is None:
            what = f"“{text}”, asked for on {_day(asked)}, is still undecided"
        else:
            what = f"“{text}” took {(decided - asked).days} days to decide"
        found.append(Measured(deadline, what))
    return found


def meeting_attendance(
    meetings: Iterable[tuple[date, str, int, int]], *, percent: int
) -> list[Measured]:
    """Status meetings (on, title, business invitees with attendance recorded, of them who
    attended) where the business's attendance fell below ``percent``."""
    found = []
    for on, title, invited, attended in meetings:
        if invited <= 0:
            continue
        if attended * 100 < percent * invited:
            found.append(
                Measured(
                    on, f"{title} ({_day(on)}): {attended} of {invited} from the business came"
                )
            )
    return found


def promise_dates(
    promises: Iterable[tuple[date, date | None, bool, str]], *, days: int, today: date
) -> list[Measured]:
    """Promises (promised date, delivered on or None, broken, what) delivered more than ``days``
    late, still open that late, or broken."""
    found = []
    for promised, delivered, broken, what in promises:
        deadline = promised + timedelta(days=days)
        if broken:
            if deadline <= today:
                found.append(Measured(deadline, f"“{what}” (promised {_day(promised)}) was broken"))
            continue
        late = _late(promised, delivered, timedelta(days=days), today)
        if late is None:
            continue
        if delivered is None:
            text = f"“{what}”, promised for {_day(promised)}, is not delivered yet"
        else:
            text = (
                f"“{what}” was delivered {(delivered - promised).days} days after {_day(promised)}"
            )
        found.append(Measured(late, text))
    return found
