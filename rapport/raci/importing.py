"""Import and export of a project's RACI in the two layouts PMs use (see names.py): the *grid*
(activities down, parties across, letters in cells) and the *list* (Activity, Responsible,
Accountable, Consulted, Informed, names in cells).

An import is planned first: the file is read, every activity and name is matched (case-, accent-
and whitespace-insensitively) against the project and the organisation's register, and every
problem is reported by row and column. Only then is it applied, in one transaction: all rows when
the whole file is valid, or, when the user asks, only the rows without a problem.

What an import changes: each activity in the file gets exactly the letters the file gives it
(letters it had for other parties are removed), and whether its Accountable does the work ("A/R").
Activities the project does not have yet are created at the end of the plan; activities not in
the file are left alone. Names in the register but not yet on the project are added to the
project's stakeholders; unknown names are problems, or new parties when the user asks.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.lib.audit import not_audited
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import audit, names, services
from .models import Activity, Assignment, Phase, RaciImport
from .rules import LETTERS
from .selectors import matrix_get
from .spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    FileProblem,
    read_rows,
    write_csv,
    write_xlsx,
)

LAYOUTS = ("grid", "list")
FORMATS = ("csv", "xlsx")
# How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 20
# Words over column A of a grid (ignored) and the list layout's column names, normalised.
_LIST_HEADER_WORDS = {
    "responsible": "R",
    "accountable": "A",
    "consulted": "C",
    "informed": "I",
    "r": "R",
    "a": "A",
    "c": "C",
    "i": "I",
}
_ACTIVITY_WORDS = {"activity", "task", "activities", "tasks"}
PENDING_IMPORT_DAYS = 1


def max_bytes() -> int:
    return getattr(settings, "RAPPORT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)


# --- reading a file into a layout ---------------------------------------------------------------


def _is_list_header(cells: list[str]) -> bool:
    keys = [names.normalise_name(c) for c in cells]
    letters = {_LIST_HEADER_WORDS[k] for k in keys if k in _LIST_HEADER_WORDS}
    return any(k in _ACTIVITY_WORDS for k in keys) and len(letters) >= 2


def detect_layout(rows: list[list[str]]) -> tuple[str, int]:
    """``(layout, header row index)``: the first row that names the list columns makes a list;
    else the first row with two or more filled cells is the header of a grid."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _is_list_header(row):
            return "list", index
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if cell) >= 2:
            return "grid", index
    first = next((index for index, row in enumerate(rows) if any(row)), 0)
    return "grid", first


def read_layout(rows: list[list[str]], layout: str = "auto") -> tuple[str, int, names.LayoutRead]:
    """Read spreadsheet rows in the given layout ("auto" detects it): ``(layout, header row
    index, what was read)``."""
    detected, header_index = detect_layout(rows)
    if layout == "auto":
        layout = detected
    elif layout == "list" and detected != "list":
        header_index = next((i for i, row in enumerate(rows) if any(row)), 0)
    header = rows[header_index] if rows else []
    data = rows[header_index + 1 :]
    first_row = header_index + 2
    if layout == "list":
        return layout, header_index, names.list_to_assignments(header, data, first_row=first_row)
    # An optional Phase column B (what the export writes) comes before the parties.
    with_phase = len(header) > 1 and names.normalise_name(header[1]) in names.PHASE_WORDS
    return (
        layout,
        header_index,
        names.grid_to_assignments(
            header[2 if with_phase else 1 :], data, first_row=first_row, with_phase=with_phase
        ),
    )


def _activity_rows(rows: list[list[str]], header_index: int, layout: str) -> dict[str, int]:
    """Spreadsheet row of the first appearance of each activity name, as the layout reads it."""
    column = 0
    if layout == "list":
        header = [names.normalise_name(c) for c in rows[header_index]]
        column = next((i for i, key in enumerate(header) if key in _ACTIVITY_WORDS), 0)
    found: dict[str, int] = {}
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = " ".join((row[column] if column < len(row) else "").split())
        if name:
            found.setdefault(name, number)
    return found


