"""Every write about phases, activities, the RACI matrix, its settings and SIPOC processes.

Services are keyword-only and atomic, validate before they write and record each change in the
audit history with its actor. Pages, the API and the CLI call these and nothing else to write.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rapport.lib import bulk_audit
from rapport.lib.audit import acting_as
from rapport.lib.bulk_insert import PreparedInserts, reserve_ids
from rapport.lib.validation import field_error, unique_write, validated_save
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Outcome, Party, ProjectStakeholder

from .models import (
    Activity,
    Assignment,
    ConsultedInput,
    FlowKind,
    MatrixVersion,
    Phase,
    RaciSettings,
    SipocCustomer,
    SipocInput,
    SipocOutput,
    SipocProcess,
    SipocStep,
    SipocSupplier,
)
from .names import normalise_name
from .rules import LETTERS

ACTIVITY_FIELDS = (
    "name",
    "kind",
    "description",
    "status",
    "planned_start",
    "planned_finish",
    "baseline_start",
    "baseline_finish",
    "actual_start",
    "actual_finish",
    "accountable_does_work",
)


def matrix_lock(project_id: int) -> int:
    """Hold the project's RACI version row until the transaction ends; returns the version.

    Every write to a RACI takes it first. The version triggers take it anyway at the first row
    a write changes; a writer that held a cell or an activity while waiting for it could deadlock
    on PostgreSQL with one that holds it while waiting for that row. Taken first, it makes the
    writers of one matrix queue instead. On SQLite writers never overlap (BEGIN IMMEDIATE)."""
    MatrixVersion.objects.bulk_create([MatrixVersion(project_id=project_id)], ignore_conflicts=True)
    return (
        MatrixVersion.objects.select_for_update()
        .filter(pk=project_id)
        .values_list("version", flat=True)
        .get()
    )


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def _check_activity_name(project, name: str, *, exclude_pk=None) -> None:
    """One activity per name in a project, however it is written: imports and exports match
    activities by name, so two that read alike could never be told apart in a spreadsheet."""
    key = normalise_name(name)
    if not key:
        return  # the model's own validation says the name is required
    others = Activity.objects.filter(project=project, name_key=key).exclude(pk=exclude_pk)
    other = others.values_list("name", flat=True).first()  # the constraint's index finds it
    if other is not None:
        raise field_error(
            "name", f"{project.code} already has an activity called “{other}”: use another name."
        )


def _check_phase_name(project, name: str, *, exclude_pk=None) -> None:
    if project.phases.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise field_error("name", f"{project.code} already has a phase called {name}.")


@transaction.atomic
def phase_create(*, actor, project, name: str) -> Phase:
    matrix_lock(project.pk)
    name = (name or "").strip()
    _check_phase_name(project, name)
    phase = Phase(project=project, name=name, position=_next_position(project.phases))
    with acting_as(actor), unique_write(lambda: _check_phase_name(project, name)):
        return validated_save(phase)


@transaction.atomic
def activity_create(*, actor, project, name: str, phase: Phase | None = None, **fields) -> Activity:
    """Add an activity at the end of the project (or of its phase). The baseline dates default to
    the first planned dates, so later slips are measured against what was first agreed."""
    matrix_lock(project.pk)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise field_error("activity", f"Unknown activity fields: {', '.join(sorted(unknown))}")
    name = (name or "").strip()
    _check_activity_name(project, name)
    activity = Activity(
        project=project,
        phase=phase,
        name=name,
        position=_next_position(project.activities),
        **fields,
    )
    if activity.baseline_start is None:
        activity.baseline_start = activity.planned_start
    if activity.baseline_finish is None:
        activity.baseline_finish = activity.planned_finish
    with acting_as(actor), unique_write(lambda: _check_activity_name(project, name)):
        return validated_save(activity)


def activities_prepare_many(
    *, actor, project, rows: list[dict], inserts: PreparedInserts
) -> list[Activity]:
    """Prepare many new activities at the end of the project at once (an import), with their
    history, outside the write transaction: they are written when the caller runs `inserts`
    inside it, so that a 3,000-row import holds SQLite's write lock for milliseconds
    (`rapport.lib.bulk_insert`). `rows` are dicts of `name`, and optionally `phase` (saved or
    prepared) and other activity fields, in order. Returns the activities with the ids they will
    have.

    The caller has checked the names (the import's plan); the unique constraint on the name's key
    refuses any that raced in."""
    if not rows:
        return []
    position = _next_position(project.activities)
    activities = []
    for offset, (row, pk) in enumerate(zip(rows, reserve_ids(Activity, len(rows)), strict=True)):
        row = dict(row)
        unknown = set(row) - set(ACTIVITY_FIELDS) - {"phase"}
        if unknown:
            raise field_error("activity", f"Unknown activity fields: {', '.join(sorted(unknown))}")
        activity = Activity(pk=pk, project=project, position=position + offset, **row)
        activity.name = (activity.name or "").strip()
        activity.name_key = normalise_name(activity.name)  # what save() would set
        activity.baseline_start = activity.baseline_start or activity.planned_start
        activity.baseline_finish = activity.baseline_finish or activity.planned_finish
        # Fields and clean() only: the related rows and the names were checked by the caller.
        activity.full_clean(
            exclude=["project", "phase"], validate_unique=False, validate_constraints=False
        )
        activities.append(activity)
    inserts.add(activities)
    with acting_as(actor):
        inserts.add(bulk_audit.created_entries(activities))
    return activities


def phases_prepare_many(
    *, actor, project, names: list[str], inserts: PreparedInserts
) -> list[Phase]:
    """Prepare new phases at the end of the project (an import), like `activities_prepare_many`.
    The caller has checked that no phase of the project has these names."""
    position = _next_position(project.phases)
    phases = [
        Phase(pk=pk, project=project, name=name.strip(), position=position + offset)
        for offset, (name, pk) in enumerate(zip(names, reserve_ids(Phase, len(names)), strict=True))
    ]
    for phase in phases:
        phase.full_clean(exclude=["project"], validate_unique=False, validate_constraints=False)
    inserts.add(phases)
    with acting_as(actor):
        inserts.add(bulk_audit.created_entries(phases))
    return phases


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    matrix_lock(activity.project_id)
    unknown = set(fields) - set(ACTIVITY_FIELDS) - {"phase"}
    if unknown:
        raise field_error("activity", f"Unknown activity fields: {', '.join(sorted(unknown))}")
    activity = Activity.objects.select_for_update(no_key=True).get(pk=activity.pk)
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)

    def check_name():
        _check_activity_name(activity.project, activity.name, exclude_pk=activity.pk)

    if "name" in fields:
        check_name()
    with acting_as(actor), unique_write(check_name):
        return validated_save(activity)


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    matrix_lock(activity.project_id)
    with acting_as(actor):
        activity.delete()


@transaction.atomic
def phase_update(*, actor, phase: Phase, name: str) -> Phase:
    """Rename a phase."""
    matrix_lock(phase.project_id)
    name = (name or "").strip()

    def check_name():
        _check_phase_name(phase.project, name, exclude_pk=phase.pk)

    check_name()
    phase.name = name
    with acting_as(actor), unique_write(check_name):
        return validated_save(phase)


@transaction.atomic
def phase_delete(*, actor, phase: Phase) -> None:
    """Delete a phase; its activities stay, without a phase."""
    matrix_lock(phase.project_id)
    with acting_as(actor):
        for activity in phase.activities.select_related("project"):
            activity.phase = None
            activity.save(update_fields=["phase"])
        phase.delete()


def _swap_positions(items: list, item, direction: str) -> bool:
    """Swap `item` with its neighbour in `items` (ordered); False when it is at that end."""
    if direction not in ("up", "down"):
        raise field_error("direction", "Move up or down.")
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(items):
        return False
    this, other = items[index], items[other_index]
    if this.position == other.position:  # equal positions cannot be swapped: renumber first
        for position, entry in enumerate(items, start=1):
            entry.position = position
    this.position, other.position = other.position, this.position
    this.save(update_fields=["position"])
    other.save(update_fields=["position"])
    return True


@transaction.atomic
def phase_move(*, actor, phase: Phase, direction: str) -> bool:
    """Move a phase one place up or down; False when it is first (last) already."""
    matrix_lock(phase.project_id)
    phases = list(Phase.objects.select_for_update(no_key=True).filter(project_id=phase.project_id))
    with acting_as(actor):
        return _swap_positions(phases, phase, direction)


@transaction.atomic
def activity_move(*, actor, activity: Activity, direction: str) -> bool:
    """Move an activity one place up or down within its phase; False at the end already."""
    matrix_lock(activity.project_id)
    siblings = list(
        Activity.objects.select_for_update(no_key=True)
        .select_related("project")
        .filter(project_id=activity.project_id, phase_id=activity.phase_id)
        .order_by("position", "pk")
    )
    with acting_as(actor):
        return _swap_positions(siblings, activity, direction)


@transaction.atomic
def activity_outcomes_set(*, actor, activity: Activity, outcomes) -> Activity:
    """Link the activity to exactly these customer outcomes of its project."""
    matrix_lock(activity.project_id)
    outcomes = list(outcomes)
    if any(outcome.project_id != activity.project_id for outcome in outcomes):
        raise field_error("outcomes", "That outcome belongs to another project.")
    wanted = {outcome.pk for outcome in outcomes}
    have = set(activity.outcomes.values_list("pk", flat=True))
    if wanted != have:
        with acting_as(actor):
            activity.outcomes.set(outcomes)
    return activity


# --- the RACI matrix -----------------------------------------------------------------------------


def _clean_letter(letter) -> str | None:
    """R, A, C or I (any case) or None/"" to clear; anything else is refused."""
    if letter is None:
        return None
    text = str(letter).strip().upper()
    if text in ("", "-"):
        return None
    if text not in LETTERS:
        raise field_error("letter", f"'{letter}' is not one of R, A, C, I (or empty to clear).")
    return text


def _check_party(project, party: Party, letters_here: bool) -> None:
    if party.org_id != project.org_id:
        raise field_error("party", "That party is in another organisation's register.")
    if (
        not letters_here
        and not ProjectStakeholder.objects.filter(project=project, party=party).exists()
    ):
        raise field_error(
            "party",
            f"{party.name} is not one of {project.code}'s stakeholders: add them to the project "
            "first.",
        )


@transaction.atomic
def raci_assign(
    *, actor, activity: Activity, party: Party, letter: str | None
) -> Assignment | None:
    """Give `party` the letter R, A, C or I on `activity`, or clear the cell (letter None or "").

    The party must be one of the project's stakeholders (a party that left the project keeps
    its letters, which can still be changed or cleared). Returns the assignment, None when cleared.
    """
    matrix_lock(activity.project_id)
    letter = _clean_letter(letter)
    project = activity.project
    # Of this row only: the model's ordering joins the activity and the party, and FOR UPDATE
    # would lock them too (a party being renamed then deadlocks with this write).
    current = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(activity=activity, party=party)
        .first()
    )
    _check_party(project, party, letters_here=current is not None or letter is None)
    with acting_as(actor):
        if letter is None:
            if current is not None:
                current.activity, current.party = activity, party
                current.delete()
            return None
        if current is None:

            def cell_taken():
                if Assignment.objects.filter(activity=activity, party=party).exists():
                    raise field_error(
                        "letter",
                        f"{party.name} was given a letter on '{activity.name}' by someone else "
                        "at the same moment: reload to see it, then change it if need be.",
                    )

            with unique_write(cell_taken):
                return validated_save(Assignment(activity=activity, party=party, letter=letter))
        if current.letter != letter:
            current.activity, current.party = activity, party
            current.letter = letter
            current.save(update_fields=["letter"])
        return current


# --- Consulted input ------------------------------------------------------------------------------


@transaction.atomic
def consulted_input_record(
    *, actor, activity: Activity, party: Party, given_on: date, note: str = ""
) -> ConsultedInput:
    """Record that `party`, Consulted on `activity`, gave their input on `given_on` (and what
    it was). Recording again for the same party and activity replaces the date and note."""
    matrix_lock(activity.project_id)
    if party.org_id != activity.project.org_id:
        raise field_error("party", "That party is in another organisation's register.")
    if not Assignment.objects.filter(activity=activity, party=party, letter="C").exists():
        raise field_error(
            "party",
            f"{party.name} is not Consulted on '{activity.name}': only a Consulted party's input "
            "is recorded here (give them a C first).",
        )
    if given_on is None:
        raise field_error("given_on", "Say when they gave their input.")
    if given_on > timezone.localdate():
        raise field_error("given_on", "Input cannot be given in the future: use today or earlier.")
    note = (note or "").strip()
    current = (
        ConsultedInput.objects.select_for_update(of=("self",))
        .filter(activity=activity, party=party)
        .first()
    )
    with acting_as(actor):
        if current is None:

            def recorded_meanwhile():
                if ConsultedInput.objects.filter(activity=activity, party=party).exists():
                    raise field_error(
                        "party",
                        f"Someone recorded {party.name}'s input at the same moment: reload to "
                        "see it.",
                    )

            with unique_write(recorded_meanwhile):
                return validated_save(
                    ConsultedInput(
                        activity=activity,
                        party=party,
                        given_on=given_on,
                        note=note,
                        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                    )
                )
        current.activity, current.party = activity, party
        if (current.given_on, current.note) != (given_on, note):
            current.given_on, current.note = given_on, note
            current.recorded_at = timezone.now()
            validated_save(current)
        return current


@transaction.atomic
def consulted_input_remove(*, actor, activity: Activity, party: Party) -> None:
    """Forget a recorded input (recorded by mistake); the history keeps it."""
    matrix_lock(activity.project_id)
    current = ConsultedInput.objects.filter(activity=activity, party=party).first()
    if current is not None:
        current.activity, current.party = activity, party
        with acting_as(actor):
            current.delete()


@transaction.atomic
def raci_assign_many(*, actor, project, cells) -> dict[str, int]:
    """Set many cells at once, all or nothing: `cells` is a list of (activity, party, letter).

    Every cell is checked before anything is written; the first bad one refuses them all with
    the activity and party it names.
    """
    matrix_lock(project.pk)
    cells = list(cells)
    seen: dict[tuple[int, int], str | None] = {}
    for activity, party, letter in cells:
        if activity.project_id != project.pk:
            raise field_error(
                "activity", f"'{activity.name}' is not an activity of {project.code}."
            )
        try:
            cleaned = _clean_letter(letter)
        except ValidationError:
            raise field_error(
                "letter",
                f"'{letter}' for {party.name} on '{activity.name}' is not one of R, A, C, I.",
            ) from None
        key = (activity.pk, party.pk)
        if key in seen and seen[key] != cleaned:
            raise field_error(
                "cells", f"{party.name} is given two letters on '{activity.name}' in one request."
            )
        seen[key] = cleaned
    counts = {"set": 0, "cleared": 0}
    for activity, party, letter in cells:
        activity.project = project
        if raci_assign(actor=actor, activity=activity, party=party, letter=letter) is None:
            counts["cleared"] += 1
        else:
            counts["set"] += 1
    return counts


SETTINGS_FIELDS = ("max_consulted", "overload_percent", "key_level")


@transaction.atomic
def raci_settings_update(*, actor, project, **fields) -> RaciSettings:
    """Change the project's RACI thresholds (creating its settings on first change)."""
    matrix_lock(project.pk)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise field_error("settings", f"Unknown RACI settings: {', '.join(sorted(unknown))}")
    settings = RaciSettings.objects.select_for_update().filter(project=project).first()
    settings = settings or RaciSettings(project=project)
    for name, value in fields.items():
        setattr(settings, name, value)
    with acting_as(actor), unique_write(lambda: None):  # two first changes at once: a Conflict
        return validated_save(settings)


