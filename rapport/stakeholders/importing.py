"""Import and export of the register (and a project's stakeholders) in stakeholder-register
columns.

An import is planned first: every row is parsed and checked against the register as it is now,
and every problem is reported with its row and column. Only then is it applied, in one
transaction, through the same services the pages use: all rows (when the whole file is valid) or,
when the user asks after a preview, only the valid rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from rapport.lib import columns
from rapport.lib.bulk_insert import PreparedInserts
from rapport.lib.validation import has_control_characters

from . import rules, services
from .models import Category, Party, ProjectStakeholder
from .spreadsheets import MAX_CELL_CHARS, Table, write_csv, write_xlsx


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    scope: str  # "party", "project" or "derived" (exported, ignored on import)
    aliases: tuple[str, ...] = ()
    help: str = ""


COLUMNS = (
    Column(
        "id",
        "ID",
        "party",
        ("id", "party id", "register id"),
        "Rapport's number for the party; blank for new ones",
    ),
    Column(
        "name",
        "Name",
        "party",
        ("stakeholder", "stakeholder name", "full name", "party", "name or group"),
        "Required: a person or a group",
    ),
    Column("kind", "Type", "party", ("kind", "person or group", "type"), "Person or Group"),
    Column(
        "organisation", "Organisation", "party", ("organization", "company", "org", "organisation")
    ),
    Column("department", "Department", "party", ("dept", "unit", "business unit")),
    Column("title", "Title", "party", ("job title", "position", "function", "title or function")),
    Column("email", "E-mail", "party", ("email", "e mail", "email address", "mail")),
    Column("phone", "Phone", "party", ("telephone", "tel", "mobile", "phone number")),
    Column(
        "relationship",
        "Internal/External",
        "party",
        ("internal or external", "internal external", "relationship"),
        "Internal or External",
    ),
    Column(
        "payment",
        "Payment",
        "party",
        ("how they pay", "pays by", "funding"),
        "None, Contract, Cash or trade (external) or Chargeback (internal)",
    ),
    Column(
        "categories",
        "Categories",
        "party",
        ("category", "stakeholder category", "classification"),
        "Names from the taxonomy, separated by ;",
    ),
    Column(
        "reports_to",
        "Reports to",
        "party",
        ("manager", "boss"),
        "Name of a party in the register or the file",
    ),
    Column(
        "represents",
        "Represents",
        "party",
        ("on behalf of", "speaks for"),
        "Name of a party in the register or the file",
    ),
    Column("notes", "Notes", "party", ("comments", "remarks")),
    Column(
        "roles",
        "Roles",
        "project",
        ("role", "project role", "project roles"),
        "Sponsor; Senior user; End user; ... separated by ;",
    ),
    Column(
        "is_customer",
        "Customer",
        "project",
        ("is customer", "customer of this project"),
        "Yes or No",
    ),
    Column(
        "benefits", "Key benefits", "project", ("benefits", "what the project gives them", "serves")
    ),
    Column("weighs_in_on", "Weighs in on", "project", ("decides on", "say in")),
    Column("power", "Power", "project", ("influence",), "1 to 5"),
    Column("interest", "Interest", "project", (), "1 to 5"),
    Column("strategy", "Strategy", "derived", ("quadrant",), "Exported from power and interest"),
    Column(
        "attitude",
        "Attitude",
        "project",
        ("stance",),
        "Champion, Supporter, Neutral, Sceptic or Blocker",
    ),
    Column("nervous", "Nervous", "project", (), "Yes or No"),
    Column("concerns", "Concerns", "project", ("issues", "worries")),
    Column(
        "engagement_now",
        "Engagement now",
        "project",
        ("current engagement", "engagement current", "current"),
        "Unaware, Resistant, Neutral, Supportive or Leading",
    ),
    Column(
        "engagement_needed",
        "Engagement needed",
        "project",
        ("desired engagement", "engagement desired", "desired", "target engagement"),
        "as Engagement now",
    ),
    Column("expectations", "Expectations", "project", ("requirements", "needs")),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Columns that hold one line: a line break in them is a mistake, never data.
SINGLE_LINE = ("id", "name", "kind", "organisation", "department", "title", "email", "phone")


def _norm_header(text: str) -> str:
    # Accents, case, brackets and punctuation do not count: "Área" is "area".
    return columns.norm(text)


_HEADER_KEYS: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.key.replace("_", " "), _c.header, *_c.aliases):
        _HEADER_KEYS.setdefault(_norm_header(_name), _c.key)
for _key, _words in columns.REGISTER_SYNONYMS.items():
    for _name in _words:
        _HEADER_KEYS.setdefault(_norm_header(_name), _key)
# What each meaning is called in the preview's column selects.
MEANINGS = {**{c.key: c.header for c in COLUMNS if c.scope != "derived"}, "ignore": "Ignore"}


def header_has_name(cells: list[str]) -> bool:
    return any(_HEADER_KEYS.get(_norm_header(c)) == "name" for c in cells)


def columns_for(project) -> list[Column]:
    return [c for c in COLUMNS if c.scope == "party" or project is not None]


# --- planning -------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None
    column: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "value": self.value,
        }


@dataclass
class RowPlan:
    number: int
    name: str = ""
    party_fields: dict = field(default_factory=dict)
    categories: list | None = None
    links: dict = field(default_factory=dict)  # reports_to / represents -> reference text
    stakeholder_fields: dict = field(default_factory=dict)
    party: Party | None = None
    stakeholder: ProjectStakeholder | None = None
    problems: list[Problem] = field(default_factory=list)
    action: str = "create"  # create, update, unchanged

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class NewCategory:
    """A category the file names and the organisation lacks, created when the import runs."""

    name: str

    @property
    def pk(self):
        return ("new", self.name.lower())

    def __str__(self):  # as the category will be called, in the new parties' history
        return self.name


@dataclass
class Plan:
    columns: list[str]
    rows: list[RowPlan] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Each column of the file: its header, what Rapport read it as, and why.
    guesses: list[dict] = field(default_factory=list)
    categories_to_create: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.valid] if not self.file_problems else []

    @property
    def is_valid(self) -> bool:
        return not self.file_problems and all(r.valid for r in self.rows) and bool(self.rows)

    def counts(self) -> dict:
        valid = self.valid_rows
        return {
            "rows": len(self.rows),
            "valid": len(valid),
            "invalid": len(self.rows) - len(valid),
            "create": sum(1 for r in valid if r.action == "create"),
            "update": sum(1 for r in valid if r.action == "update"),
            "unchanged": sum(1 for r in valid if r.action == "unchanged"),
            "problems": len(self.problems),
        }

    def as_dict(self) -> dict:
        return {
            **self.counts(),
            "is_valid": self.is_valid,
            "columns": self.columns,
            "column_guesses": self.guesses,
            "categories_to_create": self.categories_to_create,
            "sheets": self.sheets,
            "sheet": self.sheet,
            "notes": self.notes,
            "problems": [p.as_dict() for p in self.problems],
        }


def _ref_key(name: str, organisation: str = "") -> tuple[str, str]:
    return (name.strip().lower(), organisation.strip().lower())


def reference_text(party: Party, ambiguous_names: set[str]) -> str:
    """How a link to `party` is written in a file: its name, with the organisation if needed."""
    if party.name.lower() in ambiguous_names and party.organisation:
        return f"{party.name} ({party.organisation})"
    return party.name


_REF_WITH_ORG = re.compile(r"^(?P<name>.+?)\s*\((?P<org>[^()]+)\)\s*$")


def _values_are(values: list[str], words: dict) -> bool:
    filled = [v for v in values if v.strip() and not columns.is_empty(v)]
    return bool(filled) and all(columns.norm(v) in words for v in filled)


def _guess_from_values(values: list[str]) -> str | None:
    """A column's meaning from what it holds, when its header says nothing Rapport knows."""
    filled = [v.strip() for v in values if v.strip() and not columns.is_empty(v)]
    if not filled:
        return None
    if _values_are(filled, columns.RELATIONSHIP_WORDS):
        return "relationship"
    if _values_are(filled, columns.KIND_WORDS):
        return "kind"
    if all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) for v in filled):
        return "email"
    return None


