"""The demo's plan and RACI: the CRM rollout in four phases, and one SIPOC + Outcome.

Runs after the customers step and uses the parties it put on the project (looked up by name; any
that are missing are added, so the step also works on its own). The RACI is realistic, with a few
honest findings left in it for the PM to act on (all warnings, so `rapport raci check` passes):
the pilot is owned by a group, nobody is yet Responsible for retiring the legacy database, the
nervous sales lead hears about no milestone or decision, the key account customers are in no
cell, and the PM owns too much of the open work. The SIPOC
shows an output nobody asked for and a customer whose outcome was never written down.
"""

from datetime import date, timedelta

from django.utils import timezone

from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Outcome, Party

from . import services

# Parties the RACI needs, with what to create when the register lacks them.
PARTIES = {
    "Priya Shah": {"title": "Project manager", "department": "IT", "roles": []},
    "Ben Okafor": {"title": "Business analyst", "department": "IT", "roles": ["business_analyst"]},
    "Mei Tanaka": {"title": "Head of IT operations", "department": "IT", "roles": ["it_executive"]},
    "Sofia Reyes": {"title": "Sales Director", "department": "Sales", "roles": ["sponsor"]},
    "Lars Becker": {"title": "Sales team lead", "department": "Sales", "roles": ["senior_user"]},
    "Sales team": {
        "kind": "group",
        "department": "Sales",
        "roles": ["end_user"],
        "is_customer": True,
    },
    "Customer support": {
        "kind": "group",
        "department": "Support",
        "roles": ["end_user"],
        "is_customer": True,
    },
    "Arjun Mehta": {"title": "CFO", "department": "Finance", "roles": ["executive"]},
    "ContactBase Ltd": {"kind": "group", "relationship": "external", "roles": ["supplier"]},
    "Works council": {"kind": "group", "roles": ["affected"]},
    "IT operations team": {"kind": "group", "department": "IT", "roles": ["sme"]},
    "Key account customers": {
        "kind": "group",
        "relationship": "external",
        "roles": ["affected"],
        "is_customer": True,
    },
}