@transaction.atomic
def raci_party_add(*, actor, project, party: Party) -> ProjectStakeholder:
    """Put a party of the register on the project, so it gets a column in the matrix."""
    if party.org_id != project.org_id:
        raise field_error("party", "That party is in another organisation's register.")
    return stakeholders.stakeholder_add(actor=actor, project=project, party=party)


# --- SIPOC + Outcome -----------------------------------------------------------------------------

MAX_STEPS = 7
MIN_STEPS = 4
SIPOC_COLUMNS = ("suppliers", "inputs", "steps", "outputs", "outcomes", "customers")
COLUMN_LABELS = {
    "suppliers": "supplier",
    "inputs": "input",
    "steps": "process step",
    "outputs": "output",
    "outcomes": "outcome",
    "customers": "customer",
}


@transaction.atomic
def sipoc_create(*, actor, project, name: str, description: str = "") -> SipocProcess:
    """Start a SIPOC + Outcome for one process of the project."""
    name = (name or "").strip()

    def check_name():
        if project.sipocs.filter(name__iexact=name).exists():
            raise field_error("name", f"{project.code} already has a process called {name}.")

    check_name()
    process = SipocProcess(
        project=project,
        name=name,
        description=(description or "").strip(),
        position=_next_position(project.sipocs),
    )
    with acting_as(actor), unique_write(check_name):
        return validated_save(process)


