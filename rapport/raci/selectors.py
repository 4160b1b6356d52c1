"""Reads of the RACI that pages, the API, the CLI and exports share.

:func:`matrix_get` loads a whole matrix in a constant number of queries (no query per activity,
party or cell) as plain rows; :func:`raci_findings` feeds them to the pure checks in rules.py.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from rapport.stakeholders.models import Outcome, Party, ProjectStakeholder

from . import rules
from .models import (
    OPEN_STATUSES,
    Activity,
    ActivityKind,
    Assignment,
    ConsultedInput,
    Phase,
    RaciSettings,
)

# Rows of the matrix page per page, and the choices offered; "all" is the whole matrix at once.
ROWS_PER_PAGE = 100
ROWS_CHOICES = (50, 100, 200, 500)


@dataclass(frozen=True)
class MatrixPhase:
    id: int
    name: str
    position: int


@dataclass(frozen=True)
class MatrixActivity:
    id: int
    name: str
    kind: str
    status: str
    phase_id: int | None
    position: int
    accountable_does_work: bool
    outcome_ids: tuple = ()

    @property
    def is_open(self) -> bool:
        return self.status in ("not_started", "in_progress")

    @property
    def signed_off(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class MatrixParty:
    id: int
    name: str
    kind: str
    organisation: str
    is_customer: bool = False
    power: int | None = None
    interest: int | None = None
    # False for a party that holds letters here but is no longer one of the project's stakeholders.
    on_project: bool = True

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass(frozen=True)
class MatrixOutcome:
    id: int
    title: str
    is_csf: bool


@dataclass
class Matrix:
    """A project's whole RACI as plain rows: activities in display order (phase by phase, then the
    activities without a phase), parties in column order, and the letters."""

    phases: list[MatrixPhase]
    activities: list[MatrixActivity]
    parties: list[MatrixParty]
    letters: dict[int, dict[int, str]]  # activity id -> party id -> letter
    outcomes: list[MatrixOutcome]
    thresholds: rules.Thresholds
    assignment_count: int = 0
    # activity id -> ids of the parties whose input on it is recorded (Consulted input)
    inputs: dict[int, set[int]] = field(default_factory=dict)
    project: object = None
    _phase_by_id: dict = field(default_factory=dict, repr=False)

    def phase_of(self, activity: MatrixActivity) -> MatrixPhase | None:
        if not self._phase_by_id:
            self._phase_by_id = {phase.id: phase for phase in self.phases}
        return self._phase_by_id.get(activity.phase_id)

    def assignments(self) -> list[rules.Assignment]:
        return [
            rules.Assignment(activity_id, party_id, letter)
            for activity_id, row in self.letters.items()
            for party_id, letter in row.items()
        ]

    def rules_activities(self) -> list[rules.Activity]:
        return [
            rules.Activity(
                id=a.id,
                name=a.name,
                kind=a.kind,
                is_open=a.is_open,
                accountable_does_work=a.accountable_does_work,
                outcome_ids=a.outcome_ids,
                signed_off=a.signed_off,
                input_from=self.inputs.get(a.id, ()),
            )
            for a in self.activities
        ]

    def rules_parties(self) -> list[rules.Party]:
        return [
            rules.Party(
                id=p.id,
                name=p.name,
                is_group=p.is_group,
                is_customer=p.is_customer,
                power=p.power,
                interest=p.interest,
            )
            for p in self.parties
        ]


def thresholds_of(settings: RaciSettings | None) -> rules.Thresholds:
    if settings is None:
        return rules.Thresholds()
    return rules.Thresholds(
        max_consulted=settings.max_consulted,
        overload_share=settings.overload_percent / 100,
        key_level=settings.key_level,
    )


def raci_settings_get(project) -> RaciSettings:
    """The project's RACI settings, unsaved defaults when it has none yet."""
    return RaciSettings.objects.filter(project=project).first() or RaciSettings(project=project)


