"""The organisation's register: parties, categories, links, audit."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.accounts import services as accounts
from rapport.stakeholders import services
from rapport.stakeholders.models import Category, Party

pytestmark = pytest.mark.django_db


def test_a_new_organisation_starts_with_the_default_categories(world):
    org = accounts.org_create(actor=world.owner, slug="initech", name="Initech")
    names = list(Category.objects.filter(org=org).values_list("name", flat=True))
    assert (
        names[0] == "Sponsor"
        and "Future generations" in names
        and "Union" in names
        and len(names) == 19
    )


def test_a_party_needs_no_account_and_its_creation_is_in_the_history(world):
    party = services.party_create(
        actor=world.owner, org=world.acme, name="The local community", kind="group"
    )
    entry = LogEntry.objects.get_for_object(party).get()
    assert entry.actor == world.owner and entry.additional_data == {"org_id": world.acme.pk}


def test_a_chargeback_keeps_a_party_internal(world):
    with pytest.raises(ValidationError, match="internal"):
        services.party_create(
            actor=world.owner,
            org=world.acme,
            name="IT",
            relationship="external",
            payment="chargeback",
        )
    party = services.party_create(
        actor=world.owner, org=world.acme, name="IT", payment="chargeback"
    )
    assert party.relationship == "internal"


def test_the_same_name_in_the_same_organisation_is_refused_with_what_to_do(world):
    services.party_create(actor=world.owner, org=world.acme, name="Jan Jansen", organisation="Acme")
    with pytest.raises(ValidationError, match="add the organisation"):
        services.party_create(
            actor=world.owner, org=world.acme, name="jan jansen", organisation="ACME"
        )
    services.party_create(
        actor=world.owner, org=world.acme, name="Jan Jansen", organisation="Supplier Ltd"
    )


def test_reports_to_chains_cannot_loop(world):
    cio = services.party_create(actor=world.owner, org=world.acme, name="CIO")
    boss = services.party_create(actor=world.owner, org=world.acme, name="Boss", reports_to=cio)
    buyer = services.party_create(actor=world.owner, org=world.acme, name="Buyer", reports_to=boss)
    with pytest.raises(ValidationError, match="loop"):
        services.party_update(actor=world.owner, party=cio, reports_to=buyer)
    with pytest.raises(ValidationError):
        services.party_update(actor=world.owner, party=cio, reports_to=cio)
    from rapport.stakeholders.selectors import party_chain

    assert [p["name"] for p in party_chain(buyer)["reports_up"]] == ["Boss", "CIO"]


def test_a_party_cannot_link_to_another_organisations_register(world):
    foreign = services.party_create(actor=world.outsider, org=world.globex, name="Spy")
    with pytest.raises(ValidationError):
        services.party_create(actor=world.owner, org=world.acme, name="Ada", reports_to=foreign)
    with pytest.raises(ValidationError):
        services.party_create(
            actor=world.owner,
            org=world.acme,
            name="Ada",
            categories=[Category.objects.filter(org=world.globex).first()],
        )


def test_deleting_a_party_takes_it_off_its_projects_and_keeps_the_history(world, sample):
    party = Party.objects.get(pk=sample["party_id"])
    services.party_delete(actor=world.owner, party=party)
    assert not world.alpha.stakeholders.filter(party_id=sample["party_id"]).exists()
    deleted = LogEntry.objects.filter(
        action=LogEntry.Action.DELETE, additional_data__project_id=world.alpha.pk
    )
    assert deleted.filter(object_repr__contains="Sales team").exists()


def test_categories_are_editable_by_owners_through_the_pages(world, client_for):
    client = client_for(world.owner)
    response = client.post(
        "/o/acme/register/categories/add/", {"name": "Pensioners", "hint": "Former staff?"}
    )
    assert (
        response.status_code == 302
        and Category.objects.filter(org=world.acme, name="Pensioners").exists()
    )
    response = client.post("/o/acme/register/categories/add/", {"name": "pensioners"})
    assert response.status_code == 400 and "already" in response.content.decode()
    union = Category.objects.get(org=world.acme, name="Union")
    client.post(
        f"/o/acme/register/categories/{union.pk}/edit/",
        {"name": "Trade union", "hint": "Staff reps"},
    )
    union.refresh_from_db()
    assert union.name == "Trade union"


def test_the_register_page_lists_filters_and_says_what_to_do_when_empty(world, client_for):
    client = client_for(world.viewer)
    assert "The register is empty" in client.get("/o/acme/register/").content.decode()
    union = Category.objects.get(org=world.acme, name="Union")
    services.party_create(
        actor=world.owner, org=world.acme, name="Works council", kind="group", categories=[union]
    )
    services.party_create(
        actor=world.owner,
        org=world.acme,
        name="Key accounts",
        relationship="external",
        payment="contract",
    )
    page = client.get(f"/o/acme/register/?category={union.pk}").content.decode()
    assert "Works council" in page and "Key accounts" not in page
    page = client.get("/o/acme/register/?relationship=external").content.decode()
    assert "Key accounts" in page and "Works council" not in page
    rows = client.get("/o/acme/register/?q=works", HTTP_HX_REQUEST="true").content.decode()
    assert "Works council" in rows and "<html" not in rows


def test_an_owner_adds_a_party_with_inline_errors_first(world, client_for):
    client = client_for(world.owner)
    response = client.post(
        "/o/acme/register/new/",
        {"kind": "person", "name": "", "relationship": "external", "payment": "chargeback"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required" in page
    response = client.post(
        "/o/acme/register/new/",
        {"kind": "person", "name": "Ada", "relationship": "external", "payment": "chargeback"},
    )
    assert "chargeback is internal money" in response.content.decode()
    response = client.post(
        "/o/acme/register/new/",
        {
            "kind": "person",
            "name": "Ada",
            "relationship": "external",
            "payment": "contract",
            "email": "ada@example.com",
        },
    )
    assert response.status_code == 302
    assert Party.objects.get(name="Ada").is_external


def test_pagination_keeps_the_filters(world, client_for, settings):
    settings.PAGE_SIZE = 2
    union = Category.objects.get(org=world.acme, name="Union")
    for i in range(3):
        services.party_create(
            actor=world.owner, org=world.acme, name=f"Rep {i}", categories=[union]
        )
    page = client_for(world.viewer).get(f"/o/acme/register/?category={union.pk}").content.decode()
    last = Party.objects.get(name="Rep 1")
    assert f"?category={union.pk}&amp;after={last.pk}" in page


def test_the_party_page_shows_how_far_the_customer_chain_goes(world, client_for):
    cio = services.party_create(actor=world.owner, org=world.acme, name="Carla CIO")
    boss = services.party_create(actor=world.owner, org=world.acme, name="Ben Boss", reports_to=cio)
    buyer = services.party_create(
        actor=world.owner, org=world.acme, name="Bea Buyer", reports_to=boss, represents=cio
    )
    page = client_for(world.viewer).get(f"/o/acme/register/{buyer.pk}/").content.decode()
    assert "Reports to: Ben Boss → Carla CIO" in page
    assert "Represents: Carla CIO" in page
    page = client_for(world.viewer).get(f"/o/acme/register/{cio.pk}/").content.decode()
    assert "Reporting to them: Ben Boss" in page and "Speaking for them: Bea Buyer" in page