@transaction.atomic
def sipoc_update(*, actor, process: SipocProcess, name: str, description: str = "") -> SipocProcess:
    name = (name or "").strip()

    def check_name():
        if process.project.sipocs.filter(name__iexact=name).exclude(pk=process.pk).exists():
            raise field_error(
                "name", f"{process.project.code} already has a process called {name}."
            )

    check_name()
    process.name = name
    process.description = (description or "").strip()
    with acting_as(actor), unique_write(check_name):
        return validated_save(process)


@transaction.atomic
def sipoc_delete(*, actor, process: SipocProcess) -> None:
    """Delete a SIPOC and everything in its columns (each removal is in the history)."""
    with acting_as(actor):
        for model in (SipocInput, SipocSupplier, SipocStep, SipocOutput, SipocCustomer):
            for item in model.objects.filter(process=process):
                item.process = process
                item.delete()
        process.delete()


def _process_party(process: SipocProcess, party: Party) -> Party:
    if party.org_id != process.project.org_id:
        raise field_error("party", "That party is in another organisation's register.")
    return party


def _process_outcome(process: SipocProcess, outcome: Outcome) -> Outcome:
    if outcome.project_id != process.project_id:
        raise field_error("outcome", "That outcome belongs to another project.")
    return outcome


@transaction.atomic
def sipoc_item_add(
    *,
    actor,
    process: SipocProcess,
    column: str,
    name: str = "",
    party: Party | None = None,
    outcome: Outcome | None = None,
    supplier: SipocSupplier | None = None,
    activity: Activity | None = None,
    kind: str = "",
):
    """Add an entry to one column of a SIPOC.

    suppliers and customers take a `party` of the register; outcomes take a customer `outcome`
    of the project; inputs, steps and outputs take a `name` (an input may name its `supplier`,
    an output the deliverable `activity` it is; both may say their `kind`: material, service or
    information). A SIPOC has at most seven process steps. A new
    customer starts with the outcomes it is concerned with in the register, when the SIPOC has
    them.
    """
    if column not in SIPOC_COLUMNS:
        raise field_error("column", f"A SIPOC has no column '{column}'.")
    name = (name or "").strip()
    kind = _flow_kind(kind, column)
    position = 0
    with acting_as(actor):
        if column in ("suppliers", "customers"):
            if party is None:
                raise field_error("party", "Choose a party from the register.")
            _process_party(process, party)
            model = SipocSupplier if column == "suppliers" else SipocCustomer

            def check_party():
                if model.objects.filter(process=process, party=party).exists():
                    raise field_error(
                        "party",
                        f"{party.name} is a {COLUMN_LABELS[column]} of this process already.",
                    )

            check_party()
            position = _next_position(model.objects.filter(process=process))
            with unique_write(check_party):
                item = validated_save(model(process=process, party=party, position=position))
            if column == "customers":
                concerned = list(
                    process.outcomes.filter(positions__stakeholder__party=party).distinct()
                )
                if concerned:
                    item.outcomes.set(concerned)
            return item
        if column == "outcomes":
            if outcome is None:
                raise field_error("outcome", "Choose one of the project's customer outcomes.")
            _process_outcome(process, outcome)
            if process.outcomes.filter(pk=outcome.pk).exists():
                raise field_error("outcome", f"'{outcome.title}' is in this SIPOC already.")
            process.outcomes.add(outcome)
            return outcome
        if not name:
            raise field_error("name", f"Name the {COLUMN_LABELS[column]}.")
        if column == "steps":
            if SipocStep.objects.filter(process=process).count() >= MAX_STEPS:
                raise field_error(
                    "name",
                    f"A SIPOC keeps to {MIN_STEPS}-{MAX_STEPS} high-level steps; this one has "
                    f"{MAX_STEPS}. Merge steps, or describe the detail in another SIPOC.",
                )
            item = SipocStep(process=process, name=name)
        elif column == "inputs":
            if supplier is not None and supplier.process_id != process.pk:
                raise field_error("supplier", "That supplier is in another process.")
            item = SipocInput(process=process, name=name, supplier=supplier, kind=kind)
        else:
            if activity is not None and activity.project_id != process.project_id:
                raise field_error("activity", "That activity belongs to another project.")
            item = SipocOutput(process=process, name=name, activity=activity, kind=kind)
        item.position = _next_position(type(item).objects.filter(process=process))
        return validated_save(item)