def plan_import(
    *,
    org,
    project,
    table: Table,
    mapping: dict[str, str] | list[str] | None = None,
    create_missing_categories: bool = False,
) -> Plan:
    """Parse and check every row of `table` against the register as it is now. Writes nothing.

    Each column's meaning is guessed from its header (English, Spanish, Portuguese, French or
    German words, see rapport.lib.columns) or its values; `mapping` ({header: meaning or
    "ignore"}) overrides the guess. `create_missing_categories` plans categories the
    organisation lacks instead of reporting them."""
    mapping = columns.parse_mapping(mapping)
    plan = Plan(columns=[], notes=list(table.notes), sheets=table.sheets, sheet=table.sheet)
    bad = sorted({m for m in mapping.values() if m not in MEANINGS})
    if bad:
        plan.file_problems.append(
            Problem(
                None,
                "",
                f"Unknown column meaning {', '.join(bad)}: use one of {', '.join(MEANINGS)}.",
            )
        )
        return plan
    column_values = {
        index: [cells[index] if index < len(cells) else "" for _, cells in table.rows[:500]]
        for index in range(len(table.header))
    }
    # Map the header to columns.
    index_of: dict[int, str] = {}
    ignored, project_only = [], []
    for index, title in enumerate(table.header):
        key_text = _norm_header(title)
        if not title.strip() and not any(v.strip() for v in column_values[index]):
            continue
        source = "header"
        if key_text in mapping:
            key, source = mapping[key_text], "you"
            if key == "ignore":
                plan.guesses.append(_guess(index, title, "ignore", source))
                ignored.append(title)
                continue
        else:
            key = _HEADER_KEYS.get(key_text)
        if key is None:
            key = _guess_from_values(column_values[index])
            source = "values"
        if (
            key == "kind"
            and source != "you"
            and _values_are(column_values[index], columns.RELATIONSHIP_WORDS)
        ):
            # "Type: Internal/External" says the relationship, not person or group.
            key = "relationship"
            plan.notes.append(
                f"The {title} column holds Internal/External: read as Internal/External."
            )
        if key is None:
            plan.guesses.append(_guess(index, title or "(no header)", "ignore", "unknown"))
            ignored.append(title or f"column {_column_letter(index)}")
            continue
        column = BY_KEY[key]
        if key in index_of.values():
            plan.file_problems.append(
                Problem(1, title, f"Two columns mean {column.header}; keep one.")
            )
            continue
        if column.scope == "derived":
            plan.guesses.append(_guess(index, title, "ignore", "derived"))
            continue
        if column.scope == "project" and project is None:
            project_only.append(title)
            plan.guesses.append(_guess(index, title, key, "project-only"))
            continue
        if source == "values":
            plan.notes.append(
                f"The column “{title or _column_letter(index)}” was read as {column.header} "
                "from its values."
            )
        plan.guesses.append(_guess(index, title, key, source))
        index_of[index] = key
    mapping_by_index = index_of
    plan.columns = [BY_KEY[k].header for k in mapping_by_index.values()]
    if ignored:
        plan.notes.append(f"Columns Rapport does not know were ignored: {', '.join(ignored)}.")
    if project_only:
        plan.notes.append(
            f"Project columns ({', '.join(project_only)}) are ignored in the organisation's register; "
            "import on a project's Customers page to set them."
        )
    if "name" not in mapping_by_index.values():
        plan.file_problems.append(
            Problem(
                1,
                "Name",
                "No Name column: the first row must name the columns, one of them Name (or Stakeholder).",
            )
        )
        return plan
    if not table.rows:
        plan.file_problems.append(Problem(None, "", "The file has a header but no rows to import."))
        return plan
    mapping = mapping_by_index

    # The register as it is now, in a constant number of queries.
    parties = {p.pk: p for p in Party.objects.filter(org=org)}
    by_key = {_ref_key(p.name, p.organisation): p for p in parties.values()}
    names: dict[str, list[Party]] = {}
    for p in parties.values():
        names.setdefault(p.name.lower(), []).append(p)
    party_categories: dict[int, set[int]] = {}
    for party_id, category_id in Party.categories.through.objects.filter(
        party__org=org
    ).values_list("party_id", "category_id"):
        party_categories.setdefault(party_id, set()).add(category_id)
    categories = {c.name.lower(): c for c in Category.objects.filter(org=org)}
    stakeholders = (
        {s.party_id: s for s in ProjectStakeholder.objects.filter(project=project)}
        if project
        else {}
    )

    seen_targets: dict[object, int] = {}
    header_of = {key: table.header[i] or _column_letter(i) for i, key in mapping.items()}
    levels_used: dict[str, int] = {}
    width = len(table.header)
    for number, cells in table.rows:
        row = RowPlan(number=number)
        values = {}
        for i, key in mapping.items():
            value = cells[i] if i < len(cells) else ""
            if columns.is_empty(value):
                value = ""  # "N/A", "-", "none": nothing, never a name or an organisation
            elif key in ("power", "interest") and columns.level_value(value) is not None:
                levels_used[value.strip()] = columns.level_value(value)
                value = str(columns.level_value(value))
            elif key == "relationship" and columns.relationship_value(value):
                value = columns.relationship_value(value)  # Interno, Externe, Intern ...
            elif key == "kind" and columns.norm(value) in columns.KIND_WORDS:
                value = columns.KIND_WORDS[columns.norm(value)]
            values[key] = value
        for i in range(width, len(cells)):
            if cells[i].strip() and not columns.is_empty(cells[i]):
                row.problems.append(
                    Problem(
                        number,
                        f"Column {_column_letter(i)}",
                        f"This row has a value beyond the header's last column "
                        f"({_column_letter(width - 1)}); give the column a header or remove it.",
                        cells[i][:200],
                    )
                )
                break
        _parse_row(row, values, header_of, categories, project, plan, create_missing_categories)
        # Which party is this row about?
        target = None
        if row.party_fields.get("id") is not None:
            target = parties.get(row.party_fields["id"])
            if target is None:
                row.problems.append(
                    Problem(
                        number,
                        header_of["id"],
                        "No party with this ID in the register; leave ID blank to add a new one.",
                        values["id"],
                    )
                )
        elif row.name:
            target = by_key.get(_ref_key(row.name, row.party_fields.get("organisation", "")))
        row.party_fields.pop("id", None)
        row.party = target
        identity = (
            ("party", target.pk)
            if target
            else ("new",) + _ref_key(row.name, row.party_fields.get("organisation", ""))
        )
        if row.name and identity in seen_targets:
            row.problems.append(
                Problem(
                    number,
                    header_of["name"],
                    f"Row {seen_targets[identity]} is about the same party; merge the two rows.",
                    row.name,
                )
            )
        elif row.name:
            seen_targets[identity] = number
        if target is not None and project is not None:
            row.stakeholder = stakeholders.get(target.pk)
        plan.rows.append(row)

    if levels_used:
        shown = sorted(levels_used.items(), key=lambda item: (-item[1], item[0].lower()))
        plan.notes.append(
            "Power and interest written as words were read as numbers: "
            + ", ".join(f"{word} → {number}" for word, number in shown)
            + "."
        )
    if plan.categories_to_create:
        plan.notes.append(
            "New categories will be added to the organisation's list: "
            + ", ".join(plan.categories_to_create)
            + "."
        )
    _resolve_links(plan, parties, names, header_of)
    _decide_actions(plan, party_categories, project)
    return plan


