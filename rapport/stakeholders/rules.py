"""Customer analysis as pure logic: no Django imports, plain data in, findings out.

The web pages, the API and the CLI show the same findings, computed here from plain values that
selectors read from the database. Finding codes are stable kebab-case strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

# --- vocabularies ---------------------------------------------------------------------------------

KINDS = (("person", "Person"), ("group", "Group"))
RELATIONSHIPS = (("internal", "Internal"), ("external", "External"))
# External customers pay or trade for the service (cash or trade, or under a contract); internal
# ones pay nothing or internal money (a chargeback), which does not make them external.
PAYMENTS = (
    ("none", "None"),
    ("contract", "Contract"),
    ("cash_trade", "Cash or trade"),
    ("chargeback", "Chargeback"),
)
PAYMENT_ALIASES = {"cash": "cash_trade", "trade": "cash_trade", "cash/trade": "cash_trade"}


def payment_problem(relationship: str, payment: str) -> str | None:
    """Why this way of paying contradicts internal/external, or None when it fits."""
    if payment == "chargeback" and relationship == "external":
        return "A chargeback is internal money: a party paying by chargeback is internal."
    if payment == "cash_trade" and relationship == "internal":
        return "Paying cash or in trade makes a party external: mark them external, or choose how an internal party pays (none or chargeback)."
    return None


# Project roles a party can hold (several at once). "Customer" is a separate yes/no on the
# stakeholder, because sponsor and customer may be different parties or the same one.
ROLES = (
    ("sponsor", "Sponsor"),
    ("senior_user", "Senior user"),
    ("end_user", "End user"),
    ("sme", "Subject-matter expert"),
    ("business_partner", "Business partner"),
    ("executive", "Executive"),
    ("it_executive", "IT executive"),
    ("business_analyst", "Business analyst"),
    ("board_member", "Board member"),
    ("approver", "Approver"),
    ("supplier", "Supplier"),
    ("contractor", "Contractor"),
    ("regulator", "Regulator"),
    ("affected", "Affected party"),
)
ROLE_ALIASES = {
    "subject matter expert": "sme",
    "subject-matter expert": "sme",
    "expert": "sme",
    "user": "end_user",
    "senior user": "senior_user",
    "end user": "end_user",
    "business partner": "business_partner",
    "it executive": "it_executive",
    "business analyst": "business_analyst",
    "ba": "business_analyst",
    "board member": "board_member",
    "affected party": "affected",
}

ATTITUDES = (
    ("champion", "Champion"),
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("sceptic", "Sceptic"),
    ("blocker", "Blocker"),
)
ATTITUDE_ALIASES = {"skeptic": "sceptic", "supportive": "supporter", "opponent": "blocker"}

# Lowest to highest: the Stakeholder Engagement Assessment Matrix's order.
ENGAGEMENT = (
    ("unaware", "Unaware"),
    ("resistant", "Resistant"),
    ("neutral", "Neutral"),
    ("supportive", "Supportive"),
    ("leading", "Leading"),
)
ENGAGEMENT_RANK = {key: rank for rank, (key, _) in enumerate(ENGAGEMENT)}

POSITIONS = (("pending", "Pending"), ("agreed", "Agreed"), ("objected", "Objected"))

# The taxonomy every organisation starts with: (name, hint shown in the identification prompt).
DEFAULT_CATEGORIES = (
    ("Sponsor", "Who funds the project and holds it together?"),
    ("Executive", "Which executives' areas does it change?"),
    ("Business partner", "Which business leads work with the project?"),
    ("Board member", "Does the board need to know or decide?"),
    ("End user", "Who will use what the project delivers, day to day?"),
    ("Senior user", "Who speaks for the users and signs off that it works for them?"),
    ("IT executive", "Which IT leaders run or fund the systems touched?"),
    ("Business analyst", "Who analyses and documents the requirements?"),
    ("Subject-matter expert", "Whose expertise does the project need?"),
    ("Contractor", "Which contractors do part of the work?"),
    ("Supplier", "Which suppliers' products or contracts change?"),
    ("Union", "Do staff representatives need to be consulted on changed work?"),
    ("Shareholder", "Do owners or shareholders care about the result?"),
    ("Financier", "Does a bank, investor or grant giver fund part of it?"),
    ("Government/regulator", "Which laws or regulators apply (data protection, safety, ...)?"),
    ("Special-interest group", "Which associations or pressure groups care?"),
    ("Community", "Is a local community affected?"),
    ("General public", "Will the public notice or be affected?"),
    ("Future generations", "Does it leave costs or benefits for those who come later?"),
)

SEVERITIES = ("error", "warning", "info")


def label(choices: Sequence[tuple[str, str]], key: str) -> str:
    return dict(choices).get(key, key)


# --- findings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing a PM should look at. `subject` names what it is about (for links and grouping)."""

    code: str
    severity: str
    message: str
    subject: str = ""
    subject_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "subject": self.subject,
            "subject_id": self.subject_id,
        }


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order.get(f.severity, 9), f.code, f.subject.lower()))


