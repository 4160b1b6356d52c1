"""Every URL and every API operation, against every role: outsiders get 404 and no data.

A new view without an access decorator, or a new API operation missing from API_NEEDS, fails
here: that is the point.
"""

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from rapport.accounts import services as accounts
from rapport.accounts.models import Invitation
from rapport.api.api import api

pytestmark = pytest.mark.django_db

FOREIGN_MARKERS = ("Alpha rollout", "Happy customers")  # Acme data Globex must never see
ACME_PERSONAS = ("owner", "manager", "contributor", "viewer", "member")

# Project level of each persona on ALPHA, and organisation level in Acme.
PROJECT_LEVEL = {
    "owner": 4,
    "manager": 3,
    "contributor": 2,
    "viewer": 1,
    "member": 0,
    "outsider": 0,
}
ORG_LEVEL = {"owner": 2, "manager": 1, "contributor": 1, "viewer": 1, "member": 1, "outsider": 0}
PROJECT_NEEDS = {"view": 1, "contribute": 2, "manage": 3, "own": 4}
ORG_NEEDS = {"member": 1, "owner": 2}

# The relationship apps declare their pages and operations next to their own tests
# (tests/<app>/authorization.py), so each grows without editing this file.
PLUGGED_APPS = (
    "meetings",
    "education",
    "lessons",
    "experts",
    "satisfaction",
    "slas",
    "relationship",
    "stakeholders",  # saved column mappings of the imports
)


def plugged():
    import importlib

    return [importlib.import_module(f"tests.{app}.authorization") for app in PLUGGED_APPS]


