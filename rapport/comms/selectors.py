"""Reads for the communication plan: rows with their recipients, deliveries, the portal's reports,
load across projects. Pages, the API, the CLI and the scheduler share these."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from rapport.projects.models import ProjectState
from rapport.stakeholders import rules as stakeholder_rules
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import rules
from .models import DELIVERED_CHANNELS, REPORT_TYPES, Delivery, DeliveryState, PlanRow, PortalLink

# Projects whose customers a plan should reach (a finished project informs nobody any more).
RUNNING_PROJECT_STATES = (ProjectState.PROPOSED, ProjectState.ACTIVE, ProjectState.ON_HOLD)


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
    """The open portal link this e-mailed token opens, else 404 (unknown, revoked or malformed).
    The token's row comes along as ``link.token`` (answers record which e-mail they came from)."""
    from .models import PortalToken, token_hash

    if not token or not token.startswith(PortalLink.PREFIX) or len(token) > 100:
        raise Http404("No such link")
    found = (
        PortalToken.objects.filter(token_hash=token_hash(token), link__revoked_at__isnull=True)
        .select_related("link__party", "link__project", "link__project__org")
        .first()
    )
    if found is None:
        raise Http404("No such link")
    link = found.link
    link.token = found
    return link


def portal_people(project, recipients_by_row: dict[int, list[Party]], rows) -> list[dict]:
    """Everyone who gets reports on the project (or has a portal link), with their open link if
    any: for "preview as …" and "resend …'s link". The links' secrets are not here."""
    people = {p.pk: p for row in rows if row.is_delivered for p in recipients_by_row[row.pk]}
    links = {
        link.party_id: link
        for link in PortalLink.objects.filter(
            project=project, revoked_at__isnull=True
        ).select_related("party")
    }
    people.update({party_id: link.party for party_id, link in links.items()})
    return [
        {"party": party, "link": links.get(party.pk)}
        for party in sorted(people.values(), key=lambda p: (p.name.lower(), p.pk))
    ]


def portal_party_get(project, party_id) -> Party:
    """A stakeholder of the project, or a party it sent reports to, else 404."""
    party = (
        Party.objects.filter(pk=party_id, org_id=project.org_id)
        .filter(Q(stakeholdings__project=project) | Q(deliveries__project=project))
        .distinct()
        .first()
    )
    if party is None:
        raise Http404("Not a stakeholder of this project")
    return party


def portal_reports_of(project, party):
    """The reports of the project sent to the party (what their portal lists), newest first."""
    return (
        Delivery.objects.filter(
            project=project,
            party=party,
            state=DeliveryState.SENT,
            status_update__isnull=False,
        )
        .select_related("status_update", "feedback")
        .order_by("-occurrence", "-pk")
    )


def portal_reports(link: PortalLink):
    """What the link's party may see: the reports of that project sent to them, newest first."""
    return portal_reports_of(link.project_id, link.party_id)


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


def _communication_preferences(load) -> dict:
    """The recipients' own preferences (only those who set any), by party id, in one query."""
    return {
        party.pk: party
        for party in Party.objects.filter(pk__in=list(load))
        .exclude(preferred_channel="", max_per_week=None, quiet_days="")
        .only("pk", "preferred_channel", "max_per_week", "quiet_days")
    }


def _preferences_out(party) -> dict:
    """A recipient's preferences for the load table: codes for the API, one line for people."""
    if party is None:
        return {"max_per_week": None, "quiet_days": [], "preferred_channel": "", "preferences": ""}
    quiet_days = stakeholder_rules.quiet_days_parse(party.quiet_days)
    day_names = dict(stakeholder_rules.WEEKDAYS)
    words = []
    if party.max_per_week is not None:
        words.append(f"at most {party.max_per_week} a week")
    if quiet_days:
        words.append("not on " + ", ".join(day_names[code] for code in quiet_days))
    if party.preferred_channel:
        words.append(f"prefers {party.get_preferred_channel_display().lower()}")
    return {
        "max_per_week": party.max_per_week,
        "quiet_days": quiet_days,
        "preferred_channel": party.preferred_channel,
        "preferences": "; ".join(words),
    }


