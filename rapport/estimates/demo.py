"""The demo's promises and estimates: the CRM rollout's three-point estimates, the sponsor's
"8 months and 340,000" that the estimate misses at P80, a few promises kept and one broken, and
customers' expectations, one of which the plan contradicts.

Activities are looked up by name in the project (the RACI step may have made some) and created
through the RACI service when missing; parties are looked up by name (the customers step makes
them) and put on the project when missing.
"""

from datetime import date
from decimal import Decimal

from rapport.promises import services as promises
from rapport.raci import services as raci
from rapport.raci.models import Activity
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import services

# The RACI step's activities (made here when that step has not run). name, duration (o, m, p)
# working days, cost (o, m, p) EUR, predecessors, method, source, who estimated. Work already done
# is estimated at its actual duration and cost (a fixed value).
# fmt: off
PLAN = [
    ("Kick-off with the sales team", (0, 0, 0), (2000, 2000, 2000), [], "expert", "Actual", "pm"),
    ("Map today's sales process", (17, 17, 17), (18000, 18000, 18000),
     ["Kick-off with the sales team"], "bottom_up", "Actual (timesheets)", "analyst"),
    ("Requirements sign-off", (0, 0, 0), (0, 0, 0), ["Map today's sales process"], "expert", "", "pm"),
    ("Choose the CRM vendor", (16, 16, 16), (12000, 12000, 12000),
     ["Requirements sign-off"], "bottom_up", "Actual (timesheets)", "pm"),
    ("Configure the customer screens", (45, 60, 90), (70000, 90000, 130000),
     ["Choose the CRM vendor"], "quote", "Vendor quote Q-2026-114", "analyst"),
    ("Integrate order history and support tickets", (60, 80, 140), (80000, 100000, 170000),
     ["Choose the CRM vendor"], "analogous", "The 2024 webshop integration", "it_lead"),
    ("Hosting decision", (0, 0, 0), (0, 0, 0), ["Choose the CRM vendor"], "expert", "", "pm"),
    ("Migrate the legacy contacts", (30, 40, 70), (40000, 50000, 90000),
     ["Choose the CRM vendor"], "parametric", "120,000 contacts at the 2023 clean-up rate", "it_lead"),
    ("Pilot with five sales reps", (15, 20, 30), (15000, 20000, 30000),
     ["Configure the customer screens", "Integrate order history and support tickets",
      "Hosting decision", "Migrate the legacy contacts"], "expert", "", "analyst"),
    ("Train the sales team", (20, 25, 35), (25000, 30000, 40000),
     ["Pilot with five sales reps"], "parametric", "60 reps × 2 days at the training supplier's rate", "analyst"),
    ("Go-live", (0, 0, 0), (0, 0, 0), ["Train the sales team"], "expert", "", "pm"),
    ("Retire the legacy contact database", (10, 15, 25), (10000, 12000, 20000),
     ["Go-live"], "expert", "ContactBase exit clause", "it_lead"),
]
# Planned three months after go-live and not estimated yet: the page says so.
UNESTIMATED = {"Measure cross-selling after three months": ["Go-live"]}
ASSUMPTIONS = {
    "Configure the customer screens": "Standard sales objects; at most 15 custom fields; the vendor's consultant 3 days a week.",
    "Integrate order history and support tickets": "The ERP's order API is documented and stable; read-only access is enough.",
    "Migrate the legacy contacts": "About 120,000 contacts, 20 % duplicates; reps check their own accounts.",
    "Train the sales team": "Two days per rep, in groups of 12, outside the quarter-end weeks.",
}
# fmt: on


def _activities(ws) -> dict[str, Activity]:
    pm = ws.users["pm"]
    found = {a.name: a for a in Activity.objects.filter(project=ws.project)}
    for name in [n for n, *_ in PLAN] + list(UNESTIMATED):
        if name not in found:
            found[name] = raci.activity_create(actor=pm, project=ws.project, name=name)
    return found


def _stakeholder(ws, name: str, **new) -> ProjectStakeholder:
    pm = ws.users["pm"]
    party = Party.objects.filter(org=ws.org, name=name).first()
    if party is not None:
        on_project = ProjectStakeholder.objects.filter(project=ws.project, party=party).first()
        if on_project is not None:
            return on_project
        return stakeholders.stakeholder_add(actor=pm, project=ws.project, party=party, **new)
    return stakeholders.stakeholder_add(
        actor=pm, project=ws.project, new_party={"name": name}, **new
    )