def _column_letter(index: int) -> str:
    letters, number = "", index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _guess(index: int, header: str, meaning: str, source: str) -> dict:
    return {
        "index": index,
        "column": _column_letter(index),
        "header": header,
        "meaning": meaning,
        "meaning_label": MEANINGS.get(meaning, meaning),
        "source": source,
    }


def _parse_row(
    row: RowPlan,
    values: dict,
    header_of: dict,
    categories: dict,
    project,
    plan: Plan | None = None,
    create_missing_categories: bool = False,
) -> None:
    number = row.number

    def problem(key, message):
        row.problems.append(Problem(number, header_of[key], message, values.get(key, "")[:200]))

    cleaned = {key: rules.clean_cell(value) for key, value in values.items()}
    for key, value in cleaned.items():
        if len(value) > MAX_CELL_CHARS:
            problem(
                key,
                f"This cell has {len(value):,} characters; at most {MAX_CELL_CHARS:,} are kept.",
            )
            cleaned[key] = ""
    text_limits = {
        f.name: f.max_length for f in Party._meta.fields if getattr(f, "max_length", None)
    }
    for key in SINGLE_LINE:
        if has_control_characters(cleaned.get(key, "")):
            problem(
                key,
                f"{BY_KEY[key].header} is one line, but this cell has line breaks or other "
                "control characters in it (a quote left open in the file?).",
            )
            cleaned.pop(key)
    for key, value in cleaned.items():
        column = BY_KEY[key]
        try:
            if key == "id":
                if value:
                    if not value.isdigit():
                        raise ValueError(f"“{value}” is not an ID (a whole number)")
                    row.party_fields["id"] = int(value)
                else:
                    row.party_fields["id"] = None
            elif key == "name":
                if not value:
                    raise ValueError("A name is required (a person or a group)")
                row.name = value
                row.party_fields["name"] = value
            elif key == "kind":
                row.party_fields["kind"] = rules.parse_choice(value, rules.KINDS) or "person"
            elif key == "relationship":
                row.party_fields["relationship"] = (
                    rules.parse_choice(value, rules.RELATIONSHIPS) or "internal"
                )
            elif key == "payment":
                row.party_fields["payment"] = (
                    rules.parse_choice(value, rules.PAYMENTS, rules.PAYMENT_ALIASES) or "none"
                )
            elif key == "email":
                if value:
                    validate_email(value)
                row.party_fields["email"] = value
            elif key == "categories":
                found, unknown = [], []
                for name in rules.split_list(value):
                    category = categories.get(name.lower())
                    (found if category else unknown).append(category or name)
                if unknown and create_missing_categories and plan is not None:
                    for name in unknown:
                        if name.lower() not in {c.lower() for c in plan.categories_to_create}:
                            plan.categories_to_create.append(name)
                    found += [NewCategory(name) for name in unknown]
                    unknown = []
                if unknown:
                    raise ValueError(
                        f"Unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join('“' + u + '”' for u in unknown)}; "
                        "use names from the organisation's category list (owners can add new ones)"
                    )
                row.categories = found
            elif key in ("reports_to", "represents"):
                row.links[key] = value
            elif key == "roles":
                roles, customer = rules.parse_roles(value)
                row.stakeholder_fields["roles"] = roles
                if customer:
                    row.stakeholder_fields.setdefault("is_customer", True)
            elif key in ("is_customer", "nervous"):
                row.stakeholder_fields[key] = rules.parse_bool(value)
            elif key in ("power", "interest"):
                row.stakeholder_fields[key] = rules.parse_scale(value)
            elif key == "attitude":
                row.stakeholder_fields[key] = rules.parse_choice(
                    value, rules.ATTITUDES, rules.ATTITUDE_ALIASES
                )
            elif key in ("engagement_now", "engagement_needed"):
                row.stakeholder_fields[key] = rules.parse_choice(value, rules.ENGAGEMENT)
            elif column.scope == "project":
                row.stakeholder_fields[key] = value
            else:
                limit = text_limits.get(key)
                if limit and len(value) > limit:
                    raise ValueError(f"At most {limit} characters ({len(value)} given)")
                row.party_fields[key] = value
        except ValidationError as error:
            problem(key, " ".join(error.messages))
        except ValueError as error:
            message = str(error)
            problem(key, message[0].upper() + message[1:] + ("" if message.endswith(".") else "."))
    if len(row.name) > text_limits["name"]:
        problem("name", f"At most {text_limits['name']} characters ({len(row.name)} given).")
    if row.party_fields.get("payment") == "cash_trade" and not cleaned.get("relationship"):
        # Paying cash or in trade is what makes a customer external (no column, or a blank cell).
        row.party_fields["relationship"] = "external"
    payment_problem = rules.payment_problem(
        row.party_fields.get("relationship", ""), row.party_fields.get("payment", "")
    )
    if payment_problem:
        problem("payment", payment_problem)