def _flow_kind(kind: str | None, column: str) -> str:
    """The type of an input or output: '' (not said), material, service or information."""
    kind = (kind or "").strip().lower()
    if kind and column not in ("inputs", "outputs"):
        raise field_error("kind", "Only inputs and outputs have a type.")
    if kind and kind not in FlowKind.values:
        raise field_error("kind", "The type is material, service or information (or none).")
    return kind


def sipoc_item_get(process: SipocProcess, column: str, item_id: int):
    """The entry `item_id` of one column of `process`, or LookupError."""
    if column == "outcomes":
        found = process.outcomes.filter(pk=item_id).first()
    else:
        model = {
            "suppliers": SipocSupplier,
            "inputs": SipocInput,
            "steps": SipocStep,
            "outputs": SipocOutput,
            "customers": SipocCustomer,
        }.get(column)
        found = model.objects.filter(process=process, pk=item_id).first() if model else None
    if found is None:
        raise LookupError(f"No such {COLUMN_LABELS.get(column, 'entry')} in this SIPOC.")
    return found


@transaction.atomic
def sipoc_item_remove(*, actor, process: SipocProcess, column: str, item) -> None:
    """Remove an entry from a SIPOC column (an outcome leaves the SIPOC, not the register)."""
    with acting_as(actor):
        if column == "outcomes":
            for linked in [*process.outputs.all(), *process.customers.all()]:
                linked.outcomes.remove(item)
            process.outcomes.remove(item)
            return
        item.process = process
        item.delete()