# --- power/interest grid --------------------------------------------------------------------------

# 3 on the 1-5 scale counts as high: underrating someone's power is the costlier mistake.
HIGH_FROM = 3

QUADRANTS = {
    "manage-closely": (
        "Manage closely",
        "High power, high interest: involve them in decisions; meet regularly.",
    ),
    "keep-satisfied": (
        "Keep satisfied",
        "High power, low interest: meet their needs, do not flood them with detail.",
    ),
    "keep-informed": (
        "Keep informed",
        "Low power, high interest: keep them up to date; they often spot problems first.",
    ),
    "monitor": ("Monitor", "Low power, low interest: watch for changes; minimum effort."),
}


def quadrant(power: int | None, interest: int | None) -> str | None:
    """The quadrant key for a stakeholder on the power/interest grid, or None when not assessed."""
    if power is None or interest is None:
        return None
    high_power, high_interest = power >= HIGH_FROM, interest >= HIGH_FROM
    if high_power:
        return "manage-closely" if high_interest else "keep-satisfied"
    return "keep-informed" if high_interest else "monitor"


def quadrant_strategy(power: int | None, interest: int | None) -> str:
    key = quadrant(power, interest)
    return QUADRANTS[key][0] if key else "Not assessed"


# --- engagement -----------------------------------------------------------------------------------


def engagement_gap(current: str, needed: str) -> int | None:
    """Steps between the engagement needed and the engagement now: positive means raise it;
    None when either is not assessed."""
    if current not in ENGAGEMENT_RANK or needed not in ENGAGEMENT_RANK:
        return None
    return ENGAGEMENT_RANK[needed] - ENGAGEMENT_RANK[current]


# --- the register of one project ------------------------------------------------------------------


@dataclass
class StakeholderFacts:
    id: int
    name: str
    roles: list[str] = field(default_factory=list)
    is_customer: bool = False
    power: int | None = None
    interest: int | None = None
    attitude: str = ""
    nervous: bool = False
    concerns: str = ""
    engagement_now: str = ""
    engagement_needed: str = ""
    criteria_count: int = 0


