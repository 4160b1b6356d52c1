"""The relationship overview through the API, and its cost: a fixed number of queries however
much relationship work a project holds."""

from datetime import UTC, date, datetime, timedelta

import pytest

from rapport.meetings.models import Invitee, Meeting
from rapport.relations.models import Interaction
from rapport.satisfaction.models import Pulse
from rapport.stakeholders import services as stakeholders

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(world):
    return [
        stakeholders.stakeholder_add(
            actor=world.manager,
            project=world.alpha,
            new_party={"name": f"Customer {n}"},
            is_customer=True,
            power=4,
            interest=5,
        )
        for n in range(3)
    ]


def _grow(project, customers, meetings: int):
    """`meetings` status meetings in the past, each with every customer invited, attended and
    giving a pulse, plus an interaction with each."""
    start = datetime(2026, 1, 6, 9, tzinfo=UTC)
    made = Meeting.objects.bulk_create(
        Meeting(
            project=project,
            kind="status",
            title=f"Status {n}",
            starts_at=start + timedelta(days=n),
            ics_uid=f"bulk-{project.pk}-{n}@test",
        )
        for n in range(meetings)
    )
    Invitee.objects.bulk_create(
        Invitee(meeting=m, stakeholder=c, is_business=True, attendance="attended")
        for m in made
        for c in customers
    )
    Pulse.objects.bulk_create(
        Pulse(
            project=project,
            stakeholder=c,
            meeting=m,
            score=4,
            source="recorded",
            given_at=m.starts_at + timedelta(hours=2),
        )
        for m in made
        for c in customers
    )
    Interaction.objects.bulk_create(
        Interaction(
            project=project,
            stakeholder=c,
            kind="call",
            date=date(2026, 1, 6) + timedelta(days=n),
            subject="Weekly call",
        )
        for n in range(meetings)
        for c in customers
    )


def test_the_api_gives_the_same_sections_as_the_cli(world, customers, client):
    _grow(world.alpha, customers, 3)
    client.force_login(world.viewer)

    data = client.get(f"/api/v1/projects/{world.alpha.pk}/relationship").json()

    assert data["meetings"]["held"] == 3
    assert data["meetings"]["business_attendance_share"] == 1.0
    assert data["satisfaction"]["pulses"] == 9
    assert data["interactions"]["count"] == 9


def test_a_stakeholders_relationship_through_the_api(world, customers, client):
    _grow(world.alpha, customers, 2)
    client.force_login(world.viewer)

    data = client.get(
        f"/api/v1/projects/{world.alpha.pk}/relationship/stakeholders/{customers[0].pk}"
    ).json()

    assert data["name"] == "Customer 0"
    assert data["side"] == "business"
    assert (data["meetings"]["held"], data["meetings"]["attended"]) == (2, 2)
    assert [p["score"] for p in data["satisfaction"]["latest"]] == [4, 4]
    assert data["interactions"]["count"] == 2


def test_another_projects_stakeholder_is_not_found(world, customers, client):
    client.force_login(world.owner)
    omega_side = stakeholders.stakeholder_add(
        actor=world.outsider, project=world.omega, new_party={"name": "Globex customer"}
    )
    response = client.get(
        f"/api/v1/projects/{world.alpha.pk}/relationship/stakeholders/{omega_side.pk}"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["project", "stakeholder"])
def test_the_pages_cost_the_same_queries_with_thousands_of_rows(
    world, customers, client, django_assert_max_num_queries, page
):
    client.force_login(world.manager)
    url = (
        f"/o/acme/p/ALPHA/relationship/stakeholders/{customers[0].pk}/"
        if page == "stakeholder"
        else "/o/acme/p/ALPHA/relationship/"
    )
    _grow(world.alpha, customers, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow_more = 1000
    Meeting.objects.filter(project=world.alpha).delete()
    _grow(world.alpha, customers, _grow_more)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
