"""Every write about satisfaction pulses: keyword-only, atomic, validated, in the audit history."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, unique_write, validated_save

from .models import SUBJECTS, Pulse, PulseSource

COMMENT_MAX = 5000


def _check_score(score) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise field_error("score", "Score from 1 (unhappy) to 5 (very happy).")
    return score


def _check_comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise field_error("comment", "A comment is at most 5,000 characters.")
    return comment


def _subject_fields(about) -> dict:
    """``about`` (an Interaction, a Meeting, a Delivery or None) as the pulse's three fields."""
    fields = dict.fromkeys(SUBJECTS)
    if about is not None:
        name = {"Interaction": "interaction", "Meeting": "meeting", "Delivery": "delivery"}.get(
            type(about).__name__
        )
        if name is None:
            raise field_error("about", "A pulse is about an interaction, a meeting or a report.")
        fields[name] = about
    return fields


def _existing(stakeholder, fields: dict) -> Pulse | None:
    for name, value in fields.items():
        if value is not None:
            return (
                Pulse.objects.select_for_update()
                .filter(stakeholder=stakeholder, **{name: value})
                .first()
            )
    return None


def _refuse_second(stakeholder, fields: dict) -> None:
    found = _existing(stakeholder, fields)
    if found is not None:
        raise field_error(
            "about",
            f"{stakeholder.party.name} already gave a pulse about this ({found.score}/5 on "
            f"{date_format(timezone.localtime(found.given_at))}): delete it first to record another.",
        )


@transaction.atomic
def pulse_give(
    *,
    stakeholder,
    about,
    score: int,
    comment: str = "",
    opened_by_the_team: bool = False,
    now: datetime | None = None,
) -> tuple[Pulse, bool]:
    """A stakeholder gives a pulse through their portal link, about something the project did
    with them. A second answer about the same thing replaces the first (they changed their
    mind); returns the pulse and whether it replaced one. The project's own team is refused."""
    if opened_by_the_team:
        raise ValidationError(
            f"You are signed in to Rapport on this project's team: only {stakeholder.party.name} "
            "can answer here."
        )
    if about is None:
        raise field_error("about", "Choose what the pulse is about.")
    score = _check_score(score)
    comment = _check_comment(comment)
    fields = _subject_fields(about)
    now = now or timezone.now()
    project = stakeholder.project
    with acting_as(None):
        for _ in range(2):  # a double-click may create it between our look and our write
            pulse = _existing(stakeholder, fields)
            replaced = pulse is not None
            if pulse is None:
                pulse = Pulse(project=project, stakeholder=stakeholder, **fields)
            pulse.project = project
            pulse.score, pulse.comment, pulse.given_at = score, comment, now
            pulse.source = PulseSource.PORTAL
            try:
                with transaction.atomic():
                    validated_save(pulse)
            except ValidationError as error:
                if replaced or "__all__" not in getattr(error, "error_dict", {}):
                    raise
                continue  # the unique constraint saw the other answer: update it instead
            except IntegrityError:
                if replaced:
                    raise
                continue  # both passed the check at once: the database kept the other one
            return pulse, replaced
    raise ValidationError("Your answer could not be saved: try again.")


@transaction.atomic
def pulse_record(
    *,
    actor,
    project,
    stakeholder,
    score: int,
    comment: str = "",
    given_at: datetime | None = None,
    about=None,
) -> Pulse:
    """A team member records a pulse a stakeholder gave by phone or in person. A second pulse
    about the same thing is refused (the first is theirs; delete it to correct it)."""
    if stakeholder is None or stakeholder.project_id != project.pk:
        raise field_error("stakeholder", "Choose a stakeholder of this project.")
    score = _check_score(score)
    comment = _check_comment(comment)
    fields = _subject_fields(about)
    given_at = given_at or timezone.now()
    if given_at > timezone.now() + timedelta(minutes=5):
        raise field_error("given_at", "A pulse cannot be given in the future.")
    _refuse_second(stakeholder, fields)
    pulse = Pulse(
        project=project,
        stakeholder=stakeholder,
        score=score,
        comment=comment,
        given_at=given_at,
        source=PulseSource.RECORDED,
        recorded_by=actor,
        **fields,
    )
    with acting_as(actor), unique_write(lambda: _refuse_second(stakeholder, fields)):
        validated_save(pulse)
    return pulse


@transaction.atomic
def pulse_delete(*, actor, pulse: Pulse) -> None:
    """Delete a pulse (the history keeps what it said)."""
    with acting_as(actor):
        pulse.delete()
