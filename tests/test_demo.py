"""The demo workspace: Northwind's CRM rollout, built through the same services as real work.

Loading the whole demo takes seconds (every feature adds its part of the story), so each test
here loads it once and checks everything that load should have given.
"""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from rapport.accounts.models import Organisation, OrgMembership
from rapport.demo.services import DEMO_PASSWORD_DEFAULT, DEMO_PM_EMAIL, demo_load, demo_password
from rapport.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.delenv("RAPPORT_DEMO_PASSWORD", raising=False)
    return demo_load()


def test_it_builds_northwinds_crm_with_its_team_through_the_services(demo):
    crm = Project.objects.get(org__slug="demo", code="CRM")
    pm = get_user_model().objects.get(email=DEMO_PM_EMAIL)

    assert crm.name == "CRM rollout for cross-selling"
    assert crm.state == "active"
    assert crm.goals.count() == 4
    assert OrgMembership.objects.get(user=pm, org__slug="demo").role == "owner"
    roles = dict(ProjectMembership.objects.filter(project=crm).values_list("user__email", "role"))
    assert roles == {
        "priya@northwind.example": "manager",
        "ben@northwind.example": "contributor",
        "mei@northwind.example": "contributor",
        "sofia@northwind.example": "viewer",
    }
    # Built through services, so its history is attributed: Priya started the project.
    started = [
        e.changes_dict.get("state")
        for e in LogEntry.objects.filter(
            actor=pm, action=LogEntry.Action.UPDATE, content_type__model="project"
        )
    ]
    assert ["proposed", "active"] in started


def test_the_project_manager_signs_in_and_a_second_load_changes_nothing(demo, client):
    response = client.post(
        "/accounts/login/", {"username": DEMO_PM_EMAIL, "password": DEMO_PASSWORD_DEFAULT}
    )

    assert response.status_code == 302
    assert "CRM rollout for cross-selling" in client.get("/projects/").content.decode()
    entries = LogEntry.objects.count()
    with pytest.raises(ValueError, match="The demo workspace is loaded already."):
        demo_load()
    assert LogEntry.objects.count() == entries
    assert Organisation.objects.filter(slug="demo").count() == 1


def test_the_demo_password_can_be_chosen(db, monkeypatch):
    monkeypatch.setenv("RAPPORT_DEMO_PASSWORD", "our-own-demo-secret")

    demo_load()

    assert demo_password() == "our-own-demo-secret"
    pm = get_user_model().objects.get(email=DEMO_PM_EMAIL)
    assert pm.check_password("our-own-demo-secret")
    assert not pm.check_password(DEMO_PASSWORD_DEFAULT)
