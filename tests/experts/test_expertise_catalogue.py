"""The catalogue of areas: one area per name in an organisation, whatever its case or accents."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapport.experts import services
from rapport.experts.models import Expertise


def test_it_refuses_an_area_that_only_differs_by_case_or_accents(world, catalogue):
    with pytest.raises(ValidationError) as refused:
        services.expertise_create(actor=world.manager, org=world.acme, name="  sql ")
    assert "There is an area “SQL” already." in refused.value.message_dict["name"]
    assert Expertise.objects.filter(org=world.acme).count() == 2


def test_the_database_refuses_a_duplicate_even_without_the_service(world, catalogue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expertise.objects.create(org=world.acme, name="Sql")


def test_another_organisation_may_have_the_same_area(world, catalogue):
    services.expertise_create(actor=world.outsider, org=world.globex, name="SQL")
    assert Expertise.objects.filter(name_key="sql").count() == 2


def test_renaming_to_a_taken_name_is_refused_and_changes_nothing(world, catalogue):
    sql, security = catalogue
    with pytest.raises(ValidationError):
        services.expertise_update(actor=world.owner, area=security, name="SQL")
    security.refresh_from_db()
    assert security.name == "Security"


def test_a_member_adds_an_area_on_the_page_and_sees_the_refusal_of_a_duplicate(
    world, catalogue, client_for
):
    client = client_for(world.viewer)
    response = client.post("/o/acme/experts/areas/", {"name": "Hosting"})
    assert response.status_code == 302
    response = client.post("/o/acme/experts/areas/", {"name": "HOSTING"})
    assert "There is an area “Hosting” already." in response.content.decode()
    assert Expertise.objects.filter(org=world.acme).count() == 3


def test_the_api_answers_a_duplicate_with_an_error_naming_the_field(world, catalogue, client_for):
    client = client_for(world.member)
    response = client.post(
        "/api/v1/orgs/acme/expertise", {"name": "sql"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "name" in response.content.decode()
    assert Expertise.objects.filter(org=world.acme).count() == 2