def _resolve_links(plan: Plan, parties: dict, names: dict, header_of: dict) -> None:
    """Turn 'Reports to' and 'Represents' names into parties of the register or rows of the file,
    refusing unknown or ambiguous names and loops."""
    file_names: dict[str, list[RowPlan]] = {}
    for row in plan.rows:
        if row.name:
            file_names.setdefault(row.name.lower(), []).append(row)

    def resolve(text: str):
        match = _REF_WITH_ORG.match(text)
        candidates = []
        if match:
            key = _ref_key(match["name"], match["org"])
            candidates = [
                ("party", p) for p in parties.values() if _ref_key(p.name, p.organisation) == key
            ]
            candidates += [
                ("row", r)
                for r in file_names.get(key[0], [])
                if r.party_fields.get("organisation", "").lower() == key[1]
            ]
        if not candidates:
            candidates = [("party", p) for p in names.get(text.lower(), [])]
            candidates += [("row", r) for r in file_names.get(text.lower(), [])]
        # A row updating a party of the register and that party are one and the same.
        unique, seen = [], set()
        for kind, obj in candidates:
            ident = (
                ("party", obj.pk)
                if kind == "party"
                else (("party", obj.party.pk) if obj.party else ("row", obj.number))
            )
            if ident not in seen:
                seen.add(ident)
                unique.append((kind, obj))
        return unique

    for row in plan.rows:
        for key, text in list(row.links.items()):
            if not text:
                row.links[key] = None
                continue
            found = resolve(text)
            column = header_of[key]
            if not found:
                row.problems.append(
                    Problem(
                        row.number,
                        column,
                        f"No party called “{text}” in the register or this file.",
                        text,
                    )
                )
                row.links[key] = None
            elif len(found) > 1:
                row.problems.append(
                    Problem(
                        row.number,
                        column,
                        f"Several parties are called “{text}”; write it as “Name (Organisation)”.",
                        text,
                    )
                )
                row.links[key] = None
            else:
                kind, obj = found[0]
                if (kind == "row" and obj is row) or (
                    kind == "party" and row.party and obj.pk == row.party.pk
                ):
                    row.problems.append(
                        Problem(row.number, column, "A party cannot point to itself.", text)
                    )
                    row.links[key] = None
                else:
                    row.links[key] = obj

    # Loops across the register and the file together (A reports to B reports to A).
    for key in ("reports_to", "represents"):
        parent: dict = {}
        for p in parties.values():
            parent[("party", p.pk)] = (
                ("party", getattr(p, f"{key}_id")) if getattr(p, f"{key}_id") else None
            )

        def ident(obj):
            if isinstance(obj, RowPlan):
                return ("party", obj.party.pk) if obj.party else ("row", obj.number)
            return ("party", obj.pk)

        for row in plan.rows:
            if key in row.links:
                parent[ident(row)] = ident(row.links[key]) if row.links[key] is not None else None
        for row in plan.rows:
            if row.links.get(key) is None:
                continue
            start, seen, current = ident(row), set(), parent.get(ident(row))
            while current is not None and current not in seen:
                if current == start:
                    row.problems.append(
                        Problem(
                            row.number,
                            header_of[key],
                            "This makes a loop: the chain comes back to this party.",
                            row.links[key].name
                            if isinstance(row.links[key], RowPlan)
                            else row.links[key].name,
                        )
                    )
                    break
                seen.add(current)
                current = parent.get(current)


