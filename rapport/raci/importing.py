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

import datetime as dt
import re
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.lib import columns
from rapport.lib.audit import not_audited
from rapport.lib.bulk_insert import PreparedInserts, reserve_ids
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import audit, exports, names, services
from .models import Activity, Assignment, Phase, RaciImport
from .rules import LETTER_NAMES, LETTERS
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
PENDING_IMPORT_DAYS = 1
# Column meanings that are not a party of a grid.
_LABEL_MEANINGS = {"activity", "phase", "start", "finish", "depends_on", "ignore"}
_LETTER_TEXT = re.compile(r"^(?:[RACI](?:\s*[/+,&;]?\s*[RACI])?)$", re.IGNORECASE)
_CANONICAL = {
    "activity": "Activity",
    "R": "Responsible",
    "A": "Accountable",
    "C": "Consulted",
    "I": "Informed",
}


def max_bytes() -> int:
    return getattr(settings, "RAPPORT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)


# --- reading a file into a layout ---------------------------------------------------------------


@dataclass
class ColumnGuess:
    """What Rapport takes a column to mean, and why: the header's words, the values, or the user."""

    index: int  # 0-based
    header: str
    meaning: str  # a key of columns.RACI_MEANINGS
    source: str  # "header", "values", "you", "position" or "unknown"

    @property
    def letter(self) -> str:
        return names.column_letter(self.index + 1)

    def to_dict(self) -> dict:
        return {
            "column": self.letter,
            "header": self.header,
            "meaning": self.meaning,
            "meaning_label": columns.RACI_MEANINGS.get(self.meaning, self.meaning),
            "source": self.source,
        }


@dataclass
class SheetLayout:
    """A sheet read: the layout, the header row, each column's meaning, sections and dates."""

    layout: str
    header_index: int
    read: names.LayoutRead
    columns: list[ColumnGuess] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    # activity name as written -> {"start": date|None, "finish": date|None} (when the file has them)
    dates: dict[str, dict] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # activity as written -> row


def _mostly_letters(rows: list[list[str]], index: int) -> bool:
    values = [r[index] for r in rows[:200] if index < len(r) and r[index]]
    values = [v for v in values if not columns.is_empty(v)]
    return bool(values) and sum(1 for v in values if _LETTER_TEXT.match(v)) >= 0.8 * len(values)


def _guess_columns(header: list[str], data: list[list[str]], mapping: dict[str, str]) -> list:
    guesses = []
    for index, title in enumerate(header):
        key = columns.norm(title)
        if key in mapping:
            meaning, source = mapping[key], "you"
        elif key in columns.RACI_HEADERS:
            meaning, source = columns.RACI_HEADERS[key], "header"
        elif _bracketed(title) in columns.RACI_HEADERS:  # Jira's "Custom field (Start date)"
            meaning, source = columns.RACI_HEADERS[_bracketed(title)], "header"
        else:
            meaning, source = "party", "unknown"  # a grid's party; ignored in a list
        guesses.append(ColumnGuess(index, title, meaning, source))
    return guesses


def _bracketed(title: str) -> str:
    found = re.search(r"\(([^()]*)\)", title)
    return columns.norm(found.group(1)) if found else ""


def _list_score(guesses: list[ColumnGuess], data: list[list[str]]) -> bool:
    """A list layout names an activity column and letter columns holding names (not letters)."""
    meanings = {g.meaning for g in guesses}
    letters = [g for g in guesses if g.meaning in LETTERS]
    if "activity" not in meanings or not letters:
        return False
    if len(letters) >= 2 and all(len(columns.norm(g.header)) > 1 for g in letters):
        return True
    # Single letters (or one Assignee column): names in the cells, not R/A/C/I.
    return not any(_mostly_letters(data, g.index) for g in letters)


def _header_candidates(rows: list[list[str]], headings: set[int]) -> list[int]:
    return [
        i
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
        if sum(1 for cell in row if cell) >= 2 and (i + 1) not in headings
    ]


def detect_layout(
    rows: list[list[str]], mapping: dict[str, str] | None = None, headings: set[int] = frozenset()
) -> tuple[str, int]:
    """``(layout, header row index)``: the first row that names an activity column and letter
    columns holding names makes a list; else the first row with two or more filled cells (not a
    title) is the header of a grid."""
    mapping = mapping or {}
    candidates = _header_candidates(rows, set(headings))
    for index in candidates:
        guesses = _guess_columns(rows[index], rows[index + 1 :], mapping)
        if _list_score(guesses, rows[index + 1 :]):
            return "list", _lowest_header(rows, index)
    if candidates:
        return "grid", _lowest_header(rows, candidates[0])
    first = next((index for index, row in enumerate(rows) if any(row)), 0)
    return "grid", first


def _lowest_header(rows: list[list[str]], index: int) -> int:
    """A header over two rows (a merged group title above the names): the lower row, when it
    repeats the first cell (merged down) and fills more cells."""
    while index + 1 < len(rows):
        here, below = rows[index], rows[index + 1]
        if (
            here
            and below
            and here[0]
            and below[0] == here[0]
            and sum(1 for c in below if c) > sum(1 for c in here if c)
        ):
            index += 1
        else:
            break
    return index


def _parse_date(text: str):
    text = text.strip()
    if not text or columns.is_empty(text):
        return None
    for fmt in (
        "%Y-%m-%d",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d/%b/%y %I:%M %p",
        "%d/%b/%y",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%m/%d/%Y",
        "%b %d, %Y",
    ):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (write it as 2026-12-31)")


def read_layout(
    rows: list[list[str]],
    layout: str = "auto",
    mapping: dict[str, str] | None = None,
    headings: set[int] = frozenset(),
) -> SheetLayout:
    """Read spreadsheet rows in the given layout ("auto" detects it), with each column's meaning
    guessed from its header (any language of columns.RACI_SYNONYMS) or set by `mapping`."""
    mapping = mapping or {}
    detected, header_index = detect_layout(rows, mapping, headings)
    if layout == "auto":
        layout = detected
    elif layout == "list" and detected != "list":
        header_index = next((i for i, row in enumerate(rows) if any(row)), 0)
    header = list(rows[header_index]) if rows else []
    data = [list(r) for r in rows[header_index + 1 :]]
    first_row = header_index + 2
    guesses = _guess_columns(header, data, mapping)
    notes: list[str] = []
    if layout == "grid":
        # Column A is the activity unless another column says it is.
        if not any(g.meaning == "activity" for g in guesses) and guesses:
            if guesses[0].source != "you":
                guesses[0].meaning, guesses[0].source = "activity", "position"
        for g in guesses:
            if (
                g.meaning not in ("activity", "party", "ignore")
                and g.source != "you"
                and _mostly_letters(data, g.index)
            ):
                g.meaning = "party"  # a party called "A" or "Owner" in a grid
    else:
        for g in guesses:
            if g.meaning == "party":
                g.meaning = "ignore"
    activity_col = next((g.index for g in guesses if g.meaning == "activity"), None)
    taken: dict[str, int] = {}
    if layout == "list":
        # A synonym ("Owner", "Assignee") beside the letter's own column ("Responsible", "R"):
        # the letter's own column is read, the synonym ignored. Two of the same are a problem.
        for letter in LETTERS:
            same = [g for g in guesses if g.meaning == letter]
            own = [
                g
                for g in same
                if columns.norm(g.header) in (letter.lower(), columns.norm(LETTER_NAMES[letter]))
            ]
            if len(same) > 1 and len(own) == 1:
                for g in same:
                    if g is not own[0] and g.source != "you":
                        notes.append(
                            f"Column {g.letter} ({g.header}) is not read: column "
                            f"{own[0].letter} ({own[0].header}) gives the {LETTER_NAMES[letter]}."
                        )
                        g.meaning = "ignore"
    for g in guesses:
        if g.meaning in ("phase", "start", "finish", "depends_on", "activity"):
            if g.meaning in taken:
                notes.append(
                    f"Column {g.letter} ({g.header}) also means "
                    f"{columns.RACI_MEANINGS[g.meaning].lower()}: only column "
                    f"{names.column_letter(taken[g.meaning] + 1)} is read."
                )
                g.meaning = "ignore"
            else:
                taken[g.meaning] = g.index

    # Section rows: a label and nothing else, written as a heading.
    section_of: dict[int, str] = {}
    current = None
    sections: list[str] = []
    label_col = activity_col if activity_col is not None else 0
    for offset, row in enumerate(data):
        number = first_row + offset
        label = row[label_col].strip() if label_col < len(row) else ""
        others = [c for i, c in enumerate(row) if i != label_col and not columns.is_empty(c)]
        if label and not others and (number in headings or columns.looks_like_section(label)):
            current = columns.section_name(label)
            sections.append(current)
            data[offset] = []  # the row stays numbered, but is no activity
            continue
        if current is not None and label:
            section_of[number] = current

    # Rows longer than the header: reported, never dropped in silence.
    overlong: list[names.Problem] = []
    if layout == "list":
        for offset, row in enumerate(data):
            for index in range(len(header), len(row)):
                if not columns.is_empty(row[index]):
                    overlong.append(
                        names.Problem(
                            first_row + offset,
                            index + 1,
                            f"'{row[index][:60]}' is beyond the header's last column "
                            f"({names.column_letter(len(header))}): give the column a header "
                            "or remove the value",
                        )
                    )
                    break

    # Hand the layout readers a plain table: the activity first, labels and ignored columns blank.
    meaning_of = {g.index: g.meaning for g in guesses}
    width = max([len(header), *(len(r) for r in data)]) if data else len(header)

    def plain(row: list[str], is_header: bool) -> list[str]:
        cells = list(row) + [""] * (width - len(row))
        out = []
        for index, cell in enumerate(cells):
            meaning = meaning_of.get(index, "party" if layout == "grid" else "ignore")
            if meaning in _LABEL_MEANINGS or (layout == "list" and meaning == "party"):
                out.append("")
            elif is_header and layout == "list":
                out.append(_CANONICAL.get(meaning, ""))
            elif not is_header and columns.is_empty(cell):
                out.append("")
            else:
                out.append(cell)
        label = row[activity_col] if activity_col is not None and activity_col < len(row) else ""
        if layout == "list":
            if activity_col is not None:
                out.append(_CANONICAL["activity"] if is_header else label)
        elif activity_col in (0, None):
            out[0] = "" if is_header else label
        else:
            out = ["" if is_header else label, *out]
        return out

    table_header = plain(header, True)
    table_rows = [plain(r, False) if r else [] for r in data]
    if layout == "list":
        read = names.list_to_assignments(table_header, table_rows, first_row=first_row)
        missing = [p for p in read.problems if p.row == header_index + 1 and p.column is None]
        letters_present = [m for m in LETTERS if any(g.meaning == m for g in guesses)]
        # An assignment list (Jira, Asana, MS Project) has only a Responsible column: fine. Some
        # letter columns but not all is a RACI with columns missing: a problem, as before.
        if letters_present == ["R"]:
            read.problems = [p for p in read.problems if p not in missing]
            lacking = [LETTER_NAMES[x] for x in LETTERS if x not in letters_present]
            if lacking:
                notes.append(
                    f"The file has no {', '.join(lacking)} column: those letters stay empty."
                )
        column_shift = {width + 1: (activity_col or 0) + 1}
    else:
        read = names.grid_to_assignments(table_header[1:], table_rows, first_row=first_row)
        column_shift = {}
        if activity_col not in (0, None):  # the activity was put first: shift back
            column_shift = {i + 1: i for i in range(1, width + 2)}
            column_shift[1] = activity_col + 1
    # Put problems back in the file's own columns.
    read.problems = [
        names.Problem(p.row, column_shift.get(p.column, p.column), p.message)
        if p.column is not None
        else p
        for p in read.problems
    ]
    read.problems += overlong
    result = SheetLayout(layout, header_index, read, guesses, notes, sections)
    for offset, row in enumerate(data):
        label = row[activity_col] if activity_col is not None and activity_col < len(row) else ""
        label = " ".join(label.split())
        if label:
            result.rows.setdefault(label, first_row + offset)

    # Phases: the Phase column, else (or where it is blank) the section the row is under.
    phase_col = taken.get("phase")
    if phase_col is not None or sections:
        read.phases = {}
        for activity in read.activities:
            number = result.rows.get(activity)
            row = data[number - first_row] if number else []
            phase = row[phase_col].strip() if phase_col is not None and phase_col < len(row) else ""
            if columns.is_empty(phase):
                phase = section_of.get(number, "")
            read.phases[activity] = phase
    # Dates, when the file has them.
    for meaning in ("start", "finish"):
        col = taken.get(meaning)
        if col is None:
            continue
        for activity in read.activities:
            number = result.rows.get(activity)
            row = data[number - first_row] if number else []
            try:
                value = _parse_date(row[col]) if col < len(row) else None
            except ValueError as error:
                read.problems.append(names.Problem(number, col + 1, str(error)))
                continue
            result.dates.setdefault(activity, {})[meaning] = value
    if "depends_on" in taken:
        col = taken["depends_on"]
        notes.append(
            f"Column {names.column_letter(col + 1)} ({header[col]}) holds dependencies: Rapport's "
            "activities have no dependencies yet, so they are not imported."
        )
    ignored = [g.header for g in guesses if g.meaning == "ignore" and g.header.strip()]
    if ignored:
        notes.append(
            f"Columns not imported: {', '.join(ignored[:12])}{', …' if len(ignored) > 12 else ''}."
        )
    return result


def _activity_rows(rows: list[list[str]], header_index: int, layout: str) -> dict[str, int]:
    """Kept for callers of the old API: spreadsheet row of each activity name in column A."""
    found: dict[str, int] = {}
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = " ".join((row[0] if row else "").split())
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
    columns: list[ColumnGuess] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    sections: list[str] = field(default_factory=list)
    dates: dict[str, dict] = field(default_factory=dict)  # activity as written -> start/finish
    groups: list[str] = field(default_factory=list)  # new parties read as groups

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
            "columns": [c.to_dict() for c in self.columns],
            "sheets": list(self.sheets),
            "sheet": self.sheet,
            "sections": list(self.sections),
            "groups": list(self.groups),
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
    *,
    project,
    content: bytes,
    layout: str = "auto",
    create_missing: bool = False,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    groups: list[str] | None = None,
) -> ImportPlan:
    """Read the file and plan the import against the project as it is now. Raises FileProblem
    for a file that cannot be read at all; every other problem is in the plan.

    `mapping` ({header: meaning}, meanings as in columns.RACI_MEANINGS) overrides the guess of
    a column's meaning; `sheet` names the XLSX sheet to read; `groups` names the new parties
    that are groups (None: those whose names read like a team)."""
    if layout not in ("auto", *LAYOUTS):
        raise FileProblem(f"Unknown layout '{layout}': use grid, list or auto.")
    mapping = columns.parse_mapping(mapping)
    bad = {m for m in mapping.values() if m not in columns.RACI_MEANINGS}
    if bad:
        raise FileProblem(
            f"Unknown column meaning {', '.join(sorted(bad))}: use one of "
            f"{', '.join(columns.RACI_MEANINGS)}."
        )
    info: dict = {}
    if exports.is_mspdi(content):
        if len(content) > max_bytes():
            read_rows(content, max_bytes=max_bytes())  # raises the size problem
        rows, notes = exports.mspdi_rows(content)
        kind = "mspdi"
    else:
        rows, kind, notes = read_rows(content, max_bytes=max_bytes(), sheet=sheet, info=info)
        notes += exports.export_notes(rows)
    sheet_layout = read_layout(rows, layout, mapping, info.get("heading_rows", set()))
    layout, header_index, read = sheet_layout.layout, sheet_layout.header_index, sheet_layout.read
    plan = ImportPlan(layout=layout, format=kind, notes=notes, header_row=header_index + 1)
    plan.notes += sheet_layout.notes
    plan.columns = sheet_layout.columns
    plan.sheets = info.get("sheets", [])
    plan.sheet = info.get("sheet", "")
    plan.sections = sheet_layout.sections
    plan.dates = sheet_layout.dates
    if sheet_layout.sections:
        plan.notes.append(
            f"{len(sheet_layout.sections)} section row{'s' if len(sheet_layout.sections) != 1 else ''} "
            f"read as phases, not activities: {', '.join(sheet_layout.sections[:8])}"
            f"{', …' if len(sheet_layout.sections) > 8 else ''}."
        )
    plan.problems = list(read.problems)
    if not read.activities and not read.problems:
        plan.problems.append(
            names.Problem(plan.header_row, None, "no activities below the header row")
        )

    # Activities: matched by name to the project's; the others are new.
    activity_register, ambiguous_activities = _register(
        Activity.objects.filter(project=project).values_list("id", "name")
    )
    row_of = sheet_layout.rows
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
                is_group = (
                    columns.looks_like_group(cell.party)
                    if groups is None
                    else key in {names.normalise_name(g) for g in groups}
                )
                if is_group:
                    plan.groups.append(cell.party)
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
    if plan.groups:
        plan.notes.append(
            f"Read as groups (teams), not people: {', '.join(plan.groups[:10])}"
            f"{', …' if len(plan.groups) > 10 else ''}. Untick a name under “How the file was "
            "read” if it is a person."
        )
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


