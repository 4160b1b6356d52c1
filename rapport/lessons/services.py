"""Every write about lessons learned: keyword-only, atomic, validated, and in the audit history."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format

from rapport.lib.audit import acting_as
from rapport.lib.validation import (
    Conflict,
    field_error,
    strip_text_fields,
    unique_write,
    validated_save,
)
from rapport.relations.selectors import project_today

from . import rules
from .models import (
    FollowUpStatus,
    Lesson,
    LessonApplication,
    LessonContributor,
    LessonFollowUp,
    Side,
)

LESSON_FIELDS = (
    "title",
    "what_happened",
    "recommendation",
    "category",
    "impact",
    "tags",
    "captured_on",
    "phases",
    "activities",
)
FOLLOW_UP_FIELDS = ("action", "owner_party", "owner_user", "status", "due_on")


def _tags(value) -> str:
    try:
        return rules.normalise_tags(value)
    except ValueError as error:
        raise field_error("tags", str(error)) from None


def _check_scope(project, phases, activities) -> None:
    if phases is not None and any(p.project_id != project.pk for p in phases):
        raise field_error("phases", "Choose phases of this project.")
    if activities is not None and any(a.project_id != project.pk for a in activities):
        raise field_error("activities", "Choose activities of this project.")


def _check_party(org_id, party, field: str) -> None:
    if party is not None and party.org_id != org_id:
        raise field_error(field, "Choose someone in this organisation's register.")


def _check_user(org_id, user, field: str) -> None:
    if user is not None and not user.org_memberships.filter(org_id=org_id).exists():
        raise field_error(field, "Choose someone in this organisation.")


@transaction.atomic
def lesson_capture(
    *,
    actor,
    project,
    title: str,
    what_happened: str,
    recommendation: str,
    category: str,
    impact: str = "medium",
    tags="",
    captured_on: date | None = None,
    phases=None,
    activities=None,
) -> Lesson:
    """Capture a lesson while the project runs (not only at its end): what happened, what to do
    next time, its category, impact, tags, and the phases and activities it concerns."""
    phases = list(phases) if phases is not None else []
    activities = list(activities) if activities is not None else []
    _check_scope(project, phases, activities)
    lesson = Lesson(
        org_id=project.org_id,
        project=project,
        captured_by=actor if getattr(actor, "is_authenticated", False) else None,
        category=category,
        impact=impact,
        tags=_tags(tags),
        captured_on=captured_on or project_today(project),
        **strip_text_fields(
            {"title": title, "what_happened": what_happened, "recommendation": recommendation}
        ),
    )
    with acting_as(actor):
        validated_save(lesson)
        if phases:
            lesson.phases.set(phases)
        if activities:
            lesson.activities.set(activities)
    return lesson


@transaction.atomic
def lesson_update(*, actor, lesson: Lesson, **fields) -> Lesson:
    """Change a lesson; only the fields given change."""
    unknown = set(fields) - set(LESSON_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown lesson fields: {', '.join(sorted(unknown))}")
    project = lesson.project
    phases = fields.pop("phases", None)
    activities = fields.pop("activities", None)
    phases = list(phases) if phases is not None else None
    activities = list(activities) if activities is not None else None
    _check_scope(project, phases, activities)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    lesson.project = project
    if "tags" in fields:
        fields["tags"] = _tags(fields["tags"])
    for name, value in strip_text_fields(fields).items():
        if name == "captured_on" and value is None:
            raise field_error("captured_on", "Say when the lesson was captured.")
        setattr(lesson, name, value)
    with acting_as(actor):
        validated_save(lesson)
        if phases is not None:
            lesson.phases.set(phases)
        if activities is not None:
            lesson.activities.set(activities)
    return lesson


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> None:
    """Delete a lesson, its contributors, follow-ups and the record of where it was applied (the
    history keeps what they said)."""
    with acting_as(actor):
        lesson.delete()


@transaction.atomic
def lesson_contributor_add(
    *, actor, lesson: Lesson, side: str, party=None, user=None
) -> LessonContributor:
    """Record who contributed to a lesson, from the business or from IT: a party of the register
    or a person who signs in."""
    if (party is None) == (user is None):
        raise field_error("party", "Choose someone from the register, or a person, not both.")
    if side not in Side.values:
        raise field_error("side", "Say whether they are on the business side or IT.")
    _check_party(lesson.org_id, party, "party")
    _check_user(lesson.org_id, user, "user")
    contributor = LessonContributor(lesson=lesson, party=party, user=user, side=side)

    def check_once():
        again = LessonContributor.objects.filter(lesson=lesson)
        if party is not None and again.filter(party=party).exists():
            raise field_error("party", f"{party.name} is already a contributor.")
        if user is not None and again.filter(user=user).exists():
            raise field_error("user", f"{user.display_name} is already a contributor.")

    check_once()
    with acting_as(actor), unique_write(check_once):
        validated_save(contributor, exclude=["lesson", "party", "user"])
    return contributor


@transaction.atomic
def lesson_contributor_remove(*, actor, contributor: LessonContributor) -> None:
    with acting_as(actor):
        contributor.delete()


@dataclass
class Applied:
    """What lesson_apply did: the application, and whether it is new (False: applied before)."""

    application: LessonApplication
    created: bool

    @property
    def message(self) -> str:
        a = self.application
        if self.created:
            return f"Applied “{a.lesson.title}” to {a.project.code}."
        return (
            f"{a.project.code} already applied “{a.lesson.title}” on "
            f"{date_format(a.applied_on)}: nothing changed."
        )


@transaction.atomic
def lesson_apply(
    *, actor, lesson: Lesson, project, applied_on: date | None = None, note: str = ""
) -> Applied:
    """Record that `project` applies a lesson learned on another project of the organisation: the
    lesson's reuse count grows by one. Applying it again changes nothing and says so."""
    if lesson.org_id != project.org_id:
        raise field_error("lesson_id", "That lesson belongs to another organisation.")
    if lesson.project_id == project.pk:
        raise field_error(
            "lesson_id",
            "That lesson was learned on this project: reuse counts when another project applies it.",
        )
    existing = LessonApplication.objects.filter(lesson=lesson, project=project).first()
    if existing is not None:
        return Applied(existing, False)
    application = LessonApplication(
        lesson=lesson,
        project=project,
        applied_on=applied_on or project_today(project),
        note=(note or "").strip(),
        applied_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with acting_as(actor), transaction.atomic():
            validated_save(application, exclude=["lesson", "project"])
    except IntegrityError:
        # Applied by someone else at the same moment: that is the same outcome.
        existing = LessonApplication.objects.filter(lesson=lesson, project=project).first()
        if existing is None:
            raise Conflict("Someone else changed this at the same moment: try again.") from None
        return Applied(existing, False)
    return Applied(application, True)


@transaction.atomic
def lesson_unapply(*, actor, application: LessonApplication) -> None:
    """Take back an application recorded by mistake (the history keeps it)."""
    with acting_as(actor):
        application.delete()


def _check_owner(lesson, owner_party, owner_user) -> None:
    if (owner_party is None) == (owner_user is None):
        raise field_error(
            "owner_party", "Choose one owner: someone from the register, or a person."
        )
    _check_party(lesson.org_id, owner_party, "owner_party")
    _check_user(lesson.org_id, owner_user, "owner_user")


@transaction.atomic
def lesson_follow_up_create(
    *,
    actor,
    lesson: Lesson,
    action: str,
    owner_party=None,
    owner_user=None,
    status: str = FollowUpStatus.OPEN,
    due_on: date | None = None,
) -> LessonFollowUp:
    """Pass a lesson on: an action for an executive to own (a party or a person), with status and
    an optional due date."""
    _check_owner(lesson, owner_party, owner_user)
    follow_up = LessonFollowUp(
        lesson=lesson,
        action=(action or "").strip(),
        owner_party=owner_party,
        owner_user=owner_user,
        status=status,
        due_on=due_on,
    )
    with acting_as(actor):
        validated_save(follow_up)
    return follow_up


@transaction.atomic
def lesson_follow_up_update(*, actor, follow_up: LessonFollowUp, **fields) -> LessonFollowUp:
    """Change a follow-up (its status, usually); only the fields given change."""
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown follow-up fields: {', '.join(sorted(unknown))}")
    lesson = follow_up.lesson
    follow_up = LessonFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.lesson = lesson
    if "owner_party" in fields or "owner_user" in fields:
        party = fields.get("owner_party", follow_up.owner_party)
        user = fields.get("owner_user", follow_up.owner_user)
        if "owner_party" in fields and fields["owner_party"] is not None:
            user = fields.get("owner_user")  # a new party owner replaces a person owner
        if "owner_user" in fields and fields["owner_user"] is not None:
            party = fields.get("owner_party")
        fields["owner_party"], fields["owner_user"] = party, user
        _check_owner(lesson, party, user)
    for name, value in strip_text_fields(fields).items():
        setattr(follow_up, name, value)
    with acting_as(actor):
        validated_save(follow_up)
    return follow_up
