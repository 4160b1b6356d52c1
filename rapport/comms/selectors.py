"""Reads for the communication plan: rows with their recipients, deliveries, the portal's reports,
load across projects. Pages, the API, the CLI and the scheduler share these."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from rapport.stakeholders.models import Party, ProjectStakeholder

from . import rules
from .models import DELIVERED_CHANNELS, REPORT_TYPES, Delivery, DeliveryState, PlanRow, PortalLink


def plan_rows(project):
    """The project's plan, in order, with audiences loaded (three queries in all)."""
    return (
        PlanRow.objects.filter(project=project)
        .select_related("audience_category", "owner", "project")
        .prefetch_related(Prefetch("audience_parties", queryset=Party.objects.order_by("name")))
        .order_by("-active", "pk")
    )


def plan_row_get(project, plan_row_id) -> PlanRow:
    row = plan_rows(project).filter(pk=plan_row_id).first()
    if row is None:
        raise Http404("No such plan row")
    return row


def recipients_by_row(rows) -> dict[int, list[Party]]:
    """Each row's recipients: its parties, plus everyone of its category on the project.

    Rows must come with ``audience_parties`` prefetched; categories cost one query in all.
    """
    rows = list(rows)
    result: dict[int, dict[int, Party]] = {
        row.pk: {p.pk: p for p in row.audience_parties.all()} for row in rows
    }
    wanted = {
        (row.project_id, row.audience_category_id) for row in rows if row.audience_category_id
    }
    if wanted:
        condition = Q()
        for project_id, category_id in wanted:
            condition |= Q(project_id=project_id, party__categories=category_id)
        by_key: dict[tuple[int, int], list[Party]] = defaultdict(list)
        for stakeholding in (
            ProjectStakeholder.objects.filter(condition)
            .select_related("party")
            .prefetch_related("party__categories")
            .distinct()
        ):
            for category in stakeholding.party.categories.all():
                by_key[(stakeholding.project_id, category.pk)].append(stakeholding.party)
        for row in rows:
            if row.audience_category_id:
                for party in by_key.get((row.project_id, row.audience_category_id), []):
                    result[row.pk].setdefault(party.pk, party)
    return {
        pk: sorted(parties.values(), key=lambda p: (p.name.lower(), p.pk))
        for pk, parties in result.items()
    }


def row_recipients(row) -> list[Party]:
    return recipients_by_row([row])[row.pk]


def delivery_list(project, *, state: str = ""):
    deliveries = Delivery.objects.filter(project=project).select_related(
        "party", "plan_row", "status_update", "feedback"
    )
    if state:
        deliveries = deliveries.filter(state=state)
    return deliveries.order_by("-occurrence", "-pk")


def delivery_problems(project):
    """Deliveries a PM must look at: failed, or skipped for a reason they can fix."""
    return delivery_list(project).filter(state__in=[DeliveryState.FAILED, DeliveryState.SKIPPED])[
        :20
    ]


def portal_link_for(token: str) -> PortalLink:
    """The open portal link with this token, else 404 (unknown, revoked or malformed)."""
    from .models import token_hash

    if not token or not token.startswith(PortalLink.PREFIX) or len(token) > 100:
        raise Http404("No such link")
    link = (
        PortalLink.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("party", "project", "project__org")
        .first()
    )
    if link is None:
        raise Http404("No such link")
    return link


def portal_reports(link: PortalLink):
    """What the link's party may see: the reports of that project sent to them, newest first."""
    return (
        Delivery.objects.filter(
            project=link.project_id,
            party=link.party_id,
            state=DeliveryState.SENT,
            status_update__isnull=False,
        )
        .select_related("status_update", "feedback")
        .order_by("-occurrence", "-pk")
    )


def portal_report_get(link: PortalLink, delivery_id) -> Delivery:
    delivery = portal_reports(link).filter(pk=delivery_id).select_related("plan_row").first()
    if delivery is None:
        raise Http404("No such report")
    return delivery


