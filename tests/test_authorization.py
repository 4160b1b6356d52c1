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
PROJECT_LEVEL = {"owner": 4, "manager": 3, "contributor": 2, "viewer": 1, "member": 0, "outsider": 0}
ORG_LEVEL = {"owner": 2, "manager": 1, "contributor": 1, "viewer": 1, "member": 1, "outsider": 0}
PROJECT_NEEDS = {"view": 1, "contribute": 2, "manage": 3, "own": 4}
ORG_NEEDS = {"member": 1, "owner": 2}


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
def url_values(world):
    token, _ = accounts.api_token_create(actor=world.owner, name="t")
    invitation, raw = accounts.invitation_create(actor=world.owner, org=world.acme, email="new@acme.example")
    return {
        "org": "acme",
        "code": "ALPHA",
        "user_id": world.contributor.pk,
        "token_id": token.pk,
        "invitation_id": invitation.pk,
        "token": raw,
        "uidb64": "MQ",
        "rest": "nothing-here",
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
}


def test_every_web_view_declares_the_access_written_down_for_it():
    declared = {}
    for route, pattern in web_patterns():
        if is_api_operation(route):
            continue
        name = f"api:{pattern.name}" if route.startswith("api/v1/") else pattern.name
        declared[name] = getattr(pattern.callback, "access_need", "MISSING (see rapport.accounts.access)")
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
        response = client.post(url, {"role": "owner", "confirm_code": "ALPHA", "email": "x@y.example"})
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
}

API_BODIES = {
    ("post", "/api/v1/orgs/{slug}/invitations"): {"email": "new.person@acme.example", "role": "member"},
    ("post", "/api/v1/projects"): {"org": "acme", "code": "NEWP", "name": "New project"},
    ("patch", "/api/v1/projects/{project_id}"): {"name": "Renamed"},
    ("delete", "/api/v1/projects/{project_id}"): {"confirm_code": "ALPHA"},
    ("put", "/api/v1/projects/{project_id}/members"): {"email": "carl.contrib@acme.example", "role": "viewer"},
}


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path


def test_every_api_operation_has_a_declared_need():
    assert sorted(api_operations()) == sorted(API_NEEDS)


@pytest.fixture
def tokens(world):
    return {
        persona: accounts.api_token_create(actor=getattr(world, persona), name="authz")[1]
        for persona in (*ACME_PERSONAS, "outsider")
    }


def call(client, method, path, world, token=None, globex=False):
    url = path.format(
        slug="globex" if globex else "acme",
        project_id=(world.omega if globex else world.alpha).pk,
        user_id=(world.outsider if globex else world.contributor).pk,
    )
    body = API_BODIES.get((method, path))
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
            problems.append(f"{method.upper()} {path}: {status} {response.content[:200]!r}, expected {want}")
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
