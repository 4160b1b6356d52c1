"""The projects API: the same operations as the pages, JSON in and out, clear errors, no HTML."""

import json
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts import services as accounts
from rapport.projects import services as projects
from rapport.projects.models import Goal, Project, ProjectMembership

pytestmark = pytest.mark.django_db

NEW = {"org": "acme", "code": "CRM", "name": "CRM rollout"}


@pytest.fixture
def api(world, client):
    """api(user) -> call(method, path, body=None, **params) with that user's Bearer token."""

    def as_user(user):
        _, token = accounts.api_token_create(actor=user, name="tests")

        def call(method, path, body=None, raw=None, **params):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            if method == "get":
                return client.get(path, params, **kwargs)
            data = raw if raw is not None else (json.dumps(body) if body is not None else "")
            return getattr(client, method)(path, data, content_type="application/json", **kwargs)

        return call

    return as_user


def is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


def snapshot():
    """Everything a failed call must leave as it was."""
    return (
        list(Project.objects.order_by("pk").values()),
        list(Goal.objects.order_by("pk").values()),
        list(ProjectMembership.objects.order_by("pk").values()),
        LogEntry.objects.exclude(content_type__model="apitoken").count(),
    )


# --- the happy paths --------------------------------------------------------------------------------


def test_a_member_creates_a_project_with_all_its_fields(world, api):
    response = api(world.member)(
        "post",
        "/api/v1/projects",
        {
            **NEW,
            "description": "One CRM.",
            "business_case": "Cross-selling.",
            "goals": ["Full history", "Cross-sell up 10%"],
            "start_date": "2026-09-01",
            "target_date": "2027-06-30",
            "budget": "420000.00",
            "currency": "GBP",
            "time_zone": "Europe/London",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["org"] == "acme" and body["code"] == "CRM" and body["state"] == "proposed"
    assert body["goals"] == ["Full history", "Cross-sell up 10%"]
    assert body["budget"] == "420000.00" and body["currency"] == "GBP"
    assert body["start_date"] == "2026-09-01" and body["time_zone"] == "Europe/London"
    crm = Project.objects.get(pk=body["id"])
    assert crm.memberships.get().user == world.member


def test_a_project_created_without_a_time_zone_uses_the_default(world, api, settings):
    body = api(world.member)("post", "/api/v1/projects", NEW).json()

    assert body["time_zone"] == settings.TIME_ZONE


def test_a_project_is_read_back_by_id(world, api):
    response = api(world.viewer)("get", f"/api/v1/projects/{world.alpha.pk}")

    assert response.status_code == 200
    assert response.json()["code"] == "ALPHA" and response.json()["goals"] == ["Happy customers"]


def test_patch_changes_only_the_fields_sent(world, api):
    projects.project_update(actor=world.manager, project=world.alpha, description="Keep me")

    response = api(world.manager)(
        "patch", f"/api/v1/projects/{world.alpha.pk}", {"name": "Alpha 2", "budget": 12.5}
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Alpha 2" and response.json()["budget"] == "12.50"
    world.alpha.refresh_from_db()
    assert world.alpha.description == "Keep me"
    assert [g.text for g in world.alpha.goals.all()] == ["Happy customers"]


def test_patch_replaces_the_goals_keeping_the_unchanged_ones(world, api):
    kept = world.alpha.goals.get()

    body = api(world.manager)(
        "patch",
        f"/api/v1/projects/{world.alpha.pk}",
        {"goals": ["First things", "Happy customers"]},
    ).json()

    assert body["goals"] == ["First things", "Happy customers"]
    assert world.alpha.goals.get(text="Happy customers").pk == kept.pk


def test_patch_moves_the_project_along_its_lifecycle(world, api):
    call = api(world.manager)
    path = f"/api/v1/projects/{world.alpha.pk}"

    assert call("patch", path, {"state": "active"}).json()["state"] == "active"
    refused = call("patch", path, {"state": "proposed"})

    assert refused.status_code == 400
    assert refused.json()["fields"]["state"] == [
        "A active project cannot become proposed; allowed next: on_hold, completed, cancelled."
    ]


def test_an_owner_deletes_a_project_by_confirming_its_code(world, api):
    call = api(world.owner)

    wrong = call("delete", f"/api/v1/projects/{world.alpha.pk}", {"confirm_code": "BETA"})
    assert wrong.status_code == 400
    assert wrong.json()["fields"] == {"confirm_code": ["Type the project code ALPHA to confirm."]}
    assert Project.objects.filter(pk=world.alpha.pk).exists()

    response = call("delete", f"/api/v1/projects/{world.alpha.pk}", {"confirm_code": "ALPHA"})
    assert response.status_code == 204
    assert call("get", f"/api/v1/projects/{world.alpha.pk}").status_code == 404


def test_a_delete_without_confirmation_is_a_schema_error(world, api):
    response = api(world.owner)("delete", f"/api/v1/projects/{world.alpha.pk}")

    assert response.status_code == 422
    assert Project.objects.filter(pk=world.alpha.pk).exists()


def test_the_team_is_listed_changed_and_reduced(world, api):
    call = api(world.manager)
    path = f"/api/v1/projects/{world.alpha.pk}/members"

    team = call("get", path).json()
    assert {(m["email"], m["role"]) for m in team} == {
        ("max.manager@acme.example", "manager"),
        ("carl.contrib@acme.example", "contributor"),
        ("vera.viewer@acme.example", "viewer"),
    }
    added = call("put", path, {"email": "Mona.Member@acme.example", "role": "contributor"})
    assert added.status_code == 200
    assert added.json() == {
        "user_id": world.member.pk,
        "email": "mona.member@acme.example",
        "full_name": "Mona Member",
        "role": "contributor",
    }
    assert (
        call("put", path, {"email": world.member.email, "role": "viewer"}).json()["role"]
        == "viewer"
    )
    assert call("delete", f"{path}/{world.member.pk}").status_code == 204
    assert world.member.pk not in {m["user_id"] for m in call("get", path).json()}


def test_only_people_of_the_organisation_join_the_team(world, api):
    response = api(world.manager)(
        "put",
        f"/api/v1/projects/{world.alpha.pk}/members",
        {"email": world.outsider.email, "role": "viewer"},
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "email": ["otto.outsider@globex.example is not a member of Acme Corp."]
    }


def test_an_unknown_role_is_refused(world, api):
    response = api(world.manager)(
        "put",
        f"/api/v1/projects/{world.alpha.pk}/members",
        {"email": world.member.email, "role": "king"},
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "role": ["Role must be one of manager, contributor, viewer."]
    }


def test_removing_someone_not_on_the_team_is_404(world, api):
    response = api(world.manager)(
        "delete", f"/api/v1/projects/{world.alpha.pk}/members/{world.member.pk}"
    )

    assert response.status_code == 404 and is_json(response)


# --- errors are JSON: 422 for the shape, 400 for the rules -------------------------------------------


def test_a_schema_error_names_each_bad_field(world, api):
    before = snapshot()

    response = api(world.member)(
        "post",
        "/api/v1/projects",
        {"org": "acme", "name": 42, "budget": "lots", "start_date": "soon"},
    )

    assert response.status_code == 422 and is_json(response)
    body = response.json()
    assert body["message"] == "The request is not valid; see fields."
    assert set(body["fields"]) == {"code", "name", "budget", "start_date"}
    assert snapshot() == before


def test_a_rule_error_names_the_field_and_says_what_to_do(world, api):
    before = snapshot()

    response = api(world.member)("post", "/api/v1/projects", {**NEW, "code": "alpha"})

    assert response.status_code == 400 and is_json(response)
    assert response.json() == {
        "message": "code: Acme Corp already has a project with the code ALPHA.",
        "fields": {"code": ["Acme Corp already has a project with the code ALPHA."]},
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"code": "1-BAD"}, "code"),
        ({"start_date": "2027-01-01", "target_date": "2026-01-01"}, "target_date"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "1234567890123456"}, "budget"),
        ({"budget": "1.234"}, "budget"),
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"currency": "DOGE"}, "currency"),
        ({"name": ""}, "name"),
        ({"goals": ["Same", "same"]}, "goals"),
    ],
)
def test_each_broken_rule_is_a_400_on_its_field_and_creates_nothing(world, api, changes, field):
    before = snapshot()

    response = api(world.member)("post", "/api/v1/projects", {**NEW, **changes})

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"state": None},
        {"state": "archived"},
        {"name": None},
        {"name": "x" * 201},
        {"currency": None},
        {"time_zone": None},
        {"budget": -1},
        {"target_date": "1999-01-01", "start_date": "2000-01-01"},
        {"goals": ["x" * 301]},
    ],
)
def test_a_bad_patch_is_refused_and_changes_nothing(world, api, body):
    before = snapshot()

    response = api(world.manager)("patch", f"/api/v1/projects/{world.alpha.pk}", body)

    assert response.status_code in (400, 422), response.content
    assert is_json(response) and response.json()["fields"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "raw, status",
    [
        ("{not json", 400),
        ("[]", 422),
        ('"a string"', 422),
        ("null", 422),
        (json.dumps({**NEW, "goals": "not a list"}), 422),
        (json.dumps({**NEW, "goals": [{"text": "nested"}]}), 422),
        (json.dumps({**NEW, "budget": {"amount": 1}}), 422),
        (json.dumps({**NEW, "budget": "NaN"}), 422),
        (json.dumps({**NEW, "budget": "Infinity"}), 422),
        (json.dumps({**NEW, "code": ["CRM"]}), 422),
    ],
)
def test_malformed_bodies_get_a_json_error_and_change_nothing(world, api, raw, status):
    before = snapshot()

    response = api(world.member)("post", "/api/v1/projects", raw=raw)

    assert response.status_code == status, response.content
    assert is_json(response) and response.json()["message"]
    assert snapshot() == before


