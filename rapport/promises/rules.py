"""Promises and expectations as pure logic: plain data in, states, figures and findings out.

Under-promise and over-deliver: every promise (a *commitment*) is tracked to whom and by when,
and what was delivered against it. A promise is *kept* when it was delivered on or before its
promised date with at least the promised scope, *broken* otherwise (late, less, or given up),
*overdue* while it is open past its date, and *renegotiated* while it is open on new terms (the
old terms are kept, and the figures also measure against the original date, so renegotiating
never launders a miss).

A customer's *expectation* (budget, date, scope, quality) is checked against the plan and the
current estimate: an expectation the plan contradicts is a finding, not a surprise at go-live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

# stored states
OPEN = "open"
KEPT = "kept"
BROKEN = "broken"
RENEGOTIATED = "renegotiated"
# a state that depends on the day: open (or renegotiated) past the promised date
OVERDUE = "overdue"

STATES = (OPEN, RENEGOTIATED, OVERDUE, KEPT, BROKEN)
CLOSED = (KEPT, BROKEN)

LESS, AS_PROMISED, MORE = "less", "as", "more"
SCOPES = (LESS, AS_PROMISED, MORE)

BUDGET, DATE, SCOPE, QUALITY = "budget", "date", "scope", "quality"
EXPECTATION_KINDS = (BUDGET, DATE, SCOPE, QUALITY)


@dataclass(frozen=True)
class Finding:
    """One thing to act on: a stable kebab-case code, a severity, a message for people, and the
    id of what it is about."""

    code: str
    severity: str  # error, warning, info
    message: str
    subject: Hashable | None = None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "subject": self.subject,
        }


# --- commitments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseFacts:
    """What the figures need to know about one commitment."""

    id: Hashable
    promised_date: dt.date
    status: str = OPEN  # open, renegotiated, kept, broken (as stored)
    original_date: dt.date | None = None  # before any renegotiation; None: never renegotiated
    delivered_on: dt.date | None = None
    delivered_scope: str = ""  # less, as, more ("" when not delivered)
    renegotiations: int = 0
    made_by: Hashable | None = None
    party: Hashable | None = None

    @property
    def first_date(self) -> dt.date:
        return self.original_date or self.promised_date


def delivery_status(promised_date: dt.date, delivered_on: dt.date, delivered_scope: str) -> str:
    """A delivery keeps the promise when it is on or before the promised date and at least the
    promised scope; anything else breaks it."""
    if delivered_scope not in SCOPES:
        raise ValueError(f"delivered scope must be one of {', '.join(SCOPES)}")
    on_time = delivered_on <= promised_date
    return KEPT if on_time and delivered_scope in (AS_PROMISED, MORE) else BROKEN


def is_overdue(promise: PromiseFacts, today: dt.date) -> bool:
    """Open (or renegotiated) and past its promised date."""
    return promise.status not in CLOSED and today > promise.promised_date


def state(promise: PromiseFacts, today: dt.date) -> str:
    """The state a person should see today: kept, broken, overdue, renegotiated or open."""
    if promise.status in CLOSED:
        return promise.status
    if today > promise.promised_date:
        return OVERDUE
    return promise.status if promise.status == RENEGOTIATED else OPEN


def days_late(promise: PromiseFacts) -> int | None:
    """Days after the promised date it was delivered (negative: early); None if not delivered."""
    if promise.delivered_on is None:
        return None
    return (promise.delivered_on - promise.promised_date).days


@dataclass(frozen=True)
class Figures:
    """How a set of promises went. Shares are None when there is nothing to measure yet."""

    total: int = 0
    open: int = 0  # not yet closed (includes renegotiated and overdue)
    overdue: int = 0
    renegotiated: int = 0  # promises renegotiated at least once (open or closed)
    kept: int = 0
    broken: int = 0
    delivered: int = 0
    on_time: int = 0  # delivered on or before the (current) promised date
    on_time_original: int = 0  # ... and on or before the first promised date
    more: int = 0  # delivered more than promised
    as_promised: int = 0
    less: int = 0
    mean_days_late: float | None = None  # against the current date; negative means early
    mean_days_late_original: float | None = None  # against the first promised date

    @property
    def closed(self) -> int:
        return self.kept + self.broken

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.closed if self.closed else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.delivered if self.delivered else None

    @property
    def kept_text(self) -> str:
        """'3 of 4 closed (75 %)'."""
        if not self.closed:
            return "none closed yet"
        return f"{self.kept} of {self.closed} closed ({self.kept_share * 100:.0f} %)"

    @property
    def mean_days_late_text(self) -> str:
        return describe_days(self.mean_days_late)

    @property
    def mean_days_late_original_text(self) -> str:
        return describe_days(self.mean_days_late_original)

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "renegotiated": self.renegotiated,
            "kept": self.kept,
            "broken": self.broken,
            "kept_share": _round(self.kept_share),
            "delivered": self.delivered,
            "on_time": self.on_time,
            "on_time_share": _round(self.on_time_share),
            "on_time_original": self.on_time_original,
            "mean_days_late": _round(self.mean_days_late),
            "mean_days_late_original": _round(self.mean_days_late_original),
            "more": self.more,
            "as_promised": self.as_promised,
            "less": self.less,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figures(promises: Iterable[PromiseFacts], today: dt.date) -> Figures:
    """Kept on time, average days early or late (also against the original dates), and over-
    versus under-delivery, for any set of promises."""
    promises = list(promises)
    delivered = [p for p in promises if p.delivered_on is not None]
    late = [(p.delivered_on - p.promised_date).days for p in delivered]
    late_original = [(p.delivered_on - p.first_date).days for p in delivered]
    return Figures(
        total=len(promises),
        open=sum(p.status not in CLOSED for p in promises),
        overdue=sum(is_overdue(p, today) for p in promises),
        renegotiated=sum(p.renegotiations > 0 or p.status == RENEGOTIATED for p in promises),
        kept=sum(p.status == KEPT for p in promises),
        broken=sum(p.status == BROKEN for p in promises),
        delivered=len(delivered),
        on_time=sum(d <= 0 for d in late),
        on_time_original=sum(d <= 0 for d in late_original),
        more=sum(p.delivered_scope == MORE for p in delivered),
        as_promised=sum(p.delivered_scope == AS_PROMISED for p in delivered),
        less=sum(p.delivered_scope == LESS for p in delivered),
        mean_days_late=sum(late) / len(late) if late else None,
        mean_days_late_original=sum(late_original) / len(late_original) if late else None,
    )


def figures_by(
    promises: Iterable[PromiseFacts], today: dt.date, key: Callable[[PromiseFacts], Hashable]
) -> dict[Hashable, Figures]:
    """Figures per group (per PM: ``key=lambda p: p.made_by``; per party: ``p.party``), in the
    order each group first appears."""
    groups: dict[Hashable, list[PromiseFacts]] = {}
    for p in promises:
        groups.setdefault(key(p), []).append(p)
    return {k: figures(v, today) for k, v in groups.items()}


def describe_days(days: float | None) -> str:
    """'3.5 days late', '2 days early', 'on the day' — for figures and messages."""
    if days is None:
        return "—"
    if abs(days) < 0.05:
        return "on the day"
    amount = f"{abs(days):.1f}".removesuffix(".0")
    unit = "day" if amount == "1" else "days"
    return f"{amount} {unit} {'late' if days > 0 else 'early'}"


# --- expectations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectationFacts:
    """A customer's expectation: in words, and as a number (budget) or a date where there is one.
    ``plan_contradicts`` is a person's judgement (for scope and quality, which no figure checks)."""

    id: Hashable
    holder: str
    kind: str
    words: str
    amount: float | None = None
    expected_date: dt.date | None = None
    plan_contradicts: bool = False
    plan_note: str = ""