def register_findings(stakeholders: Sequence[StakeholderFacts]) -> list[Finding]:
    """What is missing or worrying in a project's list of stakeholders."""
    found: list[Finding] = []
    if not stakeholders:
        return [
            Finding(
                "no-stakeholders",
                "warning",
                "Nobody is recorded yet: who is this project accountable to? Add the sponsor and the customers first.",
            )
        ]
    if not any("sponsor" in s.roles for s in stakeholders):
        found.append(
            Finding(
                "no-sponsor",
                "warning",
                "No sponsor recorded: who funds the project and holds it together?",
            )
        )
    if not any(s.is_customer for s in stakeholders):
        found.append(
            Finding(
                "no-customer",
                "error",
                "No stakeholder is marked as a customer: who gets the value from this project?",
            )
        )
    for s in stakeholders:
        if s.nervous:
            worry = f": {s.concerns.strip()}" if s.concerns.strip() else ""
            found.append(
                Finding(
                    "nervous-stakeholder", "warning", f"{s.name} is nervous{worry}", s.name, s.id
                )
            )
        if s.attitude == "blocker" and s.power is not None and s.power >= HIGH_FROM:
            found.append(
                Finding(
                    "powerful-blocker",
                    "warning",
                    f"{s.name} is a blocker with high power: manage closely and find out why.",
                    s.name,
                    s.id,
                )
            )
        gap = engagement_gap(s.engagement_now, s.engagement_needed)
        if gap is not None and gap > 0:
            found.append(
                Finding(
                    "engagement-gap",
                    "warning" if gap >= 2 else "info",
                    f"{s.name} is {label(ENGAGEMENT, s.engagement_now).lower()} but needs to be "
                    f"{label(ENGAGEMENT, s.engagement_needed).lower()} ({gap} step{'s' if gap > 1 else ''}).",
                    s.name,
                    s.id,
                )
            )
        if s.power is None or s.interest is None:
            found.append(
                Finding(
                    "not-assessed",
                    "info",
                    f"{s.name} has no power and interest yet, so is not on the grid.",
                    s.name,
                    s.id,
                )
            )
    return _sorted(found)


# --- identification prompts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    category_id: int
    name: str
    hint: str


# A project role says what kind of stakeholder someone is: a party on the project as Sponsor
# represents the Sponsor category even if nobody ticked that category in the register.
ROLE_CATEGORIES = {
    "sponsor": "Sponsor",
    "senior_user": "Senior user",
    "end_user": "End user",
    "sme": "Subject-matter expert",
    "business_partner": "Business partner",
    "executive": "Executive",
    "it_executive": "IT executive",
    "business_analyst": "Business analyst",
    "board_member": "Board member",
    "supplier": "Supplier",
    "contractor": "Contractor",
    "regulator": "Government/regulator",
}


def categories_of_roles(
    roles: Iterable[str], categories: Sequence[tuple[int, str, str]]
) -> set[int]:
    """The ids of the categories the project roles stand for, matched by the category's name
    (the default taxonomy's, or the role's own label for an organisation that renamed it)."""
    by_name = {name.strip().lower(): cid for cid, name, _ in categories}
    found: set[int] = set()
    for role in roles:
        for name in (ROLE_CATEGORIES.get(role), label(ROLES, role)):
            if name and name.lower() in by_name:
                found.add(by_name[name.lower()])
                break
    return found


def identification_prompts(
    categories: Sequence[tuple[int, str, str]],
    represented: Iterable[int],
    not_applicable: Iterable[int],
) -> list[Prompt]:
    """Categories nobody on the project belongs to and nobody marked as not applicable.

    `categories` is (id, name, hint) in taxonomy order; `represented` the category ids of the
    project's stakeholders; `not_applicable` the ids marked considered-and-not-applicable."""
    done = set(represented) | set(not_applicable)
    return [Prompt(cid, name, hint) for cid, name, hint in categories if cid not in done]


def prompt_message(prompts: Sequence[Prompt]) -> str:
    """'No union, government/regulator or community stakeholder recorded — none affected?'"""
    if not prompts:
        return ""
    names = [p.name.lower() if p.name[:2] != p.name[:2].upper() else p.name for p in prompts]
    if len(names) > 4:
        listed = ", ".join(names[:3]) + f" or {len(names) - 3} other kinds of"
    elif len(names) > 1:
        listed = ", ".join(names[:-1]) + " or " + names[-1]
    else:
        listed = names[0]
    return f"No {listed} stakeholder recorded — none affected?"