def portal_opened_by_the_team(user, project) -> bool:
    """Whether the person in this browser is on the project's own team (the PM opened a
    stakeholder's link to check it or send it on). They see what the stakeholder sees, but may
    not answer for them: ratings and acknowledgements feed the evidence."""
    from rapport.accounts.access import project_level

    return user is not None and project_level(user, project) > 0


def previous_colour(delivery: Delivery) -> str | None:
    """The overall colour of the last report this recipient got on this project before this one."""
    return last_colour_sent(delivery.project_id, delivery.party_id, before=delivery.occurrence)


def last_colour_sent(project_id, party_id, *, before) -> str | None:
    """The overall colour of the last report sent to the party on the project before ``before``
    (what "since your last report" compares with, in the e-mail and in the PM's preview)."""
    return (
        Delivery.objects.filter(
            project=project_id,
            party=party_id,
            state=DeliveryState.SENT,
            occurrence__lt=before,
            status_update__isnull=False,
        )
        .order_by("-occurrence", "-pk")
        .values_list("status_update__overall", flat=True)
        .first()
    )


# --- load -------------------------------------------------------------------------------------


def load_rows(org, *, project=None):
    """Active plan rows of the organisation (or one project) as rules.LoadRow, with recipients."""
    rows = list(
        PlanRow.objects.active()
        .filter(project__org=org)
        .select_related("project", "audience_category")
        .prefetch_related("audience_parties")
    )
    recipients = recipients_by_row(rows)
    return (
        rows,
        [
            rules.LoadRow(
                recipients=tuple(p.pk for p in recipients[row.pk]),
                rule=row.rrule,
                dtstart_local=row.dtstart_local,
                tz=row.project.time_zone,
            )
            for row in rows
        ],
        recipients,
    )


def load_report(org, *, project=None, now=None, weeks: int = rules.DEFAULT_LOAD_WEEKS) -> dict:
    """Communications per week per recipient across all the organisation's projects, and the
    findings: too many for someone, and (for ``project``) high-interest customers getting nothing.

    Interest 4 or 5 on the 1–5 scale counts as high interest.
    """
    now = now or timezone.now()
    rows, load_rows_, recipients = load_rows(org)
    load = rules.weekly_load(load_rows_, start=now, weeks=weeks)
    names = {p.pk: p.name for parties in recipients.values() for p in parties}
    customers = []
    if project is not None:
        high = (
            ProjectStakeholder.objects.filter(project=project, is_customer=True, interest__gte=4)
            .select_related("party")
            .order_by("party__name")
        )
        customers = [s.party_id for s in high]
        names.update({s.party_id: s.party.name for s in high})
        in_project = {
            p.pk for row in rows if row.project_id == project.pk for p in recipients[row.pk]
        }
        load = {pk: value for pk, value in load.items() if pk in in_project} | {
            pk: load.get(pk, 0.0) for pk in customers
        }
    threshold = float(
        getattr(settings, "RAPPORT_COMMS_LOAD_THRESHOLD", rules.DEFAULT_LOAD_THRESHOLD)
    )
    findings = rules.load_findings(load, threshold, customers, names=names)
    per_party = sorted(
        (
            {"party_id": pk, "name": names.get(pk, str(pk)), "per_week": round(value, 2)}
            for pk, value in load.items()
        ),
        key=lambda r: (-r["per_week"], r["name"].lower()),
    )
    return {"load": per_party, "findings": findings, "threshold": threshold, "weeks": weeks}


def next_sends(row, *, now=None, limit: int = 3):
    now = now or timezone.now()
    try:
        return rules.next_occurrences(
            row.rrule,
            dtstart_local=row.dtstart_local,
            tz=row.project.time_zone,
            after=now,
            limit=limit,
        )
    except ValueError:
        return []


def recent_window(days: int = 30):
    return timezone.now() - timedelta(days=days)


def delivered_row_filter():
    return Q(channel__in=DELIVERED_CHANNELS, comm_type__in=REPORT_TYPES)
