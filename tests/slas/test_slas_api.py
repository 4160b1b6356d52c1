"""The SLA API: agreements, obligations on both sides, breaches; bad input changes nothing."""

from rapport.slas.models import Obligation


def test_a_manager_writes_an_agreement_with_obligations_through_the_api(world, client_for):
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}"
    created = client.post(
        base + "/agreements",
        {"title": "IT and Sales", "agreed_on": "2026-01-05"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    agreement_id = created.json()["id"]
    ob = client.post(
        f"{base}/agreements/{agreement_id}/obligations",
        {"side": "business", "kind": "meeting-attendance", "target": 80},
        content_type="application/json",
    )
    assert ob.status_code == 201 and ob.json()["unit"] == "percent"
    listed = client.get(base + "/agreements").json()
    assert listed[0]["obligations"][0]["text"] == "Attend each status meeting, at least 80 %"
    breaches = client.get(base + "/sla-breaches").json()
    assert (breaches["by_it"], breaches["by_business"]) == (0, 0)


def test_a_bad_side_is_refused_and_nothing_changes(world, client_for, agreement):
    client = client_for(world.manager)
    before = Obligation.objects.count()
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/agreements/{agreement.pk}/obligations",
        {"side": "nobody", "kind": "sign-off", "target": 3},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "side" in response.content.decode()
    assert Obligation.objects.count() == before


def test_a_contributor_records_a_breach_through_the_api(world, client_for, agreement):
    client = client_for(world.contributor)
    from django.utils import timezone

    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/sla-breaches",
        {
            "obligation_id": agreement.by_kind["sign-off"].pk,
            "occurred_on": timezone.localdate().isoformat(),
            "what": "Sign-off late",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["side"] == "business"
    body = client.get(f"/api/v1/projects/{world.alpha.pk}/sla-breaches").json()
    assert body["by_business"] == 1 and body["breaches"][0]["measured"] is False
