"""External customers pay or trade for the service: "cash or trade" is a way of paying, and it
makes a party external (as a chargeback keeps one internal)."""

import pytest
from django.core.exceptions import ValidationError

from rapport.stakeholders import importing, services
from rapport.stakeholders.models import Party
from rapport.stakeholders.spreadsheets import read_table

pytestmark = pytest.mark.django_db


def test_an_external_customer_pays_cash_or_trade(world):
    party = services.party_create(
        actor=world.owner,
        org=world.acme,
        name="Corner bakery",
        relationship="external",
        payment="cash_trade",
    )
    party.refresh_from_db()
    assert party.payment == "cash_trade" and party.get_payment_display() == "Cash or trade"


def test_an_internal_party_cannot_pay_cash_or_trade(world):
    with pytest.raises(ValidationError) as error:
        services.party_create(
            actor=world.owner,
            org=world.acme,
            name="Finance department",
            relationship="internal",
            payment="cash_trade",
        )
    assert "Paying cash or in trade makes a party external" in str(error.value.message_dict)
    assert not Party.objects.filter(name="Finance department").exists()


def test_the_register_form_offers_cash_or_trade_and_the_party_page_shows_it(world, client_for):
    client = client_for(world.owner)
    form = client.get("/o/acme/register/new/").content.decode()
    assert '<option value="cash_trade">Cash or trade</option>' in form
    response = client.post(
        "/o/acme/register/new/",
        {
            "kind": "person",
            "name": "Market stall",
            "relationship": "external",
            "payment": "cash_trade",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    party = Party.objects.get(name="Market stall")
    assert "pays by cash or trade" in client.get(f"/o/acme/register/{party.pk}/").content.decode()


def test_an_import_reads_cash_or_trade_and_exports_it_back(world):
    content = (
        b"Name,Internal/External,Payment\n"
        b"Corner bakery,External,Cash or trade\n"
        b"Market stall,,trade\n"
    )
    plan = importing.plan_import(
        org=world.acme, project=None, table=read_table(content, max_bytes=1 << 20)
    )
    assert plan.is_valid, [p.message for p in plan.problems]
    importing.apply_import(actor=world.owner, org=world.acme, project=None, plan=plan)
    stall = Party.objects.get(name="Market stall")
    assert stall.payment == "cash_trade" and stall.relationship == "external"
    exported, _, _ = importing.export_file(org=world.acme, project=None, fmt="csv")
    assert "Corner bakery" in exported.decode("utf-8-sig")
    assert ",Cash or trade," in exported.decode("utf-8-sig")


def test_an_import_refuses_cash_or_trade_for_an_internal_party_by_row(world):
    content = b"Name,Internal/External,Payment\nFinance,Internal,Cash or trade\n"
    plan = importing.plan_import(
        org=world.acme, project=None, table=read_table(content, max_bytes=1 << 20)
    )
    assert not plan.is_valid
    problem = plan.problems[0]
    assert problem.row == 2 and "makes a party external" in problem.message


def test_the_api_takes_cash_or_trade(world, client_for):
    r = client_for(world.owner).post(
        "/api/v1/orgs/acme/parties",
        data={"name": "Corner bakery", "relationship": "external", "payment": "cash_trade"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["payment"] == "cash_trade"
