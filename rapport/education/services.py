"""Every write about the topic catalogue and explanations: keyword-only, atomic, validated, and in
the audit history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, strip_text_fields, unique_write, validated_save
from rapport.raci.names import normalise_name

from . import rules
from .models import Explanation, ExplanationAudience, Topic, Understanding

TOPIC_FIELDS = ("name", "restate", "keywords", "on_target_missed")


# --- the catalogue --------------------------------------------------------------------------------


def topics_seed(*, org) -> None:
    """Give ``org`` the default catalogue when it has no topic at all (called lazily, the first
    time the catalogue is read). Names it already has are left alone; two requests seeding at
    once insert each topic once."""
    if Topic.objects.filter(org=org).exists():
        return
    try:
        with transaction.atomic():
            Topic.objects.bulk_create(
                [
                    Topic(
                        org=org,
                        name=name,
                        name_key=normalise_name(name),
                        restate=restate,
                        keywords=keywords,
                        on_target_missed=missed,
                        position=position,
                    )
                    for position, (name, restate, keywords, missed) in enumerate(
                        rules.DEFAULT_TOPICS
                    )
                ],
                ignore_conflicts=True,
            )
    except IntegrityError:  # the organisation went away meanwhile
        pass


def _topic_name_free(org, name: str, exclude_pk=None) -> None:
    clash = Topic.objects.filter(org=org, name_key=normalise_name(name))
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    found = clash.first()
    if found is not None:
        raise field_error("name", f"There is a topic “{found.name}” already.")


@transaction.atomic
def topic_create(
    *, actor, org, name: str, restate: str = "", keywords: str = "", on_target_missed=False
) -> Topic:
    """Add a topic to the organisation's catalogue (one per name, whatever its case)."""
    fields = strip_text_fields(
        {"name": name or "", "restate": restate or "", "keywords": keywords or ""}
    )
    _topic_name_free(org, fields["name"])
    position = (Topic.objects.filter(org=org).aggregate(m=Max("position"))["m"] or 0) + 1
    topic = Topic(org=org, on_target_missed=bool(on_target_missed), position=position, **fields)
    with acting_as(actor), unique_write(lambda: _topic_name_free(org, fields["name"])):
        validated_save(topic, exclude=["name_key"])
    return topic


@transaction.atomic
def topic_update(*, actor, topic: Topic, **fields) -> Topic:
    """Change a topic; only the fields given change."""
    unknown = set(fields) - set(TOPIC_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown topic fields: {', '.join(sorted(unknown))}")
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    fields = strip_text_fields(fields)
    if "name" in fields:
        _topic_name_free(topic.org, fields["name"], exclude_pk=topic.pk)
    for name, value in fields.items():
        setattr(topic, name, value)
    with acting_as(actor), unique_write(lambda: _topic_name_free(topic.org, topic.name, topic.pk)):
        validated_save(topic, exclude=["name_key"])
    return topic


@transaction.atomic
def topic_delete(*, actor, topic: Topic) -> None:
    """Remove a topic nobody was taught yet (a topic with explanations keeps its history)."""
    try:
        with acting_as(actor), transaction.atomic():
            topic.delete()
    except ProtectedError:
        raise field_error(
            "topic",
            f"“{topic.name}” was explained on a project already: rename it instead of removing it.",
        ) from None


# --- explanations ---------------------------------------------------------------------------------


def _check_audience(project, audience) -> dict:
    """{stakeholder: understanding} of this project's stakeholders, at least one."""
    if not isinstance(audience, dict):
        audience = {s: Understanding.NOT_YET for s in audience or []}
    if not audience:
        raise field_error("stakeholders", "Choose who it was explained to.")
    for stakeholder, understanding in audience.items():
        if stakeholder is None or stakeholder.project_id != project.pk:
            raise field_error("stakeholders", "Choose stakeholders of this project.")
        if understanding not in Understanding.values:
            raise field_error(
                "understanding", f"'{understanding}' is not one of not_yet, partly, understood."
            )
    return audience


def _check_topic(project, topic) -> None:
    if topic is None or topic.org_id != project.org_id:
        raise field_error("topic", "Choose a topic of this organisation's catalogue.")


def _check_meeting(project, meeting) -> None:
    if meeting is not None and meeting.project_id != project.pk:
        raise field_error("meeting", "Choose a meeting of this project.")


@transaction.atomic
def explanation_record(
    *,
    actor,
    project,
    topic: Topic,
    audience,
    explained_on: date,
    meeting=None,
    notes: str = "",
) -> Explanation:
    """Record that a topic was explained to some of the project's stakeholders (``audience``:
    {stakeholder: understanding afterwards}, or a list of stakeholders whose understanding is not
    known yet), when, and optionally in which meeting."""
    _check_topic(project, topic)
    _check_meeting(project, meeting)
    audience = _check_audience(project, audience)
    explanation = Explanation(
        project=project,
        topic=topic,
        explained_on=explained_on,
        meeting=meeting,
        explained_by=actor if getattr(actor, "is_authenticated", False) else None,
        notes=(notes or "").strip(),
    )
    with acting_as(actor):
        validated_save(explanation)
        for stakeholder, understanding in audience.items():
            ExplanationAudience.objects.create(
                explanation=explanation, stakeholder=stakeholder, understanding=understanding
            )
    return explanation


@transaction.atomic
def explanation_update(*, actor, explanation: Explanation, audience=None, **fields) -> Explanation:
    """Change an explanation: its topic, date, meeting or notes, and (``audience``) who heard it
    and how well each understood; only what is given changes."""
    unknown = set(fields) - {"topic", "explained_on", "meeting", "notes"}
    if unknown:
        raise ValidationError(f"Unknown explanation fields: {', '.join(sorted(unknown))}")
    project = explanation.project
    explanation = Explanation.objects.select_for_update().get(pk=explanation.pk)
    explanation.project = project
    if "topic" in fields:
        _check_topic(project, fields["topic"])
    if "meeting" in fields:
        _check_meeting(project, fields["meeting"])
    if audience is not None:
        audience = _check_audience(project, audience)
    for name, value in strip_text_fields(fields).items():
        setattr(explanation, name, value)
    with acting_as(actor):
        validated_save(explanation)
        if audience is not None:
            current = {
                a.stakeholder_id: a
                for a in ExplanationAudience.objects.filter(explanation=explanation)
            }
            wanted = {s.pk: (s, u) for s, u in audience.items()}
            for stakeholder_id, row in current.items():
                if stakeholder_id not in wanted:
                    row.explanation = explanation
                    row.delete()
            for stakeholder_id, (stakeholder, understanding) in wanted.items():
                row = current.get(stakeholder_id)
                if row is None:
                    ExplanationAudience.objects.create(
                        explanation=explanation,
                        stakeholder=stakeholder,
                        understanding=understanding,
                    )
                elif row.understanding != understanding:
                    row.explanation = explanation
                    row.understanding = understanding
                    row.save(update_fields=["understanding"])
    return explanation


@transaction.atomic
def explanation_delete(*, actor, explanation: Explanation) -> None:
    """Delete an explanation (the history keeps what it said)."""
    with acting_as(actor):
        explanation.delete()