def test_oversized_strings_are_refused_clearly(world, api):
    before = snapshot()
    call = api(world.member)

    long_name = call("post", "/api/v1/projects", {**NEW, "name": "n" * 10_000})
    long_code = call("post", "/api/v1/projects", {**NEW, "code": "C" * 10_000})

    assert long_name.status_code == 400
    assert long_name.json()["fields"]["name"] == [
        "Ensure this value has at most 200 characters (it has 10000)."
    ]
    assert long_code.status_code == 400 and "code" in long_code.json()["fields"]
    assert snapshot() == before


def test_a_body_too_large_to_read_is_refused_with_413(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = snapshot()

    response = api(world.member)("post", "/api/v1/projects", {**NEW, "description": "d" * 20_000})

    assert response.status_code == 413 and is_json(response)
    assert "too large" in response.json()["message"]
    assert snapshot() == before


def test_unknown_fields_are_ignored_and_cannot_change_what_is_fixed(world, api):
    call = api(world.manager)

    created = call(
        "post", "/api/v1/projects", {**NEW, "id": 999_999, "state": "completed", "admin": True}
    )
    patched = call(
        "patch",
        f"/api/v1/projects/{world.alpha.pk}",
        {"code": "HIJACK", "org": "globex", "id": 1, "created_at": "2000-01-01T00:00:00Z"},
    )

    assert created.status_code == 201
    assert created.json()["id"] != 999_999 and created.json()["state"] == "proposed"
    assert patched.status_code == 200
    world.alpha.refresh_from_db()
    assert (world.alpha.code, world.alpha.org.slug) == ("ALPHA", "acme")


def test_a_project_in_an_organisation_you_are_not_in_is_404(world, api):
    before = snapshot()

    response = api(world.member)("post", "/api/v1/projects", {**NEW, "org": "globex"})

    assert response.status_code == 404 and response.json() == {"message": "Not found."}
    assert snapshot() == before


def test_an_unknown_api_path_is_a_json_404(world, api, client):
    for path in ("/api/v1/nothing-here", "/api/v2/projects", "/api/v1"):
        response = api(world.member)("get", path)
        assert response.status_code == 404 and is_json(response), path
        assert "No API operation" in response.json()["message"]
    assert is_json(client.get("/api/v1/projects/not-a-number"))


def test_a_wrong_method_is_not_answered_with_html(world, api):
    response = api(world.member)("put", "/api/v1/projects", NEW)

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert "<html" not in response.content.decode().lower()


def test_a_signed_in_browser_session_needs_the_csrf_token_to_write(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.member, backend="django.contrib.auth.backends.ModelBackend")

    read = browser.get("/api/v1/projects")
    write = browser.post("/api/v1/projects", NEW, content_type="application/json")

    assert read.status_code == 200
    assert write.status_code == 403 and is_json(write)
    assert not Project.objects.filter(code="CRM").exists()


# --- lists: pagination and constant query counts ------------------------------------------------------


def make_projects(world, count, prefix="P"):
    for n in range(count):
        project = projects.project_create(
            actor=world.manager,
            org=world.acme,
            code=f"{prefix}{n:03d}",
            name=f"Project {n}",
            goals=["G1", "G2"],
        )
        projects.project_member_set(
            actor=world.manager, project=project, user=world.viewer, role="viewer"
        )


def test_the_project_list_is_paginated_with_limit_and_offset(world, api):
    make_projects(world, 4)

    body = api(world.manager)("get", "/api/v1/projects", limit=2, offset=1).json()

    assert body["count"] == 5
    assert [p["code"] for p in body["items"]] == ["P000", "P001"]


def test_the_project_list_filters_by_organisation_and_search(world, api):
    make_projects(world, 2)
    call = api(world.owner)

    assert [p["code"] for p in call("get", "/api/v1/projects", q="alpha").json()["items"]] == [
        "ALPHA"
    ]
    assert call("get", "/api/v1/projects", org="acme").json()["count"] == 3
    assert call("get", "/api/v1/projects", org="globex").status_code == 404


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -1}, {"offset": -1}, {"limit": "many"}])
def test_bad_pagination_parameters_are_a_422(world, api, params):
    response = api(world.manager)("get", "/api/v1/projects", **params)

    assert response.status_code == 422 and is_json(response)


