"""Names and the two spreadsheet layouts of a RACI, as plain transforms. Pure logic, no database.

PMs keep a RACI in one of two layouts, and import/export speak both:

* **grid**: one row per activity, one column per party, a letter in each cell::

      Activity        | Ann Lee | Finance | Bob Ng
      Go-live decision| A       | C       | R

* **list**: one row per activity, one column per letter, names in each cell::

      Activity        | Responsible | Accountable | Consulted | Informed
      Go-live decision| Bob Ng      | Ann Lee     | Finance   | Carl; Dana

Reading a layout never stops at the first problem: it returns what it could read together with
every :class:`Problem`, each placed by spreadsheet row and column ("row 7, column D: ..."), so the
import page can show them all at once and import nothing until they are fixed.

Reading keeps names as written (:class:`NamedCell`); :func:`resolve_cells` turns them into
:class:`~rapport.raci.rules.Assignment` objects against registers built by
:func:`build_register`, matching names case-, accent- and whitespace-insensitively.

One person has one letter per activity. A person both Accountable and Responsible ("A/R" in a grid
cell, or the same name under Accountable and Responsible in a list) is read as an A on an activity
whose Accountable does the work (``accountable_does_work``); the exports write it back that way.
Names containing ``;`` or ``,`` cannot be told apart from two names in the list layout: keep such
names out of the register or use the grid layout.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapport.raci.rules import LETTER_NAMES, LETTERS, Activity, Assignment, Party

LIST_HEADER = ("Activity", "Responsible", "Accountable", "Consulted", "Informed")
# The optional column after Activity, in both layouts, that says which phase an activity is in.
PHASE_HEADER = "Phase"
PHASE_WORDS = frozenset({"phase", "stage"})
# Header spellings the list layout accepts, after normalise_name; the value is the column's role.
_LIST_COLUMNS = {
    "activity": "activity",
    "task": "activity",
    "phase": "phase",
    "stage": "phase",
    "responsible": "R",
    "r": "R",
    "accountable": "A",
    "a": "A",
    "consulted": "C",
    "c": "C",
    "informed": "I",
    "i": "I",
}
# Cell texts that mean "no letter here" in a grid.
_EMPTY_MARKS = frozenset({"", "-", "\u2013", "\u2014"})
# "A/R", "R/A", "AR", "A+R", "A, R": the Accountable also does the work.
_ACCOUNTABLE_DOES_WORK = re.compile(r"^(A\s*[/+,&;]?\s*R|R\s*[/+,&;]?\s*A)$")
_SEPARATORS = re.compile(r"[;,\r\n]+")


# -- names ------------------------------------------------------------------------------------


def normalise_name(s: str | None) -> str:
    """The form two names are compared in: accents, case and spacing do not count.

    NFKD-decomposes, drops combining marks, casefolds and collapses runs of whitespace to one
    space, so ``"  José   MARTÍNEZ "`` and ``"jose martinez"`` are the same name.
    """
    if s is None:
        return ""
    return _normalise_text(str(s))


@functools.lru_cache(maxsize=100_000)
def _normalise_text(text: str) -> str:
    # An import compares the same few hundred names tens of thousands of times: cache them.
    # Casefold between two decompositions: folding can produce characters that decompose further.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.split())


def split_names(cell: object) -> list[str]:
    """The names in one spreadsheet cell: separated by ``;``, ``,`` or new lines, trimmed, no empties."""
    if cell is None:
        return []
    names = (" ".join(part.split()) for part in _SEPARATORS.split(str(cell)))
    return [name for name in names if name]


def build_register(items: Iterable[Party | Activity]) -> dict[str, Hashable]:
    """Map each item's normalised name to its id, for :func:`match_names`.

    Raises ``ValueError`` when two items have names that normalise alike ("Ann Lee" and
    "ann  lee"): an import could not tell which one a cell means.
    """
    register: dict[str, Hashable] = {}
    first_name: dict[str, str] = {}
    for item in items:
        key = normalise_name(item.name)
        if key in register and register[key] != item.id:
            raise ValueError(
                f"'{first_name[key]}' and '{item.name}' are the same name once case, accents and "
                "spacing are ignored: rename one so imports can tell them apart"
            )
        register[key] = item.id
        first_name.setdefault(key, item.name)
    return register


def match_names(
    names: Iterable[str], register: Mapping[str, Hashable]
) -> tuple[list[Hashable], list[str]]:
    """Look names up in a register of normalised name -> id.

    Returns ``(matched, unknown)``: the ids found, in the order of ``names`` and each once, and
    the names not found, as written and each once.
    """
    matched: list[Hashable] = []
    unknown: list[str] = []
    seen_ids: set[Hashable] = set()
    seen_unknown: set[str] = set()
    for name in names:
        key = normalise_name(name)
        if key in register:
            party_id = register[key]
            if party_id not in seen_ids:
                seen_ids.add(party_id)
                matched.append(party_id)
        elif key not in seen_unknown:
            seen_unknown.add(key)
            unknown.append(name)
    return matched, unknown


# -- what reading a layout gives --------------------------------------------------------------


def column_letter(column: int) -> str:
    """Spreadsheet column name of a 1-based column number: 1 -> A, 26 -> Z, 27 -> AA."""
    if column < 1:
        raise ValueError(f"Column numbers start at 1, not {column}")
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """Something in an imported sheet that cannot be read, placed by row and (1-based) column."""

    row: int
    column: int | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {column_letter(self.column)}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Plain data for the API: row, column (as a letter, or None) and message."""
        return {
            "row": self.row,
            "column": None if self.column is None else column_letter(self.column),
            "message": self.message,
        }