# --- planning -----------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would do, and every problem that stops it, by row and column."""

    layout: str
    format: str
    notes: list[str] = field(default_factory=list)
    problems: list[names.Problem] = field(default_factory=list)
    header_row: int = 1
    rows: dict[str, int] = field(default_factory=dict)  # activity name as written -> row
    new_activities: list[str] = field(default_factory=list)
    matched_activities: int = 0
    parties_to_add: list[str] = field(default_factory=list)  # in the register, not on the project
    parties_to_create: list[str] = field(default_factory=list)
    # Names in no register entry, when the user did not ask to create them (each once).
    unknown_parties: list[str] = field(default_factory=list)
    assignments: list[names.NamedCell] = field(default_factory=list)
    accountable_does_work: set[str] = field(default_factory=set)
    # Normalised activity name -> phase name as written ("" for none) when the file has a Phase
    # column; None when it has none (the activities keep their phases).
    phases: dict[str, str] | None = None
    new_phases: list[str] = field(default_factory=list)
    # Filled by the resolution step: ids (or ("new", key) placeholders) per row.
    resolved: list = field(default_factory=list, repr=False)
    activity_ids: dict[str, Hashable] = field(default_factory=dict, repr=False)
    party_ids: dict[str, Hashable] = field(default_factory=dict, repr=False)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def file_problems(self) -> list[names.Problem]:
        return [p for p in self.problems if p.row <= self.header_row]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row > self.header_row}

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def can_import_valid_rows(self) -> bool:
        """Some rows are fine and the header is: the good rows can go in without the bad ones."""
        return not self.file_problems and len(self.rows) > len(
            self.bad_rows & set(self.rows.values())
        )

    def valid_activity_names(self) -> list[str]:
        bad = self.bad_rows
        return [name for name, row in self.rows.items() if row not in bad]

    def problem_dicts(self) -> list[dict]:
        return [p.to_dict() | {"text": str(p)} for p in self.problems]

    def summary(self) -> dict:
        bad = self.bad_rows
        return {
            "layout": self.layout,
            "format": self.format,
            "rows": len(self.rows),
            "valid_rows": sum(1 for row in self.rows.values() if row not in bad),
            "invalid_rows": sum(1 for row in self.rows.values() if row in bad),
            "new_activities": len(self.new_activities),
            "matched_activities": self.matched_activities,
            "new_phases": list(self.new_phases),
            "parties_to_add": list(self.parties_to_add),
            "parties_to_create": list(self.parties_to_create),
            "letters": len(self.resolved),
            **self.changes,
            "problems": len(self.problems),
            "notes": list(self.notes),
        }


def _register(items, preferred_ids: set | None = None) -> tuple[dict, dict[str, list[str]]]:
    """normalised name -> id, and the names that match several entries (-> names as written).

    A name several register entries share is ambiguous, unless exactly one of them is in
    `preferred_ids` (a party already on the project): then that one is meant.
    """
    by_key: dict[str, list[tuple[Hashable, str]]] = {}
    for item_id, name in items:
        by_key.setdefault(names.normalise_name(name), []).append((item_id, name))
    register: dict[str, Hashable] = {}
    ambiguous: dict[str, list[str]] = {}
    for key, entries in by_key.items():
        if len(entries) == 1:
            register[key] = entries[0][0]
            continue
        preferred = [e for e in entries if preferred_ids and e[0] in preferred_ids]
        if len(preferred) == 1:
            register[key] = preferred[0][0]
        else:
            ambiguous[key] = [name for _, name in entries]
    return register, ambiguous


