"""The RACI API: phases, activities, the matrix and its cells, findings, thresholds, import,
export and SIPOC, with JSON errors and nothing changed by a bad request."""

import base64
import io
import json

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts import services as accounts
from rapport.projects import services as projects
from rapport.raci import services
from rapport.raci.models import Activity, Assignment, Phase, SipocProcess
from rapport.stakeholders import services as stakeholders
from tests.raci.factories import build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, client):
    def as_user(user):
        _, token = accounts.api_token_create(actor=user, name="tests")

        def call(method, path, body=None, raw=None, **params):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            path = path.format(p=world.alpha.pk)
            if method == "get":
                return client.get(path, params, **kwargs)
            data = raw if raw is not None else (json.dumps(body) if body is not None else "")
            return getattr(client, method)(path, data, content_type="application/json", **kwargs)

        return call

    return as_user


def snapshot():
    return (
        list(Activity.objects.order_by("pk").values()),
        list(Phase.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        LogEntry.objects.exclude(content_type__model="apitoken").count(),
    )


def test_phases_and_activities_are_created_changed_and_deleted(world, small, api):
    call = api(world.contributor)
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )

    phase = call("post", "/api/v1/projects/{p}/phases", {"name": "Run"}).json()
    created = call(
        "post",
        "/api/v1/projects/{p}/activities",
        {
            "name": "Monitor",
            "kind": "milestone",
            "phase_id": phase["id"],
            "planned_finish": "2027-01-31",
            "outcome_ids": [outcome.pk],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["baseline_finish"] == "2027-01-31" and body["outcome_ids"] == [outcome.pk]
    again = call("post", "/api/v1/projects/{p}/activities", {"name": " MONITOR "})
    assert again.status_code == 400 and "name" in again.json()["fields"]

    patched = call(
        "patch",
        f"/api/v1/projects/{{p}}/activities/{body['id']}",
        {"status": "done", "outcome_ids": []},
    )
    assert patched.json()["status"] == "done" and patched.json()["outcome_ids"] == []
    names = [a["name"] for a in call("get", "/api/v1/projects/{p}/activities").json()["items"]]
    assert names == ["Build the portal", "Go-live decision", "Train users", "Monitor"]

    assert call("delete", f"/api/v1/projects/{{p}}/activities/{body['id']}").status_code == 204
    assert call("delete", f"/api/v1/projects/{{p}}/phases/{phase['id']}").status_code == 204


def test_cells_are_set_all_or_nothing_and_the_matrix_comes_back_with_findings(world, small, api):
    a, p = small["activities"], small["parties"]
    call = api(world.contributor)

    response = call(
        "put",
        "/api/v1/projects/{p}/raci/cells",
        {
            "cells": [
                {"activity_id": a["build"].pk, "party_id": p["ann"].pk, "letter": "A"},
                {"activity_id": a["build"].pk, "party_id": p["bob"].pk, "letter": "r"},
            ]
        },
    )
    assert response.status_code == 200
    assert response.json() == {"set": 2, "cleared": 0, "errors": 2, "warnings": 6}

    matrix = call("get", "/api/v1/projects/{p}/raci").json()
    assert {(c["activity_id"], c["party_id"], c["letter"]) for c in matrix["assignments"]} == {
        (a["build"].pk, p["ann"].pk, "A"),
        (a["build"].pk, p["bob"].pk, "R"),
    }
    assert [party["name"] for party in matrix["parties"]] == [
        "Ann Lee",
        "Bob Ng",
        "Carla Díaz",
        "Finance",
    ]
    assert matrix["thresholds"] == {"max_consulted": 5, "overload_percent": 30, "key_level": 4}
    assert {f["code"] for f in matrix["findings"]} >= {"no-accountable", "customer-not-in-raci"}


@pytest.mark.parametrize(
    "cells, field",
    [
        ([{"activity_id": 0, "party_id": "ANN", "letter": "A"}], "cells.0.activity_id"),
        ([{"activity_id": "BUILD", "party_id": "ANN", "letter": "Q"}], "letter"),
        ([{"activity_id": "BUILD", "party_id": 999999, "letter": "A"}], "cells.0.party_id"),
        (
            [
                {"activity_id": "BUILD", "party_id": "ANN", "letter": "A"},
                {"activity_id": "BUILD", "party_id": "ANN", "letter": "R"},
            ],
            "cells",
        ),
    ],
)
def test_bad_cells_are_refused_with_the_field_and_nothing_changes(world, small, api, cells, field):
    ids = {"BUILD": small["activities"]["build"].pk, "ANN": small["parties"]["ann"].pk}
    cells = [{k: ids.get(v, v) if isinstance(v, str) else v for k, v in c.items()} for c in cells]
    before = snapshot()
    response = api(world.contributor)("put", "/api/v1/projects/{p}/raci/cells", {"cells": cells})
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "raw", ["not json", '{"cells": "nope"}', '{"cells": [{"letter": "A"}]}', "[]"]
)
def test_malformed_bodies_get_422_json(world, small, api, raw):
    before = snapshot()
    response = api(world.manager)("put", "/api/v1/projects/{p}/raci/cells", raw=raw)
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")
    assert snapshot() == before


def test_viewers_read_but_cannot_write(world, small, api):
    call = api(world.viewer)
    assert call("get", "/api/v1/projects/{p}/raci/findings").status_code == 200
    response = call("put", "/api/v1/projects/{p}/raci/cells", {"cells": []})
    assert response.status_code == 403


def test_findings_can_be_filtered_by_severity(world, small, api):
    findings = api(world.viewer)(
        "get", "/api/v1/projects/{p}/raci/findings", severity="error"
    ).json()
    assert findings and {f["severity"] for f in findings} == {"error"}
    assert findings[0]["activity_id"] == small["activities"]["build"].pk


def test_managers_change_thresholds_within_range(world, small, api):
    call = api(world.manager)
    assert (
        call("put", "/api/v1/projects/{p}/raci/settings", {"key_level": 5}).json()["key_level"] == 5
    )
    assert call("put", "/api/v1/projects/{p}/raci/settings", {"key_level": 9}).status_code == 422
    assert (
        api(world.contributor)(
            "put", "/api/v1/projects/{p}/raci/settings", {"key_level": 3}
        ).status_code
        == 403
    )


def test_import_previews_then_applies_through_json_or_multipart(world, small, api, client):
    content = b"Activity,Ann Lee,Nobody Known\nBuild the portal,A,\nTrain users,,R\n"
    body = {"filename": "r.csv", "content_base64": base64.b64encode(content).decode()}
    call = api(world.manager)

    preview = call("post", "/api/v1/projects/{p}/raci/import", body)
    assert preview.status_code == 200
    report = preview.json()
    assert report["applied"] is False and report["layout"] == "grid"
    assert report["problems"] == [
        {
            "row": 3,
            "column": "C",
            "message": "'Nobody Known' is not in the stakeholder register",
            "text": "row 3, column C: 'Nobody Known' is not in the stakeholder register",
        }
    ]
    refused = call("post", "/api/v1/projects/{p}/raci/import", {**body, "mode": "all"})
    assert refused.status_code == 400 and not Assignment.objects.exists()

    _, token = accounts.api_token_create(actor=world.manager, name="multipart")
    from django.core.files.uploadedfile import SimpleUploadedFile

    applied = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import",
        {"file": SimpleUploadedFile("r.csv", content), "mode": "valid"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert applied.status_code == 200, applied.content
    assert applied.json()["result"]["letters_added"] == 1
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(
    "body, status",
    [
        ({"content_base64": "!!!"}, 400),
        ({"content_base64": base64.b64encode(b"\xd0\xcf\x11\xe0" + b"\0" * 99).decode()}, 400),
        ({"content_base64": "", "mode": "bogus"}, 400),
        (
            {
                "content_base64": base64.b64encode(b"Activity,Ann Lee\nX,A\n").decode(),
                "layout": "spiral",
            },
            400,
        ),
    ],
)
def test_bad_imports_are_refused_and_change_nothing(world, small, api, body, status):
    before = snapshot()
    response = api(world.manager)("post", "/api/v1/projects/{p}/raci/import", body)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert snapshot() == before


def test_an_import_over_the_size_limit_is_refused_unread(world, small, api, settings):
    settings.RAPPORT_IMPORT_MAX_BYTES = 50
    body = {
        "content_base64": base64.b64encode(
            b"Activity,Ann Lee\n" + b"Build the portal,A\n" * 20
        ).decode()
    }
    response = api(world.manager)("post", "/api/v1/projects/{p}/raci/import", body)
    assert response.status_code == 400 and "limit" in response.json()["message"]


def test_export_returns_the_file_in_base64(world, small, api):
    services.raci_assign(
        actor=world.manager,
        activity=small["activities"]["build"],
        party=small["parties"]["ann"],
        letter="A",
    )
    body = api(world.viewer)(
        "get", "/api/v1/projects/{p}/raci/export", format="xlsx", layout="grid"
    ).json()
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(body["content_base64"]))).active
    assert body["filename"] == "ALPHA-raci-grid.xlsx"
    assert sheet["B1"].value == "Phase" and sheet["C2"].value == "A"
    assert (
        api(world.viewer)("get", "/api/v1/projects/{p}/raci/export", format="pdf").status_code
        == 422
    )