def _phases_for(
    actor, project, plan: ImportPlan, keys: list[str], inserts: PreparedInserts
) -> dict[str, Phase | None]:
    """Normalised activity name -> the Phase it belongs in, for `keys` (in file order); new
    phases are prepared in `inserts`, in the order the file first names them."""
    by_name = {names.normalise_name(p.name): p for p in Phase.objects.filter(project=project)}
    new_names: dict[str, str] = {}  # phase key -> the name as the file first writes it
    for key in keys:
        phase_name = plan.phases.get(key, "")
        phase_key = names.normalise_name(phase_name)
        if phase_key and phase_key not in by_name:
            new_names.setdefault(phase_key, phase_name)
    made = services.phases_prepare_many(
        actor=actor, project=project, names=list(new_names.values()), inserts=inserts
    )
    by_name.update(zip(new_names, made, strict=True))
    return {
        key: by_name[names.normalise_name(plan.phases.get(key, ""))]
        if names.normalise_name(plan.phases.get(key, ""))
        else None
        for key in keys
    }


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


def apply_import(*, actor, project, plan: ImportPlan, only_valid: bool = False) -> dict:
    """Apply a plan in one transaction: all rows (only when there is no problem at all) or, with
    `only_valid`, the rows without a problem. Returns the summary of what changed.

    New parties, stakeholders, phases, activities and their letters, the bulk of a big file, are
    prepared with their history before the transaction and only inserted inside it
    (`rapport.lib.bulk_insert`): on SQLite a 3,000-row file holds the write lock for
    milliseconds, not seconds."""
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
    ordered_keys = list(dict.fromkeys(names.normalise_name(n) for n in chosen))
    keys = set(ordered_keys)
    inserts = PreparedInserts()

    # New parties (when asked) and parties of the register not yet on the project.
    chosen_ids = {plan.activity_ids[k] for k in keys}
    cells = [c for c in plan.resolved if c.activity_id in chosen_ids]
    used = {c.party_id for c in cells}
    written_as = {names.normalise_name(n): n for n in reversed(plan.parties_to_create)}
    new_pids, specs = [], []
    for key, pid in plan.party_ids.items():
        if pid in used and not isinstance(pid, int):
            written = written_as[key]
            specs.append({"name": written, "kind": "group" if written in plan.groups else "person"})
            new_pids.append(pid)
    new_parties = stakeholders.parties_prepare_many(
        actor=actor, org=project.org, parties=specs, inserts=inserts
    )
    party_ids: dict[Hashable, int] = {
        pid: party.pk for pid, party in zip(new_pids, new_parties, strict=True)
    }
    on_project = set(
        ProjectStakeholder.objects.filter(project=project).values_list("party_id", flat=True)
    )
    joining = list(
        Party.objects.filter(pk__in={pid for pid in used if isinstance(pid, int)} - on_project)
    )
    stakeholders.stakeholders_prepare_many(
        actor=actor,
        project=project,
        rows=[(party, {}) for party in joining + new_parties],
        inserts=inserts,
    )

    # Phases follow the file's Phase column, when it has one (new phases go at the end).
    phases = (
        _phases_for(actor, project, plan, ordered_keys, inserts)
        if plan.phases is not None
        else None
    )

    # New activities, in file order, at the end of the plan.
    activity_ids: dict[Hashable, int] = {}
    new_rows: list[tuple[Hashable, dict]] = []
    for name in chosen:
        key = names.normalise_name(name)
        aid = plan.activity_ids[key]
        if isinstance(aid, int):
            activity_ids[aid] = aid
        else:
            row = {"name": name, "accountable_does_work": key in plan.accountable_does_work}
            row.update(_dates_of(plan, name))
            new_rows.append((aid, {**row, "phase": phases[key] if phases else None}))
    new = services.activities_prepare_many(
        actor=actor, project=project, rows=[row for _, row in new_rows], inserts=inserts
    )
    for (aid, _), activity in zip(new_rows, new, strict=True):
        activity_ids[aid] = activity.pk
    existing_ids = set(activity_ids.values()) - {a.pk for a in new}

    wanted = {
        (activity_ids[c.activity_id], party_ids.get(c.party_id, c.party_id)): c.letter
        for c in cells
    }
    # The letters of new activities are all new: prepared too, with their history.
    new_letters = [(key, letter) for key, letter in wanted.items() if key[0] not in existing_ids]
    letters = [
        Assignment(pk=pk, activity_id=activity_id, party_id=party_id, letter=letter)
        for ((activity_id, party_id), letter), pk in zip(
            new_letters, reserve_ids(Assignment, len(new_letters)), strict=True
        )
    ]
    inserts.add(letters)
    log = audit.BulkLog(
        actor=actor,
        project=project,
        activity_names={a.pk: a.name for a in new},
        party_names={p.pk: p.name for p in new_parties},
    )
    log.created(letters)
    inserts.add(log.entries)

    with transaction.atomic():
        services.matrix_lock(project.pk)  # before any row is written: see there
        inserts.run()
        _update_existing_activities(actor, plan, chosen, activity_ids, existing_ids, phases)
        counts = assignments_replace(
            actor=actor,
            project=project,
            activity_ids=existing_ids,
            wanted={key: letter for key, letter in wanted.items() if key[0] in existing_ids},
        )
    return {
        "activities_created": len(new),
        "activities_imported": len(chosen),
        "rows_skipped": len(plan.rows) - len(chosen),
        "parties_created": len(new_parties),
        **counts,
        "letters_added": counts["letters_added"] + len(letters),
    }