def plan_import(
    *, project, content: bytes, layout: str = "auto", create_missing: bool = False
) -> ImportPlan:
    """Read the file and plan the import against the project as it is now. Raises FileProblem
    for a file that cannot be read at all; every other problem is in the plan."""
    if layout not in ("auto", *LAYOUTS):
        raise FileProblem(f"Unknown layout '{layout}': use grid, list or auto.")
    rows, kind, notes = read_rows(content, max_bytes=max_bytes())
    layout, header_index, read = read_layout(rows, layout)
    plan = ImportPlan(layout=layout, format=kind, notes=notes, header_row=header_index + 1)
    plan.problems = list(read.problems)
    if not read.activities and not read.problems:
        plan.problems.append(
            names.Problem(plan.header_row, None, "no activities below the header row")
        )

    # Activities: matched by name to the project's; the others are new.
    activity_register, ambiguous_activities = _register(
        Activity.objects.filter(project=project).values_list("id", "name")
    )
    row_of = _activity_rows(rows, header_index, layout)
    activity_ids: dict[str, Hashable] = {}
    for name in read.activities:
        key = names.normalise_name(name)
        plan.rows[name] = row_of.get(name, plan.header_row + 1)
        if key in ambiguous_activities:
            plan.problems.append(
                names.Problem(
                    plan.rows[name],
                    1,
                    f"'{name}' matches {len(ambiguous_activities[key])} activities of "
                    f"{project.code}: rename them so each name is unique",
                )
            )
            continue
        if key in activity_register:
            activity_ids[key] = activity_register[key]
            plan.matched_activities += 1
        else:
            activity_ids[key] = ("new", key)
            plan.new_activities.append(name)

    # Parties: the project's stakeholders first, then the organisation's register.
    on_project = set(
        ProjectStakeholder.objects.filter(project=project).values_list("party_id", flat=True)
    )
    party_rows = list(Party.objects.filter(org_id=project.org_id).values_list("id", "name"))
    party_register, ambiguous_parties = _register(party_rows, preferred_ids=on_project)
    cells = []
    unknown: set[str] = set()
    for cell in read.cells:
        if names.normalise_name(cell.activity) in ambiguous_activities:
            continue  # the row is reported once, as ambiguous, above
        key = names.normalise_name(cell.party)
        if key in ambiguous_parties:
            plan.problems.append(
                names.Problem(
                    cell.row,
                    cell.column,
                    f"'{cell.party}' matches several parties in the register "
                    f"({', '.join(ambiguous_parties[key][:4])}): rename one of them",
                )
            )
            continue
        if key not in party_register:
            if create_missing:
                party_register[key] = ("new", key)
                plan.parties_to_create.append(cell.party)
            elif key not in unknown:
                unknown.add(key)
                plan.unknown_parties.append(cell.party)
        cells.append(cell)
    named = names.LayoutRead(
        activities=read.activities, cells=cells, accountable_does_work=read.accountable_does_work
    )
    assignments, problems = names.resolve_cells(named, activity_ids, party_register)
    plan.problems += problems
    added = set()
    for assignment in assignments:
        pid = assignment.party_id
        if isinstance(pid, int) and pid not in on_project and pid not in added:
            added.add(pid)
    names_by_id = dict(party_rows)
    plan.parties_to_add = sorted((names_by_id[pid] for pid in added), key=str.casefold)
    plan.resolved = assignments
    plan.activity_ids = activity_ids
    plan.party_ids = party_register
    plan.accountable_does_work = {names.normalise_name(n) for n in read.accountable_does_work}
    if read.phases is not None:
        _plan_phases(plan, project, read.phases)
    plan.problems.sort(key=lambda p: (p.row, p.column or 0))
    plan.changes = _count_changes(plan, set(plan.valid_activity_names()))
    return plan