def test_a_sipoc_is_replaced_whole_and_comes_back_with_findings(world, small, api):
    p = small["parties"]
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )
    call = api(world.contributor)
    process = call("post", "/api/v1/projects/{p}/sipocs", {"name": "Support"}).json()

    content = {
        "suppliers": [p["finance"].pk],
        "inputs": [{"name": "Budget", "supplier": p["finance"].pk}],
        "steps": ["Receive", "Sort", "Answer", "Close"],
        "outputs": [
            {"name": "Answer", "outcome_ids": [outcome.pk]},
            {"name": "Report nobody reads"},
        ],
        "outcome_ids": [outcome.pk],
        "customers": [
            {"party_id": p["carla"].pk, "outcome_ids": [outcome.pk]},
            {"party_id": p["bob"].pk},
        ],
    }
    response = call("put", f"/api/v1/projects/{{p}}/sipocs/{process['id']}/content", content)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["name"] for s in body["steps"]] == ["Receive", "Sort", "Answer", "Close"]
    assert body["inputs"] == [
        {"id": body["inputs"][0]["id"], "name": "Budget", "supplier": p["finance"].pk, "kind": None}
    ]
    assert {f["code"] for f in body["findings"]} == {
        "output-without-customer",
        "customer-without-outcome",
    }

    too_many = {**content, "steps": [f"Step {n}" for n in range(8)]}
    assert (
        call("put", f"/api/v1/projects/{{p}}/sipocs/{process['id']}/content", too_many).status_code
        == 422
    )
    foreign = {**content, "outcome_ids": [outcome.pk, 999999]}
    assert (
        call("put", f"/api/v1/projects/{{p}}/sipocs/{process['id']}/content", foreign).status_code
        == 400
    )
    assert (
        call("get", f"/api/v1/projects/{{p}}/sipocs/{process['id']}").json()["steps"]
        == body["steps"]
    )
    export = call("get", f"/api/v1/projects/{{p}}/sipocs/{process['id']}/export").json()
    assert export["filename"].endswith(".xlsx")
    assert call("delete", f"/api/v1/projects/{{p}}/sipocs/{process['id']}").status_code == 204
    assert not SipocProcess.objects.exists()


def test_the_matrix_endpoint_uses_the_same_number_of_queries_whatever_the_size(
    world, api, django_assert_max_num_queries
):
    call = api(world.owner)
    build_matrix(world.alpha, activities=3, parties=3, letters=6)
    with CaptureQueriesContext(connection) as few:
        assert call("get", "/api/v1/projects/{p}/raci").status_code == 200
    other = projects.project_create(actor=world.owner, org=world.acme, code="BIG", name="Big")
    build_matrix(other, activities=300, parties=60, letters=3000, seed=3)
    with django_assert_max_num_queries(len(few)):
        response = call("get", f"/api/v1/projects/{other.pk}/raci")
    assert len(response.json()["assignments"]) == 3000