@transaction.atomic
def sipoc_item_move(*, actor, process: SipocProcess, column: str, item, direction: str) -> bool:
    """Move an entry of a SIPOC column one place up or down."""
    if column == "outcomes":
        raise field_error("column", "Outcomes are listed in the register's order.")
    siblings = list(type(item).objects.select_for_update().filter(process=process))
    for sibling in siblings:
        sibling.process = process
    with acting_as(actor):
        return _swap_positions(siblings, item, direction)


@transaction.atomic
def sipoc_links_set(*, actor, process: SipocProcess, produces, serves) -> None:
    """Say which outputs produce which outcomes, and which outcomes each customer wants.

    `produces` is a set of (output id, outcome id), `serves` of (outcome id, customer id), every
    id from this SIPOC; links not given are removed.
    """
    outputs = {o.pk: o for o in process.outputs.all()}
    customers = {c.pk: c for c in process.customers.select_related("party")}
    outcomes = {o.pk: o for o in process.outcomes.all()}
    wanted_by_output: dict[int, set[int]] = {pk: set() for pk in outputs}
    wanted_by_customer: dict[int, set[int]] = {pk: set() for pk in customers}
    for output_id, outcome_id in produces:
        if output_id not in outputs or outcome_id not in outcomes:
            raise field_error("produces", "A link names an output or outcome not in this SIPOC.")
        wanted_by_output[output_id].add(outcome_id)
    for outcome_id, customer_id in serves:
        if customer_id not in customers or outcome_id not in outcomes:
            raise field_error("serves", "A link names a customer or outcome not in this SIPOC.")
        wanted_by_customer[customer_id].add(outcome_id)
    with acting_as(actor):
        for items, wanted in ((outputs, wanted_by_output), (customers, wanted_by_customer)):
            for pk, item in items.items():
                item.process = process
                have = set(item.outcomes.values_list("pk", flat=True))
                if have != wanted[pk]:
                    item.outcomes.set([outcomes[oid] for oid in wanted[pk]])


