"""The demo's history: four projects Northwind completed before the CRM rollout, each estimated,
delivered and closed, so the track record has something to say and the CRM estimate can be
calibrated on it (issue 15).

The story the figures tell: Ben Okafor (business analyst) estimates close to the truth; Priya
Shah runs a little over; Mei Tanaka (IT lead) is consistently optimistic: her work takes about
1.6× her most likely figure. The projects finished past their P80, so the CRM's calibrated P80 is
later than its plain one. Mei also promises dates she rarely keeps; the promise form says so.

Outcomes are fixed figures (no randomness): the demo reads the same every time.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rapport.projects import services as projects
from rapport.projects.models import ProjectRole, ProjectState
from rapport.promises import services as promises
from rapport.raci import services as raci
from rapport.stakeholders import services as stakeholders
from rapport.status import services as status

from . import rules, services
from .track_record import calibration_refresh

# how each estimator's work really went: actual duration ÷ most likely, actual cost ÷ most likely
HABITS = {"analyst": (1.04, 1.02), "pm": (1.15, 1.08), "it_lead": (1.6, 1.35)}
# a small fixed wobble per activity, so the figures do not look machine-made
WOBBLE = (1.0, 1.08, 0.94, 1.05, 0.97, 1.11, 0.92, 1.03)

# fmt: off
# code, name, start, customer, phases and activities:
#   (phase, name, kind, duration (o, m, p), cost (o, m, p), predecessors, method, estimator)
PROJECTS = [
    ("WEB", "Webshop relaunch", date(2023, 2, 6), "E-commerce team", [
        ("Design", "Shop requirements", "task", (8, 10, 15), (8000, 10000, 14000), [], "expert", "analyst"),
        ("Design", "Page designs", "deliverable", (10, 12, 18), (12000, 15000, 22000), ["Shop requirements"], "bottom_up", "analyst"),
        ("Build", "Payment integration", "task", (12, 15, 25), (15000, 18000, 30000), ["Shop requirements"], "analogous", "it_lead"),
        ("Build", "Catalogue import", "task", (10, 12, 20), (9000, 11000, 18000), ["Shop requirements"], "parametric", "it_lead"),
        ("Build", "Build the shop pages", "task", (15, 20, 30), (20000, 25000, 38000), ["Page designs"], "quote", "it_lead"),
        ("Launch", "User acceptance test", "task", (5, 8, 12), (5000, 7000, 10000), ["Payment integration", "Catalogue import", "Build the shop pages"], "expert", "pm"),
        ("Launch", "Go-live", "milestone", (0, 0, 0), (0, 0, 0), ["User acceptance test"], "expert", "pm"),
    ]),
    ("ERP-UP", "ERP upgrade", date(2023, 9, 4), "Finance team", [
        ("Prepare", "Upgrade assessment", "task", (8, 10, 14), (9000, 11000, 15000), [], "expert", "pm"),
        ("Prepare", "Custom code inventory", "deliverable", (10, 12, 18), (10000, 12000, 18000), ["Upgrade assessment"], "bottom_up", "analyst"),
        ("Upgrade", "Technical upgrade", "task", (20, 25, 40), (30000, 36000, 55000), ["Custom code inventory"], "analogous", "it_lead"),
        ("Upgrade", "Rework custom reports", "task", (12, 15, 25), (14000, 17000, 26000), ["Custom code inventory"], "parametric", "it_lead"),
        ("Test", "Regression tests", "task", (10, 12, 18), (9000, 11000, 16000), ["Technical upgrade", "Rework custom reports"], "bottom_up", "analyst"),
        ("Test", "Cut-over weekend", "decision", (0, 0, 0), (3000, 3000, 3000), ["Regression tests"], "expert", "pm"),
    ]),
    ("HR-SELF", "HR self-service portal", date(2024, 3, 4), "HR department", [
        ("Design", "Leave and expense workflows", "task", (8, 10, 14), (7000, 9000, 12000), [], "expert", "analyst"),
        ("Build", "Single sign-on", "task", (8, 10, 18), (8000, 10000, 17000), [], "analogous", "it_lead"),
        ("Build", "Portal configuration", "task", (15, 18, 28), (16000, 20000, 30000), ["Leave and expense workflows"], "quote", "analyst"),
        ("Build", "Payroll interface", "task", (15, 20, 32), (18000, 22000, 36000), ["Leave and expense workflows"], "analogous", "it_lead"),
        ("Roll-out", "Manager training", "task", (5, 6, 9), (5000, 6000, 8000), ["Portal configuration", "Payroll interface", "Single sign-on"], "parametric", "pm"),
        ("Roll-out", "Portal live", "milestone", (0, 0, 0), (0, 0, 0), ["Manager training"], "expert", "pm"),
    ]),
    ("DWH", "Sales data warehouse", date(2025, 1, 13), "Sales management", [
        ("Analyse", "KPI definitions", "task", (6, 8, 12), (6000, 8000, 11000), [], "expert", "analyst"),
        ("Build", "Data model", "deliverable", (10, 12, 18), (11000, 13000, 19000), ["KPI definitions"], "bottom_up", "it_lead"),
        ("Build", "Load jobs from the ERP", "task", (15, 18, 30), (17000, 20000, 33000), ["Data model"], "analogous", "it_lead"),
        ("Build", "Dashboards", "task", (10, 12, 18), (10000, 12000, 17000), ["Data model"], "parametric", "analyst"),
        ("Close", "Data quality sign-off", "decision", (3, 4, 6), (2000, 3000, 4000), ["Load jobs from the ERP", "Dashboards"], "expert", "pm"),
    ]),
]
# promises made on those projects: project, who made it, what, made (days after the start),
# promised (days after it was made), delivered (days after it was made; None: never)
PROMISES = [
    ("WEB", "it_lead", "Payment provider test account working", 10, 14, 24),
    ("WEB", "it_lead", "Catalogue loaded for the preview", 20, 21, 35),
    ("WEB", "analyst", "Page designs to marketing for review", 15, 20, 18),
    ("WEB", "pm", "Launch date confirmed to the e-commerce team", 30, 30, 30),
    ("ERP-UP", "it_lead", "Upgraded test system available", 25, 20, 34),
    ("ERP-UP", "it_lead", "Reports reworked for the month-end close", 30, 30, 41),
    ("ERP-UP", "analyst", "Custom code inventory shared with finance", 5, 12, 11),
    ("ERP-UP", "pm", "Cut-over plan to the finance director", 40, 10, 12),
    ("HR-SELF", "it_lead", "Single sign-on working for HR", 5, 14, 19),
    ("HR-SELF", "it_lead", "Payroll interface tested with the March payroll", 20, 30, None),
    ("HR-SELF", "analyst", "Workflow walkthrough with HR", 3, 10, 9),
    ("HR-SELF", "pm", "Training dates to all managers", 25, 7, 7),
    ("DWH", "it_lead", "First load of last year's orders", 15, 15, 20),
    ("DWH", "analyst", "KPI definitions signed off by sales", 2, 10, 10),
    ("DWH", "it_lead", "Dashboards fed nightly", 30, 20, 19),
    ("DWH", "pm", "Data quality report to sales management", 40, 10, 9),
]
# fmt: on


# The benefit each project forecast up front and what was measured after its target date: the
# webshop met its P50; the HR portal over-promised (measured below its P80), so the track
# record's "Benefits forecast against measured" has one of each.
# code: (outcome, metric, unit, baseline, target, target date, (low, P50, P80, high),
#        assumptions, measured on, measured value)
BENEFITS = {
    "WEB": (
        "Customers buy online without calling the shop",
        "Share of orders placed online",
        "%",
        40,
        60,
        date(2024, 1, 31),
        (45, 55, 50, 65),
        "The new checkout is live before the autumn season; no price changes.",
        date(2024, 2, 5),
        56,
    ),
    "HR-SELF": (
        "Employees file leave and expenses themselves",
        "Requests filed in the portal",
        "%",
        0,
        80,
        date(2025, 3, 31),
        (50, 75, 65, 90),
        "Every manager is trained before go-live; paper forms are withdrawn in month two.",
        date(2025, 4, 7),
        52,
    ),
}


def _finish(start: date, days: float) -> date:
    return rules.working_days_to_date(start, days) if days > 0 else start


def _next_working_day(day: date) -> date:
    return rules.working_days_to_date(day + timedelta(days=1), 1)


def _past_project(ws, code, name, start, customer, plan) -> object:
    pm = ws.users["pm"]
    project = projects.project_create(
        actor=pm, org=ws.org, code=code, name=name, start_date=start, currency="EUR"
    )
    for key in ("analyst", "it_lead"):
        projects.project_member_set(
            actor=pm, project=project, user=ws.users[key], role=ProjectRole.CONTRIBUTOR
        )
    phases = {}
    made = {}
    for phase, activity, kind, *_ in plan:
        if phase not in phases:
            phases[phase] = raci.phase_create(actor=pm, project=project, name=phase)
        made[activity] = raci.activity_create(
            actor=pm, project=project, name=activity, kind=kind, phase=phases[phase]
        )
    services.estimates_set_many(
        actor=pm,
        project=project,
        reason="Baseline estimate agreed at kick-off",
        rows=[
            {
                "activity": made[activity],
                "duration": list(duration),
                "cost": list(cost),
                "method": method,
                "estimated_by": ws.users[who],
                "predecessors": [made[p] for p in preds],
            }
            for _, activity, _, duration, cost, preds, method, who in plan
        ],
    )
    finished: dict[str, date] = {}
    spent = Decimal(0)
    for i, (_, activity, _, duration, cost, preds, _, who) in enumerate(plan):
        days_factor, cost_factor = HABITS[who]
        wobble = WOBBLE[(i + len(code)) % len(WOBBLE)]
        begin = max((_next_working_day(finished[p]) for p in preds), default=start)
        days = round(duration[1] * days_factor * wobble)
        finished[activity] = _finish(begin, days)
        spent += Decimal(round(cost[1] * cost_factor * wobble))
        raci.activity_update(
            actor=pm,
            activity=made[activity],
            status="done",
            planned_start=begin,
            planned_finish=finished[activity],
            actual_start=begin,
            actual_finish=finished[activity],
        )
    end = max(finished.values())
    projects.project_update(actor=pm, project=project, state=ProjectState.ACTIVE)
    status.status_update_create(
        actor=pm,
        project=project,
        period_start=start,
        period_end=end,
        overall="amber",
        summary=f"{name} is live; it took longer and cost more than the baseline.",
        not_going_well="Integration work ran well past its estimate again.",
        spent=spent,
        publish=True,
    )
    customer_stakeholder = stakeholders.stakeholder_add(
        actor=pm, project=project, new_party={"name": customer}, is_customer=True
    )
    party = customer_stakeholder.party
    if code in BENEFITS:
        title, metric, unit, baseline, target, due, forecast, assumes, measured_on, value = (
            BENEFITS[code]
        )
        low, p50, p80, high = (Decimal(v) for v in forecast)
        outcome = stakeholders.outcome_create(
            actor=pm,
            project=project,
            title=title,
            metric=metric,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            due_date=due,
            benefit_low=low,
            benefit_p50=p50,
            benefit_p80=p80,
            benefit_high=high,
            benefit_assumptions=assumes,
            stakeholders=[customer_stakeholder],
        )
        stakeholders.position_set(
            actor=pm, outcome=outcome, stakeholder=customer_stakeholder, status="agreed"
        )
        stakeholders.measurement_add(
            actor=pm, outcome=outcome, measured_on=measured_on, value=Decimal(value)
        )
    for _, who, what, made_after, promised_after, delivered_after in (
        p for p in PROMISES if p[0] == code
    ):
        made_on = start + timedelta(days=made_after)
        commitment = promises.commitment_create(
            actor=pm,
            project=project,
            party=party,
            what=what,
            promised_date=made_on + timedelta(days=promised_after),
            made_by=ws.users[who],
            made_on=made_on,
        )
        if delivered_after is None:
            promises.commitment_break(
                actor=pm, commitment=commitment, reason="Dropped when the interface was redone."
            )
        else:
            promises.commitment_deliver(
                actor=pm,
                commitment=commitment,
                delivered_on=made_on + timedelta(days=delivered_after),
                delivered_scope="as",
            )
    projects.project_update(actor=pm, project=project, state=ProjectState.COMPLETED)
    return project


def history_step(ws) -> None:
    """Four completed projects before the CRM (see the module docstring); the calibration is
    fitted once at the end, so the CRM's first simulation is calibrated."""
    for code, name, start, customer, plan in PROJECTS:
        _past_project(ws, code, name, start, customer, plan)
    calibration_refresh(ws.org)