# --- value criteria -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFacts:
    id: int
    stakeholder_id: int
    text: str
    weight: int
    goal_ids: tuple[int, ...] = ()


def weight_shares(weights: Sequence[int]) -> list[float]:
    """Each weight as a percentage of the stakeholder's total (0 when there is nothing)."""
    total = sum(w for w in weights if w > 0)
    return [round(100.0 * w / total, 1) if total else 0.0 for w in weights]


def value_findings(
    *,
    goals: Sequence[tuple[int, str]],
    customers: Sequence[tuple[int, str]],
    criteria: Sequence[CriterionFacts],
) -> list[Finding]:
    """Goals no customer values, customers with no value criteria, criteria aligned to no goal.

    `customers` are (stakeholder id, name) of the project's customers; `criteria` are every
    criterion of the project's stakeholders."""
    found: list[Finding] = []
    customer_ids = {cid for cid, _ in customers}
    valued = {g for c in criteria if c.stakeholder_id in customer_ids for g in c.goal_ids}
    for goal_id, text in goals:
        if goal_id not in valued:
            found.append(
                Finding(
                    "goal-valued-by-no-customer",
                    "warning",
                    f"No customer's value criteria are aligned to the goal “{text}”: who is it for?",
                    text,
                    goal_id,
                )
            )
    with_criteria = {c.stakeholder_id for c in criteria}
    for cid, name in customers:
        if cid not in with_criteria:
            found.append(
                Finding(
                    "customer-without-value-criteria",
                    "warning",
                    f"{name} is a customer with no value criteria: what does value mean to them?",
                    name,
                    cid,
                )
            )
    for c in criteria:
        if not c.goal_ids:
            found.append(
                Finding(
                    "criterion-aligned-to-no-goal",
                    "info",
                    f"“{c.text}” is aligned to no project goal: a goal is missing, or the project will not deliver it.",
                    c.text,
                    c.id,
                )
            )
    return _sorted(found)


# --- outcomes and consensus -----------------------------------------------------------------------


@dataclass
class OutcomeFacts:
    id: int
    title: str
    is_csf: bool = False
    metric: str = ""
    target: Decimal | None = None
    due_date: date | None = None
    baseline: Decimal | None = None
    current: Decimal | None = None
    positions: list[tuple[str, str]] = field(default_factory=list)  # (stakeholder name, status)
    # Answers of stakeholders who are not customers: shown as advice, never counted.
    advice: list[tuple[str, str]] = field(default_factory=list)


def outcome_consensus(statuses: Sequence[str]) -> str:
    """From the answers of the *customers* concerned only (consensus is the customers'
    agreement; anyone else's answer is advice): 'no-customers' when no customer is concerned,
    'objected' when any customer objects, 'agreed' when every customer agreed, else 'pending'."""
    if not statuses:
        return "no-customers"
    if "objected" in statuses:
        return "objected"
    if all(s == "agreed" for s in statuses):
        return "agreed"
    return "pending"


CONSENSUS_LABELS = {
    "agreed": "Agreed by every customer concerned",
    "objected": "Objected to",
    "pending": "Waiting for answers",
    "no-customers": "No customer concerned: cannot be agreed",
}


def target_met(
    baseline: Decimal | None, target: Decimal | None, current: Decimal | None
) -> bool | None:
    """Whether the current value reaches the target, in the direction from baseline to target."""
    if target is None or current is None:
        return None
    if baseline is not None and target < baseline:
        return current <= target
    return current >= target


def progress_percent(
    baseline: Decimal | None, target: Decimal | None, current: Decimal | None
) -> int | None:
    """How far the current value has moved from the baseline to the target, 0-100 (clamped)."""
    if baseline is None or target is None or current is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline) * 100
    return int(max(0, min(100, round(share))))


# --- expected benefits: the outcome's forecast, checked later -----------------------------------