def load_report(org, *, project=None, now=None, weeks: int = rules.DEFAULT_LOAD_WEEKS) -> dict:
    """Communications per week per recipient across all the organisation's projects, and the
    findings: too many for someone, and high-interest customers who get nothing from their
    project's plan (every running project's, or only ``project``'s). The plan page, the load
    page, the API and `rapport comms load` all show this.

    Interest 4 or 5 on the 1–5 scale counts as high interest.
    """
    now = now or timezone.now()
    rows, load_rows_, recipients = load_rows(org)
    # Per project first: "gets nothing from the plan" is about the customer's own project.
    by_project: dict[int, list[rules.LoadRow]] = defaultdict(list)
    for row, load_row in zip(rows, load_rows_, strict=True):
        by_project[row.project_id].append(load_row)
    project_loads = {
        pk: rules.weekly_load(project_rows, start=now, weeks=weeks)
        for pk, project_rows in by_project.items()
    }
    load: dict[int, float] = defaultdict(float)
    for project_load in project_loads.values():
        for pk, value in project_load.items():
            load[pk] += value
    names = {p.pk: p.name for parties in recipients.values() for p in parties}
    high = ProjectStakeholder.objects.filter(is_customer=True, interest__gte=4)
    if project is not None:
        high = high.filter(project=project)
    else:
        high = high.filter(project__org=org, project__state__in=RUNNING_PROJECT_STATES)
    high = list(high.select_related("party", "project").order_by("project__code", "party__name"))
    if project is not None:
        load = {pk: value for pk, value in load.items() if pk in project_loads.get(project.pk, {})}
        load |= {s.party_id: load.get(s.party_id, 0.0) for s in high}
        names.update({s.party_id: s.party.name for s in high})
    threshold = float(
        getattr(settings, "RAPPORT_COMMS_LOAD_THRESHOLD", rules.DEFAULT_LOAD_THRESHOLD)
    )
    preferences = _communication_preferences(load)
    limits = {pk: p.max_per_week for pk, p in preferences.items() if p.max_per_week is not None}
    findings = rules.load_findings(load, threshold, names=names, limits=limits)
    quiet = {pk: stakeholder_rules.quiet_weekdays(p.quiet_days) for pk, p in preferences.items()}
    findings += rules.quiet_day_findings(
        (
            (f"The {row.get_comm_type_display().lower()}", load_row)
            for row, load_row in zip(rows, load_rows_, strict=True)
            if project is None or row.project_id == project.pk
        ),
        {pk: days for pk, days in quiet.items() if days},
        start=now,
        weeks=weeks,
        names=names,
    )
    for stakeholding in high:
        project_load = project_loads.get(stakeholding.project_id, {})
        name = stakeholding.party.name
        if project is None:
            name = f"{name} ({stakeholding.project.code})"
        findings += rules.load_findings(
            {stakeholding.party_id: project_load.get(stakeholding.party_id, 0.0)},
            math.inf,
            [stakeholding.party_id],
            names={stakeholding.party_id: name},
        )
    per_party = sorted(
        (
            {
                "party_id": pk,
                "name": names.get(pk, str(pk)),
                "per_week": round(value, 2),
                **_preferences_out(preferences.get(pk)),
            }
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


# --- comments from the portal and their answers ------------------------------------------------

COMMENT_FILTERS = ("", "awaiting", "unanswered")


def comment_answer_days() -> int:
    """After how many days an unanswered comment is listed (RAPPORT_COMMENT_ANSWER_DAYS)."""
    return max(1, int(getattr(settings, "RAPPORT_COMMENT_ANSWER_DAYS", 3)))


def comment_list(project, *, state: str = "", days: int | None = None, now=None):
    """The project's portal comments, newest first. ``state``: "awaiting" (nobody replied, acted
    or closed since), "unanswered" (awaiting for ``days`` days or more; the setting by default)."""
    from .models import Feedback

    if state not in COMMENT_FILTERS:
        raise Http404("No such filter")
    comments = Feedback.objects.filter(project=project).comments()
    if state in ("awaiting", "unanswered"):
        comments = comments.awaiting_answer()
    if state == "unanswered":
        cutoff = (now or timezone.now()) - timedelta(days=days or comment_answer_days())
        comments = comments.filter(commented_at__lte=cutoff)
    return comments.select_related(
        "party", "delivery", "replied_by", "acted_on_by", "closed_by"
    ).order_by("-commented_at", "-pk")


def comment_get(project, feedback_id):
    from .models import Feedback

    feedback = Feedback.objects.filter(project=project, pk=feedback_id).comments().first()
    if feedback is None:
        raise Http404("No such comment")
    return feedback
