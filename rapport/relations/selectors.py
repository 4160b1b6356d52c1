"""Reads about interactions that the pages, the API and the stakeholder page share."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from rapport.stakeholders.models import ProjectStakeholder

from . import rules
from .models import Interaction


def project_today(project) -> date:
    """Today on the project's wall clock."""
    try:
        zone = zoneinfo.ZoneInfo(project.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(timezone.now(), zone).date()


def interaction_list(project, *, stakeholder_id: int | None = None):
    """The project's interactions, newest first, optionally with one stakeholder only."""
    interactions = Interaction.objects.filter(project=project).select_related(
        "stakeholder__party", "team_member"
    )
    if stakeholder_id is not None:
        interactions = interactions.filter(stakeholder_id=stakeholder_id)
    return interactions.order_by("-date", "-pk")


def interaction_get(project, interaction_id) -> Interaction:
    interaction = (
        Interaction.objects.filter(project=project, pk=interaction_id)
        .select_related("stakeholder__party", "team_member", "project__org")
        .first()
    )
    if interaction is None:
        raise Http404("No such interaction")
    return interaction


def stakeholder_choices(project):
    return (
        ProjectStakeholder.objects.filter(project=project)
        .select_related("party")
        .order_by("party__name", "pk")
    )


def contacts(stakeholder) -> dict:
    """A stakeholder's last contact (their latest interaction) and next contact (the earliest
    open follow-up due date), each an Interaction or None."""
    interactions = Interaction.objects.filter(stakeholder=stakeholder).select_related("team_member")
    last = interactions.order_by("-date", "-pk").first()
    upcoming = (
        interactions.filter(follow_up_due__isnull=False, follow_up_done=False)
        .order_by("follow_up_due", "pk")
        .first()
    )
    return {"last": last, "next": upcoming}


def not_heard_from_weeks() -> int:
    return max(1, int(getattr(settings, "RAPPORT_NOT_HEARD_FROM_WEEKS", 4)))


def not_heard_from(project, *, today: date | None = None, weeks: int | None = None) -> list:
    """Key customers of the project (power or interest 4+) with no interaction in ``weeks``
    weeks, never-contacted first; each stakeholder carries ``last_contact`` (a date or None)."""
    today = today or project_today(project)
    weeks = weeks or not_heard_from_weeks()
    stakeholders = list(
        ProjectStakeholder.objects.filter(project=project)
        .filter(Q(power__gte=rules.KEY_FROM) | Q(interest__gte=rules.KEY_FROM))
        .select_related("party")
        .annotate(last_contact=Max("interactions__date"))
        .order_by("party__name", "pk")
    )
    silent = rules.not_heard_from(
        ((s, s.last_contact) for s in stakeholders), today=today, weeks=weeks
    )
    return [s for s, _ in silent]