def _plan_phases(plan: ImportPlan, project, phases: dict[str, str]) -> None:
    """Each activity's phase from the file's Phase column; phases the project lacks are new."""
    limit = Phase._meta.get_field("name").max_length
    known = {
        names.normalise_name(name)
        for name in Phase.objects.filter(project=project).values_list("name", flat=True)
    }
    plan.phases = {}
    new: dict[str, str] = {}
    for activity, phase in phases.items():
        if len(phase) > limit:
            plan.problems.append(
                names.Problem(
                    plan.rows.get(activity, plan.header_row + 1),
                    None,
                    f"the phase of '{activity}' is {len(phase)} characters long; at most {limit}",
                )
            )
            continue
        plan.phases[names.normalise_name(activity)] = phase
        key = names.normalise_name(phase)
        if key and key not in known:
            new.setdefault(key, phase)
    plan.new_phases = list(new.values())


def _phases_for(actor, project, plan: ImportPlan, keys: set[str]) -> dict[str, Phase | None]:
    """Normalised activity name -> the Phase it belongs in (created when new), for `keys`."""
    by_name = {names.normalise_name(p.name): p for p in Phase.objects.filter(project=project)}
    found: dict[str, Phase | None] = {}
    for key in keys:
        phase_name = plan.phases.get(key, "")
        phase_key = names.normalise_name(phase_name)
        if phase_key and phase_key not in by_name:
            by_name[phase_key] = services.phase_create(
                actor=actor, project=project, name=phase_name
            )
        found[key] = by_name.get(phase_key) if phase_key else None
    return found


def _count_changes(plan: ImportPlan, activity_names: set[str]) -> dict[str, int]:
    """Letters added, changed and removed if the rows of `activity_names` were imported."""
    keys = {names.normalise_name(n) for n in activity_names}
    existing_ids = [
        aid for key, aid in plan.activity_ids.items() if key in keys and isinstance(aid, int)
    ]
    have = {
        (a, p): letter
        for a, p, letter in Assignment.objects.filter(activity_id__in=existing_ids).values_list(
            "activity_id", "party_id", "letter"
        )
    }
    chosen_ids = {plan.activity_ids[k] for k in keys if k in plan.activity_ids}
    wanted = {
        (cell.activity_id, cell.party_id): cell.letter
        for cell in plan.resolved
        if cell.activity_id in chosen_ids
    }
    added = sum(1 for key in wanted if key not in have)
    changed = sum(1 for key, letter in wanted.items() if key in have and have[key] != letter)
    removed = sum(1 for key in have if key not in wanted)
    return {"letters_added": added, "letters_changed": changed, "letters_removed": removed}


# --- applying -----------------------------------------------------------------------------------


class ImportRefused(Exception):
    """The plan has problems and the user did not ask for the valid rows only."""


