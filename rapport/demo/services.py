"""The demo workspace: Northwind Trading rolls out a CRM so its sales team can cross-sell.

The sales director sponsors it, IT runs it. Each later feature adds its part of the story by
appending a step to DEMO_STEPS; every step gets the same `DemoWorkspace` and adds to it.
"""

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from rapport.accounts import services as accounts
from rapport.accounts.models import Organisation, OrgRole
from rapport.projects import services as projects
from rapport.projects.models import ProjectRole, ProjectState

DEMO_ORG_SLUG = "demo"
DEMO_PROJECT_CODE = "CRM"
DEMO_PM_EMAIL = "priya@northwind.example"
DEMO_PASSWORD_DEFAULT = "northwind-crm-demo"


def demo_password() -> str:
    return os.environ.get("RAPPORT_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


@dataclass
class DemoWorkspace:
    org: Organisation
    project: object = None
    users: dict = field(default_factory=dict)


def _foundation(ws: DemoWorkspace) -> None:
    password = demo_password()
    people = [
        # key, e-mail, name, organisation role, project role
        ("pm", DEMO_PM_EMAIL, "Priya Shah", OrgRole.OWNER, ProjectRole.MANAGER),
        ("analyst", "ben@northwind.example", "Ben Okafor", OrgRole.MEMBER, ProjectRole.CONTRIBUTOR),
        ("it_lead", "mei@northwind.example", "Mei Tanaka", OrgRole.MEMBER, ProjectRole.CONTRIBUTOR),
        ("director", "sofia@northwind.example", "Sofia Reyes", OrgRole.MEMBER, ProjectRole.VIEWER),
    ]
    for key, email, name, _, _ in people:
        ws.users[key] = accounts.user_create(email=email, password=password, full_name=name)
    pm = ws.users["pm"]
    accounts.org_member_add(actor=None, org=ws.org, user=pm, role=OrgRole.OWNER)
    for key, _, _, org_role, _ in people[1:]:
        accounts.org_member_add(actor=pm, org=ws.org, user=ws.users[key], role=org_role)
    ws.project = projects.project_create(
        actor=pm,
        org=ws.org,
        code=DEMO_PROJECT_CODE,
        name="CRM rollout for cross-selling",
        description=(
            "Replace the sales team's spreadsheets and the old contact database with one CRM, "
            "integrated with order history and customer support tickets."
        ),
        business_case=(
            "Sales reps sell one product line each and never see what else a customer buys. "
            "The sales director expects a 10% revenue uplift from cross-selling within a year of "
            "go-live; support expects fewer 'who is my account manager' calls."
        ),
        goals=[
            "Every sales rep sees a customer's full order and support history in one place",
            "Cross-sell revenue up 10% within 12 months of go-live",
            "Retire the legacy contact database by the end of the project",
            "Support agents can see who owns each account",
        ],
        start_date=date(2026, 9, 1),
        target_date=date(2027, 6, 30),
        budget=Decimal("420000.00"),
        currency="EUR",
        time_zone="Europe/Amsterdam",
    )
    projects.project_update(actor=pm, project=ws.project, state=ProjectState.ACTIVE)
    for key, _, _, _, project_role in people[1:]:
        projects.project_member_set(
            actor=pm, project=ws.project, user=ws.users[key], role=project_role
        )


# Later features append their steps here, in story order.
DEMO_STEPS = [_foundation]

from rapport.stakeholders.demo import customers_step  # noqa: E402  (issue 3: the register)

DEMO_STEPS.append(customers_step)

from rapport.raci.demo import raci_step  # noqa: E402  (issue 4: plan, RACI and SIPOC)

DEMO_STEPS.append(raci_step)

from rapport.estimates.demo_history import history_step  # noqa: E402  (issue 15: past projects)

DEMO_STEPS.append(history_step)  # before the CRM's estimate, so its simulation is calibrated

from rapport.estimates.demo import promises_and_estimates_step  # noqa: E402  (issue 5)

DEMO_STEPS.append(promises_and_estimates_step)

from rapport.comms.demo import communication_step  # noqa: E402  (issue 6: plan and honest status)

DEMO_STEPS.append(communication_step)

from rapport.relationship.demo import relationship_step  # noqa: E402  (issue 10)

DEMO_STEPS.append(relationship_step)


@transaction.atomic
def demo_load() -> DemoWorkspace:
    """Create the demo organisation and everything in it. Fails if it exists already."""
    if Organisation.objects.filter(slug=DEMO_ORG_SLUG).exists():
        raise ValueError("The demo workspace is loaded already.")
    org = accounts.org_create(actor=None, slug=DEMO_ORG_SLUG, name="Northwind Trading (demo)")
    ws = DemoWorkspace(org=org)
    for step in DEMO_STEPS:
        step(ws)
    return ws