@dataclass(frozen=True)
class NamedCell:
    """One letter read from a sheet, with names as written and the cell it came from."""

    activity: str
    party: str
    letter: str
    row: int
    column: int


@dataclass
class LayoutRead:
    """What a layout reader found.

    ``activities``: the activity names in row order, including rows with no letter (they still
    need an Accountable). ``cells``: the letters. ``accountable_does_work``: activities whose
    Accountable also does the work. ``problems``: everything that could not be read.
    ``phases``: activity name -> phase name ("" for none) when the sheet has a Phase column,
    None when it has none (then the activities' phases are left as they are).
    """

    activities: list[str] = field(default_factory=list)
    cells: list[NamedCell] = field(default_factory=list)
    accountable_does_work: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    phases: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        """True when the sheet was read without a problem."""
        return not self.problems


def _at(row: Sequence[object], offset: int) -> object:
    """The value at a 0-based offset, None past the end (spreadsheet rows come ragged)."""
    return row[offset] if offset < len(row) else None


def _text(value: object) -> str:
    """A spreadsheet value as trimmed text (numbers and None included)."""
    return "" if value is None else " ".join(str(value).split())


class _ActivityRows:
    """Tracks activity names across rows so a repeated name is reported, not merged."""

    def __init__(self, read: LayoutRead) -> None:
        self.read = read
        self.first_row: dict[str, int] = {}

    def accept(self, name: str, row: int, has_content: bool) -> bool:
        if not name:
            if has_content:
                self.read.problems.append(
                    Problem(row, 1, "no activity name: the rest of this row is skipped")
                )
            return False
        key = normalise_name(name)
        if key in self.first_row:
            self.read.problems.append(
                Problem(
                    row,
                    1,
                    f"'{name}' is already on row {self.first_row[key]}: give each activity one "
                    "row (this one is skipped)",
                )
            )
            return False
        self.first_row[key] = row
        self.read.activities.append(name)
        return True


# -- grid layout ------------------------------------------------------------------------------


def grid_to_assignments(
    header_names: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    first_row: int = 2,
    with_phase: bool = False,
) -> LayoutRead:
    """Read the grid layout: activity names in column A, one party per column from B on (from C
    on ``with_phase``, when column B holds each activity's phase).

    ``header_names`` are the party names heading columns B, C, ... (without the label over
    column A); ``rows`` are the data rows, each starting with the activity name, the first of them
    being spreadsheet row ``first_row`` (the header is the row above). Cells hold R, A, C or I
    (any case), "A/R" for an Accountable who does the work, or nothing ("" or "-"). Wholly blank
    rows are skipped. Every unreadable cell becomes a :class:`Problem`.
    """
    read = LayoutRead(phases={} if with_phase else None)
    first_party = 2 if with_phase else 1  # 0-based offset of the first party column in a row
    header_row = first_row - 1
    parties: list[str | None] = []  # per party column; None when the header is blank or repeated
    column_of: dict[str, int] = {}
    repeated_columns: set[int] = set()
    for offset, raw in enumerate(header_names):
        column = offset + first_party + 1
        name = _text(raw)
        key = normalise_name(name)
        if not name:
            parties.append(None)
        elif key in column_of:
            read.problems.append(
                Problem(
                    header_row,
                    column,
                    f"'{name}' already heads column {column_letter(column_of[key])}: "
                    "this column is skipped",
                )
            )
            repeated_columns.add(column)
            parties.append(None)
        else:
            column_of[key] = column
            parties.append(name)
    # Blank header columns are only a problem where they hold letters; report each once.
    reported_columns: set[int] = set()

    activity_rows = _ActivityRows(read)
    for row_number, row in enumerate(rows, start=first_row):
        values = [_text(value) for value in row]
        activity = values[0] if values else ""
        letters = values[first_party:]
        has_content = any(text not in _EMPTY_MARKS for text in letters)
        if not activity_rows.accept(activity, row_number, has_content):
            continue
        if read.phases is not None:
            read.phases[activity] = values[1] if len(values) > 1 else ""
        does_work = False
        for offset, text in enumerate(letters):
            if text in _EMPTY_MARKS:
                continue
            column = offset + first_party + 1
            party = parties[offset] if offset < len(parties) else None
            if column in repeated_columns:
                continue  # reported once, on the header row
            if party is None:
                if column not in reported_columns:
                    reported_columns.add(column)
                    read.problems.append(
                        Problem(
                            row_number,
                            column,
                            f"'{text}' is in a column with no party name in the header",
                        )
                    )
                continue
            letter = text.upper()
            if _ACCOUNTABLE_DOES_WORK.match(letter):
                letter, does_work = "A", True
            if letter not in LETTERS:
                read.problems.append(
                    Problem(row_number, column, f"'{text}' is not one of R, A, C, I")
                )
                continue
            read.cells.append(NamedCell(activity, party, letter, row_number, column))
        if does_work:
            read.accountable_does_work.append(activity)
    return read