def _link_target_valid(obj) -> bool:
    return not isinstance(obj, RowPlan) or obj.valid


def _decide_actions(plan: Plan, party_categories: dict, project) -> None:
    for row in plan.rows:
        if row.party is None:
            row.action = "create"
            continue
        party = row.party
        changed = any(getattr(party, k) != v for k, v in row.party_fields.items())
        if row.categories is not None:
            changed |= {c.pk for c in row.categories} != party_categories.get(party.pk, set())
        for key, target in row.links.items():
            target_id = None
            if isinstance(target, RowPlan):
                target_id = target.party.pk if target.party else -1
            elif target is not None:
                target_id = target.pk
            changed |= getattr(party, f"{key}_id") != target_id
        if project is not None:
            stakeholder = row.stakeholder
            if stakeholder is None:
                changed = True
            else:
                changed |= any(
                    getattr(stakeholder, k) != v for k, v in row.stakeholder_fields.items()
                )
        row.action = "update" if changed else "unchanged"


def valid_only(plan: Plan) -> list[RowPlan]:
    """The rows that can be imported on their own: valid, and not pointing to a row that is not."""
    rows = plan.valid_rows
    changed = True
    excluded: set[int] = set()
    while changed:
        changed = False
        for row in rows:
            if row.number in excluded:
                continue
            for target in row.links.values():
                if isinstance(target, RowPlan) and (not target.valid or target.number in excluded):
                    excluded.add(row.number)
                    changed = True
    return [r for r in rows if r.number not in excluded]


