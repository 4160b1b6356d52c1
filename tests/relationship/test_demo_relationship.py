"""The demo's relationship work (issue 10, item 12), read the way a PM reads it: through
`rapport relationship --project CRM --json`, the project's Relationship page and the evidence."""

import json

import pytest
from django.core.management import call_command

from rapport.demo.services import demo_load
from rapport.projects.models import Project
from rapport.status.selectors import project_health

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(db):
    demo_load()
    return Project.objects.get(org__slug="demo", code="CRM")


def _relationship_json(capsys) -> dict:
    call_command("relationship", "--project", "demo/CRM", "--json")
    return json.loads(capsys.readouterr().out)


def test_the_cli_and_the_evidence_tell_the_demo_story_with_its_figures(crm, capsys):
    data = _relationship_json(capsys)

    assert list(data) == [
        "meetings",
        "education",
        "lessons",
        "satisfaction",
        "slas",
        "experts",
        "interactions",
    ]
    meetings = data["meetings"]
    assert (meetings["held"], meetings["upcoming"], meetings["decisions"]) == (12, 1, 2)
    people = {p["name"]: p for p in meetings["attendance_by_person"]}
    # The business lead comes less and less; the sponsor nearly always.
    assert (people["Lars Becker"]["attended"], people["Lars Becker"]["missed"]) == (6, 6)
    assert people["Sofia Reyes"]["missed"] == 1
    assert any("Lars Becker" in prompt for prompt in meetings["prompts"])
    assert (meetings["open_actions"], meetings["overdue_actions"]) == (3, 1)

    assert data["education"]["topics_covered"] == 2
    assert data["lessons"]["count"] == 4
    assert data["lessons"]["applied_from_elsewhere"] == 1  # the warehouse's estimating lesson
    assert data["satisfaction"]["key_customers"]["code"] == "satisfaction-falling"
    assert "Lars Becker's satisfaction down" in data["satisfaction"]["key_customers"]["message"]
    assert data["slas"]["breaches"] == {"it": 1, "business": 1}
    assert data["experts"]["areas"] == 3
    assert data["interactions"]["count"] == 4

    # The same story in the evidence (one demo load: it takes seconds).
    signals = {s.code: s for s in project_health(crm).report.evidence.signals}

    assert signals["business-absent"].colour.label == "red"
    assert signals["satisfaction-falling"].colour.label == "red"
    assert signals["sla-breached"].message.startswith("2 SLA breaches")


def test_the_relationship_pages_read_in_words(crm, client):
    from django.contrib.auth import get_user_model

    from rapport.demo.services import DEMO_PM_EMAIL

    client.force_login(get_user_model().objects.get(email=DEMO_PM_EMAIL))
    page = client.get("/o/demo/p/CRM/relationship/")
    text = page.content.decode()

    assert page.status_code == 200
    assert "17 of 24 invitations to status meetings" in text
    assert "Ask Lars Becker what would make the meeting worth their time" in text
    assert "Lars Becker&#x27;s satisfaction down 1.3" in text
    lars = crm.stakeholders.get(party__name="Lars Becker")
    own = client.get(f"/o/demo/p/CRM/relationship/stakeholders/{lars.pk}/").content.decode()
    assert "Attended 6 of 12 held, missed 6." in own
    assert "Confirm the five sales reps for the pilot" in own  # his open action
    assert "Obligations of the business" in own