BENEFIT_NUMBERS = ("benefit_low", "benefit_p50", "benefit_p80", "benefit_high")
BENEFIT_CHECKS = {
    "met-p50": "P50 met",
    "met-p80": "P80 promise met, P50 missed",
    "missed": "Over-promised: below the P80 promise",
}


def benefit_lower_is_better(
    baseline: Decimal | None, target: Decimal | None, p50: Decimal | None = None
) -> bool:
    """Whether a smaller value is the benefit (minutes to answer, cost), read from the direction
    baseline → target, or baseline → forecast P50 when there is no target."""
    towards = target if target is not None else p50
    return baseline is not None and towards is not None and towards < baseline


def benefit_forecast_problems(
    *,
    low: Decimal | None,
    p50: Decimal | None,
    p80: Decimal | None,
    high: Decimal | None,
    assumptions: str,
    lower_is_better: bool,
    has_target_date: bool,
) -> list[tuple[str, str]]:
    """What is wrong with a benefit forecast, as (field, message); empty when it holds or when no
    forecast is given at all. The range runs from ``low`` to ``high`` (smallest to largest
    value); P80 is the level the benefit is 80 % sure to reach, so it is on the cautious side of
    the P50 (below it, or above it when a lower value is the benefit)."""
    numbers = {"benefit_low": low, "benefit_p50": p50, "benefit_p80": p80, "benefit_high": high}
    if all(v is None for v in numbers.values()) and not assumptions.strip():
        return []
    missing = {
        "benefit_low": "Give the low end of the range.",
        "benefit_p50": "Give the P50: the value as likely to be beaten as not.",
        "benefit_p80": "Give the P80: the value you are 80 % sure to reach (the promise).",
        "benefit_high": "Give the high end of the range.",
    }
    problems = [(name, missing[name]) for name, v in numbers.items() if v is None]
    if not assumptions.strip():
        problems.append(
            ("benefit_assumptions", "Say what the forecast assumes, as guidance would.")
        )
    if not has_target_date:
        problems.append(("due_date", "Give the target date: the forecast is checked against it."))
    if problems:
        return problems
    if high < low:
        return [("benefit_high", "The high end of the range is below the low end.")]
    if not low <= p50 <= high:
        return [("benefit_p50", "The P50 must lie between the low and high ends of the range.")]
    if not low <= p80 <= high:
        return [("benefit_p80", "The P80 must lie between the low and high ends of the range.")]
    if (p80 < p50) if lower_is_better else (p80 > p50):
        side = "below" if lower_is_better else "above"
        return [
            (
                "benefit_p80",
                f"The P80 is the value you are 80 % sure to reach, so it cannot be {side} the "
                "P50 (a better result is less likely).",
            )
        ]
    return []


def benefit_check(
    *, p50: Decimal | None, p80: Decimal | None, measured: Decimal | None, lower_is_better: bool
) -> str | None:
    """How the measured benefit compares with its forecast: 'met-p50', 'met-p80' (the promise
    kept, the P50 not), 'missed' (below the P80 promise: over-promised); None before a
    measurement or without a forecast."""
    if p50 is None or p80 is None or measured is None:
        return None

    def reached(level: Decimal) -> bool:
        return measured <= level if lower_is_better else measured >= level

    if reached(p50):
        return "met-p50"
    if reached(p80):
        return "met-p80"
    return "missed"


