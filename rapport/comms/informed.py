"""Informed means kept aware: an "I" in the RACI leads to the communication plan.

Parties Informed on a live activity of the RACI, and key customers (power or interest at the
RACI's key level), who get nothing from the plan's active rows are listed with the row that
suits them best: a delivered report, the short simple one first (one-way, on the cadence agreed).
Adding them goes through the plan's own service, so the row's rules and history apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from rapport.lib.validation import field_error
from rapport.raci.models import Assignment
from rapport.raci.selectors import raci_settings_get
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import selectors, services
from .models import CommType, PlanRow

# Which report keeps someone aware best: short and readable first.
SUITABILITY = (CommType.SIMPLE, CommType.DASHBOARD, CommType.DETAILED, CommType.CUSTOM)


@dataclass
class Unreached:
    """A party the RACI says should be kept aware, whom no active plan row reaches."""

    party: Party
    informed_on: list[str] = field(default_factory=list)  # activity names
    key_customer: bool = False
    suggested: PlanRow | None = None

    @property
    def reason(self) -> str:
        parts = []
        if self.informed_on:
            shown = ", ".join(f"“{name}”" for name in self.informed_on[:3])
            more = len(self.informed_on) - 3
            parts.append(f"Informed on {shown}" + (f" and {more} more" if more > 0 else ""))
        if self.key_customer:
            parts.append("a key customer")
        return "; ".join(parts)


def suitable_rows(rows) -> list[PlanRow]:
    """Active rows that deliver a report (e-mail or portal), the most suitable first."""
    rank = {kind: n for n, kind in enumerate(SUITABILITY)}
    chosen = [r for r in rows if r.active and r.is_delivered]
    return sorted(chosen, key=lambda r: (rank.get(r.comm_type, len(rank)), r.pk))


def informed_without_plan(project, rows=None, recipients=None) -> list[Unreached]:
    """Who should be kept aware but gets nothing from the plan, each with a suggested row."""
    rows = list(rows if rows is not None else selectors.plan_rows(project))
    if recipients is None:
        recipients = selectors.recipients_by_row(rows)
    reached = {p.pk for row in rows if row.active for p in recipients.get(row.pk, [])}
    found: dict[int, Unreached] = {}
    for letter in (
        Assignment.objects.filter(activity__project=project, letter="I")
        .exclude(activity__status="cancelled")
        .exclude(party_id__in=reached)
        .select_related("party", "activity")
        .order_by("activity__position", "activity_id")
    ):
        entry = found.setdefault(letter.party_id, Unreached(letter.party))
        entry.informed_on.append(letter.activity.name)
    level = raci_settings_get(project).key_level
    for stakeholding in (
        ProjectStakeholder.objects.filter(project=project, is_customer=True)
        .filter(Q(power__gte=level) | Q(interest__gte=level))
        .exclude(party_id__in=reached)
        .select_related("party")
    ):
        entry = found.setdefault(stakeholding.party_id, Unreached(stakeholding.party))
        entry.key_customer = True
    best = next(iter(suitable_rows(rows)), None)
    for entry in found.values():
        entry.suggested = best
    return sorted(found.values(), key=lambda u: (u.party.name.casefold(), u.party.pk))


@transaction.atomic
def plan_audience_add(*, actor, project, row: PlanRow, party: Party) -> PlanRow:
    """Add `party` to the audience of a plan row of `project` (the plan's own service checks the
    row and records the change)."""
    if row.project_id != project.pk:
        raise field_error("plan_row", "That plan row belongs to another project.")
    current = list(row.audience_parties.all())
    if any(p.pk == party.pk for p in current):
        return row
    return services.plan_row_update(actor=actor, row=row, audience_parties=[*current, party])
