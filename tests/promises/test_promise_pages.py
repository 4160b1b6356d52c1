"""The promise and expectation pages: record, deliver, renegotiate; errors in place; N+1 guards."""

from datetime import date

import pytest

from rapport.promises import services
from rapport.promises.models import Commitment, Expectation
from rapport.stakeholders.models import ProjectStakeholder
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db
BASE = "/o/acme/p/ALPHA/promises/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)


def make(world, to, due=date(2026, 11, 30), what="Sandbox demo"):
    return services.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=to.party,
        what=what,
        promised_date=due,
        made_on=date(2026, 11, 1),
    )


def test_a_contributor_records_a_promise_to_a_new_customer_from_the_form(world, client_for):
    page = client_for(world.contributor).post(
        BASE + "new/",
        {
            "who": "",
            "new_name": "Sales team",
            "what": "Sandbox demo for the reps",
            "promised_date": "2026-12-04",
            "made_by": str(world.contributor.pk),
            "made_on": "2026-11-19",
            "channel": "meeting",
            "made_where": "Weekly status meeting",
        },
    )
    c = Commitment.objects.get()
    assert page.status_code == 302 and page["Location"].endswith(f"/promises/{c.pk}/")
    assert c.party.name == "Sales team" and c.made_by == world.contributor
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=c.party).exists()


def test_typing_the_name_of_someone_already_on_the_project_records_it_to_them(world, client_for):
    sales = customer(world, "Sales team")
    page = client_for(world.contributor).post(
        BASE + "new/",
        {
            "who": "",
            "new_name": "  sales TEAM ",
            "what": "Sandbox demo for the reps",
            "promised_date": "2026-12-04",
            "made_by": str(world.contributor.pk),
            "made_on": "2026-11-19",
            "channel": "meeting",
        },
    )
    assert page.status_code == 302
    assert Commitment.objects.get().party == sales.party
    assert ProjectStakeholder.objects.filter(project=world.alpha).count() == 1


def test_the_form_shows_what_is_wrong_and_saves_nothing(world, client_for):
    customer(world, "Sales team")
    page = client_for(world.contributor).post(
        BASE + "new/",
        {
            "who": "",
            "new_name": "",
            "what": "",
            "promised_date": "2026-10-01",
            "made_on": "2026-11-19",
            "channel": "meeting",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Choose a stakeholder of the project, or name someone new." in text
    assert "This field is required." in text
    assert not Commitment.objects.exists()


def test_recording_a_late_delivery_with_less_shows_the_promise_as_broken(world, client_for):
    c = make(world, customer(world), due=date(2026, 11, 10))
    client = client_for(world.contributor)
    response = client.post(
        BASE + f"{c.pk}/deliver/",
        {
            "delivery-delivered_on": "2026-11-12",
            "delivery-delivered_scope": "less",
            "delivery-notes": "Half",
        },
    )
    assert response.status_code == 302
    text = client.get(BASE + f"{c.pk}/").content.decode()
    assert 'badge-broken">Broken' in text and "2 days late" in text


def test_a_renegotiation_without_a_reason_is_refused_on_the_page(world, client_for):
    c = make(world, customer(world))
    page = client_for(world.manager).post(
        BASE + f"{c.pk}/renegotiate/",
        {"renegotiation-new_date": "2026-12-20", "renegotiation-reason": ""},
    )
    assert page.status_code == 400 and "This field is required." in page.content.decode()
    c.refresh_from_db()
    assert c.promised_date == date(2026, 11, 30)


def test_the_list_shows_overdue_promises_and_filters_by_state(world, client_for):
    to = customer(world, "Sales team")
    make(world, to, due=date(2026, 11, 10), what="Late one")
    make(world, to, due=date(2026, 12, 10), what="Future one")
    client = client_for(world.viewer)
    everything = client.get(BASE).content.decode()
    assert (
        "Late one" in everything
        and "Future one" in everything
        and 'badge-overdue">Overdue' in everything
    )
    overdue = client.get(BASE + "?state=overdue").content.decode()
    assert "Late one" in overdue and "Future one" not in overdue


def test_a_viewer_sees_no_forms_to_change_promises(world, client_for):
    c = make(world, customer(world))
    text = client_for(world.viewer).get(BASE + f"{c.pk}/").content.decode()
    assert (
        "Record the delivery" not in text
        and "Record a promise" not in client_for(world.viewer).get(BASE).content.decode()
    )


def test_the_promise_list_costs_the_same_queries_however_many_promises(
    world, client_for, django_assert_max_num_queries
):
    to = customer(world)
    client = client_for(world.manager)
    for i in range(3):
        make(world, to, what=f"p{i}")
    client.get(BASE)
    with django_assert_max_num_queries(14) as few:
        client.get(BASE)
    for i in range(40):
        make(world, to, what=f"q{i}", due=date(2026, 11, 1 + i % 25))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(BASE).status_code == 200


def test_expectations_page_flags_the_contradicted_one(world, client_for):
    world.alpha.target_date = date(2027, 6, 30)
    world.alpha.save()
    sales = customer(world, "Sales team")
    client = client_for(world.contributor)
    client.post(
        BASE + "expectations/new/",
        {
            "who": str(sales.pk),
            "kind": "date",
            "words": "Before spring",
            "expected_date": "2027-04-01",
        },
    )
    client.post(
        BASE + "expectations/new/",
        {"who": "", "new_name": "Lars", "kind": "quality", "words": "Quick entry"},
    )
    text = client.get(BASE + "expectations/").content.decode()
    assert Expectation.objects.count() == 2
    assert "<strong>1</strong> of 2 expectations contradicted by the plan" in text
    assert (
        "Sales team expects it by 1 Apr 2027; the plan&#x27;s target date is 30 Jun 2027." in text
    )


def test_the_expectations_page_costs_the_same_queries_however_many(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.viewer)

    def add(n):
        for i in range(n):
            services.expectation_create(
                actor=world.manager,
                project=world.alpha,
                stakeholder=customer(world, f"C{i}-{n}"),
                kind="scope",
                words="All",
            )

    add(2)
    client.get(BASE + "expectations/")
    with django_assert_max_num_queries(14) as few:
        client.get(BASE + "expectations/")
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BASE + "expectations/")


def test_editing_and_removing_an_expectation(world, client_for):
    e = services.expectation_create(
        actor=world.manager,
        project=world.alpha,
        stakeholder=customer(world),
        kind="scope",
        words="All",
    )
    client = client_for(world.contributor)
    client.post(
        BASE + f"expectations/{e.pk}/edit/",
        {"kind": "scope", "words": "Most of it", "plan_contradicts": "on", "plan_note": "Phase 2"},
    )
    e.refresh_from_db()
    assert (e.words, e.plan_contradicts) == ("Most of it", True)
    client.post(BASE + f"expectations/{e.pk}/remove/")
    assert not Expectation.objects.exists()
