"""Names that end up in e-mail headers (parties, organisations, projects, people) are one line:
a line break or another control character is refused at every door — form, API, import — with
a clear error and nothing saved, and names stored before this rule are cleaned by a migration."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from rapport.accounts import services as accounts
from rapport.accounts.models import Organisation
from rapport.lib.validation import single_line
from rapport.projects.models import Project
from rapport.stakeholders import importing
from rapport.stakeholders.models import Party
from rapport.stakeholders.spreadsheets import read_table

HOSTILE = [
    "Bea\r\nBcc: everyone@evil.example",
    "Bea\nLead",
    "Bea\x00",
    "Bea\u2028Lead",
    "Bea\x1b[31m",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_api_refuses_a_party_name_with_a_control_character(world, client_for, name):
    response = client_for(world.owner).post(
        "/api/v1/orgs/acme/parties", {"name": name}, content_type="application/json"
    )
    message = " ".join(response.json()["fields"]["name"])
    if "\x00" in name:
        # The API's one guard refuses NUL in any text before the service sees it.
        assert response.status_code == 422 and "NUL" in message
    else:
        assert response.status_code == 400 and "one line of text" in message
    assert not Party.objects.filter(name__startswith="Bea").exists()


def test_the_register_form_refuses_a_name_with_a_line_break(world, client_for):
    response = client_for(world.owner).post(
        "/o/acme/register/new/",
        {
            "name": "Bea\r\nBcc: x@evil.example",
            "kind": "person",
            "relationship": "internal",
            "payment": "none",
        },
    )
    assert response.status_code == 200
    assert "must be one line of text" in response.content.decode()
    assert not Party.objects.filter(name__startswith="Bea").exists()


def test_an_import_names_the_row_and_column_of_a_name_with_a_control_character(world):
    content = (
        b"Name,Organisation,E-mail\n"
        b"Good Person,Acme,good@acme.example\n"
        b'"Bea\x1bLead",Acme,bea@acme.example\n'
    )
    plan = importing.plan_import(
        org=world.acme, project=None, table=read_table(content, max_bytes=1_000_000)
    )
    assert [(p.row, p.column) for p in plan.problems] == [(3, "Name")]
    assert "control characters" in plan.problems[0].message
    with pytest.raises(importing.ImportRefused):
        importing.apply_import(actor=world.manager, org=world.acme, project=None, plan=plan)
    assert not Party.objects.filter(name__startswith="Good").exists()


def test_organisations_projects_and_people_are_refused_too(world, client_for):
    with pytest.raises(ValidationError, match="one line of text"):
        accounts.org_create(actor=world.owner, slug="evil", name="Evil\r\nCorp")
    assert not Organisation.objects.filter(slug="evil").exists()

    response = client_for(world.member).post(
        "/api/v1/projects",
        {"org": "acme", "code": "CRM", "name": "CRM\r\nrollout"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "name" in response.json()["fields"]
    assert not Project.objects.filter(code="CRM").exists()

    with pytest.raises(ValidationError, match="one line of text"):
        accounts.user_create(email="eve@acme.example", password=None, full_name="Eve\nAdmin")


def test_the_migration_cleans_names_stored_before_the_rule(world):
    migration = importlib.import_module("rapport.comms.migrations.0003_clean_names_in_headers")
    bea = Party.objects.create(org=world.acme, name="Bea Lead")
    planted = Party.objects.create(org=world.acme, name="Bea\r\nLead")  # clashes once cleaned
    other = Party.objects.create(org=world.acme, name="Otto\x07 Other", organisation="Acme\nInc")
    Project.objects.filter(pk=world.alpha.pk).update(name="Alpha\r\nrollout")
    Organisation.objects.filter(pk=world.acme.pk).update(name="Acme\tCorp")

    migration.clean_names(apps, None)

    bea.refresh_from_db(), planted.refresh_from_db(), other.refresh_from_db()
    assert bea.name == "Bea Lead" and planted.name == "Bea Lead (2)"
    assert (other.name, other.organisation) == ("Otto Other", "Acme Inc")
    assert Project.objects.get(pk=world.alpha.pk).name == "Alpha rollout"
    assert Organisation.objects.get(pk=world.acme.pk).name == "Acme Corp"


def test_single_line_keeps_ordinary_names_as_they_are():
    for name in ("Bea Business-Lead", "Becker, Lars", "Zoë O'Brien", "株式会社"):
        assert single_line(name) == name