@dataclass(frozen=True)
class EstimateFacts:
    """The current estimate at its confidence level, with its S-curves for the chances:
    ``cost_curve`` / ``finish_curve`` are (probability, value) points in rising order."""

    confidence: float
    cost: float
    finish_date: dt.date | None = None
    cost_curve: Sequence[tuple[float, float]] = ()
    finish_curve: Sequence[tuple[float, dt.date]] = ()


@dataclass(frozen=True)
class PlanFacts:
    """What the plan says: the project's budget and target date, and the current estimate."""

    currency: str = ""
    budget: float | None = None
    target_date: dt.date | None = None
    estimate: EstimateFacts | None = None


def chance_within(curve: Sequence[tuple[float, float]], value: float) -> float | None:
    """P(outcome ≤ value) read off an S-curve by linear interpolation (None without a curve)."""
    if not curve:
        return None
    if value < curve[0][1]:
        return 0.0
    if value >= curve[-1][1]:
        return 1.0
    # the last point at or below the value; the next one is above it, so never a flat piece
    i = max(k for k, (_, v) in enumerate(curve) if v <= value)
    (p0, v0), (p1, v1) = curve[i], curve[i + 1]
    return p0 + (p1 - p0) * (value - v0) / (v1 - v0)


def _money(amount: float, currency: str) -> str:
    text = f"{amount:,.0f}" if abs(amount - round(amount)) < 0.005 else f"{amount:,.2f}"
    return f"{text} {currency}".strip()


