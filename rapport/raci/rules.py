"""RACI validation: who is Responsible, Accountable, Consulted and Informed. Pure logic, no database.

Plain data in (activities, parties, assignments, outcomes), findings out. Models, pages, the API
and the CLI all call :func:`raci_check`, so each finding has a stable kebab-case ``code``, a
``severity`` and a message a project manager can act on (it names the activity and the party).

Input that cannot describe a RACI matrix at all is a programming or import error, not a finding,
and raises ``ValueError``: an assignment naming an unknown activity or party, a letter that is not
one of R, A, C, I, two activities or two parties with the same id, and one (activity, party) cell
given two different letters. A cell holds one letter; "A/R" is written as an A on an activity
marked ``accountable_does_work``. The same cell repeated with the same letter is harmless and
counted once.

Every check is one pass over the cells plus one pass over the activities, the parties and the
outcomes: the time grows with ``activities + parties + assignments``, never with their product.
The checks run on a compact form (per activity, a dict of party id to letter; see
:func:`raci_check_rows`), which a loaded matrix already is, so no object is built per cell.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LETTERS = ("R", "A", "C", "I")
LETTER_NAMES = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}
KINDS = ("task", "milestone", "decision", "deliverable")
# Kinds a key customer expects to hear about.
KEY_KINDS = frozenset({"milestone", "decision"})
SEVERITIES = ("error", "warning", "info")

# The stable codes, in the order a reader meets them.
CODES = (
    "no-accountable",
    "multiple-accountable",
    "no-responsible",
    "accountable-is-group",
    "too-many-consulted",
    "signed-off-without-input",
    "overloaded",
    "customer-not-in-raci",
    "key-customer-not-informed",
    "outcome-not-served",
)


@dataclass(frozen=True)
class Activity:
    """A row of the matrix: a task, milestone, decision or deliverable.

    ``accountable_does_work`` says the Accountable person also does the work (an "A/R" cell), so
    the activity needs no separate Responsible. ``outcome_ids`` are the customer outcomes it serves.
    ``signed_off`` says it is done (accepted); ``input_from`` are the ids of the parties whose
    input on it is recorded (a Consulted party gives input before sign-off).
    """

    id: Hashable
    name: str
    kind: str
    is_open: bool
    accountable_does_work: bool = False
    outcome_ids: tuple = ()
    signed_off: bool = False
    input_from: frozenset = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"Activity {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}"
            )
        # Accept any iterable of ids but keep the dataclass hashable and immutable.
        object.__setattr__(self, "outcome_ids", tuple(self.outcome_ids))
        object.__setattr__(self, "input_from", frozenset(self.input_from))


@dataclass(frozen=True)
class Party:
    """A column of the matrix: one person or a group (team, department, committee).

    ``power`` and ``interest`` are the stakeholder-register scores on a 1-5 scale, or None when
    not yet assessed.
    """

    id: Hashable
    name: str
    is_group: bool
    is_customer: bool = False
    power: int | None = None
    interest: int | None = None

    def __post_init__(self) -> None:
        for label, score in (("power", self.power), ("interest", self.interest)):
            if score is not None and not (isinstance(score, int) and 1 <= score <= 5):
                raise ValueError(f"Party {self.name!r}: {label} {score!r} is not between 1 and 5")


@dataclass(frozen=True)
class Assignment:
    """One cell of the matrix: ``party_id`` holds ``letter`` (R, A, C or I) on ``activity_id``."""

    activity_id: Hashable
    party_id: Hashable
    letter: str

    def __post_init__(self) -> None:
        _check_letter(self.letter, self.activity_id, self.party_id)


@dataclass(frozen=True)
class Outcome:
    """A customer outcome that activities serve (measurable target agreed with a customer)."""

    id: Hashable
    name: str


@dataclass(frozen=True)
class Thresholds:
    """The project's limits for the warnings.

    ``max_consulted``: more Consulted than this on one activity is too many voices.
    ``overload_share``: a person Responsible or Accountable for more than this share of the open
    activities is overloaded. ``key_level``: power or interest at or above it (1-5) makes a
    customer a key customer.
    """

    max_consulted: int = 5
    overload_share: float = 0.3
    key_level: int = 4

    def __post_init__(self) -> None:
        if self.max_consulted < 0:
            raise ValueError(f"max_consulted must be 0 or more, not {self.max_consulted!r}")
        if not 0 < self.overload_share <= 1:
            raise ValueError(
                f"overload_share must be above 0 and at most 1, not {self.overload_share!r}"
            )
        if not 1 <= self.key_level <= 5:
            raise ValueError(f"key_level must be between 1 and 5, not {self.key_level!r}")


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth a look) in the matrix.

    The ids let a page link to the activity, party or outcome; the names are kept so that
    :meth:`to_dict` (what the API and CLI print) needs no lookup.
    """

    code: str
    severity: str
    message: str
    activity_id: Hashable | None = None
    party_id: Hashable | None = None
    outcome_id: Hashable | None = None
    activity_name: str | None = None
    party_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data: code, severity, activity, party (names), message."""
        return {
            "code": self.code,
            "severity": self.severity,
            "activity": self.activity_name,
            "party": self.party_name,
            "message": self.message,
        }


def raci_check(
    activities: Iterable[Activity],
    parties: Iterable[Party],
    assignments: Iterable[Assignment],
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so a shared default is safe
    outcomes: Iterable[Outcome] = (),
) -> list[Finding]:
    """Check a RACI matrix and return its findings, errors first, then in activity and party order.

    Codes: ``no-accountable`` and ``multiple-accountable`` (errors); ``no-responsible``,
    ``accountable-is-group``, ``too-many-consulted``, ``signed-off-without-input``, ``overloaded``,
    ``customer-not-in-raci``,
    ``key-customer-not-informed`` and ``outcome-not-served`` (warnings).

    Raises ``ValueError`` for input that is not a matrix (see the module docstring). When
    ``outcomes`` is given, an activity naming an outcome id not in it is such an error too.
    The order of ``assignments`` never changes the result. Runs in time linear in the number of
    activities, parties, assignments and outcomes.

    The cells are folded into the compact form :func:`raci_check_rows` works on (per activity, a
    dict of party id to letter); callers that already hold that form call it directly.
    """
    activities = tuple(activities)
    parties = tuple(parties)
    outcomes = tuple(outcomes)
    activity_index = _index(activities, "activity")
    party_index = _index(parties, "party")
    _index(outcomes, "outcome")

    letters: dict[Hashable, dict[Hashable, str]] = {}
    for cell in assignments:
        row = letters.get(cell.activity_id)
        if row is None:
            if cell.activity_id not in activity_index:
                raise ValueError(
                    f"An assignment names activity {cell.activity_id!r}, which is not in the matrix"
                )
            row = letters[cell.activity_id] = {}
        previous = row.get(cell.party_id)
        if previous is None:
            if cell.party_id not in party_index:
                raise ValueError(
                    f"An assignment names party {cell.party_id!r}, which is not in the matrix"
                )
            activity = activities[activity_index[cell.activity_id]]
            party = parties[party_index[cell.party_id]]
            _check_letter(cell.letter, activity.name, party.name)
            row[cell.party_id] = cell.letter
        elif previous != cell.letter:
            activity = activities[activity_index[cell.activity_id]]
            party = parties[party_index[cell.party_id]]
            _check_letter(cell.letter, activity.name, party.name)
            raise ValueError(
                f"'{party.name}' is given both {previous} and {cell.letter} on '{activity.name}': "
                "one letter per person and activity"
            )
        # The same cell twice with the same letter: counted once.
    inputs = {activity.id: activity.input_from for activity in activities if activity.input_from}
    return raci_check_rows(
        activities,
        parties,
        letters,
        thresholds,
        [(outcome.id, outcome.name) for outcome in outcomes],
        inputs,
    )


def raci_check_rows(
    activities: Sequence[Any],
    parties: Sequence[Any],
    letters: Mapping[Hashable, Mapping[Hashable, str]],
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so a shared default is safe
    outcomes: Sequence[tuple[Hashable, str]] = (),
    inputs: Mapping[Hashable, Collection[Hashable]] | None = None,
) -> list[Finding]:
    """The checks of :func:`raci_check` on the compact form a loaded matrix already has.

    ``activities`` and ``parties`` are rows in matrix order with the attributes of
    :class:`Activity` (but ``input_from``) and :class:`Party`; ``letters`` maps an activity id to
    its row, ``{party id: letter}`` (so a cell can hold only one letter); ``outcomes`` are
    ``(id, name)`` pairs in order; ``inputs`` maps an activity id to the ids of the parties whose
    input on it is recorded. No object is built per cell: each cell costs one dict step and a
    letter comparison, and the findings come out already in order, so nothing is sorted but the
    few owners or party findings of one activity. Unknown ids, letters and kinds raise
    ``ValueError`` as in :func:`raci_check`; power and interest are taken as already checked (by
    :class:`Party` or the register's validators).
    """
    inputs = inputs or {}
    party_position: dict[Hashable, int] = {}
    for position, party in enumerate(parties):
        if party.id in party_position:
            raise ValueError(f"Two party entries have the id {party.id!r} ({party.name!r})")
        party_position[party.id] = position
    outcome_position: dict[Hashable, int] = {}
    for position, (outcome_id, outcome_name) in enumerate(outcomes):
        if outcome_id in outcome_position:
            raise ValueError(f"Two outcome entries have the id {outcome_id!r} ({outcome_name!r})")
        outcome_position[outcome_id] = position
    seen_activities: set[Hashable] = set()
    max_consulted = thresholds.max_consulted

    errors: list[Finding] = []
    row_warnings: list[Finding] = []
    in_matrix: set[Hashable] = set()  # ids of the parties holding any letter
    on_key_activity: set[Hashable] = set()  # ... any letter on a milestone or decision
    open_load: dict[Hashable, int] = {}  # party id -> open activities it is R or A on
    open_total = 0
    has_key_activity = False
    served: set[Hashable] = set()
    for activity in activities:
        activity_id = activity.id
        if activity_id in seen_activities:
            raise ValueError(
                f"Two activity entries have the id {activity_id!r} ({activity.name!r})"
            )
        seen_activities.add(activity_id)
        kind = activity.kind
        if kind not in KINDS:
            raise ValueError(
                f"Activity {activity.name!r}: kind {kind!r} is not one of {', '.join(KINDS)}"
            )
        if kind in KEY_KINDS:
            has_key_activity = True
        if outcome_position:
            served.update(activity.outcome_ids)
        is_open = activity.is_open
        if is_open:
            open_total += 1

        owners: list[Hashable] = []
        responsible = consulted = 0
        without_input: list[Hashable] = []
        row = letters.get(activity_id)
        if row:
            in_matrix.update(row)
            if kind in KEY_KINDS:
                on_key_activity.update(row)
            signed_off = activity.signed_off
            given = inputs.get(activity_id, ())
            for party_id, letter in row.items():
                if letter == "I":
                    continue
                if letter == "C":
                    consulted += 1
                    if signed_off and party_id not in given:
                        without_input.append(party_id)
                    continue
                if letter == "R":
                    responsible += 1
                elif letter == "A":
                    owners.append(party_id)
                else:
                    _check_letter(letter, activity.name, party_id)
                if is_open:
                    open_load[party_id] = open_load.get(party_id, 0) + 1
            if len(owners) > 1:
                # By column, so the message does not depend on the order the cells arrived in.
                owners.sort(key=lambda party_id: party_position.get(party_id, -1))

        name = activity.name
        if not owners:
            errors.append(
                _activity_finding(
                    "no-accountable",
                    "error",
                    f"Nobody is Accountable for '{name}': choose the one person who "
                    "owns it and signs it off.",
                    activity,
                )
            )
        elif len(owners) > 1:
            owner_names = _and_list(_party_at(parties, party_position, p).name for p in owners)
            errors.append(
                _activity_finding(
                    "multiple-accountable",
                    "error",
                    f"'{name}' has {len(owners)} Accountable ({owner_names}): keep exactly one "
                    "owner and make the others Responsible or Consulted.",
                    activity,
                )
            )
        if not responsible and not (owners and activity.accountable_does_work):
            row_warnings.append(
                _activity_finding(
                    "no-responsible",
                    "warning",
                    f"Nobody is Responsible for doing '{name}': assign someone, or mark "
                    "that the Accountable person does the work.",
                    activity,
                )
            )
        if consulted > max_consulted:
            row_warnings.append(
                _activity_finding(
                    "too-many-consulted",
                    "warning",
                    f"'{name}' has {consulted} parties Consulted, more than the limit of "
                    f"{max_consulted}: every one of them slows the decision; make some "
                    "of them Informed.",
                    activity,
                )
            )
        # Findings about one party on this row, by column. A party holds one letter per row, so
        # it is either an Accountable group or a Consulted party without input, never both.
        party_findings: list[tuple[int, Finding]] = []
        for owner_id in owners:
            owner = _party_at(parties, party_position, owner_id)
            if owner.is_group:
                party_findings.append(
                    (
                        party_position[owner_id],
                        _finding(
                            "accountable-is-group",
                            "warning",
                            f"'{owner.name}' is Accountable for '{name}' but is a group: "
                            "name the one person in it who signs it off.",
                            activity=activity,
                            party=owner,
                        ),
                    )
                )
        for party_id in without_input:
            party = _party_at(parties, party_position, party_id)
            party_findings.append(
                (
                    party_position[party_id],
                    _finding(
                        "signed-off-without-input",
                        "warning",
                        f"'{name}' was signed off without input from '{party.name}', who is "
                        "Consulted: record their input (when and what), or ask for it now.",
                        activity=activity,
                        party=party,
                    ),
                )
            )
        if len(party_findings) > 1:
            party_findings.sort(key=lambda pair: pair[0])
        row_warnings += [finding for _, finding in party_findings]

    unknown = in_matrix - party_position.keys()
    if unknown:
        raise ValueError(
            f"An assignment names party {min(unknown, key=repr)!r}, which is not in the matrix"
        )
    unknown = letters.keys() - seen_activities
    if unknown:
        raise ValueError(
            f"An assignment names activity {min(unknown, key=repr)!r}, which is not in the matrix"
        )
    if outcome_position:
        for activity in activities:
            for outcome_id in activity.outcome_ids:
                if outcome_id not in outcome_position:
                    raise ValueError(
                        f"Activity '{activity.name}' serves outcome {outcome_id!r}, which is not "
                        "among the outcomes given"
                    )

    return (
        errors
        + row_warnings
        + _party_findings(
            parties, in_matrix, on_key_activity, open_load, open_total, has_key_activity, thresholds
        )
        + [
            Finding(
                code="outcome-not-served",
                severity="warning",
                message=f"No activity serves the outcome '{outcome_name}': link the activities "
                "that deliver it, or ask the customer whether it is still wanted.",
                outcome_id=outcome_id,
            )
            for outcome_id, outcome_name in outcomes
            if outcome_id not in served
        ]
    )


PARTY_CODES = frozenset({"overloaded", "customer-not-in-raci", "key-customer-not-informed"})


def raci_recheck_cell(
    activities: Sequence[Any],
    parties: Sequence[Any],
    letters: Mapping[Hashable, Mapping[Hashable, str]],
    findings: Sequence[Finding],
    activity_id: Hashable,
    party_id: Hashable,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, so a shared default is safe
    inputs: Mapping[Hashable, Collection[Hashable]] | None = None,
) -> list[Finding]:
    """The findings after one cell changed, re-checking only what that cell can change.

    ``findings`` are what :func:`raci_check_rows` gave before the change; ``letters`` are the
    letters after it (the other arguments as for :func:`raci_check_rows`, unchanged). A cell can
    change only its activity's findings and its party's own findings (its load, and whether a
    customer is in the RACI and on the milestones and decisions): those are worked out again,
    the rest is kept, and the result is in the order, and equal to, a full check.
    The party must be one of ``parties``.
    """
    inputs = inputs or {}
    activity_index = {activity.id: index for index, activity in enumerate(activities)}
    party_index = {party.id: index for index, party in enumerate(parties)}
    activity = activities[activity_index[activity_id]]
    party = parties[party_index[party_id]]

    # The activity's findings: the checks on a matrix of that one row.
    row = letters.get(activity_id) or {}
    row_findings = [
        finding
        for finding in raci_check_rows(
            [activity], parties, {activity_id: row} if row else {}, thresholds, (), inputs
        )
        if finding.activity_id == activity_id
    ]
    # The party's own findings, from its letters across the whole matrix.
    open_total = load = 0
    held = on_key = has_key_activity = False
    for each in activities:
        key_kind = each.kind in KEY_KINDS
        has_key_activity = has_key_activity or key_kind
        if each.is_open:
            open_total += 1
        letter = (letters.get(each.id) or {}).get(party_id)
        if letter is None:
            continue
        held = True
        on_key = on_key or key_kind
        if each.is_open and letter in ("R", "A"):
            load += 1
    party_own = _party_findings(
        [party],
        {party_id} if held else set(),
        {party_id} if on_key else set(),
        {party_id: load},
        open_total,
        has_key_activity,
        thresholds,
    )

    def place(finding: Finding) -> tuple[int, int]:
        """Where a finding goes: errors, then row warnings, both in activity order; then the
        parties' own findings in column order; then the outcomes' (kept where they were)."""
        if finding.activity_id is not None:
            return (0 if finding.severity == "error" else 1, activity_index[finding.activity_id])
        if finding.code in PARTY_CODES:
            return (2, party_index[finding.party_id])
        return (3, 0)

    kept = [
        finding
        for finding in findings
        if finding.activity_id != activity_id
        and not (finding.activity_id is None and finding.party_id == party_id)
    ]
    result = list(kept)
    places = [place(finding) for finding in kept]
    for finding in [*row_findings, *party_own]:
        where = place(finding)
        # After everything that comes before it or with it (findings of one place keep the
        # order the checks gave them).
        position = bisect.bisect_right(places, where)
        result.insert(position, finding)
        places.insert(position, where)
    return result


def _party_findings(
    parties: Sequence[Any],
    in_matrix: set[Hashable],
    on_key_activity: set[Hashable],
    open_load: dict[Hashable, int],
    open_total: int,
    has_key_activity: bool,
    thresholds: Thresholds,
) -> list[Finding]:
    """Findings about a party alone, in column order: overloaded, then the customer warnings.

    Overloaded: a person (not a group) Responsible or Accountable for too large a share of the open
    work. Every customer appears in the matrix; key customers hear about milestones and decisions.
    A key customer counts as informed when they hold any letter on a milestone or decision: an
    Accountable or Responsible customer is more involved than a Consulted or Informed one. Both
    customer warnings can name the same party: one asks for a place in the matrix, the other for
    a place on the milestones and decisions.
    """
    findings = []
    for party in parties:
        load = open_load.get(party.id, 0)
        if load and open_total and not party.is_group:
            share = load / open_total
            if share > thresholds.overload_share:
                findings.append(
                    _finding(
                        "overloaded",
                        "warning",
                        f"'{party.name}' is Responsible or Accountable for {load} of the "
                        f"{open_total} open activities ({share:.0%}), more than the "
                        f"{thresholds.overload_share:.0%} limit: share the work out.",
                        party=party,
                    )
                )
        if not party.is_customer:
            continue
        if party.id not in in_matrix:
            findings.append(
                _finding(
                    "customer-not-in-raci",
                    "warning",
                    f"Customer '{party.name}' appears nowhere in the RACI: give them at least an "
                    "I on the activities they need to hear about.",
                    party=party,
                )
            )
        key = [
            f"{label} {score}"
            for label, score in (("power", party.power), ("interest", party.interest))
            if score is not None and score >= thresholds.key_level
        ]
        if key and party.id not in on_key_activity:
            where = (
                "make them Consulted or Informed on the milestones and decisions that matter to them, "
                "and check that the communication plan keeps them aware."
                if has_key_activity
                else "the plan has no milestones or decisions yet; until it has, keep them "
                "informed through the communication plan."
            )
            findings.append(
                _finding(
                    "key-customer-not-informed",
                    "warning",
                    f"Key customer '{party.name}' ({', '.join(key)}) is neither Consulted nor "
                    f"Informed on any milestone or decision: {where}",
                    party=party,
                )
            )
    return findings


def _party_at(parties: Sequence[Any], party_position: dict[Hashable, int], party_id: Hashable):
    position = party_position.get(party_id)
    if position is None:
        raise ValueError(f"An assignment names party {party_id!r}, which is not in the matrix")
    return parties[position]


def _activity_finding(code: str, severity: str, message: str, activity: Any) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        activity_id=activity.id,
        activity_name=activity.name,
    )


def _finding(
    code: str,
    severity: str,
    message: str,
    *,
    activity: Activity | None = None,
    party: Party | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        activity_id=None if activity is None else activity.id,
        party_id=None if party is None else party.id,
        activity_name=None if activity is None else activity.name,
        party_name=None if party is None else party.name,
    )


def _index(items: tuple, label: str) -> dict[Hashable, int]:
    """Position of each item by id; two items with one id would make every lookup ambiguous."""
    index: dict[Hashable, int] = {}
    for position, item in enumerate(items):
        if item.id in index:
            raise ValueError(f"Two {label} entries have the id {item.id!r} ({item.name!r})")
        index[item.id] = position
    return index


def _check_letter(letter: object, activity: object, party: object) -> None:
    if letter not in LETTERS:
        raise ValueError(
            f"Letter {letter!r} for {party!r} on {activity!r} is not one of R, A, C, I"
        )


def _and_list(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