def assignments_to_grid(
    activities: Iterable[Activity], parties: Iterable[Party], assignments: Iterable[Assignment]
) -> tuple[list[str], list[list[str]]]:
    """Write the grid layout: ``(header_names, rows)``, the exact input of :func:`grid_to_assignments`.

    ``header_names`` are the party names for columns B on; each row is the activity name then one
    cell per party ("" when the party has no letter, "A/R" for an Accountable who does the work).
    The grid has a cell for every activity and party, so its size is their product by nature.
    """
    activities = list(activities)
    parties = list(parties)
    letters = _cells_by_id(activities, parties, assignments)
    rows = []
    for activity in activities:
        row_letters = letters.get(activity.id, {})
        row = [activity.name]
        for party in parties:
            letter = row_letters.get(party.id, "")
            if letter == "A" and activity.accountable_does_work:
                letter = "A/R"
            row.append(letter)
        rows.append(row)
    return [party.name for party in parties], rows


# -- list layout ------------------------------------------------------------------------------


def list_to_assignments(
    header: Sequence[object], rows: Iterable[Sequence[object]], *, first_row: int = 2
) -> LayoutRead:
    """Read the list layout: columns Activity, Responsible, Accountable, Consulted, Informed.

    ``header`` is the header row (its columns may come in any order; "Task" and the single letters
    R, A, C, I are accepted, an optional Phase column is read, other columns such as Notes are
    ignored); ``rows`` are the data rows,
    the first being spreadsheet row ``first_row``. Cells hold names separated by ``;``, ``,`` or
    new lines. A name under both Responsible and Accountable is an Accountable who does the work;
    any other name given two letters on one row is a :class:`Problem`, as is a missing column.
    """
    read = LayoutRead()
    header_row = first_row - 1
    role_column: dict[str, int] = {}  # "activity" / letter -> 0-based column
    for offset, raw in enumerate(header):
        role = _LIST_COLUMNS.get(normalise_name(_text(raw)))
        if role is None:
            continue
        if role in role_column:
            read.problems.append(
                Problem(
                    header_row,
                    offset + 1,
                    f"a second '{_text(raw)}' column (the first is column "
                    f"{column_letter(role_column[role] + 1)}): this one is skipped",
                )
            )
            continue
        role_column[role] = offset
    for role, title in zip(("activity", *LETTERS), LIST_HEADER, strict=True):
        if role not in role_column:
            read.problems.append(Problem(header_row, None, f"no '{title}' column"))
    if "activity" not in role_column:
        return read  # without activity names no row can be placed

    activity_column = role_column["activity"]
    phase_column = role_column.get("phase")
    if phase_column is not None:
        read.phases = {}
    letter_columns = [(letter, role_column[letter]) for letter in LETTERS if letter in role_column]
    activity_rows = _ActivityRows(read)
    for row_number, row in enumerate(rows, start=first_row):
        activity = _text(_at(row, activity_column))
        names_by_letter = [
            (letter, offset, split_names(_at(row, offset))) for letter, offset in letter_columns
        ]
        has_content = any(names for _, _, names in names_by_letter)
        if not activity_rows.accept(activity, row_number, has_content):
            continue
        if phase_column is not None:
            read.phases[activity] = _text(_at(row, phase_column))
        # normalised name -> (letter, column, index in read.cells) of its first appearance on this row
        placed: dict[str, tuple[str, int, int]] = {}
        does_work = False
        for letter, offset, names in names_by_letter:
            column = offset + 1
            for name in names:
                key = normalise_name(name)
                earlier = placed.get(key)
                if earlier is None:
                    placed[key] = (letter, column, len(read.cells))
                    read.cells.append(NamedCell(activity, name, letter, row_number, column))
                elif earlier[0] == letter:
                    continue  # the same name twice in one cell or column
                elif {earlier[0], letter} == {"A", "R"}:
                    does_work = True
                    if letter == "A":  # Accountable listed after Responsible: keep the A
                        index = earlier[2]
                        read.cells[index] = NamedCell(activity, name, "A", row_number, column)
                        placed[key] = ("A", column, index)
                else:
                    read.problems.append(
                        Problem(
                            row_number,
                            column,
                            f"'{name}' is already {LETTER_NAMES[earlier[0]]} on this row "
                            f"(column {column_letter(earlier[1])}): one letter per person and "
                            "activity",
                        )
                    )
        if does_work:
            read.accountable_does_work.append(activity)
    return read


