"""Honest status: the health the evidence shows, and the watermelon finding. Pure logic.

A PM reports a colour; the evidence (slipped milestones, overdue work, budget burn against
progress, RACI errors, open high risks, missed promises, falling customer ratings, reports nobody
acknowledges) shows another.
Each signal is a small function of plain numbers with documented thresholds; the evidence colour
is the worst measured signal, and a report better than the evidence by ``margin`` steps is a
watermelon: green outside, red inside.

Conventions shared by every signal:

- thresholds are inclusive: a value *at* the amber threshold is amber, at the red one red;
- an input of ``None`` means "not measured": the signal is reported with ``measured=False`` and
  no colour, and never counts as green; a signal turned off in HealthSettings is reported the
  same way;
- an empty but present input (no milestones, no open activities) is measured and green: there is
  nothing late.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum

from rapport.comms.rules import Finding

__all__ = [
    "Colour",
    "Health",
    "HealthInputs",
    "HealthReport",
    "HealthSettings",
    "Signal",
    "evidence_health",
    "health_report",
    "signal_activities_overdue",
    "signal_budget_burn",
    "signal_commitments_missed",
    "signal_high_risks",
    "signal_milestones_slipped",
    "signal_raci_errors",
    "signal_ratings_falling",
    "signal_reports_unacknowledged",
    "watermelon",
]


class Colour(IntEnum):
    """An ordered scale: a larger value is worse."""

    GREEN = 0
    AMBER = 1
    RED = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: Colour | str) -> Colour:
        """A Colour from itself or its name in any case (``"green"``); ValueError otherwise."""
        if isinstance(value, Colour):
            return value
        if isinstance(value, str) and value.strip().upper() in cls.__members__:
            return cls[value.strip().upper()]
        raise ValueError(f"unknown colour {value!r}: use green, amber or red")


@dataclass(frozen=True)
class HealthSettings:
    """Per-project thresholds and on/off switches, one group per signal.

    Thresholds are inclusive (at the threshold is that colour). Shares and gaps are fractions:
    0.10 is ten percent (points).
    """

    milestones_enabled: bool = True
    milestone_amber_days: int = 5  # a milestone this many days late is amber
    milestone_red_days: int = 15  # ... and this many days late is red
    milestone_red_count: int = 1  # how many milestones must be red-late for red

    activities_enabled: bool = True
    activities_amber_share: float = 0.10  # of open activities past their planned finish
    activities_red_share: float = 0.25

    budget_enabled: bool = True
    budget_amber_gap: float = 0.10  # spent share minus progress share
    budget_red_gap: float = 0.25

    raci_enabled: bool = True
    raci_amber_count: int = 1  # RACI errors on open items
    raci_red_count: int = 5

    risks_enabled: bool = True
    risks_amber_count: int = 1  # open high risks
    risks_red_count: int = 3

    commitments_enabled: bool = True
    commitments_amber_count: int = 1  # overdue promises
    commitments_red_count: int = 3
    commitments_red_share: float = 0.5  # ... or this share of the open promises overdue
    commitments_window_days: int = 90  # broken promises and renegotiations this recent count
    commitments_renegotiation_weight: float = 0.5  # a renegotiation counts as half a miss

    ratings_enabled: bool = True
    ratings_window: int = 5  # compare the average of the last N ratings with the N before
    ratings_amber_drop: float = 0.5  # points on the 1-5 scale
    ratings_red_drop: float = 1.0

    acknowledgements_enabled: bool = True
    acknowledgements_amber_share: float = 0.5  # of the reports sent, left unacknowledged
    acknowledgements_red_share: float = 0.75

    business_enabled: bool = True
    business_meetings_window: int = 6  # the last N status meetings held
    business_amber_share: float = 0.34  # of the business invitations there, not attended
    business_red_share: float = 0.5

    satisfaction_enabled: bool = True
    satisfaction_window: int = 3  # per key customer: the last N pulses against the N before
    satisfaction_amber_drop: float = 0.5  # points on the 1-5 scale
    satisfaction_red_drop: float = 1.0

    slas_enabled: bool = True
    slas_window_days: int = 90  # SLA breaches this recent count
    slas_amber_count: int = 1  # breaches, by either side
    slas_red_count: int = 3

    def __post_init__(self):
        pairs = [
            ("milestone_amber_days", "milestone_red_days"),
            ("activities_amber_share", "activities_red_share"),
            ("budget_amber_gap", "budget_red_gap"),
            ("raci_amber_count", "raci_red_count"),
            ("risks_amber_count", "risks_red_count"),
            ("commitments_amber_count", "commitments_red_count"),
            ("ratings_amber_drop", "ratings_red_drop"),
            ("acknowledgements_amber_share", "acknowledgements_red_share"),
            ("business_amber_share", "business_red_share"),
            ("satisfaction_amber_drop", "satisfaction_red_drop"),
            ("slas_amber_count", "slas_red_count"),
        ]
        for amber, red in pairs:
            if getattr(self, amber) > getattr(self, red):
                raise ValueError(
                    f"{amber} ({getattr(self, amber)}) must not exceed {red} ({getattr(self, red)})"
                )
        for item in fields(self):
            value = getattr(self, item.name)
            if not item.name.endswith("_enabled") and (
                not isinstance(value, int | float) or value <= 0
            ):
                raise ValueError(f"{item.name} must be a positive number, got {value!r}")
        for name in ("ratings_window", "business_meetings_window", "satisfaction_window"):
            if getattr(self, name) != int(getattr(self, name)):
                raise ValueError(f"{name} must be a whole number")


@dataclass(frozen=True)
class HealthInputs:
    """The evidence, as plain numbers. ``None`` anywhere means "not measured"."""

    milestone_slip_days: Sequence[int] | None = None  # per milestone: days late against baseline
    activities_open: int | None = None
    activities_overdue: int | None = None  # open activities past their planned finish
    budget_spent_share: float | None = None  # spent / budget; may exceed 1
    progress_share: float | None = None  # work done / work planned, 0..1
    raci_errors: int | None = None  # RACI findings on open items
    high_risks_open: int | None = None
    commitments_open: int | None = None  # promises not yet delivered
    commitments_overdue: int | None = None  # ... of which past their promised date
    commitments_broken: int | None = None  # promises broken within commitments_window_days
    commitments_renegotiated: int | None = None  # renegotiations agreed within that window
    ratings: Sequence[float] | None = None  # customer ratings 1-5, oldest first
    reports_sent: int | None = None  # reports sent to customers (recently, past a grace period)
    reports_unacknowledged: int | None = None  # ... of which nobody acknowledged
    business_invited: int | None = None  # business invitations to the last status meetings held
    business_missed: int | None = None  # ... of which not attended (apologised or absent)
    # Per key customer, their satisfaction pulses 1-5, oldest first: {"Bea Business": [4, 5, 3]}.
    key_customer_pulses: Mapping[str, Sequence[float]] | None = None
    sla_breaches_it: int | None = None  # SLA breaches by IT within slas_window_days
    sla_breaches_business: int | None = None  # ... and by the business


@dataclass(frozen=True)
class Signal:
    """One piece of evidence. ``colour`` is None when ``measured`` is False."""

    code: str
    colour: Colour | None
    value: float | int | None
    message: str
    measured: bool

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "colour": self.colour.label if self.colour is not None else None,
            "value": self.value,
            "message": self.message,
            "measured": self.measured,
        }


def _not_measured(code: str, what: str, why: str) -> Signal:
    return Signal(
        code=code, colour=None, value=None, message=f"{what} not measured: {why}", measured=False
    )


def _off(code: str, what: str) -> Signal:
    return _not_measured(code, what, "turned off in the health settings")


def _grade(value: float, amber: float, red: float) -> Colour:
    if value >= red:
        return Colour.RED
    if value >= amber:
        return Colour.AMBER
    return Colour.GREEN


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}")
    return value


def _share(name: str, value, *, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
        bound = f" and at most {high:g}" if high != math.inf else ""
        raise ValueError(f"{name} must be a number of at least 0{bound}, got {value!r}")
    return float(value)


def _count_signed(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must hold whole numbers of days, got {value!r}")
    return value


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# Rounding before comparing, so 0.35 - 0.25 counts as the 0.10 it means, not 0.0999999.
def _exact(value: float) -> float:
    return round(value, 9)


def signal_milestones_slipped(slip_days: Sequence[int] | None, settings: HealthSettings) -> Signal:
    """Milestones slipped against their baseline.

    Input: for each milestone, the days it is late (actual or forecast finish minus baseline;
    zero or negative is on time). Red when at least ``milestone_red_count`` (1) milestones are
    ``milestone_red_days`` (15)+ days late; amber when any is ``milestone_amber_days`` (5)+ days
    late. Value: the worst slip in days (0 when none is late).
    """
    code, what = "milestones-slipped", "milestone slip"
    if not settings.milestones_enabled:
        return _off(code, what)
    if slip_days is None:
        return _not_measured(code, what, "no milestone baseline")
    slips = [_count_signed("milestone_slip_days", d) for d in slip_days]
    worst = max([0, *slips])
    red = sum(1 for d in slips if d >= settings.milestone_red_days)
    amber = sum(1 for d in slips if d >= settings.milestone_amber_days)
    if red >= settings.milestone_red_count:
        colour, message = (
            Colour.RED,
            f"{_plural(red, 'milestone')} slipped {settings.milestone_red_days}+ days",
        )
    elif amber:
        colour = Colour.AMBER
        message = f"{_plural(amber, 'milestone')} slipped {settings.milestone_amber_days}+ days (worst {worst} days)"
    else:
        colour, message = (
            Colour.GREEN,
            f"no milestone slipped {settings.milestone_amber_days}+ days",
        )
    return Signal(code=code, colour=colour, value=worst, message=message, measured=True)


def signal_activities_overdue(
    open_: int | None, overdue: int | None, settings: HealthSettings
) -> Signal:
    """Open activities past their planned finish, as a share of the open activities.

    Amber at ``activities_amber_share`` (10%), red at ``activities_red_share`` (25%). No open
    activities is green (nothing can be late). Value: the share, 0..1.
    """
    code, what = "activities-overdue", "overdue work"
    if not settings.activities_enabled:
        return _off(code, what)
    if open_ is None or overdue is None:
        return _not_measured(code, what, "no count of open and overdue activities")
    open_, overdue = _count("activities_open", open_), _count("activities_overdue", overdue)
    if overdue > open_:
        raise ValueError(f"activities_overdue ({overdue}) cannot exceed activities_open ({open_})")
    if open_ == 0:
        return Signal(
            code=code, colour=Colour.GREEN, value=0.0, message="no open activities", measured=True
        )
    share = _exact(overdue / open_)
    colour = _grade(share, settings.activities_amber_share, settings.activities_red_share)
    message = f"{share:.0%} of open activities overdue ({overdue} of {open_})"
    return Signal(code=code, colour=colour, value=share, message=message, measured=True)


def signal_budget_burn(
    spent: float | None, progress: float | None, settings: HealthSettings
) -> Signal:
    """Budget burn against progress: spent share minus progress share.

    40% of the budget spent at 10% progress is a gap of 0.30. Amber at ``budget_amber_gap``
    (0.10), red at ``budget_red_gap`` (0.25); spending behind progress is green. Value: the gap.
    """
    code, what = "budget-burn", "budget burn"
    if not settings.budget_enabled:
        return _off(code, what)
    if spent is None or progress is None:
        return _not_measured(code, what, "spent share or progress share missing")
    spent = _share("budget_spent_share", spent)
    progress = _share("progress_share", progress, high=1.0)
    gap = _exact(spent - progress)
    colour = _grade(gap, settings.budget_amber_gap, settings.budget_red_gap)
    message = f"budget {spent:.0%} spent at {progress:.0%} progress"
    return Signal(code=code, colour=colour, value=gap, message=message, measured=True)


def signal_raci_errors(errors: int | None, settings: HealthSettings) -> Signal:
    """RACI errors on open items (no Accountable, two Accountables, nobody Responsible...).

    Amber at ``raci_amber_count`` (1), red at ``raci_red_count`` (5). Value: the count.
    """
    code, what = "raci-errors", "RACI"
    if not settings.raci_enabled:
        return _off(code, what)
    if errors is None:
        return _not_measured(code, what, "no RACI check")
    errors = _count("raci_errors", errors)
    colour = _grade(errors, settings.raci_amber_count, settings.raci_red_count)
    message = (
        f"{_plural(errors, 'RACI error')} on open items"
        if errors
        else "no RACI errors on open items"
    )
    return Signal(code=code, colour=colour, value=errors, message=message, measured=True)


def signal_high_risks(open_high: int | None, settings: HealthSettings) -> Signal:
    """Open high risks.

    Amber at ``risks_amber_count`` (1), red at ``risks_red_count`` (3). Value: the count.
    """
    code, what = "high-risks-open", "risk"
    if not settings.risks_enabled:
        return _off(code, what)
    if open_high is None:
        return _not_measured(code, what, "no risk register")
    open_high = _count("high_risks_open", open_high)
    colour = _grade(open_high, settings.risks_amber_count, settings.risks_red_count)
    message = f"{_plural(open_high, 'high risk')} open" if open_high else "no high risks open"
    return Signal(code=code, colour=colour, value=open_high, message=message, measured=True)


def signal_commitments_missed(
    open_: int | None,
    overdue: int | None,
    settings: HealthSettings,
    *,
    broken: int | None = 0,
    renegotiated: int | None = 0,
) -> Signal:
    """Promises missed: open commitments past their promised date, promises broken within the
    last ``commitments_window_days`` (90), and, counting less, renegotiations agreed in that window.

    A broken promise counts as one miss, like an overdue one: closing a late promise as broken
    must not turn the signal green. A renegotiation counts ``commitments_renegotiation_weight``
    (half) of a miss: the customer agreed new terms, but the first promise was not kept.
    Amber at ``commitments_amber_count`` (1) misses; red at ``commitments_red_count`` (3), or when
    the misses are at least ``commitments_red_share`` (half) of the promises at stake (open ones
    and recently broken ones) and the amber count is reached. Value: the misses.
    """
    code, what = "commitments-missed", "promises"
    if not settings.commitments_enabled:
        return _off(code, what)
    if open_ is None or overdue is None:
        return _not_measured(code, what, "no count of open and overdue commitments")
    open_, overdue = _count("commitments_open", open_), _count("commitments_overdue", overdue)
    broken = _count("commitments_broken", broken or 0)
    renegotiated = _count("commitments_renegotiated", renegotiated or 0)
    if overdue > open_:
        raise ValueError(
            f"commitments_overdue ({overdue}) cannot exceed commitments_open ({open_})"
        )
    missed = _exact(overdue + broken + settings.commitments_renegotiation_weight * renegotiated)
    if missed == int(missed):
        missed = int(missed)
    at_stake = open_ + broken
    share = _exact(missed / at_stake) if at_stake else 0.0
    if missed >= settings.commitments_red_count or (
        missed >= settings.commitments_amber_count and share >= settings.commitments_red_share
    ):
        colour = Colour.RED
    elif missed >= settings.commitments_amber_count:
        colour = Colour.AMBER
    else:
        colour = Colour.GREEN
    parts = [f"{overdue} of {_plural(open_, 'promise')} overdue"] if overdue else []
    window = f"in the last {settings.commitments_window_days} days"
    if broken:
        parts.append(f"{_plural(broken, 'promise')} broken {window}")
    if renegotiated:
        parts.append(
            f"{_plural(renegotiated, 'renegotiation')} {window} "
            f"(each counts {settings.commitments_renegotiation_weight:g} of a miss)"
        )
    message = ", ".join(parts) if parts else "no promises overdue"
    return Signal(code=code, colour=colour, value=missed, message=message, measured=True)


def signal_ratings_falling(ratings: Sequence[float] | None, settings: HealthSettings) -> Signal:
    """Customer ratings falling: the average of the last N ratings minus the N before.

    Ratings are on a 1-5 scale, oldest first; N is ``ratings_window`` (5). Fewer than 2N ratings
    is "not measured" (too few to call a trend). Amber when the average dropped by
    ``ratings_amber_drop`` (0.5) points, red at ``ratings_red_drop`` (1.0). Value: the change
    (negative when falling).
    """
    code, what = "ratings-falling", "customer rating trend"
    if not settings.ratings_enabled:
        return _off(code, what)
    if ratings is None:
        return _not_measured(code, what, "no ratings")
    for rating in ratings:
        if isinstance(rating, bool) or not isinstance(rating, int | float) or not 1 <= rating <= 5:
            raise ValueError(f"ratings must be numbers from 1 to 5, got {rating!r}")
    n = int(settings.ratings_window)
    if len(ratings) < 2 * n:
        return _not_measured(code, what, f"{_plural(len(ratings), 'rating')}, need {2 * n}")
    recent = math.fsum(ratings[-n:]) / n
    before = math.fsum(ratings[-2 * n : -n]) / n
    change = _exact(recent - before)
    colour = _grade(-change, settings.ratings_amber_drop, settings.ratings_red_drop)
    direction = "down" if change < 0 else "up" if change > 0 else "steady"
    amount = f" {abs(change):.1f}" if change else ""
    message = f"customer rating {direction}{amount} ({before:.1f} to {recent:.1f}, last {n} against the {n} before)"
    return Signal(code=code, colour=colour, value=change, message=message, measured=True)


def signal_reports_unacknowledged(
    sent: int | None, unacknowledged: int | None, settings: HealthSettings
) -> Signal:
    """Reports nobody acknowledged, as a share of the reports sent.

    Customers who stop acknowledging their reports have stopped reading them: the relationship
    is going quiet, whatever the colours say. Amber at ``acknowledgements_amber_share`` (half),
    red at ``acknowledgements_red_share`` (three quarters). No report sent is "not measured".
    Value: the share, 0..1.
    """
    code, what = "reports-unacknowledged", "report acknowledgement"
    if not settings.acknowledgements_enabled:
        return _off(code, what)
    if sent is None or unacknowledged is None:
        return _not_measured(code, what, "no report sent long enough ago to expect an answer")
    sent = _count("reports_sent", sent)
    unacknowledged = _count("reports_unacknowledged", unacknowledged)
    if unacknowledged > sent:
        raise ValueError(
            f"reports_unacknowledged ({unacknowledged}) cannot exceed reports_sent ({sent})"
        )
    if sent == 0:
        return _not_measured(code, what, "no reports sent yet")
    share = _exact(unacknowledged / sent)
    colour = _grade(
        share, settings.acknowledgements_amber_share, settings.acknowledgements_red_share
    )
    message = (
        f"{unacknowledged} of {_plural(sent, 'report')} sent not acknowledged"
        if unacknowledged
        else f"every one of {_plural(sent, 'report')} sent acknowledged"
    )
    return Signal(code=code, colour=colour, value=share, message=message, measured=True)


def signal_business_absent(
    invited: int | None, missed: int | None, settings: HealthSettings
) -> Signal:
    """The business staying away from the status meetings.

    Over the last ``business_meetings_window`` (6) status meetings held: the share of the
    business side's invitations not attended (apologised counts as missed: the business was not
    in the room). Amber at ``business_amber_share`` (a third), red at ``business_red_share``
    (half). No business invitation is "not measured". Value: the share missed, 0..1.
    """
    code, what = "business-absent", "business attendance"
    if not settings.business_enabled:
        return _off(code, what)
    if invited is None or missed is None:
        return _not_measured(code, what, "no status meeting with the business invited held yet")
    invited = _count("business_invited", invited)
    missed = _count("business_missed", missed)
    if missed > invited:
        raise ValueError(f"business_missed ({missed}) cannot exceed business_invited ({invited})")
    if invited == 0:
        return _not_measured(code, what, "no status meeting with the business invited held yet")
    share = _exact(missed / invited)
    colour = _grade(share, settings.business_amber_share, settings.business_red_share)
    n = int(settings.business_meetings_window)
    message = (
        f"the business missed {missed} of {_plural(invited, 'invitation')} "
        f"to the last {_plural(n, 'status meeting')}"
        if missed
        else f"the business attended every one of the last {_plural(n, 'status meeting')}"
    )
    return Signal(code=code, colour=colour, value=share, message=message, measured=True)


def signal_satisfaction_falling(
    pulses: Mapping[str, Sequence[float]] | None, settings: HealthSettings
) -> Signal:
    """A key customer's satisfaction falling: per key customer, the average of their last N
    pulses minus the N before (N is ``satisfaction_window``, 3); the worst customer counts.

    One key customer turning away is the warning, however happy the others are, so this takes
    the worst drop, not an average. Customers with fewer than 2N pulses are left out; none with
    enough is "not measured". Amber at ``satisfaction_amber_drop`` (0.5), red at
    ``satisfaction_red_drop`` (1.0). Value: the worst change (negative when falling).
    """
    code, what = "satisfaction-falling", "key customers' satisfaction"
    if not settings.satisfaction_enabled:
        return _off(code, what)
    if not pulses:
        return _not_measured(code, what, "no satisfaction pulses from key customers")
    n = int(settings.satisfaction_window)
    trends = []
    for name, scores in sorted(pulses.items()):
        for score in scores:
            if isinstance(score, bool) or not isinstance(score, int | float) or not 1 <= score <= 5:
                raise ValueError(f"satisfaction scores must be numbers from 1 to 5, got {score!r}")
        if len(scores) >= 2 * n:
            recent = math.fsum(scores[-n:]) / n
            before = math.fsum(scores[-2 * n : -n]) / n
            trends.append((_exact(recent - before), name, before, recent))
    if not trends:
        return _not_measured(code, what, f"no key customer has {2 * n} pulses yet")
    change, name, before, recent = min(trends)
    colour = _grade(-change, settings.satisfaction_amber_drop, settings.satisfaction_red_drop)
    if change < 0:
        message = f"{name}'s satisfaction down {abs(change):.1f} ({before:.1f} to {recent:.1f})"
    else:
        message = f"no key customer's satisfaction falling ({_plural(len(trends), 'customer')})"
    return Signal(code=code, colour=colour, value=change, message=message, measured=True)


def signal_sla_breached(
    by_it: int | None, by_business: int | None, settings: HealthSettings
) -> Signal:
    """SLA obligations breached, by either side, within ``slas_window_days`` (90).

    Both sides count: the business not deciding in time hurts the project as much as IT not
    answering. Amber at ``slas_amber_count`` (1), red at ``slas_red_count`` (3). No agreement is
    "not measured". Value: the breaches.
    """
    code, what = "sla-breached", "service-level agreements"
    if not settings.slas_enabled:
        return _off(code, what)
    if by_it is None or by_business is None:
        return _not_measured(code, what, "no service-level agreement")
    by_it = _count("sla_breaches_it", by_it)
    by_business = _count("sla_breaches_business", by_business)
    total = by_it + by_business
    colour = _grade(total, settings.slas_amber_count, settings.slas_red_count)
    if total:
        message = (
            f"{total} SLA {'breach' if total == 1 else 'breaches'} in {int(settings.slas_window_days)} days: "
            f"{by_it} by IT, {by_business} by the business"
        )
    else:
        message = "no SLA breached"
    return Signal(code=code, colour=colour, value=total, message=message, measured=True)


# In report order: the order the watermelon message and the UI list them in.
_SIGNALS: tuple[Callable[[HealthInputs, HealthSettings], Signal], ...] = (
    lambda i, s: signal_milestones_slipped(i.milestone_slip_days, s),
    lambda i, s: signal_activities_overdue(i.activities_open, i.activities_overdue, s),
    lambda i, s: signal_budget_burn(i.budget_spent_share, i.progress_share, s),
    lambda i, s: signal_commitments_missed(
        i.commitments_open,
        i.commitments_overdue,
        s,
        broken=i.commitments_broken,
        renegotiated=i.commitments_renegotiated,
    ),
    lambda i, s: signal_high_risks(i.high_risks_open, s),
    lambda i, s: signal_raci_errors(i.raci_errors, s),
    lambda i, s: signal_ratings_falling(i.ratings, s),
    lambda i, s: signal_reports_unacknowledged(i.reports_sent, i.reports_unacknowledged, s),
    lambda i, s: signal_business_absent(i.business_invited, i.business_missed, s),
    lambda i, s: signal_satisfaction_falling(i.key_customer_pulses, s),
    lambda i, s: signal_sla_breached(i.sla_breaches_it, i.sla_breaches_business, s),
)


@dataclass(frozen=True)
class Health:
    """The evidence colour (None when nothing was measured) and every signal, measured or not."""

    colour: Colour | None
    signals: tuple[Signal, ...]

    @property
    def measured(self) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.measured)

    def to_dict(self) -> dict:
        return {
            "colour": self.colour.label if self.colour is not None else None,
            "signals": [s.to_dict() for s in self.signals],
        }


def evidence_health(inputs: HealthInputs, settings: HealthSettings | None = None) -> Health:
    """The health the evidence shows: every signal, and the worst measured one as the colour.

    Worst-signal rather than an average or a weighted score, because one red signal (a budget
    40% spent at 10% progress) is a red project however well the rest goes, and an average would
    let good signals hide it; alternatives would be "two ambers make a red" or weights per signal.
    Unmeasured signals do not count; with none measured the colour is None ("not measured").
    """
    settings = settings or HealthSettings()
    signals = tuple(compute(inputs, settings) for compute in _SIGNALS)
    measured = [s.colour for s in signals if s.measured]
    return Health(colour=max(measured) if measured else None, signals=signals)


def watermelon(
    reported_colour: Colour | str | None,
    evidence: Health,
    margin: int = 1,
    *,
    subject: Hashable | None = None,
) -> Finding | None:
    """The watermelon finding: reported better than the evidence by at least ``margin`` steps.

    Severity ``error`` when reported green and the evidence is red, ``warning`` otherwise. The
    message names the signals worse than the reported colour, worst first: "Reported green;
    evidence red: 2 milestones slipped 15+ days, budget 40% spent at 10% progress". No finding
    when nothing was reported or nothing measured: absence of evidence is not a watermelon.
    """
    if isinstance(margin, bool) or not isinstance(margin, int) or margin < 1:
        raise ValueError(f"margin must be a whole number of at least 1, got {margin!r}")
    if reported_colour is None or evidence.colour is None:
        return None
    reported = Colour.parse(reported_colour)
    if evidence.colour - reported < margin:
        return None
    worse = sorted(
        (s for s in evidence.measured if s.colour > reported),
        key=lambda s: -s.colour,  # sorted() is stable: report order within a colour
    )
    severity = "error" if (reported, evidence.colour) == (Colour.GREEN, Colour.RED) else "warning"
    message = f"Reported {reported.label}; evidence {evidence.colour.label}: " + ", ".join(
        s.message for s in worse
    )
    return Finding(code="watermelon", severity=severity, message=message, subject=subject)


@dataclass(frozen=True)
class HealthReport:
    """Reported colour, evidence and watermelon together: what ``rapport status health`` shows."""

    reported: Colour | None
    evidence: Health
    watermelon: Finding | None

    def to_dict(self) -> dict:
        """``{"reported", "evidence", "signals", "watermelon"}``; colours as names, None as null."""
        return {
            "reported": self.reported.label if self.reported is not None else None,
            "evidence": self.evidence.colour.label if self.evidence.colour is not None else None,
            "signals": [s.to_dict() for s in self.evidence.signals],
            "watermelon": self.watermelon.to_dict() if self.watermelon else None,
        }


def health_report(
    reported_colour: Colour | str | None,
    inputs: HealthInputs,
    settings: HealthSettings | None = None,
    *,
    margin: int = 1,
    subject: Hashable | None = None,
) -> HealthReport:
    """Evidence health and the watermelon check in one call."""
    reported = Colour.parse(reported_colour) if reported_colour is not None else None
    evidence = evidence_health(inputs, settings)
    return HealthReport(
        reported=reported,
        evidence=evidence,
        watermelon=watermelon(reported, evidence, margin, subject=subject),
    )


# Which evidence signals speak to which colour of a status update: the status form shows them
# beside the colour pickers, because choosing a colour is the moment the evidence matters.
SIGNALS_BY_DIMENSION = {
    "schedule": ("milestones-slipped", "activities-overdue"),
    "scope": ("commitments-missed",),
    "cost": ("budget-burn",),
    "quality": (
        "ratings-falling",
        "reports-unacknowledged",
        "satisfaction-falling",
        "sla-breached",
    ),
    "risk": ("high-risks-open", "raci-errors", "business-absent"),
}


def signals_by_dimension(signals: Sequence[Signal]) -> dict[str, list[Signal]]:
    """The measured signals grouped under the status dimension each speaks to."""
    by_code = {s.code: s for s in signals if s.measured}
    return {
        dimension: [by_code[code] for code in codes if code in by_code]
        for dimension, codes in SIGNALS_BY_DIMENSION.items()
    }