# --- applying -------------------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, message: str, plan: Plan):
        super().__init__(message)
        self.plan = plan


def apply_import(*, actor, org, project, plan: Plan, only_valid: bool = False) -> dict:
    """Write the planned rows, all in one transaction: every row when the whole file is valid, or
    (only_valid) just the rows that are. Returns the counts.

    New parties and stakeholders, the bulk of a big file, are prepared with their history before
    the transaction and only inserted inside it (`rapport.lib.bulk_insert`): on SQLite a
    3,000-row file holds the write lock for milliseconds, not seconds."""
    if plan.file_problems:
        raise ImportRefused(
            "The file cannot be imported: " + " ".join(p.message for p in plan.file_problems), plan
        )
    if only_valid:
        rows = valid_only(plan)
        if not rows:
            raise ImportRefused("No row is valid: nothing to import.", plan)
    else:
        if not plan.is_valid:
            raise ImportRefused(
                f"The file has {len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''}; nothing was imported. "
                "Fix them, or import only the valid rows.",
                plan,
            )
        rows = plan.rows
    result = {"created": 0, "updated": 0, "unchanged": 0, "skipped": len(plan.rows) - len(rows)}
    inserts = PreparedInserts()
    new = [r for r in rows if r.action != "unchanged" and r.party is None]
    joining = [
        r for r in rows if r.action != "unchanged" and project is not None and r.stakeholder is None
    ]
    joining_numbers = {r.number for r in joining}
    row = None
    try:
        # New parties, linked to each other or to parties already in the register.
        index_of = {r.number: i for i, r in enumerate(new)}
        specs = []
        for row in new:
            spec = {**row.party_fields, "categories": row.categories}
            for key, target in row.links.items():
                if isinstance(target, RowPlan) and target.number in index_of:
                    spec[key] = index_of[target.number]
                elif isinstance(target, RowPlan):
                    spec[key] = target.party
                else:
                    spec[key] = target
            specs.append(spec)
        row = None
        made = services.parties_prepare_many(actor=actor, org=org, parties=specs, inserts=inserts)
        for row, party in zip(new, made, strict=True):
            row.party = party
        row = None
        if joining:  # new stakeholders of the project
            made = services.stakeholders_prepare_many(
                actor=actor,
                project=project,
                rows=[(r.party, r.stakeholder_fields) for r in joining],
                inserts=inserts,
            )
            for row, stakeholder in zip(joining, made, strict=True):
                row.stakeholder = stakeholder
        row = None
        with transaction.atomic():
            _create_categories(actor, org, rows)
            try:
                with transaction.atomic():
                    inserts.run()
            except IntegrityError:
                row = _first_already_in_register(org, new)
                raise
            services.party_categories_link_many(
                [(r.party, r.categories) for r in new if r.categories]
            )
            # Then the changes to parties already in the register, one by one.
            for row in rows:
                if row.action == "unchanged" or row.number in index_of:
                    continue
                if row.party_fields or row.categories is not None:
                    row.party = services.party_update(
                        actor=actor, party=row.party, categories=row.categories, **row.party_fields
                    )
                links = {}
                for key, target in row.links.items():
                    links[key] = target.party if isinstance(target, RowPlan) else target
                if links and any(
                    getattr(row.party, f"{k}_id") != (v.pk if v else None) for k, v in links.items()
                ):
                    row.party = services.party_update(actor=actor, party=row.party, **links)
                if (
                    project is not None
                    and row.stakeholder_fields
                    and row.number not in joining_numbers
                ):
                    row.stakeholder.project = project
                    services.stakeholder_update(
                        actor=actor, stakeholder=row.stakeholder, **row.stakeholder_fields
                    )
    except ValidationError as error:
        # The plan was checked, so this is a race with another change: refuse the whole file.
        messages = "; ".join(error.messages)
        where = f"Row {row.number}: " if row is not None else ""
        raise ImportRefused(
            f"{where}{messages}. Nothing was imported; preview the file again.", plan
        ) from None
    except IntegrityError:
        # Someone added the same party (or put it on the project) while the file was written.
        if row is not None:
            where = f" of {row.party_fields.get('organisation')}" * bool(
                row.party_fields.get("organisation")
            )
            message = f"Row {row.number}: {row.party_fields.get('name')}{where} is in the register already"
        else:
            message = "The register changed while this file was being imported"
        raise ImportRefused(
            f"{message}. Nothing was imported; preview the file again.", plan
        ) from None
    for row in rows:
        if row.action != "unchanged":
            result["created" if row.action == "create" else "updated"] += 1
    result["unchanged"] = sum(1 for r in rows if r.action == "unchanged")
    return result