def matrix_get(project) -> Matrix:
    """The whole RACI of `project` in at most nine queries, whatever its size."""
    settings = RaciSettings.objects.filter(project=project).first()
    phases = [
        MatrixPhase(**row)
        for row in Phase.objects.filter(project=project)
        .order_by("position", "pk")
        .values("id", "name", "position")
    ]
    outcome_links: dict[int, list[int]] = {}
    for activity_id, outcome_id in (
        Activity.outcomes.through.objects.filter(activity__project=project)
        .order_by("activity_id", "outcome_id")
        .values_list("activity_id", "outcome_id")
    ):
        outcome_links.setdefault(activity_id, []).append(outcome_id)
    phase_rank = {phase.id: rank for rank, phase in enumerate(phases)}
    activities = [
        MatrixActivity(**row, outcome_ids=tuple(outcome_links.get(row["id"], ())))
        for row in Activity.objects.filter(project=project)
        .order_by()  # sorted below, by phase first
        .values("id", "name", "kind", "status", "phase_id", "position", "accountable_does_work")
    ]
    activities.sort(key=lambda a: (phase_rank.get(a.phase_id, len(phases)), a.position, a.id))

    parties = [
        MatrixParty(
            id=row["party_id"],
            name=row["party__name"],
            kind=row["party__kind"],
            organisation=row["party__organisation"],
            is_customer=row["is_customer"],
            power=row["power"],
            interest=row["interest"],
        )
        for row in ProjectStakeholder.objects.filter(project=project)
        .order_by(Lower("party__name"), "party_id")
        .values(
            "party_id",
            "party__name",
            "party__kind",
            "party__organisation",
            "is_customer",
            "power",
            "interest",
        )
    ]
    letters: dict[int, dict[int, str]] = {}
    count = 0
    # No order: the letters go into dicts, and the model's ordering would join the parties and
    # sort 20,000 rows for nothing (most of the load's time on a big matrix).
    for activity_id, party_id, letter in (
        Assignment.objects.filter(activity__project=project)
        .order_by()
        .values_list("activity_id", "party_id", "letter")
    ):
        letters.setdefault(activity_id, {})[party_id] = letter
        count += 1
    # Parties that hold letters but have left the project's stakeholders still show, at the end.
    known = {party.id for party in parties}
    stray = {pid for row in letters.values() for pid in row} - known
    if stray:
        parties += [
            MatrixParty(
                id=row["id"],
                name=row["name"],
                kind=row["kind"],
                organisation=row["organisation"],
                on_project=False,
            )
            for row in Party.objects.filter(pk__in=stray)
            .order_by(Lower("name"), "pk")
            .values("id", "name", "kind", "organisation")
        ]
    outcomes = [
        MatrixOutcome(**row)
        for row in Outcome.objects.filter(project=project)
        .order_by(F("is_csf").desc(), "title", "pk")
        .values("id", "title", "is_csf")
    ]
    inputs: dict[int, set[int]] = {}
    for activity_id, party_id in (
        ConsultedInput.objects.filter(activity__project=project)
        .order_by()
        .values_list("activity_id", "party_id")
    ):
        inputs.setdefault(activity_id, set()).add(party_id)
    return Matrix(
        project=project,
        inputs=inputs,
        phases=phases,
        activities=activities,
        parties=parties,
        letters=letters,
        outcomes=outcomes,
        thresholds=thresholds_of(settings),
        assignment_count=count,
    )


def open_activities_without_one_accountable(project) -> int:
    """How many open activities have no Accountable or more than one: exactly the RACI errors
    (``no-accountable``, ``multiple-accountable``) that :func:`raci_findings` reports on open
    activities, counted in one query instead of loading the matrix. The overview and the
    project's health read this on every view, whatever the size of the RACI."""
    return (
        Activity.objects.filter(project=project, status__in=OPEN_STATUSES)
        .annotate(accountable=Count("assignments", filter=Q(assignments__letter="A")))
        .exclude(accountable=1)
        .count()
    )


def raci_findings(matrix: Matrix) -> list[rules.Finding]:
    """Every RACI finding of the matrix, errors first (see rules.raci_check).

    The matrix's rows and letters are already the compact form the checks run on: no object is
    built per cell."""
    return rules.raci_check_rows(
        matrix.activities,
        matrix.parties,
        matrix.letters,
        matrix.thresholds,
        [(outcome.id, outcome.title) for outcome in matrix.outcomes],
        matrix.inputs,
    )


@dataclass(frozen=True)
class ConsultedRow:
    """A Consulted party of one activity and their recorded input (None: not given yet)."""

    party: Party
    input: ConsultedInput | None
    consulted: bool = True  # False: input recorded, but the party is no longer Consulted


def consulted_rows(activity) -> list[ConsultedRow]:
    """Each Consulted party of `activity` with their input, then inputs of parties no longer
    Consulted (two queries)."""
    inputs = {
        i.party_id: i
        for i in ConsultedInput.objects.filter(activity=activity).select_related(
            "party", "recorded_by"
        )
    }
    consulted = [
        a.party
        for a in Assignment.objects.filter(activity=activity, letter="C")
        .select_related("party")
        .order_by(Lower("party__name"), "party_id")
    ]
    rows = [ConsultedRow(party, inputs.pop(party.pk, None)) for party in consulted]
    rows += [ConsultedRow(i.party, i, consulted=False) for i in inputs.values()]
    return rows