def assignments_to_list(
    activities: Iterable[Activity], parties: Iterable[Party], assignments: Iterable[Assignment]
) -> tuple[list[str], list[list[str]]]:
    """Write the list layout: ``(header, rows)``, the exact input of :func:`list_to_assignments`.

    Names in a cell are in party order, joined by "; ". An Accountable who does the work is
    written under both Accountable and Responsible. Linear in activities + parties + assignments.
    """
    activities = list(activities)
    parties = list(parties)
    party_position = {party.id: position for position, party in enumerate(parties)}
    letters = _cells_by_id(activities, parties, assignments)
    rows = []
    for activity in activities:
        by_letter: dict[str, list[Party]] = {letter: [] for letter in LETTERS}
        for party_id, letter in letters.get(activity.id, {}).items():
            by_letter[letter].append(parties[party_position[party_id]])
        if activity.accountable_does_work:
            by_letter["R"] += by_letter["A"]
        cells = [
            "; ".join(
                party.name
                for party in sorted(by_letter[letter], key=lambda p: party_position[p.id])
            )
            for letter in LETTERS
        ]
        rows.append([activity.name, *cells])
    return list(LIST_HEADER), rows


# -- from names to ids ------------------------------------------------------------------------


def resolve_cells(
    read: LayoutRead,
    activity_register: Mapping[str, Hashable],
    party_register: Mapping[str, Hashable],
) -> tuple[list[Assignment], list[Problem]]:
    """Turn the named cells of a :class:`LayoutRead` into assignments by id.

    Registers map normalised names to ids (see :func:`build_register`). A name missing from a
    register is a :class:`Problem` at the cell where it was written, and so is a second letter
    for a party already placed on that activity under another name (a register with aliases);
    the read's own problems are not repeated.
    """
    assignments: list[Assignment] = []
    problems: list[Problem] = []
    reported: set[tuple[int, int]] = set()  # activity names are reported once per row
    placed: dict[tuple[Hashable, Hashable], NamedCell] = {}
    for cell in read.cells:
        activity_id = activity_register.get(normalise_name(cell.activity))
        party_id = party_register.get(normalise_name(cell.party))
        if activity_id is None:
            if (cell.row, 1) not in reported:
                reported.add((cell.row, 1))
                problems.append(
                    Problem(cell.row, 1, f"'{cell.activity}' is not an activity of this project")
                )
            continue
        if party_id is None:
            problems.append(
                Problem(cell.row, cell.column, f"'{cell.party}' is not in the stakeholder register")
            )
            continue
        earlier = placed.get((activity_id, party_id))
        if earlier is not None:
            if earlier.letter != cell.letter:
                problems.append(
                    Problem(
                        cell.row,
                        cell.column,
                        f"'{cell.party}' is the same party as '{earlier.party}' (row "
                        f"{earlier.row}, column {column_letter(earlier.column)}), who is already "
                        f"{LETTER_NAMES[earlier.letter]} on '{cell.activity}'",
                    )
                )
            continue
        placed[(activity_id, party_id)] = cell
        assignments.append(Assignment(activity_id, party_id, cell.letter))
    return assignments, problems


def _cells_by_id(
    activities: list[Activity], parties: list[Party], assignments: Iterable[Assignment]
) -> dict[Hashable, dict[Hashable, str]]:
    """activity id -> party id -> letter, refusing cells that point outside the matrix."""
    activity_ids = {activity.id for activity in activities}
    party_ids = {party.id for party in parties}
    letters: dict[Hashable, dict[Hashable, str]] = {}
    for cell in assignments:
        if cell.activity_id not in activity_ids:
            raise ValueError(
                f"An assignment names activity {cell.activity_id!r}, which is not given"
            )
        if cell.party_id not in party_ids:
            raise ValueError(f"An assignment names party {cell.party_id!r}, which is not given")
        row = letters.setdefault(cell.activity_id, {})
        if row.get(cell.party_id, cell.letter) != cell.letter:
            raise ValueError(
                f"Party {cell.party_id!r} is given both {row[cell.party_id]} and {cell.letter} "
                f"on activity {cell.activity_id!r}"
            )
        row[cell.party_id] = cell.letter
    return letters
