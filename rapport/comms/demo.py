"""The demo's communication plan and honest status (PRODUCT.md's seed table).

| Stakeholder           | Communication                    | Frequency         |
|-----------------------|----------------------------------|-------------------|
| Business area manager | Simple, readable progress report | Weekly (Monday)   |
| Business lead         | Detailed progress report         | Daily (weekdays)  |
| IT sponsor            | Statistical dashboard            | Weekly (Monday)   |

plus the weekly status meeting the business is invited to. The parties come from the customers
step: Sofia Reyes (Sales Director, the business area manager and sponsor), Lars Becker (Sales team
lead, the business lead) and Mei Tanaka (Head of IT operations, the IT sponsor); when a party is
missing (the customers step not loaded), a minimal one is made so the story still runs.

Three weekly status updates follow: two honest ambers, then a green one while three high risks are
open and the budget burns ahead of progress — the watermelon the board flags.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Category, Party
from rapport.status import services as status
from rapport.status.selectors import project_today

from . import services

# role in the seed table -> (name the customers step uses, category to look in, fallback party)
SEED_PARTIES = {
    "area_manager": (
        "Sofia Reyes",
        "Sponsor",
        {"title": "Sales Director", "email": "sofia@northwind.example"},
    ),
    "business_lead": (
        "Lars Becker",
        "Senior user",
        {"title": "Sales team lead", "email": "lars@northwind.example"},
    ),
    "it_sponsor": (
        "Mei Tanaka",
        "IT executive",
        {"title": "Head of IT operations", "email": "mei@northwind.example"},
    ),
}


def _party(ws, name: str, category: str, fallback: dict) -> Party:
    org, project = ws.org, ws.project
    party = Party.objects.filter(org=org, name=name).first()
    if party is None:
        party = (
            Party.objects.filter(org=org, categories__name=category, kind="person")
            .order_by("pk")
            .first()
        )
    if party is None:
        categories = list(Category.objects.filter(org=org, name=category))
        party = stakeholders.party_create(
            actor=ws.users["pm"],
            org=org,
            name=name,
            categories=categories,
            organisation="Northwind Trading",
            **fallback,
        )
    if not project.stakeholders.filter(party=party).exists():
        stakeholders.stakeholder_add(
            actor=ws.users["pm"], project=project, party=party, is_customer=True, interest=4
        )
    return party


def communication_step(ws) -> None:
    pm, project = ws.users["pm"], ws.project
    parties = {key: _party(ws, *spec) for key, spec in SEED_PARTIES.items()}
    today = project_today(project)
    nine = time(9, 0)

    plan = [
        (
            parties["area_manager"],
            "simple",
            "FREQ=WEEKLY;BYDAY=MO",
            "Keep the sponsor informed without burying her",
        ),
        (
            parties["business_lead"],
            "detailed",
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
            "Everything the business lead needs to steer the team",
        ),
        (
            parties["it_sponsor"],
            "dashboard",
            "FREQ=WEEKLY;BYDAY=MO",
            "Trends for IT: progress, milestones, budget",
        ),
    ]
    for party, kind, rule, purpose in plan:
        services.plan_row_create(
            actor=pm,
            project=project,
            audience_parties=[party],
            comm_type=kind,
            channel="email",
            rrule=rule,
            start_date=today,
            send_time=nine,
            owner=pm,
            purpose=purpose,
        )
    services.plan_row_create(
        actor=pm,
        project=project,
        audience_parties=list(parties.values()),
        comm_type="meeting",
        channel="meeting",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        start_date=today,
        send_time=time(10, 0),
        duration_minutes=45,
        owner=pm,
        purpose="Weekly status meeting: the business is invited",
    )

    # The risk register grows as the weeks go by: one high risk in week one, two in week two,
    # three (red evidence) when the PM reports green.
    risks = [
        (
            "Works council objects to activity tracking",
            "low",
            "medium",
            "Consult them on the reporting screens",
        ),
        (
            "Hosting decision keeps slipping while IT and finance disagree",
            "high",
            "high",
            "Escalate to the steering committee",
        ),
        (
            "Sales reps resist entering data in the busy season",
            "high",
            "medium",
            "Train team leads first; cut mandatory fields",
        ),
        (
            "Legacy contact data is too dirty to migrate as is",
            "medium",
            "high",
            "Start the clean-up now with ContactBase",
        ),
    ]
    risks_by_week = (risks[:2], risks[2:3], risks[3:])

    lead, sponsor, it = parties["business_lead"], parties["area_manager"], parties["it_sponsor"]
    monday = today - timedelta(days=today.weekday())
    weeks = [
        dict(
            overall="amber",
            schedule="amber",
            scope="green",
            cost="green",
            quality="green",
            risk="amber",
            progress=12,
            spent=Decimal("63000"),
            summary="Requirements are nearly done; the hosting decision is late.",
            schedule_note="Hosting decision a month late",
            went_well="Sales workshops done; the reps' wish list is agreed.",
            not_going_well="IT and finance disagree on hosting, so the decision slipped.",
            next_steps="Steering committee decides on hosting.",
            decisions=[
                {
                    "text": "Choose between new hosting and the existing data centre",
                    "needed_from": sponsor,
                }
            ],
            obstacles=[
                {
                    "text": "Hosting decision late",
                    "impact": "Integration work cannot start",
                    "customers": [it],
                }
            ],
        ),
        dict(
            overall="amber",
            schedule="amber",
            scope="green",
            cost="amber",
            quality="green",
            risk="amber",
            progress=15,
            spent=Decimal("147000"),
            summary="Vendor selected; hosting still undecided, and the licence cost more than planned.",
            cost_note="Licences 20% over the estimate",
            went_well="CRM vendor selected and contract signed.",
            not_going_well="Hosting still undecided; licences cost more than estimated.",
            next_steps="Start data clean-up with ContactBase.",
            obstacles=[
                {
                    "text": "Licences over budget",
                    "impact": "Less money for training",
                    "customers": [lead],
                }
            ],
        ),
        dict(
            overall="green",
            schedule="green",
            scope="green",
            cost="green",
            quality="green",
            risk="green",
            progress=20,
            spent=Decimal("252000"),
            summary="All on track.",
            went_well="Integration design started.",
            not_going_well="Nothing.",
            next_steps="Data clean-up, integration build.",
            decisions=[{"text": "Approve the training plan for team leads", "needed_from": lead}],
        ),
    ]
    now = timezone.now()
    for back, fields, new_risks in zip((3, 2, 1), weeks, risks_by_week, strict=True):
        for title, probability, impact, mitigation in new_risks:
            status.risk_create(
                actor=pm,
                project=project,
                title=title,
                probability=probability,
                impact=impact,
                mitigation=mitigation,
                owner="Priya Shah",
            )
        start = monday - timedelta(weeks=back)
        # Published on the Monday after the period, 08:00 local (or now, for the latest week).
        monday_after = datetime.combine(
            start + timedelta(days=7), time(8, 0), ZoneInfo(project.time_zone)
        )
        published = min(now, monday_after)
        update = status.status_update_create(
            actor=pm,
            project=project,
            period_start=start,
            period_end=start + timedelta(days=6),
            **fields,
        )
        status.status_update_publish(actor=pm, update=update, now=published)