def outcome_findings(
    outcomes: Sequence[OutcomeFacts],
    open_conflicts: Sequence[tuple[int, str, str]],
    *,
    today: date,
) -> list[Finding]:
    """Objections, missing answers, unmeasurable critical success factors, overdue targets and
    open conflicts between outcomes. `open_conflicts` is (conflict id, title a, title b)."""
    found: list[Finding] = []
    for o in outcomes:
        statuses = [s for _, s in o.positions]
        if not statuses:
            advisers = ", ".join(name for name, _ in o.advice)
            found.append(
                Finding(
                    "outcome-without-customer",
                    "warning",
                    f"No customer is asked to agree “{o.title}”, so it cannot be agreed: "
                    + (
                        f"{advisers} {'is' if len(o.advice) == 1 else 'are'} not a customer "
                        "(their answers are advice). "
                        if o.advice
                        else ""
                    )
                    + "Which customers is it for?",
                    o.title,
                    o.id,
                )
            )
        for name, status in o.advice:
            if status == "objected":
                found.append(
                    Finding(
                        "outcome-advice-against",
                        "info",
                        f"{name} (not a customer) advises against “{o.title}”: advice, not "
                        "counted in the consensus.",
                        o.title,
                        o.id,
                    )
                )
        for name, status in o.positions:
            if status == "objected":
                found.append(
                    Finding(
                        "outcome-objected",
                        "warning",
                        f"{name} objects to “{o.title}”.",
                        o.title,
                        o.id,
                    )
                )
        pending = [name for name, status in o.positions if status == "pending"]
        if pending:
            found.append(
                Finding(
                    "outcome-pending",
                    "info",
                    f"“{o.title}” waits for {', '.join(pending)}.",
                    o.title,
                    o.id,
                )
            )
        if o.is_csf and (not o.metric.strip() or o.target is None):
            found.append(
                Finding(
                    "csf-not-measurable",
                    "warning",
                    f"“{o.title}” is a critical success factor without a metric and a target: how will anyone know it is met?",
                    o.title,
                    o.id,
                )
            )
        if (
            o.due_date
            and o.due_date < today
            and target_met(o.baseline, o.target, o.current) is not True
        ):
            found.append(
                Finding(
                    "outcome-overdue",
                    "warning" if o.is_csf else "info",
                    f"“{o.title}” was due on {o.due_date.isoformat()} and its target is not met.",
                    o.title,
                    o.id,
                )
            )
    for cid, a, b in open_conflicts:
        found.append(
            Finding(
                "outcome-conflict",
                "warning",
                f"“{a}” conflicts with “{b}”: settle it with both customers before it causes chaos.",
                f"{a} / {b}",
                cid,
            )
        )
    return _sorted(found)


def consensus_summary(consensus_states: Sequence[str], open_conflicts: int) -> dict:
    """The project's consensus state in numbers, and whether consensus is reached."""
    counts = {key: 0 for key in CONSENSUS_LABELS}
    for state in consensus_states:
        counts[state] = counts.get(state, 0) + 1
    total = len(consensus_states)
    reached = total > 0 and counts["agreed"] == total and open_conflicts == 0
    return {"outcomes": total, **counts, "open_conflicts": open_conflicts, "reached": reached}


# --- customer chains ------------------------------------------------------------------------------


def chain_up(start: int, parent: Mapping[int, int | None], limit: int = 50) -> list[int]:
    """Ids from `start`'s parent upward (who they report to, and so on), stopping at a loop."""
    seen = {start}
    chain: list[int] = []
    current = parent.get(start)
    while current is not None and current not in seen and len(chain) < limit:
        chain.append(current)
        seen.add(current)
        current = parent.get(current)
    return chain


def creates_loop(
    child: int | None, new_parent: int | None, parent: Mapping[int, int | None]
) -> bool:
    """Would pointing `child` at `new_parent` make a loop (A reports to B reports to A)?"""
    if child is None or new_parent is None:
        return False
    return new_parent == child or child in chain_up(new_parent, parent, limit=100_000)


