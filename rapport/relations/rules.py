"""Relationship rules: who has not been heard from. Pure logic."""

from collections.abc import Iterable
from datetime import date, timedelta

KEY_FROM = 4  # a key customer: power or interest 4 or 5 on the 1–5 scale


def not_heard_from(
    last_contacts: Iterable[tuple[object, date | None]], *, today: date, weeks: int
) -> list[tuple[object, date | None]]:
    """The ``(who, last contact)`` pairs with no contact in the last ``weeks`` weeks (or never),
    never-contacted first, then the longest silence first."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    since = today - timedelta(weeks=weeks)
    silent = [(who, last) for who, last in last_contacts if last is None or last < since]
    return sorted(silent, key=lambda pair: (pair[1] is not None, pair[1] or date.min))
