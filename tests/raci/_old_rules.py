"""The RACI checks as they were before issue 12 (object in, object out), kept as a test oracle.

tests/raci/test_raci_rules_compact.py checks that rapport.raci.rules.raci_check, rewritten to run
on a compact representation, returns exactly the findings this implementation returns. The data
classes are imported from rules.py so that findings compare equal.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rapport.raci.rules import (
    CODES,
    KEY_KINDS,
    LETTERS,
    Activity,
    Assignment,
    Finding,
    Outcome,
    Party,
    Thresholds,
)

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def old_raci_check(
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
    """
    activities = tuple(activities)
    parties = tuple(parties)
    outcomes = tuple(outcomes)
    activity_index = _index(activities, "activity")
    party_index = _index(parties, "party")
    outcome_index = _index(outcomes, "outcome")

    # One pass over the cells: everything the checks need, per activity and per party.
    cells: dict[tuple[Hashable, Hashable], str] = {}
    accountables: dict[Hashable, list[Party]] = {}
    responsible_count: dict[Hashable, int] = {}
    consulted_count: dict[Hashable, int] = {}
    no_input: list[tuple[Activity, Party]] = []  # Consulted on a signed-off activity, no input
    open_load: dict[Hashable, int] = {}  # party id -> open activities it is R or A on
    in_matrix: set[Hashable] = set()
    on_key_activity: set[Hashable] = set()  # parties with any letter on a milestone or decision
    for cell in assignments:
        activity_pos = activity_index.get(cell.activity_id)
        if activity_pos is None:
            raise ValueError(
                f"An assignment names activity {cell.activity_id!r}, which is not in the matrix"
            )
        party_pos = party_index.get(cell.party_id)
        if party_pos is None:
            raise ValueError(
                f"An assignment names party {cell.party_id!r}, which is not in the matrix"
            )
        activity = activities[activity_pos]
        party = parties[party_pos]
        _check_letter(cell.letter, activity.name, party.name)
        key = (activity.id, party.id)
        previous = cells.get(key)
        if previous is not None:
            if previous == cell.letter:
                continue  # the same cell twice: counted once
            raise ValueError(
                f"'{party.name}' is given both {previous} and {cell.letter} on '{activity.name}': "
                "one letter per person and activity"
            )
        cells[key] = cell.letter

        in_matrix.add(party.id)
        if activity.kind in KEY_KINDS:
            on_key_activity.add(party.id)
        if cell.letter == "A":
            accountables.setdefault(activity.id, []).append(party)
        elif cell.letter == "R":
            responsible_count[activity.id] = responsible_count.get(activity.id, 0) + 1
        elif cell.letter == "C":
            consulted_count[activity.id] = consulted_count.get(activity.id, 0) + 1
            if activity.signed_off and party.id not in activity.input_from:
                no_input.append((activity, party))
        if cell.letter in ("R", "A") and activity.is_open:
            open_load[party.id] = open_load.get(party.id, 0) + 1

    findings: list[Finding] = []
    findings += _activity_findings(
        activities, accountables, responsible_count, consulted_count, party_index, thresholds
    )
    findings += [
        _finding(
            "signed-off-without-input",
            "warning",
            f"'{activity.name}' was signed off without input from '{party.name}', who is "
            "Consulted: record their input (when and what), or ask for it now.",
            activity=activity,
            party=party,
        )
        for activity, party in no_input
    ]
    findings += _overload_findings(activities, parties, open_load, thresholds)
    findings += _customer_findings(parties, in_matrix, on_key_activity, activities, thresholds)
    findings += _outcome_findings(activities, outcomes, outcome_index)

    def order(finding: Finding) -> tuple:
        # Row findings in activity order, then findings about a party alone, then about outcomes.
        if finding.activity_id is not None:
            group, position = 0, activity_index[finding.activity_id]
        elif finding.party_id is not None:
            group, position = 1, party_index[finding.party_id]
        else:
            group, position = 2, outcome_index.get(finding.outcome_id, -1)
        party_position = -1 if finding.party_id is None else party_index[finding.party_id]
        return (
            _SEVERITY_RANK[finding.severity],
            group,
            position,
            party_position,
            CODES.index(finding.code),
            finding.message,
        )

    findings.sort(key=order)
    return findings


