"""SIPOC + Outcome: do the outputs reach a customer through an outcome? Pure logic, no database.

Suppliers -> Inputs -> Process -> **Outputs -> Outcomes -> Customers**. This module checks the
right-hand chain, working backwards from each customer the way the product asks PMs to:

* an :class:`Output` is what the project delivers (the pizza; often a deliverable activity);
* an :class:`~rapport.raci.rules.Outcome` is what a customer counts as success (Chicago-style on a
  checkered tablecloth with a candle);
* a :class:`Customer` is a party the project serves (same ids as the stakeholder register);
* a :class:`Produces` link says an output produces an outcome, a :class:`Serves` link says an
  outcome serves a customer. Links are typed because output, outcome and customer ids come from
  different tables and may coincide.

Findings (all warnings, each a :class:`SipocFinding`):

* ``output-without-customer``: an output that reaches no customer, because it produces no
  outcome or only outcomes that serve nobody (work nobody asked for);
* ``customer-without-outcome``: a customer no outcome serves (nobody wrote down what success
  means to them);
* ``outcome-not-produced``: an outcome no output produces (a promise with no delivery behind it).

Unknown ids in links and repeated ids raise ``ValueError``. Linear in outputs + outcomes +
customers + links.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from rapport.raci.rules import Outcome

__all__ = [
    "SIPOC_CODES",
    "Customer",
    "Outcome",
    "Output",
    "Produces",
    "Serves",
    "SipocFinding",
    "sipoc_check",
    "steps_check",
]

SIPOC_CODES = ("output-without-customer", "outcome-not-produced", "customer-without-outcome")


@dataclass(frozen=True)
class Output:
    """Something the project delivers: a product, report, system, trained team."""

    id: Hashable
    name: str


@dataclass(frozen=True)
class Customer:
    """A party the project serves; ``id`` is its id in the stakeholder register."""

    id: Hashable
    name: str


@dataclass(frozen=True)
class Produces:
    """The output ``output_id`` produces (or contributes to) the outcome ``outcome_id``."""

    output_id: Hashable
    outcome_id: Hashable


@dataclass(frozen=True)
class Serves:
    """The outcome ``outcome_id`` is one the customer ``customer_id`` wants."""

    outcome_id: Hashable
    customer_id: Hashable


@dataclass(frozen=True)
class SipocFinding:
    """One gap in the output -> outcome -> customer chain; exactly one of the ids is set."""

    code: str
    severity: str
    message: str
    output_id: Hashable | None = None
    outcome_id: Hashable | None = None
    customer_id: Hashable | None = None
    subject_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API and CLI: code, severity, output, outcome, customer, message."""
        return {
            "code": self.code,
            "severity": self.severity,
            "output": self.subject_name if self.output_id is not None else None,
            "outcome": self.subject_name if self.outcome_id is not None else None,
            "customer": self.subject_name if self.customer_id is not None else None,
            "message": self.message,
        }


def sipoc_check(
    outputs: Iterable[Output],
    outcomes: Iterable[Outcome],
    customers: Iterable[Customer],
    links: Iterable[Produces | Serves],
) -> list[SipocFinding]:
    """Check that every output reaches a customer and every customer has a produced outcome.

    Returns the findings in a stable order: outputs, then outcomes, then customers, each in the
    order given, whatever the order of ``links``. Raises ``ValueError`` for a link naming an
    unknown output, outcome or customer, a link of another type, or two items with one id.
    """
    outputs = tuple(outputs)
    outcomes = tuple(outcomes)
    customers = tuple(customers)
    output_ids = _ids(outputs, "output")
    outcome_ids = _ids(outcomes, "outcome")
    customer_ids = _ids(customers, "customer")

    produces: dict[Hashable, set[Hashable]] = {}  # output id -> outcome ids
    produced: set[Hashable] = set()
    served_outcomes: set[Hashable] = set()  # outcomes that serve at least one customer
    served_customers: set[Hashable] = set()
    for link in links:
        if isinstance(link, Produces):
            _known(link.output_id, output_ids, "output")
            _known(link.outcome_id, outcome_ids, "outcome")
            produces.setdefault(link.output_id, set()).add(link.outcome_id)
            produced.add(link.outcome_id)
        elif isinstance(link, Serves):
            _known(link.outcome_id, outcome_ids, "outcome")
            _known(link.customer_id, customer_ids, "customer")
            served_outcomes.add(link.outcome_id)
            served_customers.add(link.customer_id)
        else:
            raise ValueError(f"A SIPOC link must be Produces or Serves, not {link!r}")

    findings = []
    for output in outputs:
        made = produces.get(output.id, set())
        if not made:
            why = "it produces no outcome"
        elif not made & served_outcomes:
            why = "none of the outcomes it produces serves a customer"
        else:
            continue
        findings.append(
            SipocFinding(
                "output-without-customer",
                "warning",
                f"Output '{output.name}' reaches no customer: {why}. Link it to the outcome a "
                "customer wants, or ask whether it is needed.",
                output_id=output.id,
                subject_name=output.name,
            )
        )
    for outcome in outcomes:
        if outcome.id not in produced:
            findings.append(
                SipocFinding(
                    "outcome-not-produced",
                    "warning",
                    f"No output produces the outcome '{outcome.name}': plan the deliverable "
                    "that brings it about.",
                    outcome_id=outcome.id,
                    subject_name=outcome.name,
                )
            )
    for customer in customers:
        if customer.id not in served_customers:
            findings.append(
                SipocFinding(
                    "customer-without-outcome",
                    "warning",
                    f"Customer '{customer.name}' has no outcome: agree with them what success "
                    "looks like and record it.",
                    customer_id=customer.id,
                    subject_name=customer.name,
                )
            )
    return findings


def _ids(items: tuple, label: str) -> set[Hashable]:
    ids: set[Hashable] = set()
    for item in items:
        if item.id in ids:
            raise ValueError(f"Two {label}s have the id {item.id!r} ({item.name!r})")
        ids.add(item.id)
    return ids


def _known(item_id: Hashable, ids: set[Hashable], label: str) -> None:
    if item_id not in ids:
        raise ValueError(f"A SIPOC link names {label} {item_id!r}, which is not given")


# A SIPOC is a high-level map: fewer steps than this is not yet a process, more is a flowchart.
STEP_RANGE = (4, 7)


def steps_check(step_count: int, step_range: tuple[int, int] = STEP_RANGE) -> list[SipocFinding]:
    """``process-steps`` (a warning) when the process has fewer or more high-level steps than the
    4-7 a SIPOC keeps to; no finding otherwise."""
    low, high = step_range
    if step_count < 0:
        raise ValueError(f"A process cannot have {step_count} steps")
    if low <= step_count <= high:
        return []
    if step_count < low:
        why = (
            f"has {step_count} step{'s' if step_count != 1 else ''}: describe the process in "
            f"{low} to {high} high-level steps"
        )
    else:
        why = f"has {step_count} steps: keep to {low}-{high} high-level steps and merge the rest"
    return [SipocFinding("process-steps", "warning", f"The process {why}.", subject_name=None)]