def promises_and_estimates_step(ws) -> None:
    pm, project = ws.users["pm"], ws.project
    people = ws.users
    made = _activities(ws)

    # Estimates: one version from the fit-gap workshop, with the basis of each.
    services.estimates_set_many(
        actor=pm,
        project=project,
        reason="First three-point estimates from the fit-gap workshop",
        rows=[
            {
                "activity": made[name],
                "duration": list(d),
                "cost": list(c),
                "predecessors": [made[p] for p in preds],
                "method": method,
                "source": source,
                "assumptions": ASSUMPTIONS.get(name, ""),
                "estimated_by": people[who],
            }
            for name, d, c, preds, method, source, who in PLAN
        ],
    )
    for name, preds in UNESTIMATED.items():
        services.dependencies_set(
            actor=pm,
            activity=made[name],
            predecessors=[made[p] for p in preds],
            reason="The measurement follows go-live",
        )
    sofia = _stakeholder(ws, "Sofia Reyes", roles=["sponsor"])
    services.constraint_set(
        actor=pm,
        project=project,
        reason="Sofia's target from the steering committee",
        finish_date=date(2027, 4, 30),
        budget=Decimal("340000"),
        stated_by=sofia.party,
        stated_on=date(2026, 9, 3),
        notes="“Eight months and 340,000: live before the summer, within this year's sales budget.”",
    )
    # Mei's vendor call widens one range: a change with its reason, kept as a version.
    services.estimate_set(
        actor=people["it_lead"],
        activity=made["Integrate order history and support tickets"],
        reason="Vendor call: the ERP order API needs a new version first",
        duration=[60, 80, 160],
        cost=[80000, 100000, 190000],
        assumptions="The ERP's order API v3 ships by January; read-only access is enough.",
    )
    services.simulation_run(actor=pm, project=project, iterations=10_000, seed=2026)

    # Promises: kept, kept with more, kept, broken (late and less), renegotiated, open.
    sales = _stakeholder(ws, "Sales team", is_customer=True)
    support = _stakeholder(ws, "Customer support", is_customer=True)
    cfo = _stakeholder(ws, "Arjun Mehta", is_customer=True)
    lars = _stakeholder(ws, "Lars Becker", is_customer=True)
    mei = _stakeholder(ws, "Mei Tanaka", is_customer=True)

    def promise(to, what, due, made_on, channel, where, scope="", by=pm):
        return promises.commitment_create(
            actor=by,
            project=project,
            party=to.party,
            what=what,
            promised_date=due,
            promised_scope=scope,
            made_on=made_on,
            channel=channel,
            made_where=where,
            made_by=by,
        )

    report = promise(
        sofia,
        "Send the fit-gap report",
        date(2026, 9, 25),
        date(2026, 9, 3),
        "meeting",
        "Kick-off steering committee of 3 September",
        "Every sales process mapped to the CRM, gaps priced.",
    )
    promises.commitment_deliver(
        actor=pm, commitment=report, delivered_on=date(2026, 9, 24), delivered_scope="as"
    )
    sandbox = promise(
        sales,
        "Sandbox demo of the CRM for the sales team",
        date(2026, 10, 16),
        date(2026, 9, 10),
        "email",
        "E-mail to the sales team of 10 September",
        "Accounts, contacts and a pipeline view.",
    )
    promises.commitment_deliver(
        actor=pm,
        commitment=sandbox,
        delivered_on=date(2026, 10, 14),
        delivered_scope="more",
        notes="Added the mobile view the reps asked for in the session.",
    )
    breakdown = promise(
        cfo,
        "Cost breakdown per phase for the budget review",
        date(2026, 10, 9),
        date(2026, 10, 1),
        "report",
        "Monthly status report, September",
    )
    promises.commitment_deliver(
        actor=pm, commitment=breakdown, delivered_on=date(2026, 10, 8), delivered_scope="as"
    )
    owner_field = promise(
        support,
        "Show agents the account owner in the ticket tool",
        date(2026, 10, 30),
        date(2026, 10, 1),
        "meeting",
        "Support team meeting of 1 October",
        "Account owner and their phone number on every ticket.",
        by=people["it_lead"],
    )
    promises.commitment_deliver(
        actor=people["it_lead"],
        commitment=owner_field,
        delivered_on=date(2026, 11, 6),
        delivered_scope="less",
        notes="Owner name only; the phone number needs the integration.",
    )
    hosting = promise(
        mei,
        "Hosting decision paper",
        date(2026, 11, 6),
        date(2026, 10, 12),
        "meeting",
        "Architecture board of 12 October",
    )
    promises.commitment_renegotiate(
        actor=pm,
        commitment=hosting,
        new_date=date(2026, 11, 27),
        agreed_on=date(2026, 11, 2),
        reason="Waiting for the infrastructure versus run-cost conflict to be settled first.",
    )
    promise(
        lars,
        "Data-entry time per rep, measured in the sandbox",
        date(2026, 12, 11),
        date(2026, 11, 12),
        "call",
        "Call with Lars of 12 November",
    )

    # Expectations, in the customers' words; the plan contradicts the sales team's date.
    promises.expectation_create(
        actor=pm,
        project=project,
        stakeholder=sales,
        kind="date",
        words="“Live before the spring sales push, or we lose a season.”",
        expected_date=date(2027, 4, 1),
    )
    promises.expectation_create(
        actor=pm,
        project=project,
        stakeholder=cfo,
        kind="budget",
        words="“No more than 450,000 for the whole rollout.”",
        amount=Decimal("450000"),
    )
    promises.expectation_create(
        actor=pm,
        project=project,
        stakeholder=lars,
        kind="quality",
        words="“Reps spend at most ten minutes a day on data entry.”",
    )
    promises.expectation_create(
        actor=pm,
        project=project,
        stakeholder=mei,
        kind="scope",
        words="“The legacy contact database is switched off at the end, not kept alongside.”",
    )