# --- spreadsheet cells ----------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a quote, so it stays text.
    Text that already reads like a neutralised cell ("'=x") gets a quote too, so that
    `unneutralise` gives it back whole rather than as "=x"."""
    if value and (value.startswith(FORMULA_STARTS) or _looks_neutralised(value)):
        return "'" + value
    return value


def _looks_neutralised(value: str) -> bool:
    """One or more quotes, then a formula character: what `neutralise` writes."""
    unquoted = value.lstrip("'")
    return len(unquoted) < len(value) and unquoted.startswith(FORMULA_STARTS)


def unneutralise(value: str) -> str:
    """Undo `neutralise` on import: a quote before a formula character was ours (or the user's
    way of saying 'text'); the rest of the cell is kept as text and never evaluated."""
    return value[1:] if _looks_neutralised(value) else value


def clean_cell(value: str) -> str:
    return unneutralise(value.replace("\x00", "")).strip()


TRUE_WORDS = {"yes", "y", "true", "1", "x", "ja", "oui", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "nein", "non", ""}


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"“{text}” is not yes or no")


def parse_scale(text: str) -> int | None:
    """1-5, or None for a blank cell. '4.0' (Excel's numbers) counts as 4."""
    text = text.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number from 1 to 5") from None
    if number != number.to_integral_value() or not 1 <= number <= 5:
        raise ValueError(f"“{text}” is not a whole number from 1 to 5")
    return int(number)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-/]+", " ", text.strip().lower())


def parse_choice(
    text: str, choices: Sequence[tuple[str, str]], aliases: Mapping[str, str] | None = None
) -> str:
    """A choice by its key or its label, in any case; '' for a blank cell."""
    word = _norm(text)
    if not word:
        return ""
    for key, name in choices:
        if word in (_norm(key), _norm(name)):
            return key
    if aliases and word in {_norm(a) for a in aliases}:
        return next(v for a, v in aliases.items() if _norm(a) == word)
    raise ValueError(f"“{text}” is not one of: {', '.join(name for _, name in choices)}")


def split_list(text: str) -> list[str]:
    """Items separated by semicolons, commas or new lines, stripped, blanks dropped."""
    return [item.strip() for item in re.split(r"[;,\n]", text) if item.strip()]


def parse_roles(text: str) -> tuple[list[str], bool]:
    """Roles from a cell, and whether 'customer' was among them (it is a yes/no of its own)."""
    roles: list[str] = []
    customer = False
    bad: list[str] = []
    for item in split_list(text):
        if _norm(item) == "customer":
            customer = True
            continue
        try:
            key = parse_choice(item, ROLES, ROLE_ALIASES)
        except ValueError:
            bad.append(item)
            continue
        if key not in roles:
            roles.append(key)
    if bad:
        raise ValueError(
            f"unknown role{'s' if len(bad) > 1 else ''} {', '.join('“' + b + '”' for b in bad)}; "
            f"use {', '.join(name for _, name in ROLES)} or Customer"
        )
    return roles, customer


# --- communication preferences: how a person wants to hear from projects ------------------------

PREFERRED_CHANNELS = (
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("meeting", "Meeting"),
    ("phone", "Phone call"),
    ("in_person", "In person"),
)
# Monday first, as Python's date.weekday() counts: index 0 is "mon".
WEEKDAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
WEEKDAY_CODES = tuple(code for code, _ in WEEKDAYS)
MAX_PER_WEEK_LIMIT = 50


def quiet_days_parse(value) -> list[str]:
    """Weekday codes ("mon".."sun") from a comma-separated string or a list, in week order, each
    once. Raises ValueError naming what is not a weekday."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    codes = {str(item).strip().lower()[:3] for item in items if str(item).strip()}
    bad = sorted(codes - set(WEEKDAY_CODES))
    if bad:
        raise ValueError(f"not a weekday: {', '.join(bad)}; use {', '.join(WEEKDAY_CODES)}")
    return [code for code in WEEKDAY_CODES if code in codes]


def quiet_weekdays(value: str) -> frozenset[int]:
    """The stored quiet days ("sat,sun") as date.weekday() numbers."""
    return frozenset(WEEKDAY_CODES.index(code) for code in quiet_days_parse(value))