def test_the_project_list_takes_the_same_number_of_queries_for_many_projects(
    world, api, django_assert_max_num_queries
):
    call = api(world.viewer)
    make_projects(world, 2)
    with CaptureQueriesContext(connection) as few:
        call("get", "/api/v1/projects")

    make_projects(world, 30, prefix="Q")
    with django_assert_max_num_queries(len(few)):
        body = call("get", "/api/v1/projects").json()
    assert body["count"] == 33 and all(p["goals"] == ["G1", "G2"] for p in body["items"][1:])


def test_the_team_list_takes_the_same_number_of_queries_for_a_big_team(
    world, api, django_assert_max_num_queries
):
    call = api(world.manager)
    path = f"/api/v1/projects/{world.alpha.pk}/members"
    with CaptureQueriesContext(connection) as few:
        call("get", path)
    for n in range(15):
        person = accounts.user_create(email=f"p{n}@acme.example", password=None)
        accounts.org_member_add(actor=world.owner, org=world.acme, user=person)
        projects.project_member_set(
            actor=world.owner, project=world.alpha, user=person, role="viewer"
        )

    with django_assert_max_num_queries(len(few)):
        assert len(call("get", path).json()) == 18


# --- the schema and the docs ---------------------------------------------------------------------------


def test_the_openapi_schema_is_json_and_lists_every_operation(db, client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200 and is_json(response)
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert {
        ("get", "/api/v1/me"),
        ("get", "/api/v1/orgs"),
        ("get", "/api/v1/orgs/{slug}"),
        ("get", "/api/v1/orgs/{slug}/members"),
        ("post", "/api/v1/orgs/{slug}/invitations"),
        ("get", "/api/v1/projects"),
        ("post", "/api/v1/projects"),
        ("get", "/api/v1/projects/{project_id}"),
        ("patch", "/api/v1/projects/{project_id}"),
        ("delete", "/api/v1/projects/{project_id}"),
        ("get", "/api/v1/projects/{project_id}/members"),
        ("put", "/api/v1/projects/{project_id}/members"),
        ("delete", "/api/v1/projects/{project_id}/members/{user_id}"),
        ("get", "/api/v1/projects/{project_id}/history"),
    } <= paths
    assert {"BearerToken", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_is_served_without_any_cdn(db, client):
    response = client.get("/api/v1/docs")

    page = response.content.decode().lower()
    assert response.status_code == 200
    assert "openapi.json" in page
    for cdn in ("cdn", "jsdelivr", "unpkg"):
        assert cdn not in page
    # Its script and style come from this server, and are really there.
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', response.content.decode())
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