# Phase -> activities: (name, kind, status, planned start, planned finish, outcomes, letters).
# Outcomes by key: uplift, prep, infra, cost. Letters: party name -> R/A/C/I.
PLAN = [
    (
        "Discovery",
        [
            (
                "Kick-off with the sales team",
                "milestone",
                "done",
                date(2026, 9, 7),
                date(2026, 9, 7),
                [],
                {
                    "Priya Shah": "A",
                    "Ben Okafor": "R",
                    "Sofia Reyes": "C",
                    "Sales team": "I",
                    "Mei Tanaka": "I",
                },
            ),
            (
                "Map today's sales process",
                "task",
                "done",
                date(2026, 9, 8),
                date(2026, 9, 30),
                ["prep"],
                {
                    "Ben Okafor": "R",
                    "Priya Shah": "A",
                    "Lars Becker": "C",
                    "Sales team": "C",
                    "Customer support": "C",
                },
            ),
            (
                "Requirements sign-off",
                "decision",
                "done",
                date(2026, 10, 15),
                date(2026, 10, 15),
                ["uplift", "prep"],
                {
                    "Sofia Reyes": "A",
                    "Ben Okafor": "R",
                    "Mei Tanaka": "C",
                    "Sales team": "C",
                    "Arjun Mehta": "I",
                    "Customer support": "I",
                },
            ),
            (
                "Choose the CRM vendor",
                "decision",
                "done",
                date(2026, 10, 20),
                date(2026, 11, 10),
                ["cost"],
                {
                    "Priya Shah": "R",
                    "Sofia Reyes": "A",
                    "Mei Tanaka": "C",
                    "Arjun Mehta": "C",
                    "Works council": "I",
                },
            ),
        ],
    ),
    (
        "Build and integrate",
        [
            (
                "Configure the customer screens",
                "task",
                "in_progress",
                date(2026, 11, 16),
                date(2027, 1, 29),
                ["prep"],
                {"Ben Okafor": "R", "Priya Shah": "A", "Lars Becker": "C", "Sales team": "I"},
            ),
            (
                "Integrate order history and support tickets",
                "deliverable",
                "in_progress",
                date(2026, 12, 1),
                date(2027, 2, 26),
                ["uplift", "prep"],
                {"Mei Tanaka": "R", "Priya Shah": "A", "Customer support": "C", "Ben Okafor": "C"},
            ),
            (
                "Hosting decision",
                "decision",
                "not_started",
                date(2026, 11, 30),
                date(2026, 11, 30),
                ["infra", "cost"],
                {"Mei Tanaka": "R", "Arjun Mehta": "A", "Sofia Reyes": "C", "Priya Shah": "C"},
            ),
            (
                "Migrate the legacy contacts",
                "task",
                "not_started",
                date(2027, 2, 1),
                date(2027, 3, 12),
                ["cost"],
                {
                    "IT operations team": "R",
                    "Priya Shah": "A",
                    "ContactBase Ltd": "C",
                    "Works council": "I",
                },
            ),
        ],
    ),
    (
        "Pilot",
        [
            (
                "Pilot with five sales reps",
                "milestone",
                "not_started",
                date(2027, 3, 15),
                date(2027, 4, 9),
                ["uplift"],
                {"Sales team": "A", "Ben Okafor": "R", "Priya Shah": "R", "Sofia Reyes": "I"},
            ),
            (
                "Train the sales team",
                "deliverable",
                "not_started",
                date(2027, 4, 12),
                date(2027, 5, 14),
                ["uplift"],
                {
                    "Ben Okafor": "R",
                    "Priya Shah": "A",
                    "Lars Becker": "C",
                    "Sales team": "I",
                    "Works council": "C",
                },
            ),
        ],
    ),
    (
        "Rollout",
        [
            (
                "Go-live",
                "milestone",
                "not_started",
                date(2027, 6, 1),
                date(2027, 6, 1),
                ["uplift"],
                {
                    "Priya Shah": "A",
                    "IT operations team": "R",
                    "Mei Tanaka": "C",
                    "Sofia Reyes": "C",
                    "Sales team": "I",
                    "Customer support": "I",
                    "Arjun Mehta": "I",
                },
            ),
            (
                "Retire the legacy contact database",
                "deliverable",
                "not_started",
                date(2027, 6, 14),
                date(2027, 6, 30),
                ["cost"],
                {"Mei Tanaka": "A", "ContactBase Ltd": "I", "Arjun Mehta": "I"},
            ),
            (
                "Measure cross-selling after three months",
                "task",
                "not_started",
                date(2027, 9, 1),
                date(2027, 9, 30),
                ["uplift"],
                {"Ben Okafor": "R", "Sofia Reyes": "A", "Arjun Mehta": "I"},
            ),
        ],
    ),
]

OUTCOME_TITLES = {
    "uplift": "Reps sell across product lines",
    "prep": "Call preparation takes minutes, not half an hour",
    "infra": "CRM runs on new, redundant infrastructure",
    "cost": "Run cost of sales systems down 20%",
}


def _parties(ws) -> dict[str, Party]:
    pm, project = ws.users["pm"], ws.project
    found = {p.name: p for p in Party.objects.filter(org=ws.org, name__in=list(PARTIES))}
    on_project = set(project.stakeholders.values_list("party_id", flat=True))
    for name, spec in PARTIES.items():
        spec = dict(spec)
        roles = spec.pop("roles")
        is_customer = spec.pop("is_customer", False)
        party = found.get(name)
        if party is None:
            stakeholder = stakeholders.stakeholder_add(
                actor=pm,
                project=project,
                roles=roles,
                is_customer=is_customer,
                new_party={
                    "name": name,
                    "organisation": ""
                    if spec.get("relationship") == "external"
                    else "Northwind Trading",
                    **spec,
                },
            )
            found[name] = stakeholder.party
        elif party.pk not in on_project:
            stakeholders.stakeholder_add(
                actor=pm, project=project, party=party, roles=roles, is_customer=is_customer
            )
    return found


def _outcomes(ws) -> dict[str, Outcome]:
    pm, project = ws.users["pm"], ws.project
    found = {o.title: o for o in Outcome.objects.filter(project=project)}
    outcomes = {}
    for key, title in OUTCOME_TITLES.items():
        outcomes[key] = found.get(title) or stakeholders.outcome_create(
            actor=pm, project=project, title=title
        )
    return outcomes


