"""Every write about the register, project stakeholders, value criteria and outcomes.

Services are keyword-only and atomic, validate before they write, and record each change in the
audit history with its actor. Views, the API and the CLI call these and nothing else to write.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.lib import bulk_audit
from rapport.lib.audit import acting_as
from rapport.lib.bulk_insert import PreparedInserts, reserve_ids
from rapport.lib.validation import (
    field_error,
    refuse_control_characters,
    refuse_unknown_fields,
    strip_text_fields,
    unique_write,
    validated_save,
)

from . import rules
from .models import (
    Category,
    CategoryConsideration,
    Outcome,
    OutcomeConflict,
    OutcomeMeasurement,
    OutcomePosition,
    Party,
    ProjectStakeholder,
    ValueCriterion,
)

PARTY_FIELDS = (
    "kind",
    "name",
    "organisation",
    "department",
    "title",
    "email",
    "phone",
    "relationship",
    "payment",
    "reports_to",
    "represents",
    "notes",
)
STAKEHOLDER_FIELDS = (
    "roles",
    "is_customer",
    "benefits",
    "weighs_in_on",
    "power",
    "interest",
    "attitude",
    "nervous",
    "concerns",
    "engagement_now",
    "engagement_needed",
    "expectations",
)
OUTCOME_FIELDS = (
    "title",
    "description",
    "metric",
    "unit",
    "baseline",
    "target",
    "due_date",
    "is_csf",
    "benefit_low",
    "benefit_p50",
    "benefit_p80",
    "benefit_high",
    "benefit_assumptions",
)


# --- categories -----------------------------------------------------------------------------------


def categories_seed(*, org) -> None:
    """Give `org` the default taxonomy (categories it already has by name are left alone)."""
    have = {
        name.lower() for name in Category.objects.filter(org=org).values_list("name", flat=True)
    }
    for position, (name, hint) in enumerate(rules.DEFAULT_CATEGORIES):
        if name.lower() not in have:
            Category.objects.create(org=org, name=name, hint=hint, position=position)


def _category_name_free(org, name: str, exclude_pk=None) -> None:
    clash = Category.objects.filter(org=org).annotate(n=Lower("name")).filter(n=name.lower())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise field_error("name", f"There is a category “{name}” already.")


@transaction.atomic
def category_create(*, actor, org, name: str, hint: str = "") -> Category:
    """Add a kind of stakeholder to the organisation's taxonomy."""
    name = (name or "").strip()
    _category_name_free(org, name)
    last = (
        Category.objects.filter(org=org)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    category = Category(org=org, name=name, hint=(hint or "").strip(), position=(last or 0) + 1)
    with acting_as(actor), unique_write(lambda: _category_name_free(org, name)):
        validated_save(category)
    return category


@transaction.atomic
def category_update(
    *, actor, category: Category, name: str | None = None, hint: str | None = None
) -> Category:
    """Rename a category or change its prompt; parties and considerations keep pointing to it."""
    if name is not None:
        name = name.strip()
        _category_name_free(category.org, name, exclude_pk=category.pk)
        category.name = name
    if hint is not None:
        category.hint = hint.strip()

    def check_name():
        _category_name_free(category.org, category.name, exclude_pk=category.pk)

    with acting_as(actor), unique_write(check_name):
        validated_save(category)
    return category


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Remove a category from the taxonomy; parties lose it, nobody is deleted."""
    with acting_as(actor):
        category.delete()


# --- parties (the organisation's register) --------------------------------------------------------


class _LinkUp:
    """`parent.get(pk)` for rules.creates_loop, read one step at a time: a chain of managers is
    a few parties long, while reading the whole register for each saved party made an import of
    thousands quadratic."""

    def __init__(self, field: str):
        self.field = field

    def get(self, pk, default=None):
        return Party.objects.filter(pk=pk).values_list(self.field, flat=True).first()


def _check_party_links(party: Party) -> None:
    if party.reports_to_id and rules.creates_loop(
        party.pk, party.reports_to_id, _LinkUp("reports_to_id")
    ):
        raise field_error(
            "reports_to", "That would make a loop: they (indirectly) report to this party."
        )
    if party.represents_id and rules.creates_loop(
        party.pk, party.represents_id, _LinkUp("represents_id")
    ):
        raise field_error(
            "represents", "That would make a loop: they (indirectly) represent this party."
        )


def _check_party_unique(party: Party) -> None:
    clash = (
        Party.objects.filter(org_id=party.org_id)
        .annotate(n=Lower("name"), o=Lower("organisation"))
        .filter(n=party.name.lower(), o=party.organisation.lower())
    )
    if party.pk:
        clash = clash.exclude(pk=party.pk)
    if clash.exists():
        where = f" of {party.organisation}" if party.organisation else ""
        raise field_error(
            "name",
            f"{party.name}{where} is in the register already. "
            "Open that entry, or add the organisation to tell them apart.",
        )


def _check_categories(org, categories) -> list[Category]:
    categories = list(categories or [])
    if any(c.org_id != org.pk for c in categories):
        raise field_error("categories", "That category is in another organisation's taxonomy.")
    return categories


def _party_save(party: Party, categories) -> Party:
    problem = rules.payment_problem(party.relationship, party.payment)
    if problem:
        raise field_error("payment", problem)
    refuse_control_characters(party, "name", "organisation")  # before any query uses them
    _check_party_unique(party)
    with unique_write(lambda: _check_party_unique(party)):
        validated_save(party)
    _check_party_links(party)
    if categories is not None:
        wanted = {c.pk for c in categories}
        have = set(party.categories.values_list("pk", flat=True))
        if wanted != have:
            party.categories.set(categories)
    return party


# acting_as blocks must not nest (auditlog forgets the outer actor when an inner block ends), so
# services that build on each other share these unwrapped helpers.


def _party_create(org, name: str, categories=None, **fields) -> Party:
    refuse_unknown_fields(fields, PARTY_FIELDS, "party")
    categories = _check_categories(org, categories)
    party = Party(org=org, name=(name or "").strip(), **strip_text_fields(fields))
    return _party_save(party, categories)


def _party_update(party: Party, categories=None, **fields) -> Party:
    refuse_unknown_fields(fields, PARTY_FIELDS, "party")
    categories = None if categories is None else _check_categories(party.org, categories)
    party = Party.objects.select_for_update(no_key=True).get(pk=party.pk)
    for name, value in strip_text_fields(fields).items():
        setattr(party, name, value)
    return _party_save(party, categories)


@transaction.atomic
def party_create(*, actor, org, name: str, categories=None, **fields) -> Party:
    """Add a person or group to the organisation's register. No account is needed."""
    with acting_as(actor):
        return _party_create(org, name, categories, **fields)


def parties_prepare_many(
    *, actor, org, parties: list[dict], inserts: PreparedInserts
) -> list[Party]:
    """Prepare many new parties of the register at once (an import) with their history, outside
    the write transaction: they are written when the caller runs `inserts` inside it, so that
    SQLite's write lock is held for milliseconds (`rapport.lib.bulk_insert`). Returns the parties,
    with the ids they will have.

    Each dict has `name`, optionally `categories` and the party's fields; `reports_to` and
    `represents` are a saved Party, or the index of another dict in `parties`. The caller has
    checked names and links (the import's plan: no duplicates, no loops) and links the
    categories inside its transaction (`party_categories_link_many`: new categories are made
    there); the database's unique constraint refuses a name that raced in."""
    made, chosen = [], []
    ids = reserve_ids(Party, len(parties))
    for spec, pk in zip(parties, ids, strict=True):
        spec = dict(spec)
        categories = list(spec.pop("categories", None) or [])
        if any(getattr(c, "org_id", org.pk) != org.pk for c in categories):
            raise field_error("categories", "That category is in another organisation's taxonomy.")
        name = spec.pop("name", "")
        refuse_unknown_fields(spec, PARTY_FIELDS, "party")
        later = {k: spec.pop(k) for k in ("reports_to", "represents") if type(spec.get(k)) is int}
        party = Party(pk=pk, org=org, name=(name or "").strip(), **strip_text_fields(spec))
        try:
            party.full_clean(
                exclude=["org", "reports_to", "represents"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:  # say which of the many it is
            raise ValidationError(f"{party.name}: {' '.join(error.messages)}") from None
        for key, index in later.items():  # another new party: not in the database yet
            setattr(party, f"{key}_id", ids[index])
        made.append(party)
        chosen.append(categories)
    inserts.add(made)
    with acting_as(actor):
        inserts.add(
            bulk_audit.created_entries(
                made, m2m={p.pk: {"categories": c} for p, c in zip(made, chosen, strict=True) if c}
            )
        )
    return made


def party_categories_link_many(pairs: list[tuple[Party, list[Category]]]) -> None:
    """Put new parties (an import, see `parties_prepare_many`, whose history names the
    categories already) in their categories, in one bulk insert."""
    through = Party.categories.through
    through.objects.bulk_create(
        [
            through(party_id=party.pk, category_id=category.pk)
            for party, categories in pairs
            for category in categories
        ],
        batch_size=1000,
    )


@transaction.atomic
def party_update(*, actor, party: Party, categories=None, **fields) -> Party:
    """Change a party's details, categories or links (reports to, represents)."""
    with acting_as(actor):
        return _party_update(party, categories, **fields)


@transaction.atomic
def party_delete(*, actor, party: Party) -> None:
    """Delete a party from the register and from every project it is on. The audit history keeps
    the last state of every row deleted."""
    with acting_as(actor):
        for stakeholder in party.stakeholdings.select_related("project"):
            _stakeholder_delete(stakeholder)
        party.delete()


# --- project stakeholders -------------------------------------------------------------------------


def _clean_roles(roles) -> list[str]:
    if roles is None:
        return []
    if isinstance(roles, str):
        roles = rules.split_list(roles)
    out: list[str] = []
    for role in roles:
        if role not in dict(rules.ROLES):
            raise field_error(
                "roles", f"Unknown role “{role}”; use {', '.join(k for k, _ in rules.ROLES)}."
            )
        if role not in out:
            out.append(role)
    return out


@transaction.atomic
def stakeholder_add(
    *, actor, project, party: Party | None = None, new_party: dict | None = None, **fields
) -> ProjectStakeholder:
    """Put a party on the project: an existing one from the register, or a new one (`new_party`:
    the party's fields, with `categories`), with its roles and customer analysis."""
    refuse_unknown_fields(fields, STAKEHOLDER_FIELDS, "stakeholder")
    if (party is None) == (new_party is None):
        raise field_error("party", "Choose a party from the register or describe a new one.")
    with acting_as(actor):
        if new_party is not None:
            new_party = dict(new_party)
            categories = new_party.pop("categories", None)
            name = new_party.pop("name", "")
            party = _party_create(project.org, name, categories, **new_party)
        if party.org_id != project.org_id:
            raise field_error("party", "That party is in another organisation's register.")

        def check_on_project():
            if ProjectStakeholder.objects.filter(project=project, party=party).exists():
                raise field_error("party", f"{party.name} is on {project.code} already.")

        check_on_project()
        fields = strip_text_fields(fields)
        fields["roles"] = _clean_roles(fields.get("roles"))
        stakeholder = ProjectStakeholder(project=project, party=party, **fields)
        with unique_write(check_on_project):
            validated_save(stakeholder)
    return stakeholder


def stakeholders_prepare_many(
    *, actor, project, rows: list[tuple[Party, dict]], inserts: PreparedInserts
) -> list[ProjectStakeholder]:
    """Prepare putting many parties of the register on the project at once (an import): `rows`
    are (party, stakeholder fields). Like `parties_prepare_many`, the rows and their history are
    built here and written when the caller runs `inserts` inside its transaction; the caller has
    checked that none is on the project yet, and the unique constraint refuses any that raced
    in."""
    made = []
    for (party, fields), pk in zip(rows, reserve_ids(ProjectStakeholder, len(rows)), strict=True):
        refuse_unknown_fields(fields, STAKEHOLDER_FIELDS, "stakeholder")
        if party.org_id != project.org_id:
            raise field_error("party", "That party is in another organisation's register.")
        fields = strip_text_fields(fields)
        fields["roles"] = _clean_roles(fields.get("roles"))
        stakeholder = ProjectStakeholder(pk=pk, project=project, party=party, **fields)
        stakeholder.full_clean(
            exclude=["project", "party"], validate_unique=False, validate_constraints=False
        )
        made.append(stakeholder)
    inserts.add(made)
    with acting_as(actor):
        inserts.add(bulk_audit.created_entries(made))
    return made


@transaction.atomic
def stakeholder_update(
    *, actor, stakeholder: ProjectStakeholder, party_fields: dict | None = None, **fields
) -> ProjectStakeholder:
    """Change a stakeholder's roles and analysis, and (with `party_fields`) the party itself."""
    refuse_unknown_fields(fields, STAKEHOLDER_FIELDS, "stakeholder")
    project = stakeholder.project
    # The stakeholder's row only (of self): a lock on the party too would wait for, and be
    # waited for by, a RACI write holding the project's RACI version and giving this party a
    # letter (its foreign key check) while this update's triggers wait for that version.
    stakeholder = (
        ProjectStakeholder.objects.select_for_update(of=("self",))
        .select_related("party")
        .get(pk=stakeholder.pk)
    )
    stakeholder.project = project
    with acting_as(actor):
        if party_fields:
            party_fields = dict(party_fields)
            categories = party_fields.pop("categories", None)
            stakeholder.party = _party_update(stakeholder.party, categories, **party_fields)
        fields = strip_text_fields(fields)
        if "roles" in fields:
            fields["roles"] = _clean_roles(fields["roles"])
        changed = False
        for name, value in fields.items():
            if getattr(stakeholder, name) != value:
                setattr(stakeholder, name, value)
                changed = True
        if changed:
            validated_save(stakeholder)
    return stakeholder


def _stakeholder_delete(stakeholder: ProjectStakeholder) -> None:
    # Delete the children one by one so that each is in the audit history.
    for position in stakeholder.positions.select_related("outcome__project"):
        position.delete()
    for criterion in stakeholder.criteria.all():
        criterion.stakeholder = stakeholder
        criterion.delete()
    stakeholder.delete()


@transaction.atomic
def stakeholder_remove(*, actor, stakeholder: ProjectStakeholder) -> None:
    """Take a party off the project (it stays in the register), with its value criteria and its
    positions on outcomes."""
    with acting_as(actor):
        _stakeholder_delete(stakeholder)


@transaction.atomic
def consideration_set(
    *, actor, project, category: Category, not_applicable: bool, reason: str = ""
) -> None:
    """Mark a category as considered and not applicable to the project (the identification prompt
    goes away), or take that mark back."""
    if category.org_id != project.org_id:
        raise field_error("category", "That category is in another organisation's taxonomy.")
    existing = CategoryConsideration.objects.filter(project=project, category=category).first()
    with acting_as(actor):
        if not_applicable:
            reason = (reason or "").strip()
            if existing is None:
                consideration = CategoryConsideration(
                    project=project,
                    category=category,
                    reason=reason,
                    decided_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                with unique_write(lambda: None):  # marked by someone else at the same moment
                    validated_save(consideration)
            elif existing.reason != reason:
                existing.reason = reason
                validated_save(existing)
        elif existing is not None:
            existing.delete()


@transaction.atomic
def considerations_mark_not_applicable(
    *, actor, project, categories: list[Category], reason: str = ""
) -> int:
    """Mark several categories as considered and not applicable at once (all or none), with one
    reason; returns how many were marked."""
    for category in categories:
        consideration_set(
            actor=actor, project=project, category=category, not_applicable=True, reason=reason
        )
    return len(categories)


# --- value criteria -------------------------------------------------------------------------------


def _check_goals(project, goals) -> list:
    goals = list(goals or [])
    if any(g.project_id != project.pk for g in goals):
        raise field_error("goals", "That goal belongs to another project.")
    return goals


@transaction.atomic
def criterion_create(
    *, actor, stakeholder: ProjectStakeholder, text: str, weight: int = 1, goals=None
) -> ValueCriterion:
    """Record what value means to a stakeholder, with its weight and the goals it is aligned to."""
    goals = _check_goals(stakeholder.project, goals)
    last = stakeholder.criteria.order_by("-position").values_list("position", flat=True).first()
    criterion = ValueCriterion(
        stakeholder=stakeholder, text=(text or "").strip(), weight=weight, position=(last or 0) + 1
    )
    with acting_as(actor):
        validated_save(criterion)
        if goals:
            criterion.goals.set(goals)
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor,
    criterion: ValueCriterion,
    text: str | None = None,
    weight: int | None = None,
    goals=None,
) -> ValueCriterion:
    """Change a value criterion's words, weight or goals (None leaves that part as it is)."""
    if text is not None:
        criterion.text = text.strip()
    if weight is not None:
        criterion.weight = weight
    with acting_as(actor):
        validated_save(criterion)
        if goals is not None:
            goals = _check_goals(criterion.stakeholder.project, goals)
            if {g.pk for g in goals} != set(criterion.goals.values_list("pk", flat=True)):
                criterion.goals.set(goals)
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: ValueCriterion) -> None:
    with acting_as(actor):
        criterion.delete()


# --- outcomes and consensus -----------------------------------------------------------------------


def _check_stakeholders(project, stakeholders) -> list[ProjectStakeholder]:
    stakeholders = list(stakeholders or [])
    if any(s.project_id != project.pk for s in stakeholders):
        raise field_error("stakeholders", "That stakeholder is on another project.")
    return stakeholders


def _outcome_validate(outcome: Outcome) -> None:
    if (
        outcome.target is not None
        and outcome.baseline is not None
        and outcome.target == outcome.baseline
    ):
        raise field_error("target", "The target equals the baseline: what should change?")
    if (outcome.target is not None or outcome.baseline is not None) and not outcome.metric.strip():
        raise field_error(
            "metric",
            "Say what is measured (the metric) for the baseline and target to mean something.",
        )
    problems = rules.benefit_forecast_problems(
        low=outcome.benefit_low,
        p50=outcome.benefit_p50,
        p80=outcome.benefit_p80,
        high=outcome.benefit_high,
        assumptions=outcome.benefit_assumptions or "",
        lower_is_better=rules.benefit_lower_is_better(
            outcome.baseline, outcome.target, outcome.benefit_p50
        ),
        has_target_date=outcome.due_date is not None,
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        raise ValidationError(errors)
    if outcome.benefit_p50 is not None and not outcome.metric.strip():
        raise field_error("metric", "Say what is measured (the metric) for the forecast.")


@transaction.atomic
def outcome_create(*, actor, project, title: str, stakeholders=None, **fields) -> Outcome:
    """Record a desired outcome and ask the customers concerned to agree (each starts pending)."""
    refuse_unknown_fields(fields, OUTCOME_FIELDS, "outcome")
    stakeholders = _check_stakeholders(project, stakeholders)
    outcome = Outcome(project=project, title=(title or "").strip(), **strip_text_fields(fields))
    _outcome_validate(outcome)
    with acting_as(actor):
        validated_save(outcome)
        for stakeholder in stakeholders:
            OutcomePosition.objects.create(outcome=outcome, stakeholder=stakeholder)
    return outcome


@transaction.atomic
def outcome_update(*, actor, outcome: Outcome, stakeholders=None, **fields) -> Outcome:
    """Change an outcome; with `stakeholders`, make them the customers concerned (new ones start
    pending, the answers of those who stay are kept)."""
    refuse_unknown_fields(fields, OUTCOME_FIELDS, "outcome")
    project = outcome.project
    outcome = Outcome.objects.select_for_update(no_key=True).get(pk=outcome.pk)
    outcome.project = project
    for name, value in strip_text_fields(fields).items():
        setattr(outcome, name, value)
    _outcome_validate(outcome)
    with acting_as(actor):
        validated_save(outcome)
        if stakeholders is not None:
            wanted = {s.pk: s for s in _check_stakeholders(project, stakeholders)}
            for position in outcome.positions.all():
                if position.stakeholder_id not in wanted:
                    position.outcome = outcome
                    position.delete()
                else:
                    wanted.pop(position.stakeholder_id)
            for stakeholder in wanted.values():
                OutcomePosition.objects.create(outcome=outcome, stakeholder=stakeholder)
    return outcome


@transaction.atomic
def outcome_delete(*, actor, outcome: Outcome) -> None:
    with acting_as(actor):
        for conflict in OutcomeConflict.objects.filter(Q(first=outcome) | Q(second=outcome)):
            conflict.delete()
        for child in [*outcome.positions.all(), *outcome.measurements.all()]:
            child.outcome = outcome
            child.delete()
        outcome.delete()


@transaction.atomic
def position_set(
    *, actor, outcome: Outcome, stakeholder: ProjectStakeholder, status: str, reason: str = ""
) -> OutcomePosition:
    """Record a customer's answer on an outcome: agreed, objected (with the reason) or pending.
    A stakeholder not yet concerned becomes concerned."""
    if stakeholder.project_id != outcome.project_id:
        raise field_error("stakeholder", "That stakeholder is on another project.")
    if status not in dict(rules.POSITIONS):
        raise field_error("status", "Choose agreed, objected or pending.")
    position = OutcomePosition.objects.filter(outcome=outcome, stakeholder=stakeholder).first()
    if position is None:
        position = OutcomePosition(outcome=outcome, stakeholder=stakeholder)
    position.outcome = outcome
    reason = (reason or "").strip()
    if (position.pk is None) or position.status != status or position.reason != reason:
        position.status, position.reason, position.updated_at = status, reason, timezone.now()
        with acting_as(actor), unique_write(lambda: None):  # answered twice at the same moment
            validated_save(position)
    return position


@transaction.atomic
def measurement_add(
    *, actor, outcome: Outcome, measured_on: date, value: Decimal, note: str = ""
) -> OutcomeMeasurement:
    """Record the outcome's measured value on a day."""
    if measured_on is None:
        raise field_error("measured_on", "Say when it was measured.")
    if measured_on > timezone.localdate() + timedelta(days=1):
        raise field_error("measured_on", "A measurement cannot be in the future.")
    measurement = OutcomeMeasurement(
        outcome=outcome,
        measured_on=measured_on,
        value=value,
        note=(note or "").strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with acting_as(actor):
        validated_save(measurement)
    return measurement


@transaction.atomic
def measurement_delete(*, actor, measurement: OutcomeMeasurement) -> None:
    with acting_as(actor):
        measurement.delete()


@transaction.atomic
def conflict_create(
    *, actor, project, first: Outcome, second: Outcome, description: str = ""
) -> OutcomeConflict:
    """Mark two of the project's outcomes as conflicting with each other."""
    if first.project_id != project.pk or second.project_id != project.pk:
        raise field_error("outcomes", "Both outcomes must be in this project.")
    if first.pk == second.pk:
        raise field_error("outcomes", "An outcome cannot conflict with itself; choose another one.")
    first, second = sorted((first, second), key=lambda o: o.pk)

    def check_pair():
        if OutcomeConflict.objects.filter(first=first, second=second).exists():
            raise field_error(
                "outcomes",
                f"“{first.title}” and “{second.title}” are marked as conflicting already.",
            )

    check_pair()
    conflict = OutcomeConflict(
        project=project, first=first, second=second, description=(description or "").strip()
    )
    with acting_as(actor), unique_write(check_pair):
        validated_save(conflict)
    return conflict


@transaction.atomic
def conflict_describe(*, actor, conflict: OutcomeConflict, description: str) -> OutcomeConflict:
    """Change how a conflict is described."""
    description = (description or "").strip()
    if conflict.description != description:
        conflict.description = description
        with acting_as(actor):
            validated_save(conflict)
    return conflict


@transaction.atomic
def conflict_resolve(*, actor, conflict: OutcomeConflict, resolution: str) -> OutcomeConflict:
    """Close a conflict saying how it was settled; an empty resolution reopens it."""
    resolution = (resolution or "").strip()
    conflict.resolution = resolution
    conflict.resolved_at = timezone.now() if resolution else None
    with acting_as(actor):
        validated_save(conflict)
    return conflict


@transaction.atomic
def conflict_delete(*, actor, conflict: OutcomeConflict) -> None:
    with acting_as(actor):
        conflict.delete()


# --- communication preferences --------------------------------------------------------------------


@transaction.atomic
def party_preferences_set(
    *,
    actor,
    party: Party,
    preferred_channel: str = "",
    max_per_week: int | None = None,
    quiet_days=(),
) -> Party:
    """Record how a person wants to hear from the organisation's projects: their preferred
    channel, at most how many communications a week (None: the usual threshold applies) and the
    weekdays they do not want to be contacted (codes "mon".."sun" or a comma-separated string).
    The plan's load warning uses them for this person on every project."""
    try:
        days = rules.quiet_days_parse(quiet_days)
    except ValueError as error:
        raise field_error("quiet_days", f"Quiet days: {error}.") from None
    if max_per_week is not None and max_per_week < 1:
        # Zero a week is not a preference a plan can meet; leave it empty to use the threshold.
        raise field_error("max_per_week", "At most per week must be 1 or more, or left empty.")
    with acting_as(actor):
        party = Party.objects.select_for_update(no_key=True).get(pk=party.pk)
        party.preferred_channel = (preferred_channel or "").strip()
        party.max_per_week = max_per_week
        party.quiet_days = ",".join(days)
        validated_save(party)
    return party
