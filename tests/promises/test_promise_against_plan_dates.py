"""A promise dated before the plan item that delivers it ("go-live in 8 months" while the go-live
milestone is later) is a finding on the promise and on the milestone: on both pages and in the
API, and said when the promise is recorded."""

import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.promises import rules, services
from rapport.promises.models import Commitment
from rapport.raci import services as raci
from rapport.stakeholders.models import ProjectStakeholder
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db
BASE = "/o/acme/p/ALPHA/promises/"
PROMISE_MESSAGE = (
    "Promised by 1 Aug 2027, but the plan's milestone “Go-live” is planned for 1 Oct 2027, "
    "61 days later: renegotiate the promise or bring the plan forward."
)
MILESTONE_MESSAGE = (
    "Sales team was promised “Go-live of the new CRM” by 1 Aug 2027, 61 days before this "
    "milestone's date (1 Oct 2027)."
)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-12-01 10:00 +00:00", tick=False)


@pytest.fixture
def go_live(world):
    return raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Go-live",
        kind="milestone",
        planned_start=date(2027, 10, 1),
        planned_finish=date(2027, 10, 1),
    )


def sales(world):
    """The Sales team on ALPHA (put on the register the first time)."""
    found = ProjectStakeholder.objects.filter(project=world.alpha, party__name="Sales team")
    return found.first() or customer(world, "Sales team")


def promise(world, go_live, due=date(2027, 8, 1)):
    return services.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=sales(world).party,
        what="Go-live of the new CRM",
        promised_date=due,
        made_on=date(2026, 12, 1),
        activity=go_live,
    )


def test_recording_the_promise_on_the_page_warns_that_the_plan_is_later(world, go_live, client_for):
    page = client_for(world.contributor).post(
        BASE + "new/",
        {
            "who": "",
            "new_name": "Sales team",
            "what": "Go-live of the new CRM",
            "promised_date": "2027-08-01",
            "activity": str(go_live.pk),
            "made_by": str(world.contributor.pk),
            "made_on": "2026-12-01",
            "channel": "meeting",
        },
        follow=True,
    )
    assert Commitment.objects.get().activity == go_live
    assert PROMISE_MESSAGE in html.unescape(page.content.decode())


def test_the_finding_is_on_the_promise_pages_and_on_the_milestone_pages(world, go_live, client_for):
    c = promise(world, go_live)
    client = client_for(world.viewer)
    detail = html.unescape(client.get(f"{BASE}{c.pk}/").content.decode())
    assert "The plan contradicts this promise" in detail and PROMISE_MESSAGE in detail
    assert PROMISE_MESSAGE in html.unescape(client.get(BASE).content.decode())
    activities = html.unescape(client.get("/o/acme/p/ALPHA/activities/").content.decode())
    assert MILESTONE_MESSAGE in activities
    edit = client_for(world.contributor).get(f"/o/acme/p/ALPHA/activities/{go_live.pk}/edit/")
    assert MILESTONE_MESSAGE in html.unescape(edit.content.decode())


def test_the_api_shows_the_finding_on_the_promise_and_lists_both_sides(world, go_live, client_for):
    c = promise(world, go_live)
    client = client_for(world.viewer)
    one = client.get(f"/api/v1/projects/{world.alpha.pk}/commitments/{c.pk}").json()
    assert one["activity_id"] == go_live.pk
    assert [(f["code"], f["message"]) for f in one["findings"]] == [
        ("promise-before-plan", PROMISE_MESSAGE)
    ]
    both = client.get(f"/api/v1/projects/{world.alpha.pk}/plan-date-findings").json()
    assert [(f["code"], f["commitment_id"], f["activity_id"]) for f in both] == [
        ("promise-before-plan", c.pk, go_live.pk),
        ("plan-after-promise", c.pk, go_live.pk),
    ]
    assert both[1]["message"] == MILESTONE_MESSAGE


def test_the_api_records_the_link_and_refuses_another_projects_milestone(
    world, go_live, client_for
):
    sales(world)
    client = client_for(world.manager)
    created = client.post(
        f"/api/v1/projects/{world.alpha.pk}/commitments",
        {
            "party": "Sales team",
            "what": "Go-live",
            "promised_date": "2027-08-01",
            "activity_id": go_live.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["findings"][0]["code"] == "promise-before-plan"
    foreign = raci.activity_create(
        actor=world.outsider,
        project=world.omega,
        name="Secret go-live",
        kind="milestone",
        planned_finish=date(2027, 1, 1),
        planned_start=date(2027, 1, 1),
    )
    refused = client.post(
        f"/api/v1/projects/{world.alpha.pk}/commitments",
        {
            "party": "Sales team",
            "what": "Go-live",
            "promised_date": "2027-08-01",
            "activity_id": foreign.pk,
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "activity_id" in refused.json()["fields"]
    assert Commitment.objects.count() == 1
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=world.manager,
            project=world.alpha,
            party=customer(world, "Ops").party,
            what="Go-live",
            promised_date=date(2027, 8, 1),
            activity=foreign,
        )


def test_renegotiating_past_the_milestone_or_moving_the_milestone_clears_it(
    world, go_live, client_for
):
    c = promise(world, go_live)
    services.commitment_renegotiate(
        actor=world.manager, commitment=c, new_date=date(2027, 10, 15), reason="Plan says October"
    )
    api = f"/api/v1/projects/{world.alpha.pk}/plan-date-findings"
    assert client_for(world.viewer).get(api).json() == []
    raci.activity_update(actor=world.manager, activity=go_live, planned_finish=date(2027, 11, 1))
    assert len(client_for(world.viewer).get(api).json()) == 2  # the plan slipped past it again


def test_a_closed_promise_is_not_checked_against_the_plan(world, go_live, client_for):
    services.commitment_break(actor=world.manager, commitment=promise(world, go_live), reason="No")
    assert (
        client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/plan-date-findings").json()
        == []
    )


@pytest.mark.parametrize(
    ("finish", "status", "found"),
    [
        (date(2027, 10, 1), rules.OPEN, 2),
        (date(2027, 8, 1), rules.OPEN, 0),  # the same day is fine
        (None, rules.OPEN, 0),  # no date in the plan: nothing to contradict
        (date(2027, 10, 1), rules.KEPT, 0),
    ],
)
def test_the_rule(finish, status, found):
    item = rules.PlanItemFacts(id=7, name="Go-live", kind="milestone", finish=finish)
    findings = rules.plan_date_findings(
        promise_id=3,
        what="Go-live",
        promised_to="Sales",
        promised_date=date(2027, 8, 1),
        status=status,
        item=item,
    )
    assert len(findings) == found
    if found:
        assert [(f.code, f.subject) for f in findings] == [
            ("promise-before-plan", 3),
            ("plan-after-promise", 7),
        ]


def test_the_commitments_api_costs_the_same_queries_however_many_promises(
    world, go_live, client_for, django_assert_max_num_queries
):
    client = client_for(world.viewer)
    url = f"/api/v1/projects/{world.alpha.pk}/commitments"
    promise(world, go_live)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(15):
        promise(world, go_live, due=date(2027, 8, 1 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["items"]) == 16