def consulted_progress(project) -> dict[int, dict]:
    """Per activity with Consulted parties: how many, how many gave input, and who has not (two
    queries for the whole project)."""
    given = set(
        ConsultedInput.objects.filter(activity__project=project).values_list(
            "activity_id", "party_id"
        )
    )
    progress: dict[int, dict] = {}
    for activity_id, party_id, name in (
        Assignment.objects.filter(activity__project=project, letter="C")
        .order_by(Lower("party__name"), "party_id")
        .values_list("activity_id", "party_id", "party__name")
    ):
        entry = progress.setdefault(activity_id, {"consulted": 0, "given": 0, "missing": []})
        entry["consulted"] += 1
        if (activity_id, party_id) in given:
            entry["given"] += 1
        else:
            entry["missing"].append(name)
    return progress


def finding_link(finding: rules.Finding, project) -> str | None:
    """Where a finding is fixed, when that is a page of its own: the Consulted input of an
    activity, or the communication plan for a key customer who hears nothing."""
    if project is None:
        return None
    args = [project.org.slug, project.code]
    if finding.code == "signed-off-without-input":
        return reverse("raci-activity-consulted", args=[*args, finding.activity_id])
    if finding.code == "key-customer-not-informed":
        return reverse("comms-plan", args=args) + "#informed"
    return None


def finding_dict(finding: rules.Finding, matrix: Matrix | None = None) -> dict:
    """A finding as the API and CLI print it, naming the outcome of an outcome finding too."""
    data = finding.to_dict()
    data["link"] = finding_link(finding, matrix.project if matrix else None)
    data["outcome"] = None
    if finding.outcome_id is not None and matrix is not None:
        data["outcome"] = next(
            (o.title for o in matrix.outcomes if o.id == finding.outcome_id), None
        )
    return data


def findings_summary(findings: list[rules.Finding]) -> dict[str, int]:
    """How many findings of each severity."""
    counts = {severity: 0 for severity in rules.SEVERITIES}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


@dataclass(frozen=True)
class Row:
    """One row of the matrix page: an activity under a group heading (a phase or an outcome)."""

    group: Hashable
    activity: MatrixActivity


def matrix_rows(matrix: Matrix, *, group_by: str = "phase", phase_id: int | None = None):
    """The rows the matrix page shows, in order, with their group headings: ``(groups, rows)``.

    Grouped by phase, every activity is one row. Grouped by outcome, an activity appears under
    each outcome it serves and once under "No outcome" when it serves none: the question is
    "what work delivers this outcome?".
    """
    activities = [a for a in matrix.activities if phase_id is None or a.phase_id == phase_id]
    groups: dict[Hashable, str] = {}
    rows: list[Row] = []
    if group_by == "outcome":
        by_outcome: dict[Hashable, list[MatrixActivity]] = {o.id: [] for o in matrix.outcomes}
        none: list[MatrixActivity] = []
        for activity in activities:
            served = [oid for oid in activity.outcome_ids if oid in by_outcome]
            for outcome_id in served:
                by_outcome[outcome_id].append(activity)
            if not served:
                none.append(activity)
        for outcome in matrix.outcomes:
            title = f"Outcome: {outcome.title}" + (
                " (critical success factor)" if outcome.is_csf else ""
            )
            groups[("o", outcome.id)] = title
            rows += [Row(("o", outcome.id), a) for a in by_outcome[outcome.id]]
        groups[("o", None)] = "Serves no outcome yet"
        rows += [Row(("o", None), a) for a in none]
    else:
        for phase in matrix.phases:
            groups[("p", phase.id)] = phase.name
        groups[("p", None)] = "No phase"
        rows = [Row(("p", a.phase_id), a) for a in activities]
    return groups, rows


# --- SIPOC + Outcome -----------------------------------------------------------------------------


@dataclass
class SipocView:
    """One SIPOC with every column loaded, its links and its findings."""

    process: object
    suppliers: list
    inputs: list
    steps: list
    outputs: list
    outcomes: list
    customers: list
    produces: set  # (output id, outcome id)
    serves: set  # (outcome id, customer id)
    findings: list

    def outcomes_of_output(self, output) -> list:
        return [o for o in self.outcomes if (output.pk, o.pk) in self.produces]

    def outcomes_of_customer(self, customer) -> list:
        return [o for o in self.outcomes if (o.pk, customer.pk) in self.serves]

    def output_links(self) -> list:
        """Per output, the titles of the outcomes it produces (the printable page's links)."""
        return [(o, [x.title for x in self.outcomes_of_output(o)]) for o in self.outputs]

    def customer_links(self) -> list:
        """Per customer, the titles of the outcomes they want."""
        return [(c, [x.title for x in self.outcomes_of_customer(c)]) for c in self.customers]

    def produce_rows(self) -> list:
        """Per output, each outcome and whether the output produces it (the links form)."""
        return [
            (output, [(o, (output.pk, o.pk) in self.produces) for o in self.outcomes])
            for output in self.outputs
        ]

    def serve_rows(self) -> list:
        """Per customer, each outcome and whether the customer wants it."""
        return [
            (customer, [(o, (o.pk, customer.pk) in self.serves) for o in self.outcomes])
            for customer in self.customers
        ]


