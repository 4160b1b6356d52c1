"""The meeting, decision and action lists (pages and endpoints) cost the same number of queries
with a few thousand rows."""

from datetime import UTC, date, datetime, timedelta

from rapport.meetings.models import Action, Decision, Invitee, Meeting

ROWS = 2000


def many(world, people):
    bea, ian, sam = people
    start = datetime(2020, 1, 6, 9, tzinfo=UTC)
    Meeting.objects.bulk_create(
        Meeting(
            project=world.alpha,
            kind="status" if i % 3 else "other",
            title=f"Meeting {i}",
            starts_at=start + timedelta(days=i),
            organizer=world.manager,
            ics_uid=f"meeting-test-{i}",
        )
        for i in range(ROWS)
    )
    meetings = list(Meeting.objects.filter(project=world.alpha))
    Invitee.objects.bulk_create(
        Invitee(
            meeting=m,
            stakeholder=person,
            is_business=person.is_customer,
            attendance=["attended", "absent", "apologised"][(m.pk + person.pk) % 3],
        )
        for m in meetings
        for person in (bea, ian, sam)
    )
    Decision.objects.bulk_create(
        Decision(
            project=world.alpha,
            text=f"Decision {i}",
            decided_on=date(2020, 1, 1) + timedelta(days=i),
            decided_by_stakeholder=bea if i % 2 else None,
            decided_by="" if i % 2 else "Board",
            meeting=meetings[i],
        )
        for i in range(ROWS)
    )
    Action.objects.bulk_create(
        Action(
            project=world.alpha,
            text=f"Action {i}",
            meeting=meetings[i],
            owner_user=world.manager if i % 2 else None,
            owner_stakeholder=None if i % 2 else bea,
            due=date(2020, 1, 1) + timedelta(days=i) if i % 5 else None,
            status=["open", "done", "dropped"][i % 3],
        )
        for i in range(ROWS)
    )
    return meetings


BASE = "/o/acme/p/ALPHA/relationship/"


def test_the_list_pages_queries_stay_flat(world, people, client_for, django_assert_max_num_queries):
    meetings = many(world, people)
    client = client_for(world.viewer)
    client.get(BASE + "meetings/")  # sessions and caches warmed
    for url, params in (
        ("meetings/", {"page": 40}),
        ("meetings/", {"kind": "status", "page": 3}),
        ("decisions/", {"page": 30}),
        ("decisions/", {"meeting": meetings[5].pk}),
        ("actions/", {"page": 20}),
        ("actions/", {"status": "open"}),
    ):
        with django_assert_max_num_queries(22):
            page = client.get(BASE + url, params)
        assert page.status_code == 200, url
    assert b"in all" in client.get(BASE + "actions/").content


def test_the_meeting_page_stays_flat(world, people, client_for, django_assert_max_num_queries):
    meetings = many(world, people)
    client = client_for(world.contributor)
    with django_assert_max_num_queries(30):
        page = client.get(BASE + f"meetings/{meetings[3].pk}/")
    assert page.status_code == 200 and b"Bea Business" in page.content


def test_the_list_endpoints_queries_stay_flat(
    world, people, client_for, django_assert_max_num_queries
):
    many(world, people)
    client = client_for(world.viewer)
    api = f"/api/v1/projects/{world.alpha.pk}"
    for path in ("/meetings", "/decisions", "/actions"):
        with django_assert_max_num_queries(8):
            body = client.get(api + path, {"limit": 100, "offset": 1500}).json()
        assert body["count"] == ROWS and len(body["items"]) == 100, path
    with django_assert_max_num_queries(8):
        trend = client.get(api + "/attendance-trend").json()
    assert len(trend["meetings"]) == 12
