"""A manager writes down an agreement with obligations on both sides; breaches show per side."""

from datetime import timedelta

from django.utils import timezone

from rapport.slas.models import Agreement, Breach, Obligation

BASE = "/o/acme/p/ALPHA/relationship/slas/"


def test_the_empty_page_says_what_to_do(world, client_for):
    page = client_for(world.manager).get(BASE)
    assert page.status_code == 200 and b"No agreement yet" in page.content


def test_a_manager_records_an_agreement_and_obligations_on_both_sides(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        BASE + "new/", {"title": "IT and Sales", "agreed_on": "2026-01-05", "active": "on"}
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/{agreement.pk}/obligations/new/"
    )
    for side, kind, target in [
        ("it", "question-response", 24),
        ("business", "decision-turnaround", 5),
    ]:
        response = client.post(
            f"{BASE}{agreement.pk}/obligations/new/", {"side": side, "kind": kind, "target": target}
        )
        assert response.status_code == 302
    page = client.get(BASE).content.decode()
    assert "Answer questions within 24 hours" in page
    assert "Decide what the project asks within 5 days" in page
    assert "By IT: 0" in page and "By the business: 0" in page


def test_an_attendance_target_over_100_is_refused_naming_the_field(world, client_for, agreement):
    client = client_for(world.manager)
    before = Obligation.objects.count()
    response = client.post(
        f"{BASE}{agreement.pk}/obligations/new/",
        {"side": "business", "kind": "meeting-attendance", "target": 150},
    )
    assert response.status_code == 200 and b"Attendance is a percentage" in response.content
    assert Obligation.objects.count() == before


def test_a_contributor_records_a_breach_and_it_shows_on_the_business_side(
    world, client_for, agreement
):
    client = client_for(world.contributor)
    signoff = agreement.by_kind["sign-off"]
    response = client.post(
        BASE + "breaches/new/",
        {
            "obligation": signoff.pk,
            "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "what": "Design sign-off took three weeks",
        },
    )
    assert response.status_code == 302
    page = client.get(BASE).content.decode()
    assert "By the business: 1" in page and "Design sign-off took three weeks" in page
    assert "Rapport cannot see this" in page
    breach = Breach.objects.get()
    client.post(f"{BASE}breaches/{breach.pk}/delete/")
    assert not Breach.objects.exists()


def test_a_viewer_cannot_record_a_breach(world, client_for, agreement):
    response = client_for(world.viewer).get(BASE + "breaches/new/")
    assert response.status_code == 403