@transaction.atomic
def apply_import(*, actor, project, plan: ImportPlan, only_valid: bool = False) -> dict:
    """Apply a plan in one transaction: all rows (only when there is no problem at all) or, with
    `only_valid`, the rows without a problem. Returns the summary of what changed."""
    if plan.file_problems:
        raise ImportRefused(
            "The header of the file has problems, so no row can be placed safely: fix them and "
            "upload the file again."
        )
    if plan.problems and not only_valid:
        raise ImportRefused(
            f"The file has {len(plan.problems)} problem(s): fix them, or import only the valid rows."
        )
    chosen = plan.valid_activity_names()
    if not chosen:
        raise ImportRefused("No row can be imported: every row has a problem.")
    keys = {names.normalise_name(n) for n in chosen}

    # New parties (when asked) and parties of the register not yet on the project.
    party_ids: dict[Hashable, int] = {}
    chosen_ids = {plan.activity_ids[k] for k in keys}
    cells = [c for c in plan.resolved if c.activity_id in chosen_ids]
    used = {c.party_id for c in cells}
    for key, pid in plan.party_ids.items():
        if pid in used and not isinstance(pid, int):
            written = next(n for n in plan.parties_to_create if names.normalise_name(n) == key)
            party = stakeholders.party_create(actor=actor, org=project.org, name=written)
            party_ids[pid] = party.pk
    on_project = set(
        ProjectStakeholder.objects.filter(project=project).values_list("party_id", flat=True)
    )
    for party in Party.objects.filter(
        pk__in={party_ids.get(pid, pid) for pid in used} - on_project
    ):
        stakeholders.stakeholder_add(actor=actor, project=project, party=party)

    # Phases follow the file's Phase column, when it has one (new phases go at the end).
    phases = _phases_for(actor, project, plan, keys) if plan.phases is not None else None

    # New activities, in file order, at the end of the plan.
    activity_ids: dict[Hashable, int] = {}
    phase_of: dict[int, Phase | None] = {}  # activity id -> its phase in the file
    created = 0
    new_rows: list[tuple[Hashable, dict]] = []
    for name in chosen:
        key = names.normalise_name(name)
        aid = plan.activity_ids[key]
        if isinstance(aid, int):
            activity_ids[aid] = aid
        else:
            row = {"name": name, "accountable_does_work": key in plan.accountable_does_work}
            new_rows.append((aid, {**row, "phase": phases[key] if phases else None}))
    # In one bulk insert: a save per row held SQLite's write lock for minutes on big files.
    new = services.activities_create_many(
        actor=actor, project=project, rows=[row for _, row in new_rows]
    )
    for (aid, _), activity in zip(new_rows, new, strict=True):
        activity_ids[aid] = activity.pk
    created = len(new)
    if phases is not None:
        for name in chosen:
            key = names.normalise_name(name)
            phase_of[activity_ids[plan.activity_ids[key]]] = phases[key]

    # Accountable-does-work (and the phase, when given) follows the file for every activity in it.
    does_work = {
        activity_ids[plan.activity_ids[k]] for k in keys if k in plan.accountable_does_work
    }
    for activity in Activity.objects.select_related("project").filter(pk__in=activity_ids.values()):
        changes = {}
        if activity.accountable_does_work != (activity.pk in does_work):
            changes["accountable_does_work"] = activity.pk in does_work
        if activity.pk in phase_of:
            phase = phase_of[activity.pk]
            if activity.phase_id != (phase.pk if phase else None):
                changes["phase"] = phase
        if changes:
            services.activity_update(actor=actor, activity=activity, **changes)

    wanted = {
        (activity_ids[c.activity_id], party_ids.get(c.party_id, c.party_id)): c.letter
        for c in cells
    }
    counts = assignments_replace(
        actor=actor, project=project, activity_ids=set(activity_ids.values()), wanted=wanted
    )
    return {
        "activities_created": created,
        "activities_imported": len(chosen),
        "rows_skipped": len(plan.rows) - len(chosen),
        "parties_created": len(party_ids),
        **counts,
    }


def assignments_replace(*, actor, project, activity_ids: set[int], wanted: dict) -> dict[str, int]:
    """Make the letters of `activity_ids` exactly `wanted` ((activity id, party id) -> letter), in
    a few bulk statements with one audit entry per cell changed."""
    existing = {
        (a.activity_id, a.party_id): a
        for a in Assignment.objects.filter(activity_id__in=activity_ids)
    }
    log = audit.BulkLog(actor=actor, project=project)
    to_delete = [a for key, a in existing.items() if key not in wanted]
    to_update = []
    for key, letter in wanted.items():
        current = existing.get(key)
        if current is not None and current.letter != letter:
            log.remember(current, current.letter)
            current.letter = letter
            to_update.append(current)
    to_create = [
        Assignment(activity_id=a, party_id=p, letter=letter)
        for (a, p), letter in wanted.items()
        if (a, p) not in existing
    ]
    log.deleted(to_delete)
    # BulkLog has recorded each removal; the delete's own signals would record it a second time.
    with not_audited():
        Assignment.objects.filter(pk__in=[a.pk for a in to_delete]).delete()
    Assignment.objects.bulk_update(to_update, ["letter"], batch_size=500)
    log.changed(to_update)
    created = Assignment.objects.bulk_create(to_create, batch_size=500)
    if created and created[0].pk is None:  # backends that return no ids: read them back
        created = list(
            Assignment.objects.filter(
                activity_id__in={a.activity_id for a in to_create},
                party_id__in={a.party_id for a in to_create},
            )
        )
        created = [a for a in created if (a.activity_id, a.party_id) not in existing]
    log.created(created)
    log.save()
    return {
        "letters_added": len(to_create),
        "letters_changed": len(to_update),
        "letters_removed": len(to_delete),
    }


