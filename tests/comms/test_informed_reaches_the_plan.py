"""An "I" means kept aware: the plan page offers to add each party Informed in the RACI (and each
key customer) who gets nothing from the plan to a suitable row, and the RACI's
`key-customer-not-informed` finding points at that offer."""

import pytest

from rapport.comms import informed
from rapport.raci import selectors as raci_selectors
from rapport.raci import services as raci
from tests.comms.factories import party, plan_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """ALPHA: Bea gets the weekly simple report and a detailed one; Ivan is Informed on the
    go-live decision and gets nothing; Kim is a key customer (interest 5) nowhere in the plan."""
    bea = party(world, "Bea Business-Lead")
    ivan = party(world, "Ivan Informed", is_customer=False)
    kim = party(world, "Kim Key", interest=5)
    detailed = plan_row(world, [bea], comm_type="detailed", rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    simple = plan_row(world, [bea])
    golive = raci.activity_create(
        actor=world.manager, project=world.alpha, name="Go-live decision", kind="decision"
    )
    raci.raci_assign(actor=world.manager, activity=golive, party=bea, letter="A")
    raci.raci_assign(actor=world.manager, activity=golive, party=ivan, letter="I")
    return {"bea": bea, "ivan": ivan, "kim": kim, "simple": simple, "detailed": detailed}


def test_informed_parties_and_key_customers_outside_the_plan_are_listed_with_a_suitable_row(
    world, plan
):
    found = informed.informed_without_plan(world.alpha)
    assert [(u.party.name, u.reason) for u in found] == [
        ("Ivan Informed", "Informed on “Go-live decision”"),
        ("Kim Key", "a key customer"),
    ]
    # The short simple report keeps someone aware best.
    assert {u.suggested for u in found} == {plan["simple"]}


def test_adding_one_to_the_row_takes_them_off_the_list(world, plan):
    informed.plan_audience_add(
        actor=world.manager, project=world.alpha, row=plan["simple"], party=plan["ivan"]
    )
    assert plan["ivan"] in plan["simple"].audience_parties.all()
    assert [u.party.name for u in informed.informed_without_plan(world.alpha)] == ["Kim Key"]


def test_the_plan_page_offers_the_row_and_a_manager_adds_them(world, plan, client_for):
    client = client_for(world.manager)
    page = client.get("/o/acme/p/ALPHA/comms/").content.decode()
    assert 'id="informed"' in page
    assert "<strong>Ivan Informed</strong>: Informed on “Go-live decision”." in page
    assert f'<option value="{plan["simple"].pk}" selected>' in page
    response = client.post(
        "/o/acme/p/ALPHA/comms/informed/",
        {"party": plan["ivan"].pk, "plan_row": plan["simple"].pk},
    )
    assert response.status_code == 302 and response["Location"].endswith("#informed")
    assert plan["ivan"] in plan["simple"].audience_parties.all()
    viewer = client_for(world.viewer)
    assert "Add<span" not in viewer.get("/o/acme/p/ALPHA/comms/").content.decode()
    assert viewer.post("/o/acme/p/ALPHA/comms/informed/", {}).status_code == 403


def test_the_key_customer_finding_points_at_the_plan(world, plan, client_for):
    finding = next(
        f
        for f in raci_selectors.raci_findings(raci_selectors.matrix_get(world.alpha))
        if f.code == "key-customer-not-informed"
    )
    assert finding.party_name == "Kim Key"
    assert "communication plan" in finding.message
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/raci/findings/").content.decode()
    assert 'href="/o/acme/p/ALPHA/comms/#informed">Kim Key</a>' in page
    api = client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/raci/findings").json()
    items = api["items"] if isinstance(api, dict) else api
    listed = next(f for f in items if f["code"] == "key-customer-not-informed")
    assert listed["link"] == "/o/acme/p/ALPHA/comms/#informed"


def test_the_api_lists_them_and_adds_one_to_a_row(world, plan, client_for):
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/comms"
    listed = client.get(f"{base}/informed").json()
    assert [(i["name"], i["suggested_plan_row_id"]) for i in listed] == [
        ("Ivan Informed", plan["simple"].pk),
        ("Kim Key", plan["simple"].pk),
    ]
    r = client.put(f"{base}/plan/{plan['simple'].pk}/audience/{plan['kim'].pk}")
    assert r.status_code == 200, r.content
    assert [i["name"] for i in r.json()] == ["Ivan Informed"]
