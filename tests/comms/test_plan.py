"""The communication plan: rows of audience, type, channel, cadence (an RRULE in the project's time
zone), owner and purpose, written through the page and the API; bad input changes nothing."""

from datetime import date, time

import pytest
from auditlog.models import LogEntry

from rapport.comms import services
from rapport.comms.models import PlanRow
from rapport.projects import services as projects
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Category
from tests.comms.factories import party, plan_row, publish, sent_delivery


def form(**overrides):
    data = {
        "comm_type": "simple",
        "channel": "email",
        "preset": "weekly-monday",
        "rrule": "",
        "start_date": "2025-01-06",
        "send_time": "09:00",
        "duration_minutes": "30",
        "purpose": "Keep the business informed",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_a_manager_adds_a_row_with_a_preset_cadence(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    response = client.post(
        "/o/acme/p/ALPHA/comms/new/",
        form(audience_parties=[bea.pk], owner=world.manager.pk),
        follow=True,
    )
    assert b"Added to the communication plan" in response.content
    row = PlanRow.objects.get()
    assert (row.rrule, row.comm_type, row.channel, row.owner) == (
        "FREQ=WEEKLY;BYDAY=MO",
        "simple",
        "email",
        world.manager,
    )
    assert list(row.audience_parties.all()) == [bea]
    assert b"Every week on Monday at 09:00" in response.content
    assert LogEntry.objects.filter(
        additional_data__project_id=world.alpha.pk, object_repr__contains="Simple"
    ).exists()


@pytest.mark.parametrize(
    ("rrule", "message"),
    [
        ("FREQ=FORTNIGHTLY", "unknown FREQ"),
        ("FREQ=MINUTELY", "too frequent for a report"),
        ("FREQ=WEEKLY;BYDAY=XX", "bad BYDAY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("", "Write the rule"),
    ],
)
def test_a_bad_custom_rule_is_refused_with_the_problem_named(world, client_for, rrule, message):
    bea = party(world, "Bea Business-Lead")
    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/comms/new/", form(audience_parties=[bea.pk], preset="custom", rrule=rrule)
    )
    assert response.status_code == 200
    assert message.encode() in response.content
    assert not PlanRow.objects.exists()


def test_a_custom_rule_is_stored_in_its_canonical_form(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client_for(world.manager).post(
        "/o/acme/p/ALPHA/comms/new/",
        form(
            audience_parties=[bea.pk],
            preset="custom",
            rrule="rrule:bysetpos=2;freq=monthly;byday=tu",
        ),
    )
    assert PlanRow.objects.get().rrule == "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2"


def test_a_report_needs_an_audience_and_a_meeting_needs_the_meeting_channel(world, client_for):
    client = client_for(world.manager)
    nobody = client.post("/o/acme/p/ALPHA/comms/new/", form())
    assert b"Choose who gets it" in nobody.content
    meeting = client.post("/o/acme/p/ALPHA/comms/new/", form(comm_type="meeting", channel="email"))
    assert b"A status meeting happens in a meeting" in meeting.content
    assert not PlanRow.objects.exists()


def test_the_owner_must_be_on_the_project(world):
    from django.core.exceptions import ValidationError

    bea = party(world, "Bea Business-Lead")
    with pytest.raises(ValidationError, match="owner must be on the project"):
        plan_row(world, [bea], owner=world.member)


def test_a_category_audience_reaches_everyone_of_that_kind_on_the_project_now_and_later(world):
    from rapport.comms.selectors import row_recipients

    sponsors = Category.objects.get(org=world.acme, name="Sponsor")
    sam = party(world, "Sam Sponsor", categories=[sponsors])
    row = plan_row(world, [], audience_category=sponsors)
    assert row_recipients(row) == [sam]
    later = party(world, "Sara Sponsor", categories=[sponsors])
    assert row_recipients(row) == [sam, later]
    party(world, "Globex sponsor", project=world.omega, categories=None)
    assert row_recipients(row) == [sam, later]


def test_removing_a_row_that_sent_reports_switches_it_off_and_keeps_the_record(world, client_for):
    bea = party(world, "Bea Business-Lead")
    row = plan_row(world, [bea])
    sent_delivery(row, bea, publish(world))
    response = client_for(world.manager).post(
        f"/o/acme/p/ALPHA/comms/{row.pk}/delete/", follow=True
    )
    assert b"Switched off" in response.content
    row.refresh_from_db()
    assert not row.active and row.deliveries.count() == 1
    empty = plan_row(world, [bea])
    client_for(world.manager).post(f"/o/acme/p/ALPHA/comms/{empty.pk}/delete/")
    assert not PlanRow.objects.filter(pk=empty.pk).exists()


def test_the_plan_page_costs_the_same_queries_for_many_rows(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.viewer)
    sponsors = Category.objects.get(org=world.acme, name="Sponsor")
    people = [party(world, f"Person {n}", categories=[sponsors]) for n in range(3)]
    update = publish(world)
    first = plan_row(world, people[:1], audience_category=sponsors)
    sent_delivery(first, people[0], update)
    client.get("/o/acme/p/ALPHA/comms/")
    with django_assert_max_num_queries(30) as few:
        client.get("/o/acme/p/ALPHA/comms/")
    for n in range(12):
        row = plan_row(
            world,
            people,
            audience_category=sponsors,
            comm_type=("simple", "detailed", "dashboard")[n % 3],
        )
        sent_delivery(row, people[n % 3], update)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/o/acme/p/ALPHA/comms/")
    assert response.content.count(b"Preview for Person 1") == 13


def test_the_api_writes_the_plan_through_the_same_rules(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/comms/plan"
    created = client.post(
        base,
        {
            "audience_party_ids": [bea.pk],
            "rrule": "freq=weekly;interval=2;byday=fr",
            "start_date": "2025-01-06",
            "comm_type": "dashboard",
            "owner_email": world.manager.email,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    assert body["cadence"] == "Every other week on Friday at 09:00"
    assert body["recipients"] == ["Bea Business-Lead"]
    bad = client.post(
        base,
        {"audience_party_ids": [bea.pk], "rrule": "FREQ=SECONDLY", "start_date": "2025-01-06"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "too frequent" in bad.json()["fields"]["rrule"][0]
    foreign = client.post(
        base,
        {"audience_party_ids": [999999], "rrule": "FREQ=DAILY", "start_date": "2025-01-06"},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    patched = client.patch(
        f"{base}/{body['id']}",
        {"purpose": "Trends for IT", "active": False},
        content_type="application/json",
    )
    assert (
        patched.status_code == 200
        and patched.json()["purpose"] == "Trends for IT"
        and not patched.json()["active"]
    )
    listing = client.get(base)
    assert [r["id"] for r in listing.json()] == [body["id"]]
    assert PlanRow.objects.count() == 1


def test_a_huge_or_hostile_rule_is_refused(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    for rule in [
        "FREQ=DAILY;" + "BYHOUR=1;" * 500,
        "FREQ=DAILY\r\nX-EVIL:1",
        "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,30",
    ]:
        response = client.post(
            f"/api/v1/projects/{world.alpha.pk}/comms/plan",
            {"audience_party_ids": [bea.pk], "rrule": rule, "start_date": "2025-01-06"},
            content_type="application/json",
        )
        assert response.status_code in (400, 422), rule
    assert not PlanRow.objects.exists()


def test_the_plan_page_shows_load_warnings(world, client_for):
    bea = party(world, "Bea Business-Lead")
    party(world, "Ivy Interested", interest=5)
    plan_row(world, [bea], rrule="FREQ=DAILY", at=time(9))  # 14 a week (twice a day is
    plan_row(world, [bea], rrule="FREQ=DAILY", at=time(15))  # refused for one report row)
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/comms/")
    assert b"Probably too much: Bea Business-Lead gets 14.0 communications per week" in page.content
    assert (
        b"Ivy Interested is a high-interest customer but gets no communication from the plan"
        in page.content
    )


def test_the_org_load_page_counts_across_projects(world, client_for):
    bea = party(world, "Bea Business-Lead")
    plan_row(world, [bea], rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    beta = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    stakeholders.stakeholder_add(actor=world.owner, project=beta, party=bea)
    services.plan_row_create(
        actor=world.owner,
        project=beta,
        audience_parties=[bea],
        comm_type="simple",
        channel="email",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start_date=date(2025, 1, 6),
        send_time=time(9),
    )
    page = client_for(world.owner).get("/o/acme/comms/load/")
    assert b"Probably too much: Bea Business-Lead gets 6.0 communications per week" in page.content
    assert client_for(world.manager).get("/o/acme/comms/load/").status_code == 403
