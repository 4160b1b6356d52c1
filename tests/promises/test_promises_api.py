"""The promises API: the same services, JSON errors naming the field, constant query counts."""

from datetime import date

import pytest

from rapport.accounts import services as accounts
from rapport.promises import services
from rapport.promises.models import Commitment, Expectation
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)


@pytest.fixture
def api(world, client):
    tokens = {}

    def call(method, path, body=None, user=None):
        user = user or world.contributor
        if user.pk not in tokens:
            tokens[user.pk] = accounts.api_token_create(actor=user, name="t")[1]
        token = tokens[user.pk]
        url = f"/api/v1/projects/{world.alpha.pk}{path}"
        return getattr(client, method)(
            url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    return call


def test_a_promise_is_recorded_delivered_and_counted_through_the_api(world, api):
    sales = customer(world, "Sales team")
    made = api(
        "post",
        "/commitments",
        {
            "party": "sales team",
            "what": "Demo",
            "promised_date": "2026-11-25",
            "made_on": "2026-11-02",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["party_id"], body["state"], body["made_by"]) == (
        sales.party_id,
        "open",
        world.contributor.email,
    )
    moved = api(
        "post",
        f"/commitments/{body['id']}/renegotiations",
        {"new_date": "2026-12-02", "reason": "Vendor late"},
    ).json()
    assert (
        moved["state"] == "renegotiated" and moved["renegotiations"][0]["old_date"] == "2026-11-25"
    )
    done = api(
        "post",
        f"/commitments/{body['id']}/delivery",
        {"delivered_on": "2026-11-19", "delivered_scope": "more"},
    ).json()
    assert done["status"] == "kept"
    figures = api("get", "/commitment-figures").json()
    assert figures["project"]["kept"] == 1 and figures["per_party"][0]["label"] == "Sales team"
    assert figures["overdue"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"party_id": 999999, "what": "x", "promised_date": "2026-12-01"}, "party_id"),
        ({"party": "Nobody", "what": "x", "promised_date": "2026-12-01"}, "party_id"),
        ({"what": "x", "promised_date": "2026-12-01"}, "party_id"),
        ({"party": "Sales team", "what": "", "promised_date": "2026-12-01"}, "what"),
        ({"party": "Sales team", "what": "x", "promised_date": "not a date"}, "promised_date"),
        ({"party": "Sales team", "what": "x" * 301, "promised_date": "2026-12-01"}, "what"),
        (
            {
                "party": "Sales team",
                "what": "x",
                "promised_date": "2026-12-01",
                "made_by": "ghost@nowhere.example",
            },
            "made_by",
        ),
    ],
)
def test_bad_promises_get_a_json_error_naming_the_field_and_change_nothing(world, api, body, field):
    customer(world, "Sales team")
    response = api("post", "/commitments", body)
    assert response.status_code in (400, 422)
    assert field in response.json()["fields"]
    assert not Commitment.objects.exists()


def test_a_party_of_another_organisation_cannot_be_named_by_id(world, api):
    from rapport.stakeholders import services as stakeholders

    theirs = stakeholders.stakeholder_add(
        actor=world.outsider, project=world.omega, new_party={"name": "Secret"}
    )
    response = api(
        "post",
        "/commitments",
        {"party_id": theirs.party_id, "what": "x", "promised_date": "2026-12-01"},
    )
    assert response.status_code == 400 and "Secret" not in response.content.decode()


def test_viewers_read_but_cannot_record(world, api):
    customer(world, "Sales team")
    assert api("get", "/commitments", user=world.viewer).status_code == 200
    refused = api(
        "post",
        "/commitments",
        {"party": "Sales team", "what": "x", "promised_date": "2026-12-01"},
        user=world.viewer,
    )
    assert refused.status_code == 403


def test_expectations_come_with_their_findings(world, api):
    world.alpha.budget = 420000
    world.alpha.save()
    customer(world, "CFO")
    made = api(
        "post",
        "/expectations",
        {"party": "CFO", "kind": "budget", "words": "At most 400K", "amount": "400000"},
    )
    assert made.status_code == 201, made.content
    assert made.json()["contradicted"] is True
    assert made.json()["findings"][0]["code"] == "expectation-budget-below-plan"
    patched = api("patch", f"/expectations/{made.json()['id']}", {"amount": "500000"}).json()
    assert patched["contradicted"] is False
    assert api("delete", f"/expectations/{made.json()['id']}").status_code == 204
    assert not Expectation.objects.exists()


def test_a_negative_amount_is_refused_with_the_field_named(world, api):
    customer(world, "CFO")
    response = api(
        "post", "/expectations", {"party": "CFO", "kind": "budget", "words": "x", "amount": "-5"}
    )
    assert response.status_code == 400 and response.json()["fields"] == {
        "amount": ["An amount cannot be negative."]
    }


def test_list_endpoints_cost_the_same_queries_however_many_rows(
    world, api, django_assert_max_num_queries
):
    to = customer(world, "Sales team")

    def add(n):
        for i in range(n):
            c = services.commitment_create(
                actor=world.manager,
                project=world.alpha,
                party=to.party,
                what=f"p{i}",
                promised_date=date(2026, 12, 1),
                made_on=date(2026, 11, 1),
            )
            services.commitment_renegotiate(
                actor=world.manager, commitment=c, new_date=date(2026, 12, 5), reason="r"
            )
            services.expectation_create(
                actor=world.manager,
                project=world.alpha,
                stakeholder=to,
                kind="scope",
                words=f"e{i}",
            )

    add(2)
    paths = ("/commitments", "/expectations", "/commitment-figures")
    few = {}
    for path in paths:
        api("get", path)
        with django_assert_max_num_queries(20) as counted:
            api("get", path)
        few[path] = len(counted.captured_queries)
    add(15)
    for path in paths:
        with django_assert_max_num_queries(few[path]):
            assert api("get", path).status_code == 200
