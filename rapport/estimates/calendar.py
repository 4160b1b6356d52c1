"""Working days and calendar dates for estimates: the inverse of rules.working_days_to_date.
Pure (NumPy only): Monday to Friday, minus holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np


def working_days_until(start: dt.date, finish: dt.date, holidays: Sequence[dt.date] = ()) -> int:
    """How many working days of work that begins on ``start`` fit up to and including
    ``finish``: ``rules.working_days_to_date(start, n)`` is on or before ``finish`` exactly when
    n ≤ this number (0 when ``finish`` is before the first working day)."""
    first = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward", holidays=list(holidays))
    end = np.datetime64(finish, "D") + np.timedelta64(1, "D")
    if end <= first:
        return 0
    return int(np.busday_count(first, end, holidays=list(holidays)))