def _update_existing_activities(actor, plan, chosen, activity_ids, existing_ids, phases) -> None:
    """Accountable-does-work, the dates and the phase (when given) follow the file for every
    activity of the project the file names."""
    does_work = {
        activity_ids[plan.activity_ids[k]]
        for k in {names.normalise_name(n) for n in chosen}
        if k in plan.accountable_does_work
    }
    dates_of, phase_of = {}, {}
    for name in chosen:
        key = names.normalise_name(name)
        aid = activity_ids[plan.activity_ids[key]]
        if aid not in existing_ids:
            continue
        if name in plan.dates:
            dates_of[aid] = _dates_of(plan, name)
        if phases is not None:
            phase_of[aid] = phases[key]
    for activity in Activity.objects.select_related("project").filter(pk__in=existing_ids):
        changes = {}
        if activity.accountable_does_work != (activity.pk in does_work):
            changes["accountable_does_work"] = activity.pk in does_work
        for field_name, value in dates_of.get(activity.pk, {}).items():
            if getattr(activity, field_name) != value:
                changes[field_name] = value
        if activity.pk in phase_of:
            phase = phase_of[activity.pk]
            if activity.phase_id != (phase.pk if phase else None):
                changes["phase"] = phase
        if changes:
            services.activity_update(actor=actor, activity=activity, **changes)


