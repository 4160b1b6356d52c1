"""Reads about education that the pages, the API and the meetings' agenda share: the catalogue,
explanations, who has seen what (a topic × stakeholder grid), and the "let me restate…"
suggestions for a meeting."""

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from rapport.stakeholders.models import ProjectStakeholder

from . import rules, services
from .models import Explanation, ExplanationAudience, Topic, Understanding

# "Current work": activities under way, and those planned to start within this many days.
SOON_DAYS = 28


def topic_list(org):
    """The organisation's catalogue; the default topics are put in the first time it is read."""
    services.topics_seed(org=org)
    return Topic.objects.filter(org=org).order_by("position", "name_key", "pk")


def topic_get(org, topic_id) -> Topic:
    topic = Topic.objects.filter(org=org, pk=topic_id).first()
    if topic is None:
        raise Http404("No such topic")
    return topic


def explanation_list(project, *, stakeholder_id: int | None = None, topic_id: int | None = None):
    """The project's explanations, newest first, with their topic, meeting and audience."""
    explanations = (
        Explanation.objects.filter(project=project)
        .select_related("topic", "meeting", "explained_by")
        .prefetch_related("audience__stakeholder__party")
    )
    if stakeholder_id is not None:
        explanations = explanations.filter(audience__stakeholder_id=stakeholder_id)
    if topic_id is not None:
        explanations = explanations.filter(topic_id=topic_id)
    return explanations.order_by("-explained_on", "-pk")


def explanation_get(project, explanation_id) -> Explanation:
    explanation = (
        Explanation.objects.filter(project=project, pk=explanation_id)
        .select_related("topic", "meeting", "explained_by", "project__org")
        .prefetch_related("audience__stakeholder__party")
        .first()
    )
    if explanation is None:
        raise Http404("No such explanation")
    return explanation


def stakeholder_choices(project):
    return (
        ProjectStakeholder.objects.filter(project=project)
        .select_related("party")
        .order_by("party__name", "pk")
    )


def meeting_choices(project):
    """The project's meetings, newest first (none when the meetings part is not there)."""
    from rapport.meetings.models import Meeting

    return Meeting.objects.filter(project=project).order_by("-starts_at", "-pk")


def understanding_of(stakeholder_ids, topic_ids=None) -> dict[tuple[int, int], dict]:
    """(topic id, stakeholder id) -> {"understanding", "label", "when"}: the latest explanation of
    each topic to each of these stakeholders. One query."""
    rows = ExplanationAudience.objects.filter(stakeholder_id__in=list(stakeholder_ids))
    if topic_ids is not None:
        rows = rows.filter(explanation__topic_id__in=list(topic_ids))
    records = list(
        rows.values_list(
            "explanation__topic_id",
            "stakeholder_id",
            "explanation__explained_on",
            "explanation_id",
            "understanding",
        )
    )
    latest = rules.latest_understanding(
        (topic, stakeholder, (when, pk), understanding)
        for topic, stakeholder, when, pk, understanding in records
    )
    when = {}
    for topic, stakeholder, on, pk, _ in records:
        key = (topic, stakeholder)
        if key not in when or (on, pk) >= when[key]:
            when[key] = (on, pk)
    labels = dict(Understanding.choices)
    return {
        key: {"understanding": value, "label": labels.get(value, value), "when": when[key][0]}
        for key, value in latest.items()
    }


def understanding_grid(project, stakeholders, topics) -> list[dict]:
    """One row per stakeholder (of the page given): the cell of each topic, in the topics'
    order: None (never explained) or {"understanding", "label", "when"}."""
    stakeholders, topics = list(stakeholders), list(topics)
    cells = understanding_of([s.pk for s in stakeholders], [t.pk for t in topics])
    return [
        {"stakeholder": s, "cells": [cells.get((t.pk, s.pk)) for t in topics]} for s in stakeholders
    ]


# --- the "let me restate…" suggestions -------------------------------------------------------------


def current_work(project, *, on: date) -> list[str]:
    """What the project is working on around ``on``: the names and descriptions of activities
    under way, and of those not started that are planned to start within SOON_DAYS."""
    from rapport.raci.models import Activity, ActivityStatus

    soon = on + timedelta(days=SOON_DAYS)
    rows = (
        Activity.objects.filter(project=project)
        .filter(
            Q(status=ActivityStatus.IN_PROGRESS)
            | Q(status=ActivityStatus.NOT_STARTED, planned_start__lte=soon)
        )
        .values_list("name", "description")[:2000]
    )
    return [f"{name}. {description}".strip(" .") for name, description in rows]


def target_missed(project) -> str | None:
    """Why the latest simulation misses the sponsor's target, or None."""
    from rapport.estimates.selectors import run_latest

    run = run_latest(project)
    if run is None:
        return None
    return rules.target_missed(run.result, confidence_label=run.confidence_label)


def next_meeting(project, *, now: datetime | None = None):
    """The project's next meeting (the earliest one not started yet), or None."""
    now = now or timezone.now()
    return (
        meeting_choices(project)
        .filter(starts_at__gte=now)
        .order_by("starts_at", "pk")
        .prefetch_related("invitees__stakeholder__party")
        .first()
    )


def _business_side(project) -> list[ProjectStakeholder]:
    """Who a meeting with the business would have: the project's customers and its sponsor."""
    return [
        s for s in stakeholder_choices(project) if s.is_customer or "sponsor" in (s.roles or [])
    ]


def restate_suggestions(meeting_or_project, attendees=None) -> list[dict]:
    """The topics worth a short "let me restate…" at a meeting: those the current work touches
    (a keyword of the topic in an activity under way or starting soon; the estimate topic when
    the latest simulation misses the sponsor's target) that some attendee has not yet seen, or
    only partly understood.

    ``meeting_or_project``: a meeting (its project, its date, and by default its invitees) or a
    project (today, and by default its customers and sponsor). ``attendees``: stakeholders of the
    project. Each suggestion is {"topic", "reason", "sentence", "who": [stakeholders]}."""
    from rapport.meetings.models import Meeting

    if isinstance(meeting_or_project, Meeting):
        meeting = meeting_or_project
        project = meeting.project
        on = timezone.localtime(meeting.starts_at).date()
        if attendees is None:
            attendees = [
                i.stakeholder
                for i in meeting.invitees.select_related("stakeholder__party")
                if i.stakeholder_id
            ]
    else:
        project = meeting_or_project
        on = timezone.localdate()
        if attendees is None:
            attendees = _business_side(project)
    attendees = [a for a in attendees if a.project_id == project.pk]
    if not attendees:
        return []
    topics = list(topic_list(project.org))
    facts = [
        rules.TopicFacts(
            id=t.pk,
            name=t.name,
            restate=t.restate,
            keywords=tuple(t.keyword_list),
            on_target_missed=t.on_target_missed,
        )
        for t in topics
    ]
    touched = rules.touched_topics(
        facts, current_work(project, on=on), missed=target_missed(project)
    )
    if not touched:
        return []
    by_id = {a.pk: a for a in attendees}
    cells = understanding_of(list(by_id), list(touched))
    understanding = {key: cell["understanding"] for key, cell in cells.items()}
    topic_by_id = {t.pk: t for t in topics}
    return [
        {
            "topic": topic_by_id[s.topic_id],
            "reason": s.reason,
            "sentence": s.sentence,
            "who": [by_id[w] for w in s.who],
        }
        for s in rules.restate_suggestions(facts, list(by_id), understanding, touched)
    ]