def web_patterns(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from web_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def is_api_operation(route: str) -> bool:
    return route.startswith("api/v1/") and route not in ("api/v1/openapi.json", "api/v1/docs")


def fill(route: str, values: dict) -> str:
    import re

    def replace(match):
        name = match.group(1).split(":")[-1]
        return str(values[name])

    return "/" + re.sub(r"<([^>]+)>", replace, route)


@pytest.fixture
def object_ids(world):
    """Objects of later features whose ids appear in URLs and API paths, made through services."""
    from tests.stakeholders.factories import register_sample

    ids = register_sample(world)
    from tests.estimates.factories import estimates_sample

    ids.update(estimates_sample(world))  # promises and estimates
    from tests.comms.factories import comms_sample

    ids.update(comms_sample(world))  # communication plan and honest status
    from rapport.comms.services import feedback_record

    comment = feedback_record(  # Bea's comment on her report, for the answers to it
        delivery=world.comms["delivery"], party=world.comms["bea"], comment="Why amber?"
    )
    ids["feedback_id"] = comment.pk
    from tests.raci.factories import raci_sample

    ids.update(raci_sample(world))  # phases, RACI, imports and SIPOC
    from tests.relations.factories import relations_sample

    ids.update(relations_sample(world))  # interactions with customers
    for module in plugged():  # meetings, lessons, satisfaction, SLAs, ...
        ids.update(module.sample(world))
    world.object_ids = ids  # call() fills API paths from these
    return ids


def _outbox_message(org):
    """A development-outbox message of Acme's, with an HTML part and an attachment."""
    from django.core.mail import EmailMultiAlternatives

    from rapport.ops.models import OutboxMessage

    email = EmailMultiAlternatives("Report", "Text", "a@acme.example", ["b@acme.example"])
    email.attach_alternative("<p>HTML</p>", "text/html")
    email.attach("report.pdf", b"%PDF-1.4", "application/pdf")
    return OutboxMessage.objects.create(
        org=org, to="b@acme.example", subject="Report", raw=email.message().as_bytes()
    )


@pytest.fixture
def url_values(world, object_ids):
    token, _ = accounts.api_token_create(actor=world.owner, name="t")
    invitation, raw = accounts.invitation_create(
        actor=world.owner, org=world.acme, email="new@acme.example"
    )
    outbox_message = _outbox_message(world.acme)
    return {
        "message_id": outbox_message.pk,
        "index": 0,
        "org": "acme",
        "code": "ALPHA",
        "user_id": world.contributor.pk,
        "token_id": token.pk,
        "invitation_id": invitation.pk,
        "token": raw,
        "uidb64": "MQ",
        "rest": "nothing-here",
        **object_ids,
    }


def expected(kind: str, need, persona: str) -> str:
    """'ok', 'forbidden' (403) or 'hidden' (404) for a persona on a view of this kind."""
    if kind in ("public", "user"):
        return "ok"
    level = (PROJECT_LEVEL if kind == "project" else ORG_LEVEL)[persona]
    required = (PROJECT_NEEDS if kind == "project" else ORG_NEEDS)[need]
    if level == 0:
        return "hidden"
    return "forbidden" if level < required else "ok"


# Who may open each page: the specification the views' decorators must match. A new page must
# be added here, so its access is a decision someone wrote down.
WEB_NEEDS = {
    "home": ("public", None),
    "login": ("public", None),
    "logout": ("public", None),
    "password-reset": ("public", None),
    "password-reset-sent": ("public", None),
    "password_reset_confirm": ("public", None),
    "password-reset-complete": ("public", None),
    "invitation-accept": ("public", None),
    "api:openapi-json": ("public", None),
    "api:openapi-view": ("public", None),
    None: ("public", None),  # the JSON 404 for unknown /api/ paths
    "password-change": ("user", "signed-in"),
    "account": ("user", "signed-in"),
    "api-token-revoke": ("user", "signed-in"),
    "org-new": ("user", "signed-in"),
    "project-list": ("user", "signed-in"),
    "project-new": ("user", "signed-in"),
    "org-home": ("org", "member"),
    "org-invite": ("org", "owner"),
    "org-invitation-revoke": ("org", "owner"),
    "org-member-role": ("org", "owner"),
    "org-member-remove": ("org", "owner"),
    "org-history": ("org", "owner"),
    "project-home": ("project", "view"),
    "project-edit": ("project", "manage"),
    "project-delete": ("project", "own"),
    "project-members": ("project", "view"),
    "project-member-add": ("project", "manage"),
    "project-member-role": ("project", "manage"),
    "project-member-remove": ("project", "manage"),
    "project-history": ("project", "view"),
    # Customers: the organisation's register (members read, owners change) ...
    "register-list": ("org", "member"),
    "party-new": ("org", "owner"),
    "party-search": ("org", "member"),
    "party-detail": ("org", "member"),
    "party-edit": ("org", "owner"),
    "party-delete": ("org", "owner"),
    "category-list": ("org", "member"),
    "category-add": ("org", "owner"),
    "category-edit": ("org", "owner"),
    "category-delete": ("org", "owner"),
    "register-export": ("org", "member"),
    "register-import": ("org", "owner"),
    "register-import-preview": ("org", "owner"),
    # ... and a project's customers (viewers read, contributors add and edit, managers import).
    "stakeholder-list": ("project", "view"),
    "stakeholder-add": ("project", "contribute"),
    "stakeholder-candidates": ("project", "contribute"),
    "stakeholder-detail": ("project", "view"),
    "stakeholder-edit": ("project", "contribute"),
    "stakeholder-remove": ("project", "contribute"),
    "stakeholder-preferences": ("project", "contribute"),
    "interaction-list": ("project", "view"),
    "interaction-new": ("project", "contribute"),
    "interaction-edit": ("project", "contribute"),
    "interaction-delete": ("project", "contribute"),
    "criterion-add": ("project", "contribute"),
    "criterion-edit": ("project", "contribute"),
    "criterion-delete": ("project", "contribute"),
    "category-consider": ("project", "contribute"),
    "category-consider-bulk": ("project", "contribute"),
    "value-overview": ("project", "view"),
    "stakeholder-pictures": ("project", "view"),
    "power-interest-svg": ("project", "view"),
    "engagement-svg": ("project", "view"),
    "outcome-list": ("project", "view"),
    "outcome-new": ("project", "contribute"),
    "outcome-detail": ("project", "view"),
    "outcome-edit": ("project", "contribute"),
    "outcome-delete": ("project", "contribute"),
    "position-set": ("project", "contribute"),
    "measurement-add": ("project", "contribute"),
    "conflict-add": ("project", "contribute"),
    "conflict-resolve": ("project", "contribute"),
    "stakeholder-export": ("project", "view"),
    "stakeholder-import": ("project", "manage"),
    "stakeholder-import-preview": ("project", "manage"),
    # RACI and SIPOC: viewers read; contributors edit activities, cells and SIPOCs; managers import,
    # add parties to the project and set the thresholds.
    "raci-matrix": ("project", "view"),
    "raci-cell": ("project", "contribute"),
    "raci-findings": ("project", "view"),
    "raci-export": ("project", "view"),
    "raci-import": ("project", "manage"),
    "raci-import-preview": ("project", "manage"),
    "raci-settings": ("project", "manage"),
    "raci-party-add": ("project", "manage"),
    "raci-activities": ("project", "view"),
    "raci-activity-new": ("project", "contribute"),
    "raci-activity-quick-add": ("project", "contribute"),
    "raci-activity-schedule": ("project", "contribute"),
    "raci-timeline": ("project", "view"),
    "raci-activity-edit": ("project", "contribute"),
    "raci-activity-delete": ("project", "contribute"),
    "raci-activity-move": ("project", "contribute"),
    "raci-activity-letters": ("project", "contribute"),
    "raci-activity-consulted": ("project", "view"),
    "raci-consulted-input": ("project", "contribute"),
    "comms-informed-add": ("project", "manage"),
    "raci-phase-new": ("project", "contribute"),
    "raci-phase-edit": ("project", "contribute"),
    "raci-phase-delete": ("project", "contribute"),
    "raci-phase-move": ("project", "contribute"),
    "sipoc-list": ("project", "view"),
    "sipoc-new": ("project", "contribute"),
    "sipoc-detail": ("project", "view"),
    "sipoc-edit": ("project", "contribute"),
    "sipoc-delete": ("project", "contribute"),
    "sipoc-links": ("project", "contribute"),
    "sipoc-export": ("project", "view"),
    "sipoc-print": ("project", "view"),
    "sipoc-item-add": ("project", "contribute"),
    "sipoc-item-remove": ("project", "contribute"),
    "sipoc-item-move": ("project", "contribute"),
    # Promises: viewers read; contributors record promises, deliveries and expectations.
    "promise-list": ("project", "view"),
    "promise-new": ("project", "contribute"),
    "promise-policy": ("project", "manage"),  # issue 10: over-promise threshold
    "promise-detail": ("project", "view"),
    "promise-deliver": ("project", "contribute"),
    "promise-renegotiate": ("project", "contribute"),
    "promise-break": ("project", "contribute"),
    "expectation-list": ("project", "view"),
    "expectation-new": ("project", "contribute"),
    "expectation-edit": ("project", "contribute"),
    "expectation-delete": ("project", "contribute"),
    # Estimates: contributors estimate; managers set the target, simulate and restore.
    "estimate-home": ("project", "view"),
    "estimate-sheet": ("project", "contribute"),
    "estimate-activity-add": ("project", "contribute"),
    "estimate-activity": ("project", "contribute"),
    "estimate-activity-delete": ("project", "contribute"),
    "estimate-constraint": ("project", "manage"),
    "estimate-run": ("project", "manage"),
    "estimate-run-repeat": ("project", "manage"),
    "estimate-versions": ("project", "view"),
    "estimate-compare": ("project", "view"),
    "estimate-restore": ("project", "manage"),
    "estimate-pdf": ("project", "view"),
    "track-record": ("org", "member"),
    # Honest status: everyone on the project reads; managers write and publish, contributors keep risks.
    "status-home": ("project", "view"),
    "status-new": ("project", "manage"),
    "health-settings": ("project", "manage"),
    "status-detail": ("project", "view"),
    "status-edit": ("project", "manage"),
    "status-publish": ("project", "manage"),
    "status-correct": ("project", "manage"),
    "status-delete": ("project", "manage"),
    "risk-list": ("project", "view"),
    "risk-add": ("project", "contribute"),
    "risk-edit": ("project", "contribute"),
    "risk-close": ("project", "contribute"),
    "org-board": ("org", "member"),
    "promise-figures-org": ("org", "member"),
    # Communication plan: everyone on the project reads and previews; managers plan and send.
    "comms-plan": ("project", "view"),
    "plan-row-new": ("project", "manage"),
    "plan-row-edit": ("project", "manage"),
    "plan-row-delete": ("project", "manage"),
    "plan-row-send-now": ("project", "manage"),
    "report-preview": ("project", "view"),
    "report-preview-pdf": ("project", "view"),
    "delivery-list": ("project", "view"),
    "delivery-retry": ("project", "manage"),
    "portal-link-revoke": ("project", "manage"),
    # A stakeholder's portal as they see it, read-only; their link goes only to them by e-mail.
    "portal-preview": ("project", "view"),
    "portal-preview-report": ("project", "view"),
    "portal-link-resend": ("project", "manage"),
    "calendar-feed-new": ("project", "manage"),
    "calendar-feed-revoke": ("project", "manage"),
    "comms-load": ("org", "owner"),
    "comms-org-settings": ("org", "owner"),
    # Comments from the portal: the team reads them; managers answer.
    "comment-list": ("project", "view"),
    "comment-reply": ("project", "manage"),
    "comment-acted-on": ("project", "manage"),
    "comment-close": ("project", "manage"),
    # The development outbox: owners only, since messages carry stakeholders' portal links.
    "outbox-list": ("org", "owner"),
    "outbox-message": ("org", "owner"),
    "outbox-message-html": ("org", "owner"),
    "outbox-attachment": ("org", "owner"),
    "my-calendar": ("user", "signed-in"),
    # Behind secrets, checked in tests/comms/test_portal.py and test_calendar.py: a link's party
    # sees only what was sent to it, a revoked or made-up secret is 404.
    "calendar-feed": ("public", None),
    "portal-home": ("public", None),
    "portal-unlock": ("public", None),
    "portal-password": ("public", None),
    "portal-report": ("public", None),
    "portal-report-pdf": ("public", None),
}

for _module in plugged():
    WEB_NEEDS.update(_module.WEB_NEEDS)


def test_every_web_view_declares_the_access_written_down_for_it():
    declared = {}
    for route, pattern in web_patterns():
        if is_api_operation(route):
            continue
        name = f"api:{pattern.name}" if route.startswith("api/v1/") else pattern.name
        declared[name] = getattr(
            pattern.callback, "access_need", "MISSING (see rapport.accounts.access)"
        )
    assert declared == WEB_NEEDS


@pytest.mark.parametrize("persona", [*ACME_PERSONAS, "outsider"])
def test_each_role_gets_exactly_its_access_on_every_page(world, url_values, client_for, persona):
    client = client_for(getattr(world, persona))
    problems = []
    for route, pattern in web_patterns():
        if is_api_operation(route):
            continue
        kind, need = pattern.callback.access_need
        if kind == "public":
            continue
        url = fill(route, url_values)
        response = client.get(url)
        want = expected(kind, need, persona)
        status = response.status_code
        ok = {
            "ok": status < 400 or status == 405,
            "forbidden": status == 403,
            "hidden": status == 404,
        }[want]
        if not ok:
            problems.append(f"GET {url}: {status}, expected {want}")
        if want != "ok" and any(m.encode() in response.content for m in FOREIGN_MARKERS):
            problems.append(f"GET {url}: leaked data")
    assert problems == []


def test_an_outsider_gets_404_and_changes_nothing_on_every_write(world, url_values, client_for):
    client = client_for(world.outsider)
    before = LogEntry.objects.count()
    for route, pattern in web_patterns():
        kind, _ = getattr(pattern.callback, "access_need", ("api", None))
        if kind not in ("project", "org"):
            continue
        url = fill(route, url_values)
        response = client.post(
            url, {"role": "owner", "confirm_code": "ALPHA", "email": "x@y.example"}
        )
        assert response.status_code == 404, url
    assert LogEntry.objects.count() == before


def test_acme_people_cannot_see_globex_pages(world, url_values, client_for):
    values = {**url_values, "org": "globex", "code": "OMEGA", "user_id": world.outsider.pk}
    for persona in ACME_PERSONAS:
        client = client_for(getattr(world, persona))
        for route, pattern in web_patterns():
            kind, _ = getattr(pattern.callback, "access_need", ("api", None))
            if kind not in ("project", "org"):
                continue
            response = client.get(fill(route, values))
            assert response.status_code == 404, (persona, route)
            assert b"GLOBEX-SECRET" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(db, url_values, client):
    for route, pattern in web_patterns():
        kind, _ = getattr(pattern.callback, "access_need", ("api", None))
        if kind in ("project", "org", "user"):
            response = client.get(fill(route, url_values))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], route


