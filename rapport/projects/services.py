"""Every write about projects, their goals and their members."""

from django.core.exceptions import ValidationError
from django.db import transaction

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, unique_write, validated_save

from . import rules
from .models import Goal, Project, ProjectMembership, ProjectRole, ProjectState

# Fields a project form or API call may change (code and organisation are fixed at creation).
EDITABLE_FIELDS = (
    "name",
    "description",
    "business_case",
    "start_date",
    "target_date",
    "budget",
    "currency",
    "state",
    "time_zone",
)


@transaction.atomic
def project_create(
    *, actor, org, code: str, name: str, goals: list[str] | None = None, manager=None, **fields
) -> Project:
    """Create a project in `org`. Its `manager` (by default its creator) manages it; History
    credits the creator."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown project fields: {', '.join(sorted(unknown))}")
    code = (code or "").strip().upper()

    def check_code():
        if Project.objects.filter(org=org, code=code).exists():
            raise field_error("code", f"{org.name} already has a project with the code {code}.")

    check_code()
    if manager is not None and not org.memberships.filter(user=manager).exists():
        raise field_error("manager", f"{manager.email} is not a member of {org.name}.")
    if manager is None and actor is not None and org.memberships.filter(user=actor).exists():
        manager = actor
    project = Project(org=org, code=code, name=(name or "").strip(), **fields)
    with acting_as(actor):
        with unique_write(check_code):
            validated_save(project)
        if manager is not None:
            ProjectMembership.objects.create(
                project=project, user=manager, role=ProjectRole.MANAGER
            )
        if goals:
            _goals_replace(project, goals)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, goals: list[str] | None = None, **fields) -> Project:
    """Change a project's details; a state change must follow the lifecycle."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown project fields: {', '.join(sorted(unknown))}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    new_state = fields.get("state", project.state)
    if new_state not in ProjectState.values:
        raise field_error("state", f"State must be one of {', '.join(ProjectState.values)}.")
    if new_state != project.state and not rules.state_change_allowed(project.state, new_state):
        raise field_error(
            "state",
            f"A {project.get_state_display().lower()} project cannot become "
            f"{ProjectState(new_state).label.lower()}; "
            f"allowed next: {', '.join(rules.next_states(project.state)) or 'none'}.",
        )
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    with acting_as(actor):
        validated_save(project)
        if goals is not None:
            _goals_replace(project, goals)
    return project


def _goals_replace(project: Project, texts: list[str]) -> None:
    """Make the goal list match `texts`: keep goals whose text is unchanged (and their links),
    add new ones, delete the rest, and keep the given order."""
    wanted = [t.strip() for t in texts if t and t.strip()]
    for text in wanted:
        if len(text) > 300:
            raise field_error("goals", f"A goal is at most 300 characters: {text[:40]}…")
    if len(set(t.lower() for t in wanted)) != len(wanted):
        raise field_error("goals", "The same goal is listed twice.")
    existing = {g.text.lower(): g for g in project.goals.all()}
    for position, text in enumerate(wanted):
        goal = existing.pop(text.lower(), None)
        if goal is None:
            Goal.objects.create(project=project, text=text, position=position)
        elif goal.position != position or goal.text != text:
            goal.position, goal.text = position, text
            goal.save()
    for goal in existing.values():
        goal.delete()


@transaction.atomic
def project_delete(*, actor, project: Project, confirm_code: str) -> None:
    """Delete a project and everything in it. The caller must type the project's code to confirm;
    the audit history keeps the last state of every deleted row."""
    if (confirm_code or "").strip().upper() != project.code:
        raise field_error("confirm_code", f"Type the project code {project.code} to confirm.")
    with acting_as(actor):
        for goal in project.goals.all():
            goal.delete()
        for membership in project.memberships.all():
            membership.delete()
        project.delete()


@transaction.atomic
def project_member_set(*, actor, project: Project, user, role: str) -> ProjectMembership:
    """Give `user` (a member of the project's organisation) this role on the project."""
    if role not in ProjectRole.values:
        raise field_error("role", f"Role must be one of {', '.join(ProjectRole.values)}.")
    if not project.org.memberships.filter(user=user).exists():
        raise field_error(
            "user",
            f"{user.email} is not in {project.org.name}; invite them to the organisation first.",
        )
    with acting_as(actor):
        membership, created = ProjectMembership.objects.get_or_create(
            project=project, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save()
    return membership


@transaction.atomic
def project_member_remove(*, actor, project: Project, user) -> None:
    """Take away a person's role on the project. Organisation owners keep managing every project,
    so a project is never left without someone who can manage it."""
    membership = project.memberships.filter(user=user).first()
    if membership is None:
        raise field_error("user", f"{user.email} has no role on {project.code}.")
    with acting_as(actor):
        membership.delete()