def _day(value: dt.date) -> str:
    # rules.py stays free of Django: a fixed "5 Nov 2026", not the reader's locale.
    return f"{value.day} {value:%b %Y}"


def _percent(p: float | None) -> str:
    if p is None:
        return ""
    if 0 < p < 0.01:
        return "under 1 %"
    if 0.99 < p < 1:
        return "over 99 %"
    return f"{p:.0%}".replace("%", " %")


def _label(confidence: float) -> str:
    return f"P{round(confidence * 100)}"


def expectation_findings(expectation: ExpectationFacts, plan: PlanFacts) -> list[Finding]:
    """Where the plan or the current estimate contradicts this expectation.

    A budget is contradicted by a project budget above it or an estimate (at its confidence) above
    it; a date by a target date after it or an estimated finish after it. The chance of meeting
    the expectation is read off the estimate's S-curve. Scope and quality are contradicted when a
    person says so. An expectation with no number is only in words and cannot be checked.
    """
    e, found = expectation, []
    who = e.holder
    if e.kind == BUDGET and e.amount is not None:
        expects = f"{who} expects at most {_money(e.amount, plan.currency)}"
        if plan.budget is not None and plan.budget > e.amount:
            found.append(
                Finding(
                    "expectation-budget-below-plan",
                    "error",
                    f"{expects}; the project's budget is {_money(plan.budget, plan.currency)}.",
                    e.id,
                )
            )
        est = plan.estimate
        if est is not None and est.cost > e.amount:
            chance = chance_within([(p, v) for p, v in est.cost_curve], e.amount)
            tail = (
                f" (chance of staying within it: {_percent(chance)})" if chance is not None else ""
            )
            found.append(
                Finding(
                    "expectation-budget-below-estimate",
                    "error",
                    f"{expects}; the estimate at {_label(est.confidence)} is "
                    f"{_money(round(est.cost), plan.currency)}{tail}.",
                    e.id,
                )
            )
    elif e.kind == DATE and e.expected_date is not None:
        expects = f"{who} expects it by {_day(e.expected_date)}"
        if plan.target_date is not None and plan.target_date > e.expected_date:
            found.append(
                Finding(
                    "expectation-date-before-plan",
                    "error",
                    f"{expects}; the plan's target date is {_day(plan.target_date)}.",
                    e.id,
                )
            )
        est = plan.estimate
        if est is not None and est.finish_date is not None and est.finish_date > e.expected_date:
            curve = [(p, d.toordinal()) for p, d in est.finish_curve]
            chance = chance_within(curve, e.expected_date.toordinal())
            tail = (
                f" (chance of finishing by then: {_percent(chance)})" if chance is not None else ""
            )
            found.append(
                Finding(
                    "expectation-date-before-estimate",
                    "error",
                    f"{expects}; the estimate at {_label(est.confidence)} finishes on "
                    f"{_day(est.finish_date)}{tail}.",
                    e.id,
                )
            )
    elif e.kind in (BUDGET, DATE):
        found.append(
            Finding(
                "expectation-in-words-only",
                "info",
                f"{who}'s {e.kind} expectation is only in words: add "
                f"{'an amount' if e.kind == BUDGET else 'a date'} to check it against the plan.",
                e.id,
            )
        )
    if e.plan_contradicts:
        note = f": {e.plan_note.strip()}" if e.plan_note.strip() else "."
        found.append(
            Finding(
                "expectation-contradicted",
                "warning",
                f"The plan contradicts {who}'s {e.kind} expectation{note}",
                e.id,
            )
        )
    return found


