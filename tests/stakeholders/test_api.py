"""The customers API does what the pages do, with JSON errors naming the field."""

import base64

import pytest

from rapport.stakeholders.models import Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, client_for):
    client = client_for(world.manager)

    def call(method, path, body=None):
        path = path.format(p=world.alpha.pk)
        return getattr(client, method)(f"/api/v1{path}", data=body, content_type="application/json")

    return call


def test_a_register_is_built_through_the_api(world, api, category):
    union = category("Union")
    r = api(
        "post",
        "/projects/{p}/stakeholders",
        {
            "party": {"name": "Works council", "kind": "group", "category_ids": [union.pk]},
            "roles": ["affected"],
            "power": 3,
            "interest": 4,
            "nervous": True,
            "concerns": "Monitoring",
            "engagement_now": "unaware",
            "engagement_needed": "supportive",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (
        body["party"]["categories"] == ["Union"]
        and body["strategy"] == "Manage closely"
        and body["engagement_gap"] == 3
    )
    sid = body["id"]
    r = api(
        "patch",
        f"/projects/{{p}}/stakeholders/{sid}",
        {"attitude": "sceptic", "party": {"department": "HR"}},
    )
    assert r.json()["attitude"] == "sceptic" and r.json()["party"]["department"] == "HR"
    assert r.json()["party"]["categories"] == ["Union"]  # categories untouched when not sent
    r = api(
        "post",
        f"/projects/{{p}}/stakeholders/{sid}/value-criteria",
        {"text": "Privacy", "weight": 3, "goal_ids": [world.alpha.goals.get().pk]},
    )
    assert r.status_code == 201
    r = api(
        "post",
        "/projects/{p}/outcomes",
        {"title": "No monitoring of individuals", "stakeholder_ids": [sid]},
    )
    oid = r.json()["id"]
    # The works council is not a customer: its answer is advice and no customer is concerned.
    assert r.json()["consensus"] == "no-customers"
    r = api("put", f"/projects/{{p}}/outcomes/{oid}/positions/{sid}", {"status": "objected"})
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = api(
        "put",
        f"/projects/{{p}}/outcomes/{oid}/positions/{sid}",
        {"status": "objected", "reason": "Not yet agreed"},
    )
    assert r.json()["consensus"] == "no-customers"
    assert [p["counts"] for p in r.json()["positions"]] == [False]
    findings = api("get", "/projects/{p}/customer-findings").json()
    codes = {f["code"] for f in findings["findings"]}
    assert {"nervous-stakeholder", "outcome-advice-against", "no-sponsor", "no-customer"} <= codes
    assert findings["prompt_message"].startswith("No sponsor")


def test_an_existing_party_is_put_on_the_project_by_id_and_foreign_ids_are_refused(world, api):
    from rapport.stakeholders import services

    own = services.party_create(actor=world.owner, org=world.acme, name="Ada")
    foreign = services.party_create(actor=world.outsider, org=world.globex, name="Spy")
    assert api("post", "/projects/{p}/stakeholders", {"party_id": foreign.pk}).status_code == 400
    assert (
        api(
            "post", "/projects/{p}/stakeholders", {"party_id": own.pk, "is_customer": True}
        ).status_code
        == 201
    )


def test_conflicts_are_set_idempotently_and_settled(world, api, sample):
    path = f"/projects/{{p}}/outcomes/{sample['outcome_id']}/conflicts/{sample['other_outcome_id']}"
    assert api("put", path, {"description": "Budget"}).status_code == 201
    assert api("put", path, {"description": "The same budget"}).status_code == 200
    listed = api("get", "/projects/{p}/outcome-conflicts").json()
    conflicts = listed["items"]
    assert (
        listed["count"] == 2
        and len(conflicts) == 2
        and {c["description"] for c in conflicts} >= {"The same budget"}
    )
    r = api(
        "patch",
        f"/projects/{{p}}/outcome-conflicts/{sample['conflict_id']}",
        {"resolution": "Phased"},
    )
    assert r.json()["is_open"] is False


def test_the_export_is_base64_of_the_same_file_the_page_gives(world, api, client_for, sample):
    body = api("get", "/projects/{p}/register-export?format=csv").json()
    page = client_for(world.manager).get("/o/acme/p/ALPHA/customers/export/?format=csv")
    assert base64.b64decode(body["content_base64"]) == page.content
    assert body["filename"] == "acme-alpha-stakeholders.csv"
    assert api("get", "/projects/{p}/register-export?format=pdf").status_code == 400


def test_the_pictures_endpoint_gives_svg_and_placements(world, api, sample):
    body = api("get", "/projects/{p}/stakeholder-pictures").json()
    assert body["power_interest_svg"].startswith("<svg") and len(body["placements"]) == 2


def test_owners_manage_the_register_and_categories_through_the_api(world, client_for):
    client = client_for(world.owner)
    r = client.post(
        "/api/v1/orgs/acme/parties",
        {"name": "CIO", "relationship": "external", "payment": "chargeback"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "payment" in r.json()["fields"]
    r = client.post("/api/v1/orgs/acme/parties", {"name": "CIO"}, content_type="application/json")
    cio = r.json()["id"]
    r = client.post(
        "/api/v1/orgs/acme/parties",
        {"name": "Buyer", "reports_to_id": cio},
        content_type="application/json",
    )
    assert r.json()["reports_to_id"] == cio
    r = client.patch(
        f"/api/v1/orgs/acme/parties/{cio}",
        {"reports_to_id": r.json()["id"]},
        content_type="application/json",
    )
    assert r.status_code == 400 and "loop" in r.json()["message"]
    listed = client.get("/api/v1/orgs/acme/parties?q=buy").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Buyer"
    assert (
        client.post(
            "/api/v1/orgs/acme/categories", {"name": "Pensioners"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert Party.objects.filter(org=world.acme).count() == 2


def test_a_party_comes_with_its_customer_chain(world, client_for):
    from rapport.stakeholders import services

    cio = services.party_create(
        actor=world.owner, org=world.acme, name="CIO", organisation="Buy Co"
    )
    boss = services.party_create(actor=world.owner, org=world.acme, name="Boss", reports_to=cio)
    buyer = services.party_create(
        actor=world.owner, org=world.acme, name="Buyer", reports_to=boss, represents=cio
    )
    chain = client_for(world.viewer).get(f"/api/v1/orgs/acme/parties/{buyer.pk}").json()["chain"]
    assert [p["name"] for p in chain["reports_up"]] == ["Boss", "CIO"]
    assert chain["represents_up"] == [{"id": cio.pk, "name": "CIO", "organisation": "Buy Co"}]
    assert chain["reported_by"] == [] and chain["represented_by"] == []
    up = client_for(world.viewer).get(f"/api/v1/orgs/acme/parties/{cio.pk}").json()["chain"]
    assert [p["name"] for p in up["reported_by"]] == ["Boss"]
    assert [p["name"] for p in up["represented_by"]] == ["Buyer"]
