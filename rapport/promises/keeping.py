"""The chance that a promise is kept, from the record of the person who makes it. Pure logic.

Under-promise by design: before a promise is recorded, say how often this person's promises of
this kind (made as far ahead: a lead-time band) were kept on their first date, what chance this
one has, and which date would have an 80 % chance.

- A short record says little, so the person's share is pulled towards the organisation's share for
  the same band by ``PRIOR_WEIGHT`` pseudo-promises (a beta-binomial estimate): with no record the
  organisation's rate is the answer, with a long one the person's own.
- When the promise rests on the project's finish, the chance comes from the estimate (the
  calibrated S-curve of the latest simulation), and the date for 80 % is its P80 date.
- Otherwise the date for 80 % stretches the promise's lead time by the 80th percentile of
  (delivered − made) ÷ (promised − made) over the record: a person who usually needs 1.5× the
  time they promise is told to promise 1.5× as far ahead. A promise never delivered counts as
  infinitely late, so when more than one in five were never delivered no date gives 80 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

LEAD_BANDS = (
    (14, "made up to two weeks ahead"),
    (61, "made two weeks to two months ahead"),
    (None, "made more than two months ahead"),
)
PRIOR_WEIGHT = 4
TARGET_CHANCE = 0.8


@dataclass(frozen=True)
class PastPromise:
    """A closed promise: when it was made, its first promised date, when it was delivered (None:
    never) and whether it was kept on that first date."""

    made_on: dt.date
    first_date: dt.date
    delivered_on: dt.date | None
    kept: bool

    @property
    def lead_days(self) -> int:
        return max((self.first_date - self.made_on).days, 1)

    @property
    def ratio(self) -> float:
        """Time it took ÷ time promised (inf: never delivered)."""
        if self.delivered_on is None:
            return math.inf
        return max((self.delivered_on - self.made_on).days, 0) / self.lead_days


def band_of(lead_days: int) -> int:
    for i, (limit, _) in enumerate(LEAD_BANDS):
        if limit is None or lead_days <= limit:
            return i
    return len(LEAD_BANDS) - 1


def band_label(lead_days: int) -> str:
    return LEAD_BANDS[band_of(lead_days)][1]


def kept_share(history: Sequence[PastPromise]) -> float | None:
    return sum(p.kept for p in history) / len(history) if history else None


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    if math.isinf(ordered[high]) or math.isinf(ordered[low]):
        return ordered[high] if position > low else ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Chance:
    """What the promise form shows before a promise is recorded."""

    band: str
    person_share: float | None  # the person's promises of this band, kept on time
    person_count: int
    org_share: float | None
    org_count: int
    chance: float | None  # of this promise
    from_estimate: bool
    date_for_80: dt.date | None
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "band": self.band,
            "person_share": _r(self.person_share),
            "person_count": self.person_count,
            "org_share": _r(self.org_share),
            "org_count": self.org_count,
            "chance": _r(self.chance),
            "from_estimate": self.from_estimate,
            "date_for_80": self.date_for_80.isoformat() if self.date_for_80 else None,
            "note": self.note,
        }


def _r(value):
    return None if value is None else round(value, 4)


def promise_chance(
    *,
    made_on: dt.date,
    promised_date: dt.date,
    person: Sequence[PastPromise],
    org: Sequence[PastPromise],
    estimate_chance: float | None = None,
    estimate_date_80: dt.date | None = None,
) -> Chance:
    """The chance that a promise made on ``made_on`` for ``promised_date`` is kept, from the
    person's and the organisation's closed promises and, when it rests on the project's finish,
    the estimate's chance of finishing by then (see the module docstring)."""
    lead = max((promised_date - made_on).days, 1)
    band = band_of(lead)
    mine = [p for p in person if band_of(p.lead_days) == band]
    ours = [p for p in org if band_of(p.lead_days) == band]
    org_share = kept_share(ours)
    prior = org_share if org_share is not None else kept_share(org)
    if mine and prior is not None:
        chance = (sum(p.kept for p in mine) + PRIOR_WEIGHT * prior) / (len(mine) + PRIOR_WEIGHT)
    elif mine:
        chance = kept_share(mine)
    else:
        chance = prior
    note = ""
    if estimate_chance is not None:
        return Chance(
            band=LEAD_BANDS[band][1],
            person_share=kept_share(mine),
            person_count=len(mine),
            org_share=org_share,
            org_count=len(ours),
            chance=estimate_chance,
            from_estimate=True,
            date_for_80=estimate_date_80,
        )
    record = mine if len(mine) >= 3 else (ours or list(org))
    date_for_80 = None
    if record:
        stretch = _quantile([p.ratio for p in record], TARGET_CHANCE)
        if math.isinf(stretch):
            note = "More than one in five of these promises were never delivered."
        else:
            date_for_80 = made_on + dt.timedelta(days=math.ceil(lead * max(stretch, 1.0)))
    return Chance(
        band=LEAD_BANDS[band][1],
        person_share=kept_share(mine),
        person_count=len(mine),
        org_share=org_share,
        org_count=len(ours),
        chance=chance,
        from_estimate=False,
        date_for_80=date_for_80,
        note=note,
    )