@transaction.atomic
def sipoc_replace(*, actor, process: SipocProcess, content: dict) -> SipocProcess:
    """Replace everything in a SIPOC's columns at once (the API's PUT).

    `content` has `suppliers` (party ids), `inputs` ({name, supplier: party id or None, kind}),
    `steps` (names), `outputs` ({name, activity_id, outcome_ids, kind}), `outcome_ids` and
    `customers` ({party_id, outcome_ids}). Everything is checked before anything changes.
    """
    project = process.project
    parties = {
        p.pk: p
        for p in Party.objects.filter(
            org_id=project.org_id,
            pk__in={*content["suppliers"], *(c["party_id"] for c in content["customers"])},
        )
    }
    outcomes = {o.pk: o for o in Outcome.objects.filter(project=project)}
    activities = {
        a.pk: a
        for a in Activity.objects.filter(
            project=project, pk__in={o["activity_id"] for o in content["outputs"]} - {None}
        )
    }
    unknown_parties = [
        pid
        for pid in [*content["suppliers"], *(c["party_id"] for c in content["customers"])]
        if pid not in parties
    ]
    if unknown_parties:
        raise field_error("parties", f"No party {unknown_parties[0]} in the register.")
    chosen = list(dict.fromkeys(content["outcome_ids"]))
    for oid in [
        *chosen,
        *(x for o in content["outputs"] for x in o["outcome_ids"]),
        *(x for c in content["customers"] for x in c["outcome_ids"]),
    ]:
        if oid not in outcomes:
            raise field_error("outcome_ids", f"No outcome {oid} in {project.code}.")
        if oid not in chosen:
            raise field_error(
                "outcome_ids", f"Outcome {oid} is linked but not among the SIPOC's outcome_ids."
            )
    for output in content["outputs"]:
        if output["activity_id"] is not None and output["activity_id"] not in activities:
            raise field_error("outputs", f"No activity {output['activity_id']} in {project.code}.")
    if len(content["steps"]) > MAX_STEPS:
        raise field_error("steps", f"A SIPOC keeps to {MIN_STEPS}-{MAX_STEPS} high-level steps.")
    for label, ids in (
        ("suppliers", content["suppliers"]),
        ("customers", [c["party_id"] for c in content["customers"]]),
    ):
        if len(set(ids)) != len(ids):
            raise field_error(label, f"A party is listed twice among the {label}.")
    supplier_parties = set(content["suppliers"])
    for entry in content["inputs"]:
        if entry.get("supplier") is not None and entry["supplier"] not in supplier_parties:
            raise field_error("inputs", "An input's supplier must be one of the suppliers.")
    for name in [
        *content["steps"],
        *(i["name"] for i in content["inputs"]),
        *(o["name"] for o in content["outputs"]),
    ]:
        if not (name or "").strip():
            raise field_error("names", "Every input, step and output needs a name.")
    for column in ("inputs", "outputs"):
        for entry in content[column]:
            entry["kind"] = _flow_kind(entry.get("kind"), column)

    with acting_as(actor):
        for model in (SipocInput, SipocSupplier, SipocStep, SipocOutput, SipocCustomer):
            for item in model.objects.filter(process=process):
                item.process = process
                item.delete()
        process.outcomes.set([outcomes[oid] for oid in chosen])
        suppliers = {}
        for position, party_id in enumerate(content["suppliers"], start=1):
            suppliers[party_id] = validated_save(
                SipocSupplier(process=process, party=parties[party_id], position=position)
            )
        for position, entry in enumerate(content["inputs"], start=1):
            validated_save(
                SipocInput(
                    process=process,
                    name=entry["name"].strip(),
                    supplier=suppliers.get(entry.get("supplier")),
                    kind=entry["kind"],
                    position=position,
                )
            )
        for position, name in enumerate(content["steps"], start=1):
            validated_save(SipocStep(process=process, name=name.strip(), position=position))
        for position, entry in enumerate(content["outputs"], start=1):
            output = validated_save(
                SipocOutput(
                    process=process,
                    name=entry["name"].strip(),
                    activity=activities.get(entry["activity_id"]),
                    kind=entry["kind"],
                    position=position,
                )
            )
            if entry["outcome_ids"]:
                output.outcomes.set([outcomes[oid] for oid in entry["outcome_ids"]])
        for position, entry in enumerate(content["customers"], start=1):
            customer = validated_save(
                SipocCustomer(process=process, party=parties[entry["party_id"]], position=position)
            )
            if entry["outcome_ids"]:
                customer.outcomes.set([outcomes[oid] for oid in entry["outcome_ids"]])
    return process