def _activity_findings(
    activities: tuple[Activity, ...],
    accountables: dict[Hashable, list[Party]],
    responsible_count: dict[Hashable, int],
    consulted_count: dict[Hashable, int],
    party_index: dict[Hashable, int],
    thresholds: Thresholds,
) -> list[Finding]:
    """The checks on each row: one Accountable, someone Responsible, not too many Consulted."""
    findings = []
    for activity in activities:
        owners = accountables.get(activity.id, [])
        if not owners:
            findings.append(
                _finding(
                    "no-accountable",
                    "error",
                    f"Nobody is Accountable for '{activity.name}': choose the one person who "
                    "owns it and signs it off.",
                    activity=activity,
                )
            )
        elif len(owners) > 1:
            # Sorted by column so the message does not depend on the order cells arrived in.
            owners = sorted(owners, key=lambda party: party_index[party.id])
            findings.append(
                _finding(
                    "multiple-accountable",
                    "error",
                    f"'{activity.name}' has {len(owners)} Accountable "
                    f"({_and_list(p.name for p in owners)}): keep exactly one owner and make the "
                    "others Responsible or Consulted.",
                    activity=activity,
                )
            )
        if not responsible_count.get(activity.id) and not (
            owners and activity.accountable_does_work
        ):
            findings.append(
                _finding(
                    "no-responsible",
                    "warning",
                    f"Nobody is Responsible for doing '{activity.name}': assign someone, or mark "
                    "that the Accountable person does the work.",
                    activity=activity,
                )
            )
        for owner in owners:
            if owner.is_group:
                findings.append(
                    _finding(
                        "accountable-is-group",
                        "warning",
                        f"'{owner.name}' is Accountable for '{activity.name}' but is a group: "
                        "name the one person in it who signs it off.",
                        activity=activity,
                        party=owner,
                    )
                )
        consulted = consulted_count.get(activity.id, 0)
        if consulted > thresholds.max_consulted:
            findings.append(
                _finding(
                    "too-many-consulted",
                    "warning",
                    f"'{activity.name}' has {consulted} parties Consulted, more than the limit of "
                    f"{thresholds.max_consulted}: every one of them slows the decision; make some "
                    "of them Informed.",
                    activity=activity,
                )
            )
    return findings


def _overload_findings(
    activities: tuple[Activity, ...],
    parties: tuple[Party, ...],
    open_load: dict[Hashable, int],
    thresholds: Thresholds,
) -> list[Finding]:
    """People (not groups) Responsible or Accountable for too large a share of the open work."""
    open_total = sum(1 for activity in activities if activity.is_open)
    if not open_total:
        return []  # nothing open, nobody can be overloaded
    findings = []
    for party in parties:
        load = open_load.get(party.id, 0)
        if party.is_group or not load:
            continue
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
    return findings


def _customer_findings(
    parties: tuple[Party, ...],
    in_matrix: set[Hashable],
    on_key_activity: set[Hashable],
    activities: tuple[Activity, ...],
    thresholds: Thresholds,
) -> list[Finding]:
    """Every customer appears in the matrix; key customers hear about milestones and decisions.

    A key customer counts as informed when they hold any letter on a milestone or decision: an
    Accountable or Responsible customer is more involved than a Consulted or Informed one.
    Both customer warnings can name the same party: one asks for a place in the matrix, the other
    for a place on the milestones and decisions.
    """
    has_key_activity = any(activity.kind in KEY_KINDS for activity in activities)
    findings = []
    for party in parties:
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


def _outcome_findings(
    activities: tuple[Activity, ...],
    outcomes: tuple[Outcome, ...],
    outcome_index: dict[Hashable, int],
) -> list[Finding]:
    """Each customer outcome is served by at least one activity."""
    if not outcomes:
        return []
    served: set[Hashable] = set()
    for activity in activities:
        for outcome_id in activity.outcome_ids:
            if outcome_id not in outcome_index:
                raise ValueError(
                    f"Activity '{activity.name}' serves outcome {outcome_id!r}, which is not "
                    "among the outcomes given"
                )
            served.add(outcome_id)
    return [
        Finding(
            code="outcome-not-served",
            severity="warning",
            message=f"No activity serves the outcome '{outcome.name}': link the activities that "
            "deliver it, or ask the customer whether it is still wanted.",
            outcome_id=outcome.id,
        )
        for outcome in outcomes
        if outcome.id not in served
    ]


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