def _create_categories(actor, org, rows: list[RowPlan]) -> None:
    """Add the categories the rows name and the organisation lacks, and point the rows at them."""
    made: dict[str, Category] = {}
    for row in rows:
        if not row.categories:
            continue
        for index, category in enumerate(row.categories):
            if isinstance(category, NewCategory):
                key = category.name.lower()
                if key not in made:
                    made[key] = Category.objects.filter(org=org, name__iexact=category.name).first()
                    if made[key] is None:
                        made[key] = services.category_create(
                            actor=actor, org=org, name=category.name
                        )
                row.categories[index] = made[key]


def _first_already_in_register(org, rows: list[RowPlan]) -> RowPlan | None:
    """The first of the new rows whose party someone added to the register meanwhile."""
    taken = set(
        Party.objects.filter(org=org)
        .annotate(n=Lower("name"), o=Lower("organisation"))
        .filter(n__in={(r.party_fields.get("name") or "").lower() for r in rows})
        .values_list("n", "o")
    )
    for row in rows:
        key = (
            (row.party_fields.get("name") or "").lower(),
            (row.party_fields.get("organisation") or "").lower(),
        )
        if key in taken:
            return row
    return None


# --- exporting ------------------------------------------------------------------------------------


def export_rows(*, org, project) -> tuple[list[str], list[list]]:
    """The header and rows of the register (or of a project's stakeholders) in import columns."""
    columns = columns_for(project)
    all_parties = list(Party.objects.filter(org=org).only("pk", "name", "organisation"))
    counts: dict[str, int] = {}
    for p in all_parties:
        counts[p.name.lower()] = counts.get(p.name.lower(), 0) + 1
    ambiguous = {n for n, c in counts.items() if c > 1}
    by_id = {p.pk: p for p in all_parties}

    def party_row(p: Party) -> dict:
        return {
            "id": p.pk,
            "name": p.name,
            "kind": p.get_kind_display(),
            "organisation": p.organisation,
            "department": p.department,
            "title": p.title,
            "email": p.email,
            "phone": p.phone,
            "relationship": p.get_relationship_display(),
            "payment": p.get_payment_display(),
            "categories": "; ".join(c.name for c in p.categories.all()),
            "reports_to": reference_text(by_id[p.reports_to_id], ambiguous)
            if p.reports_to_id in by_id
            else "",
            "represents": reference_text(by_id[p.represents_id], ambiguous)
            if p.represents_id in by_id
            else "",
            "notes": p.notes,
        }

    rows = []
    if project is None:
        for p in Party.objects.filter(org=org).prefetch_related("categories"):
            values = party_row(p)
            rows.append([values.get(c.key, "") for c in columns])
    else:
        for s in (
            ProjectStakeholder.objects.filter(project=project)
            .select_related("party")
            .prefetch_related("party__categories")
        ):
            values = party_row(s.party)
            values.update(
                {
                    "roles": "; ".join(s.role_labels),
                    "is_customer": "Yes" if s.is_customer else "No",
                    "benefits": s.benefits,
                    "weighs_in_on": s.weighs_in_on,
                    "power": s.power if s.power is not None else "",
                    "interest": s.interest if s.interest is not None else "",
                    "strategy": s.strategy
                    if s.power is not None and s.interest is not None
                    else "",
                    "attitude": s.get_attitude_display() if s.attitude else "",
                    "nervous": "Yes" if s.nervous else "No",
                    "concerns": s.concerns,
                    "engagement_now": s.get_engagement_now_display() if s.engagement_now else "",
                    "engagement_needed": s.get_engagement_needed_display()
                    if s.engagement_needed
                    else "",
                    "expectations": s.expectations,
                }
            )
            rows.append([values.get(c.key, "") for c in columns])
    return [c.header for c in columns], rows


def export_file(*, org, project, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the register export in CSV or XLSX."""
    header, rows = export_rows(org=org, project=project)
    stem = f"{org.slug}-{project.code.lower()}-stakeholders" if project else f"{org.slug}-register"
    if fmt == "xlsx":
        from .spreadsheets import XLSX_CONTENT_TYPE

        title = "Stakeholders" if project else "Register"
        return write_xlsx(header, rows, title=title), XLSX_CONTENT_TYPE, f"{stem}.xlsx"
    if fmt == "csv":
        from .spreadsheets import CSV_CONTENT_TYPE

        return write_csv(header, rows), CSV_CONTENT_TYPE, f"{stem}.csv"
    raise ValueError(f"Unknown export format {fmt!r}: use csv or xlsx.")