def import_store(
    *, actor, project, filename: str, content: bytes, layout: str, create_missing: bool
) -> RaciImport:
    """Keep an uploaded file between preview and import; old pending ones are dropped."""
    RaciImport.objects.filter(
        created_at__lt=timezone.now() - timezone.timedelta(days=PENDING_IMPORT_DAYS)
    ).delete()
    return RaciImport.objects.create(
        project=project,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        filename=(filename or "upload")[:255],
        content=content,
        layout=layout,
        create_missing=create_missing,
    )


def import_apply(*, actor, upload: RaciImport, only_valid: bool) -> dict:
    """Apply a stored upload, planned again against the project as it is now.

    The file is read and planned before the write transaction begins: on SQLite the write lock
    is then held only while writing, not while a large spreadsheet is parsed and matched."""
    upload = RaciImport.objects.select_related("project").get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ImportRefused("This file has been imported already.")
    project = upload.project
    plan = plan_import(
        project=project,
        content=bytes(upload.content),
        layout=upload.layout,
        create_missing=upload.create_missing,
    )
    with transaction.atomic():
        upload = RaciImport.objects.select_for_update().get(pk=upload.pk)
        if upload.applied_at is not None:  # applied by someone else while we planned
            raise ImportRefused("This file has been imported already.")
        result = apply_import(actor=actor, project=project, plan=plan, only_valid=only_valid)
        upload.applied_at = timezone.now()
        upload.summary = result
        upload.content = b""
        upload.save(update_fields=["applied_at", "summary", "content"])
    return result


# --- export -------------------------------------------------------------------------------------


def export_table(project, layout: str = "grid", matrix=None) -> tuple[list[str], list[list[str]]]:
    """The RACI as (header, rows) in a layout: exactly what an import of that layout reads."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout '{layout}': use grid or list.")
    matrix = matrix or matrix_get(project)
    activities = matrix.rules_activities()
    parties = matrix.rules_parties()
    assignments = matrix.assignments()
    if layout == "grid":
        party_names, rows = names.assignments_to_grid(activities, parties, assignments)
        header = ["Activity", *party_names]
    else:
        header, rows = names.assignments_to_list(activities, parties, assignments)
        header = list(header)
    # The phase goes in column B of both layouts (rows are in the matrix's activity order), so
    # that a round trip through a spreadsheet keeps it.
    header.insert(1, names.PHASE_HEADER)
    for row, activity in zip(rows, matrix.activities, strict=True):
        phase = matrix.phase_of(activity)
        row.insert(1, phase.name if phase else "")
    return header, rows


def export_file(
    project, *, fmt: str = "xlsx", layout: str = "grid", matrix=None
) -> tuple[bytes, str, str]:
    """``(content, content type, file name)`` of the RACI in a format and layout."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format '{fmt}': use csv or xlsx.")
    header, rows = export_table(project, layout, matrix)
    stem = f"{project.code}-raci-{layout}"
    if fmt == "csv":
        return write_csv(header, rows), CSV_CONTENT_TYPE, f"{stem}.csv"
    content = write_xlsx(header, rows, title="RACI", grid=layout == "grid", label_columns=2)
    return content, XLSX_CONTENT_TYPE, f"{stem}.xlsx"


__all__ = [
    "LETTERS",
    "FileProblem",
    "ImportPlan",
    "ImportRefused",
    "apply_import",
    "export_file",
    "export_table",
    "import_apply",
    "import_store",
    "plan_import",
]