def raci_step(ws) -> None:
    pm, project = ws.users["pm"], ws.project
    parties = _parties(ws)
    outcomes = _outcomes(ws)
    activities = {}
    for phase_name, items in PLAN:
        phase = services.phase_create(actor=pm, project=project, name=phase_name)
        for name, kind, status, start, finish, served, letters in items:
            activity = services.activity_create(
                actor=pm,
                project=project,
                name=name,
                phase=phase,
                kind=kind,
                status=status,
                planned_start=start,
                planned_finish=finish,
                actual_start=start if status in ("done", "in_progress") else None,
                actual_finish=finish if status == "done" else None,
            )
            services.activity_outcomes_set(
                actor=pm, activity=activity, outcomes=[outcomes[k] for k in served]
            )
            services.raci_assign_many(
                actor=pm,
                project=project,
                cells=[(activity, parties[party], letter) for party, letter in letters.items()],
            )
            activities[name] = activity
            if status == "done":
                _consulted_inputs(pm, activity, parties, letters, finish)
    # The hosting decision slipped a month while IT and finance argue (its baseline stays).
    services.activity_update(
        actor=pm,
        activity=activities["Hosting decision"],
        planned_start=date(2026, 12, 18),
        planned_finish=date(2026, 12, 18),
    )
    _sipoc(ws, parties, outcomes, activities)


# Signed off before this Consulted party's input was in: left for the PM to follow up.
INPUT_MISSING = {("Choose the CRM vendor", "Arjun Mehta")}


def _consulted_inputs(pm, activity, parties, letters, finish) -> None:
    """Each Consulted party of a signed-off activity gave input before it (but one)."""
    for party, letter in letters.items():
        if letter == "C" and (activity.name, party) not in INPUT_MISSING:
            services.consulted_input_record(
                actor=pm,
                activity=activity,
                party=parties[party],
                given_on=min(finish, timezone.localdate()) - timedelta(days=1),
                note="Gave their view in the review meeting.",
            )


def _sipoc(ws, parties, outcomes, activities) -> None:
    pm, project = ws.users["pm"], ws.project
    process = services.sipoc_create(
        actor=pm,
        project=project,
        name="Prepare and make a cross-sell offer",
        description="How a sales rep goes from a customer's history to an offer in another product line.",
    )

    def add(column, **kwargs):
        return services.sipoc_item_add(actor=pm, process=process, column=column, **kwargs)

    it = add("suppliers", party=parties["Mei Tanaka"])
    support = add("suppliers", party=parties["Customer support"])
    vendor = add("suppliers", party=parties["ContactBase Ltd"])
    add("inputs", name="Order history from the ERP", supplier=it, kind="information")
    add("inputs", name="Open and closed support tickets", supplier=support, kind="information")
    add("inputs", name="Cleaned legacy contact records", supplier=vendor, kind="service")
    for step in (
        "Open the customer's one-screen history",
        "Review orders and tickets of the last two years",
        "Spot products the customer buys elsewhere",
        "Make the offer on the call",
        "Record the result against the account",
    ):
        add("steps", name=step)
    add("outcomes", outcome=outcomes["uplift"])
    add("outcomes", outcome=outcomes["prep"])
    screen = add(
        "outputs", name="Customer 360 screen", activity=activities["Configure the customer screens"]
    )
    offer = add("outputs", name="Cross-sell offer", kind="service")
    report = add("outputs", name="Weekly activity report per rep", kind="information")
    sales = add("customers", party=parties["Sales team"])
    sponsor = add("customers", party=parties["Sofia Reyes"])
    agents = add("customers", party=parties["Customer support"])
    services.sipoc_links_set(
        actor=pm,
        process=process,
        produces={
            (screen.pk, outcomes["prep"].pk),
            (screen.pk, outcomes["uplift"].pk),
            (offer.pk, outcomes["uplift"].pk),
        },
        serves={
            (outcomes["prep"].pk, sales.pk),
            (outcomes["uplift"].pk, sales.pk),
            (outcomes["uplift"].pk, sponsor.pk),
        },
    )
    # Left as found: the weekly report reaches no customer (work nobody asked for, and what the
    # works council worries about), and support's outcome ("see who owns each account") was never
    # recorded as a measurable outcome.
    del report, agents