# --- the API --------------------------------------------------------------------------------------

# What each operation needs. A new operation must be added here (and to API_BODIES if it has one).
API_NEEDS = {
    ("get", "/api/v1/me"): ("user", None),
    ("get", "/api/v1/orgs"): ("user", None),
    ("get", "/api/v1/orgs/{slug}"): ("org", "member"),
    ("get", "/api/v1/orgs/{slug}/members"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/invitations"): ("org", "owner"),
    ("get", "/api/v1/projects"): ("user", None),
    ("post", "/api/v1/projects"): ("org", "member"),
    ("get", "/api/v1/projects/{project_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}"): ("project", "manage"),
    ("delete", "/api/v1/projects/{project_id}"): ("project", "own"),
    ("get", "/api/v1/projects/{project_id}/members"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/members"): ("project", "manage"),
    ("delete", "/api/v1/projects/{project_id}/members/{user_id}"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/history"): ("project", "view"),
    # Customers
    ("get", "/api/v1/orgs/{slug}/categories"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/categories"): ("org", "owner"),
    ("patch", "/api/v1/orgs/{slug}/categories/{category_id}"): ("org", "owner"),
    ("delete", "/api/v1/orgs/{slug}/categories/{category_id}"): ("org", "owner"),
    ("get", "/api/v1/orgs/{slug}/parties"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/parties"): ("org", "owner"),
    ("get", "/api/v1/orgs/{slug}/parties/{party_id}"): ("org", "member"),
    ("patch", "/api/v1/orgs/{slug}/parties/{party_id}"): ("org", "owner"),
    ("delete", "/api/v1/orgs/{slug}/parties/{party_id}"): ("org", "owner"),
    ("get", "/api/v1/orgs/{slug}/register-export"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/register-import"): ("org", "owner"),
    ("get", "/api/v1/projects/{project_id}/register-export"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/register-import"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/stakeholders"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/stakeholders"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}/preferences"): (
        "project",
        "view",
    ),
    ("put", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}/preferences"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/interactions"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/interactions"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/interactions/{interaction_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/interactions/{interaction_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/interactions/{interaction_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/not-heard-from"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/customer-findings"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/category-considerations/{category_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/stakeholder-pictures"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/value-criteria"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}/value-criteria"): (
        "project",
        "contribute",
    ),
    ("patch", "/api/v1/projects/{project_id}/value-criteria/{criterion_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/value-criteria/{criterion_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/outcomes"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/outcomes"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/outcomes/{outcome_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/outcomes/{outcome_id}"): ("project", "contribute"),
    ("delete", "/api/v1/projects/{project_id}/outcomes/{outcome_id}"): ("project", "contribute"),
    ("put", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/positions/{stakeholder_id}"): (
        "project",
        "contribute",
    ),
    ("post", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/measurements"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/outcome-conflicts"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/conflicts/{other_outcome_id}"): (
        "project",
        "contribute",
    ),
    ("patch", "/api/v1/projects/{project_id}/outcome-conflicts/{conflict_id}"): (
        "project",
        "contribute",
    ),
    # RACI and SIPOC
    ("get", "/api/v1/projects/{project_id}/phases"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/phases"): ("project", "contribute"),
    ("patch", "/api/v1/projects/{project_id}/phases/{phase_id}"): ("project", "contribute"),
    ("delete", "/api/v1/projects/{project_id}/phases/{phase_id}"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/activities"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/activities"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/activities/{activity_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/activities/{activity_id}"): ("project", "contribute"),
    ("delete", "/api/v1/projects/{project_id}/activities/{activity_id}"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/activities/{activity_id}/consulted"): (
        "project",
        "view",
    ),
    ("get", "/api/v1/projects/{project_id}/comms/informed"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/comms/plan/{plan_row_id}/audience/{party_id}"): (
        "project",
        "manage",
    ),
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/consulted/{party_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/activities/{activity_id}/consulted/{party_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/raci"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/raci/cells"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/raci/findings"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/raci/settings"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/raci/settings"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/raci/export"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/raci/import"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/sipocs"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/sipocs"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/sipocs/{process_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/sipocs/{process_id}"): ("project", "contribute"),
    ("put", "/api/v1/projects/{project_id}/sipocs/{process_id}/content"): ("project", "contribute"),
    ("delete", "/api/v1/projects/{project_id}/sipocs/{process_id}"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/sipocs/{process_id}/export"): ("project", "view"),
    # Promises
    ("get", "/api/v1/projects/{project_id}/commitments"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/commitments"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/promise-policy"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/promise-policy"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/commitments/{commitment_id}"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/delivery"): (
        "project",
        "contribute",
    ),
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/renegotiations"): (
        "project",
        "contribute",
    ),
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/breach"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/commitment-figures"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/expectations"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/expectations"): ("project", "contribute"),
    ("patch", "/api/v1/projects/{project_id}/expectations/{expectation_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/expectations/{expectation_id}"): (
        "project",
        "contribute",
    ),
    # Estimates
    ("get", "/api/v1/projects/{project_id}/estimates"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/estimate"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/activities/{activity_id}/estimate"): (
        "project",
        "contribute",
    ),
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/predecessors"): (
        "project",
        "contribute",
    ),
    ("put", "/api/v1/projects/{project_id}/estimate-target"): ("project", "manage"),
    ("delete", "/api/v1/projects/{project_id}/estimate-target"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/estimate-versions"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/estimate-versions/{version_number}"): (
        "project",
        "view",
    ),
    ("get", "/api/v1/projects/{project_id}/estimate-versions/{version_number}/compare"): (
        "project",
        "view",
    ),
    ("post", "/api/v1/projects/{project_id}/estimate-versions/{version_number}/restore"): (
        "project",
        "manage",
    ),
    ("post", "/api/v1/projects/{project_id}/simulations"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/simulations/latest"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/simulations/latest/calibrated"): ("project", "view"),
    ("get", "/api/v1/orgs/{slug}/track-record"): ("org", "member"),
    # Honest status
    ("get", "/api/v1/projects/{project_id}/health"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/status-updates"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/status-updates"): ("project", "manage"),
    ("get", "/api/v1/projects/{project_id}/status-updates/{status_update_id}"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/status-updates/{status_update_id}/publish"): (
        "project",
        "manage",
    ),
    ("post", "/api/v1/projects/{project_id}/status-updates/{status_update_id}/corrections"): (
        "project",
        "manage",
    ),
    ("get", "/api/v1/projects/{project_id}/risks"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/risks"): ("project", "contribute"),
    ("post", "/api/v1/projects/{project_id}/risks/{risk_id}/close"): ("project", "contribute"),
    ("get", "/api/v1/orgs/{slug}/board"): ("org", "member"),
    ("get", "/api/v1/orgs/{slug}/commitment-figures"): ("org", "member"),
    # Communication plan
    ("get", "/api/v1/projects/{project_id}/comms/plan"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/comms/plan"): ("project", "manage"),
    ("patch", "/api/v1/projects/{project_id}/comms/plan/{plan_row_id}"): ("project", "manage"),
    ("delete", "/api/v1/projects/{project_id}/comms/plan/{plan_row_id}"): ("project", "manage"),
    ("post", "/api/v1/projects/{project_id}/comms/plan/{plan_row_id}/send-now"): (
        "project",
        "manage",
    ),
    ("get", "/api/v1/projects/{project_id}/comms/deliveries"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/comms/due"): ("project", "view"),
    ("get", "/api/v1/orgs/{slug}/comms/load"): ("org", "owner"),
    ("get", "/api/v1/projects/{project_id}/comms/load"): ("project", "view"),
    ("patch", "/api/v1/orgs/{slug}"): ("org", "owner"),
    ("get", "/api/v1/projects/{project_id}/plan-date-findings"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/comms/comments"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/comms/comments/{feedback_id}/reply"): (
        "project",
        "manage",
    ),
    ("post", "/api/v1/projects/{project_id}/comms/comments/{feedback_id}/acted-on"): (
        "project",
        "manage",
    ),
    ("post", "/api/v1/projects/{project_id}/comms/comments/{feedback_id}/close"): (
        "project",
        "manage",
    ),
}

API_BODIES = {
    ("post", "/api/v1/orgs/{slug}/invitations"): {
        "email": "new.person@acme.example",
        "role": "member",
    },
    ("post", "/api/v1/projects"): {"org": "acme", "code": "NEWP", "name": "New project"},
    ("patch", "/api/v1/projects/{project_id}"): {"name": "Renamed"},
    ("delete", "/api/v1/projects/{project_id}"): {"confirm_code": "ALPHA"},
    ("put", "/api/v1/projects/{project_id}/members"): {
        "email": "carl.contrib@acme.example",
        "role": "viewer",
    },
    # Customers (path ids from tests/stakeholders/factories.py; imports send a one-row CSV).
    ("post", "/api/v1/orgs/{slug}/categories"): {"name": "Pensioners", "hint": "Former staff?"},
    ("patch", "/api/v1/orgs/{slug}/categories/{category_id}"): {"hint": "Staff representatives"},
    ("post", "/api/v1/orgs/{slug}/parties"): {"name": "Dana Director", "title": "COO"},
    ("patch", "/api/v1/orgs/{slug}/parties/{party_id}"): {"department": "Sales"},
    ("post", "/api/v1/orgs/{slug}/register-import"): {
        "filename": "r.csv",
        "content_base64": "TmFtZQpOZXcgUGVyc29uCg==",
    },
    ("post", "/api/v1/projects/{project_id}/register-import"): {
        "filename": "r.csv",
        "content_base64": "TmFtZQpOZXcgUGVyc29uCg==",
    },
    ("post", "/api/v1/projects/{project_id}/stakeholders"): {
        "party": {"name": "Eve End-user"},
        "roles": ["end_user"],
        "power": 2,
        "interest": 4,
    },
    ("patch", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}"): {
        "attitude": "sceptic",
        "nervous": True,
    },
    ("put", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}/preferences"): {
        "max_per_week": 3,
        "quiet_days": ["sat", "sun"],
    },
    ("post", "/api/v1/projects/{project_id}/interactions"): lambda ids: {
        "stakeholder_id": ids.get("stakeholder_id", 0),
        "kind": "visit",
        "date": "2026-11-20",
        "subject": "Site visit",
    },
    ("patch", "/api/v1/projects/{project_id}/interactions/{interaction_id}"): {
        "follow_up_done": True
    },
    ("put", "/api/v1/projects/{project_id}/category-considerations/{category_id}"): {
        "not_applicable": True,
        "reason": "No staff affected",
    },
    ("post", "/api/v1/projects/{project_id}/stakeholders/{stakeholder_id}/value-criteria"): {
        "text": "Fast answers",
        "weight": 2,
    },
    ("patch", "/api/v1/projects/{project_id}/value-criteria/{criterion_id}"): {"weight": 5},
    ("post", "/api/v1/projects/{project_id}/outcomes"): {
        "title": "Fewer calls",
        "metric": "Calls a week",
        "baseline": 100,
        "target": 60,
    },
    ("patch", "/api/v1/projects/{project_id}/outcomes/{outcome_id}"): {"is_csf": True},
    ("put", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/positions/{stakeholder_id}"): {
        "status": "agreed"
    },
    ("post", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/measurements"): {
        "measured_on": "2025-01-01",
        "value": 3,
    },
    ("put", "/api/v1/projects/{project_id}/outcomes/{outcome_id}/conflicts/{other_outcome_id}"): {
        "description": "Both need the same budget"
    },
    ("patch", "/api/v1/projects/{project_id}/outcome-conflicts/{conflict_id}"): {
        "resolution": "Phased investment"
    },
    # RACI and SIPOC (path ids from tests/raci/factories.py; the import previews a one-row grid).
    ("post", "/api/v1/projects/{project_id}/phases"): {"name": "Operate"},
    ("patch", "/api/v1/projects/{project_id}/phases/{phase_id}"): {"name": "Design and plan"},
    ("post", "/api/v1/projects/{project_id}/activities"): {
        "name": "Write the manual",
        "kind": "deliverable",
    },
    ("patch", "/api/v1/projects/{project_id}/activities/{activity_id}"): {"status": "in_progress"},
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/consulted/{party_id}"): {
        "given_on": "2025-01-06",
        "note": "Agrees, wants a rollback plan",
    },
    ("put", "/api/v1/projects/{project_id}/raci/cells"): {"cells": []},
    ("put", "/api/v1/projects/{project_id}/raci/settings"): {"max_consulted": 4},
    ("post", "/api/v1/projects/{project_id}/raci/import"): {
        "filename": "raci.csv",
        "content_base64": "QWN0aXZpdHksQW5uIExlZQpHby1saXZlIGRlY2lzaW9uLEEK",
    },
    ("post", "/api/v1/projects/{project_id}/sipocs"): {"name": "Support a customer"},
    ("patch", "/api/v1/projects/{project_id}/sipocs/{process_id}"): {
        "description": "From call to answer"
    },
    ("put", "/api/v1/projects/{project_id}/sipocs/{process_id}/content"): {
        "steps": ["Receive", "Sort", "Answer", "Close"]
    },
    # Promises and estimates (path ids from tests/estimates/factories.py).
    ("put", "/api/v1/projects/{project_id}/promise-policy"): {"realism_level": 50},
    ("post", "/api/v1/projects/{project_id}/commitments"): {
        "party": "Penny Promisee",
        "what": "Send the plan",
        "promised_date": "2030-01-31",
    },
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/delivery"): {
        "delivered_on": "2020-01-20",
        "delivered_scope": "as",
    },
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/renegotiations"): {
        "new_date": "2031-01-31",
        "reason": "Vendor late",
    },
    ("post", "/api/v1/projects/{project_id}/commitments/{commitment_id}/breach"): {
        "reason": "Cancelled"
    },
    ("post", "/api/v1/projects/{project_id}/expectations"): {
        "party": "Penny Promisee",
        "kind": "quality",
        "words": "Fast screens",
    },
    ("patch", "/api/v1/projects/{project_id}/expectations/{expectation_id}"): {
        "words": "Faster screens"
    },
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/estimate"): {
        "duration": [1, 2, 3],
        "cost": [10, 20, 30],
        "reason": "Re-estimated",
    },
    ("delete", "/api/v1/projects/{project_id}/activities/{activity_id}/estimate"): {
        "reason": "Out of scope"
    },
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/predecessors"): {
        "predecessors": [],
        "reason": "Starts at once",
    },
    ("put", "/api/v1/projects/{project_id}/estimate-target"): {"budget": 1000, "reason": "New ask"},
    ("delete", "/api/v1/projects/{project_id}/estimate-target"): {"reason": "Withdrawn"},
    ("post", "/api/v1/projects/{project_id}/estimate-versions/{version_number}/restore"): {
        "reason": "Back to the start"
    },
    ("post", "/api/v1/projects/{project_id}/simulations"): {"iterations": 200, "seed": 1},
    # Communication plan and honest status (path ids from tests/comms/factories.py)
    ("post", "/api/v1/projects/{project_id}/status-updates"): {
        "period_start": "2025-03-17",
        "period_end": "2025-03-23",
        "overall": "red",
        "summary": "Late",
        "not_going_well": "Hosting",
        "publish": True,
    },
    ("post", "/api/v1/projects/{project_id}/status-updates/{status_update_id}/corrections"): {
        "reason": "Typo",
        "overall": "red",
    },
    ("post", "/api/v1/projects/{project_id}/risks"): {
        "title": "Key person leaves",
        "probability": "low",
        "impact": "high",
    },
    ("post", "/api/v1/projects/{project_id}/comms/plan"): {
        "audience_party_ids": [],
        "audience_category_id": None,
        "rrule": "FREQ=WEEKLY;BYDAY=FR",
        "start_date": "2025-01-03",
        "comm_type": "meeting",
        "channel": "meeting",
        "purpose": "Friday review",
    },
    ("patch", "/api/v1/projects/{project_id}/comms/plan/{plan_row_id}"): {
        "purpose": "Keep Bea informed"
    },
    ("patch", "/api/v1/orgs/{slug}"): {"allow_frequent_reports": True},
    ("post", "/api/v1/projects/{project_id}/comms/comments/{feedback_id}/reply"): {
        "reply": "Because of the hosting decision."
    },
}

for _module in plugged():
    API_NEEDS.update(_module.API_NEEDS)
    API_BODIES.update(_module.API_BODIES)


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path


def test_every_api_operation_has_a_declared_need():
    assert sorted(api_operations()) == sorted(API_NEEDS)


@pytest.fixture
def tokens(world, object_ids):
    return {
        persona: accounts.api_token_create(actor=getattr(world, persona), name="authz")[1]
        for persona in (*ACME_PERSONAS, "outsider")
    }


class _PathIds(dict):
    def __missing__(self, key):  # an id no fixture made (e.g. without a token): any number
        return 0


def call(client, method, path, world, token=None, globex=False):
    url = path.format_map(
        _PathIds(
            getattr(world, "object_ids", {}),
            slug="globex" if globex else "acme",
            project_id=(world.omega if globex else world.alpha).pk,
            user_id=(world.outsider if globex else world.contributor).pk,
        )
    )
    body = API_BODIES.get((method, path))
    if callable(body):  # a body naming objects the fixtures made
        body = body(getattr(world, "object_ids", {}))
    if body and globex and "org" in body:
        body = {**body, "org": "globex"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(url, data=body, content_type="application/json", **headers)


@pytest.mark.parametrize("persona", [*ACME_PERSONAS, "outsider"])
def test_each_role_gets_exactly_its_access_on_every_api_operation(world, tokens, client, persona):
    problems = []
    for (method, path), (kind, need) in API_NEEDS.items():
        with transaction.atomic():
            response = call(client, method, path, world, tokens[persona])
            transaction.set_rollback(True)  # each call sees the same world
        want = expected(kind, need, persona)
        status = response.status_code
        ok = {"ok": status < 400, "forbidden": status == 403, "hidden": status == 404}[want]
        if not ok:
            problems.append(
                f"{method.upper()} {path}: {status} {response.content[:200]!r}, expected {want}"
            )
        if persona == "outsider" and any(m.encode() in response.content for m in FOREIGN_MARKERS):
            problems.append(f"{method.upper()} {path}: leaked Acme data")
        assert response["Content-Type"].startswith("application/json") or status == 204
    assert problems == []


def test_acme_tokens_get_404_on_every_globex_api_operation(world, tokens, client):
    for persona in ACME_PERSONAS:
        for (method, path), (kind, _) in API_NEEDS.items():
            if kind == "user":
                continue
            with transaction.atomic():
                response = call(client, method, path, world, tokens[persona], globex=True)
                transaction.set_rollback(True)
            assert response.status_code == 404, (persona, method, path, response.content)
            assert b"GLOBEX-SECRET" not in response.content and b"Omega" not in response.content


def test_every_api_operation_answers_401_json_without_a_token(world, client):
    for method, path in API_NEEDS:
        response = call(client, method, path, world)
        assert response.status_code == 401, (method, path)
        assert "Bearer" in response.json()["message"]


def test_a_revoked_or_made_up_token_is_refused(world, client):
    token, raw = accounts.api_token_create(actor=world.owner, name="script")
    accounts.api_token_revoke(actor=world.owner, token=token)
    for bad in (raw, "rpt_madeup", "not-a-token"):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {bad}")
        assert response.status_code == 401


def test_invitation_links_are_not_guessable_and_unused_ones_do_not_exist(db, client):
    assert client.get("/invite/guess/").status_code == 404
    assert not Invitation.objects.exists()