def _dates_of(plan: ImportPlan, name: str) -> dict:
    """The planned dates the file gives an activity, as activity fields."""
    given = plan.dates.get(name, {})
    fields = {f"planned_{key}": value for key, value in given.items()}
    start, finish = fields.get("planned_start"), fields.get("planned_finish")
    if start and finish and finish < start:
        fields.pop("planned_finish")
    return fields


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
    *,
    actor,
    project,
    filename: str,
    content: bytes,
    layout: str,
    create_missing: bool,
    options: dict | None = None,
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
        options=options or {},
    )


def import_reread(*, upload: RaciImport, layout: str, create_missing: bool, options: dict) -> None:
    """Change how a pending upload is read (the preview's column meanings, sheet, layout)."""
    upload.layout = layout if layout in ("auto", *LAYOUTS) else "auto"
    upload.create_missing = create_missing
    upload.options = options
    upload.save(update_fields=["layout", "create_missing", "options"])


def upload_options(upload: RaciImport) -> dict:
    """The plan_import keywords a stored upload is read with."""
    options = upload.options or {}
    return {
        "layout": upload.layout,
        "create_missing": upload.create_missing,
        "mapping": options.get("mapping") or None,
        "sheet": options.get("sheet") or None,
        "groups": options.get("groups"),
    }


def import_apply(*, actor, upload: RaciImport, only_valid: bool) -> dict:
    """Apply a stored upload, planned again against the project as it is now.

    The file is read and planned before the write transaction begins: on SQLite the write lock
    is then held only while writing, not while a large spreadsheet is parsed and matched."""
    upload = RaciImport.objects.select_related("project").get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ImportRefused("This file has been imported already.")
    project = upload.project
    plan = plan_import(project=project, content=bytes(upload.content), **upload_options(upload))
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