def is_contradicted(findings: Iterable[Finding]) -> bool:
    return any(f.severity in ("error", "warning") for f in findings)


# --- promises against the plan's own dates ------------------------------------------------------


@dataclass(frozen=True)
class PlanItemFacts:
    """The milestone or deliverable a promise rests on, with the date the plan gives it: the
    actual finish once done, else the planned finish."""

    id: Hashable
    name: str
    kind: str  # milestone, deliverable, task, decision
    finish: dt.date | None
    done: bool = False


def plan_date_findings(
    *,
    promise_id: Hashable,
    what: str,
    promised_to: str,
    promised_date: dt.date,
    status: str,
    item: PlanItemFacts,
) -> list[Finding]:
    """A promise dated before the plan item that delivers it: one finding on the promise
    (``promise-before-plan``) and one on the plan item (``plan-after-promise``), both errors.

    Nothing for a closed promise (its outcome is recorded), for an item without a date, or when
    the plan's date is on or before the promised one.
    """
    if status in CLOSED or item.finish is None or item.finish <= promised_date:
        return []
    days = (item.finish - promised_date).days
    later = f"{days} day{'s' if days != 1 else ''}"
    verb = "was done" if item.done else "is planned"
    return [
        Finding(
            "promise-before-plan",
            "error",
            f"Promised by {_day(promised_date)}, but the plan's {item.kind} “{item.name}” "
            f"{verb} for {_day(item.finish)}, {later} later: renegotiate the promise or bring "
            "the plan forward.",
            promise_id,
        ),
        Finding(
            "plan-after-promise",
            "error",
            f"{promised_to} was promised “{what}” by {_day(promised_date)}, {later} before this "
            f"{item.kind}'s date ({_day(item.finish)}).",
            item.id,
        ),
    ]


# --- promises against the estimate's confidence (issue 10: promise realism) ---------------------


def over_promise_findings(
    *,
    promised_date: dt.date,
    level: int,
    date_at_level: dt.date | None,
    promise_id: Hashable | None = None,
) -> list[Finding]:
    """A promise resting on the project's finish dated before the estimate's P``level`` finish:
    one ``over-promise`` warning ("You are about to over-promise: the estimate gives 80%
    confidence for 14 March 2027, you promise 1 March 2027."). Nothing without an estimate."""
    if date_at_level is None or promised_date >= date_at_level:
        return []
    return [
        Finding(
            "over-promise",
            "warning",
            f"You are about to over-promise: the estimate gives {level}% confidence for "
            f"{date_at_level.day} {date_at_level:%B %Y}, you promise "
            f"{promised_date.day} {promised_date:%B %Y}.",
            promise_id,
        )
    ]