def sipoc_list(project):
    return project.sipocs.all()


def sipoc_get(process) -> SipocView:
    """A SIPOC with all its columns, links and findings, in a constant number of queries."""
    from . import sipoc
    from .models import SipocCustomer, SipocInput, SipocOutput, SipocStep, SipocSupplier

    outcomes = list(process.outcomes.order_by(F("is_csf").desc(), "title", "pk"))
    suppliers = list(SipocSupplier.objects.filter(process=process).select_related("party"))
    inputs = list(SipocInput.objects.filter(process=process).select_related("supplier__party"))
    steps = list(SipocStep.objects.filter(process=process))
    outputs = list(SipocOutput.objects.filter(process=process).select_related("activity"))
    customers = list(SipocCustomer.objects.filter(process=process).select_related("party"))
    produces = set(
        SipocOutput.outcomes.through.objects.filter(sipocoutput__process=process).values_list(
            "sipocoutput_id", "outcome_id"
        )
    )
    serves = {
        (outcome_id, customer_id)
        for customer_id, outcome_id in SipocCustomer.outcomes.through.objects.filter(
            sipoccustomer__process=process
        ).values_list("sipoccustomer_id", "outcome_id")
    }
    outcome_ids = {o.pk for o in outcomes}
    # Links to an outcome since taken out of the SIPOC do not count (and would not be shown).
    produces = {(a, b) for a, b in produces if b in outcome_ids}
    serves = {(a, b) for a, b in serves if a in outcome_ids}
    findings = sipoc.sipoc_check(
        [sipoc.Output(o.pk, o.name) for o in outputs],
        [sipoc.Outcome(o.pk, o.title) for o in outcomes],
        [sipoc.Customer(c.pk, c.party.name) for c in customers],
        [*(sipoc.Produces(a, b) for a, b in produces), *(sipoc.Serves(a, b) for a, b in serves)],
    ) + sipoc.steps_check(len(steps))
    for item in [*suppliers, *inputs, *steps, *outputs, *customers]:
        item.process = process
    return SipocView(
        process=process,
        suppliers=suppliers,
        inputs=inputs,
        steps=steps,
        outputs=outputs,
        outcomes=outcomes,
        customers=customers,
        produces=produces,
        serves=serves,
        findings=findings,
    )


def sipoc_as_dict(view: SipocView) -> dict:
    """The SIPOC as plain data for the API (and the body PUT accepts back)."""
    process = view.process
    return {
        "id": process.pk,
        "name": process.name,
        "description": process.description,
        "suppliers": [
            {"id": s.pk, "party_id": s.party_id, "name": s.party.name} for s in view.suppliers
        ],
        "inputs": [
            {
                "id": i.pk,
                "name": i.name,
                "kind": i.kind or None,
                "supplier": i.supplier.party_id if i.supplier else None,
            }
            for i in view.inputs
        ],
        "steps": [{"id": s.pk, "name": s.name} for s in view.steps],
        "outputs": [
            {
                "id": o.pk,
                "name": o.name,
                "kind": o.kind or None,
                "activity_id": o.activity_id,
                "outcome_ids": [x.pk for x in view.outcomes_of_output(o)],
            }
            for o in view.outputs
        ],
        "outcomes": [{"id": o.pk, "title": o.title} for o in view.outcomes],
        "customers": [
            {
                "id": c.pk,
                "party_id": c.party_id,
                "name": c.party.name,
                "outcome_ids": [x.pk for x in view.outcomes_of_customer(c)],
            }
            for c in view.customers
        ],
        "findings": [f.to_dict() for f in view.findings],
    }


def milestones_next(project, *, limit: int = 3):
    """The project's next open milestones by planned finish, for the overview."""
    return (
        Activity.objects.filter(
            project=project, kind=ActivityKind.MILESTONE, status__in=OPEN_STATUSES
        )
        .exclude(planned_finish=None)
        .order_by("planned_finish", "position")[:limit]
    )
