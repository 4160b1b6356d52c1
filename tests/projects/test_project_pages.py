"""The project pages: create, edit, goals, lifecycle, delete, empty states and the project list."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts import services as accounts
from rapport.projects import services as projects
from rapport.projects.models import Goal, Project, ProjectMembership

pytestmark = pytest.mark.django_db

NEW_PROJECT = {
    "org": "acme",
    "code": "CRM",
    "name": "CRM rollout",
    "description": "One CRM for sales and support.",
    "business_case": "Cross-selling.",
    "start_date": "2026-09-01",
    "target_date": "2027-06-30",
    "budget": "420000.00",
    "currency": "EUR",
    "time_zone": "Europe/Amsterdam",
    "goals": "Reps see full history\nCross-sell revenue up 10%",
}


def errors_on(response, field) -> list[str]:
    """The inline error messages shown under one field of the form."""
    page = response.content.decode()
    return [
        html.unescape(m)
        for m in re.findall(rf'<p class="error" id="id_{field}_error">(.*?)</p>', page)
    ]


def edit_data(project, **changes):
    data = {
        "name": project.name,
        "description": project.description,
        "business_case": project.business_case,
        "start_date": project.start_date or "",
        "target_date": project.target_date or "",
        "budget": project.budget if project.budget is not None else "",
        "currency": project.currency,
        "state": project.state,
        "time_zone": project.time_zone,
        "goals": "\n".join(g.text for g in project.goals.all()),
    }
    data.update(changes)
    return data


def state_options(response) -> list[str]:
    select = re.search(r'<select name="state".*?</select>', response.content.decode(), re.S).group(
        0
    )
    return re.findall(r'<option value="([^"]+)"', select)


# --- create -----------------------------------------------------------------------------------------


def test_a_member_creates_a_project_and_becomes_its_manager(world, client_for):
    response = client_for(world.member).post("/projects/new/", NEW_PROJECT)

    assert response.status_code == 302 and response["Location"] == "/o/acme/p/CRM/"
    crm = Project.objects.get(org=world.acme, code="CRM")
    assert crm.name == "CRM rollout"
    assert crm.start_date == date(2026, 9, 1) and crm.target_date == date(2027, 6, 30)
    assert crm.budget == Decimal("420000.00") and crm.time_zone == "Europe/Amsterdam"
    assert crm.state == "proposed"
    assert [g.text for g in crm.goals.all()] == [
        "Reps see full history",
        "Cross-sell revenue up 10%",
    ]
    assert ProjectMembership.objects.get(project=crm).user == world.member
    assert ProjectMembership.objects.get(project=crm).role == "manager"


def test_a_code_typed_in_lower_case_is_stored_in_capitals(world, client_for):
    response = client_for(world.member).post("/projects/new/", {**NEW_PROJECT, "code": "crm-2"})

    assert response.status_code == 302 and response["Location"] == "/o/acme/p/CRM-2/"
    assert Project.objects.filter(org=world.acme, code="CRM-2").exists()


def test_the_same_code_may_be_used_by_another_organisation(world, client_for):
    response = client_for(world.member).post("/projects/new/", {**NEW_PROJECT, "code": "OMEGA"})

    assert response.status_code == 302
    assert Project.objects.filter(code="OMEGA").count() == 2


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "ALPHA"}, "code", "Acme Corp already has a project with the code ALPHA."),
        ({"code": "alpha"}, "code", "Acme Corp already has a project with the code ALPHA."),
        (
            {"code": "1CRM"},
            "code",
            "Use 1–16 capital letters, digits or hyphens, starting with a letter (like CRM or ERP-2).",
        ),
        (
            {"code": "CR M"},
            "code",
            "Use 1–16 capital letters, digits or hyphens, starting with a letter (like CRM or ERP-2).",
        ),
        (
            {"code": "ABCDEFGHIJKLMNOPQ"},
            "code",
            "Ensure this value has at most 16 characters (it has 17).",
        ),
        ({"code": ""}, "code", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        (
            {"start_date": "2027-01-01", "target_date": "2026-12-31"},
            "target_date",
            "The target date is before the start date.",
        ),
        ({"budget": "-1"}, "budget", "A budget cannot be negative."),
        ({"budget": "a lot"}, "budget", "Enter a number."),
        (
            {"time_zone": "Mars/Olympus_Mons"},
            "time_zone",
            "'Mars/Olympus_Mons' is not a known time zone (for example Europe/Paris).",
        ),
        (
            {"currency": "XXX"},
            "currency",
            "Select a valid choice. XXX is not one of the available choices.",
        ),
        ({"goals": "Same goal\nsame goal"}, "goals", "The same goal is listed twice."),
        ({"goals": "x" * 301}, "goals", "A goal is at most 300 characters: " + "x" * 40 + "…"),
        (
            {"org": "globex"},
            "org",
            "Select a valid choice. globex is not one of the available choices.",
        ),
    ],
)
def test_bad_input_is_shown_on_the_field_and_changes_nothing(
    world, client_for, changes, field, message
):
    projects_before, history_before = Project.objects.count(), LogEntry.objects.count()

    response = client_for(world.member).post("/projects/new/", {**NEW_PROJECT, **changes})

    assert response.status_code == 200
    assert message in errors_on(response, field)
    assert Project.objects.count() == projects_before
    assert LogEntry.objects.count() == history_before
    # What was typed is still in the form, to be corrected.
    assert 'value="CRM rollout"' in response.content.decode() or field == "name"


def test_someone_without_an_organisation_is_asked_to_create_one_first(db, client_for):
    loner = accounts.user_create(
        email="lone@example.com", password="a-long-passphrase-9", full_name="Lone"
    )

    response = client_for(loner).get("/projects/new/", follow=True)

    assert response.redirect_chain[-1][0] == "/orgs/new/"
    assert "Create an organisation first: projects belong to one." in response.content.decode()


# --- edit and goals ---------------------------------------------------------------------------------


def test_a_manager_edits_the_project(world, client_for):
    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/edit/",
        edit_data(world.alpha, name="Alpha, phase one", budget="1000.50", time_zone="Europe/Paris"),
    )

    assert response.status_code == 302 and response["Location"] == "/o/acme/p/ALPHA/"
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha, phase one"
    assert world.alpha.budget == Decimal("1000.50")
    assert world.alpha.time_zone == "Europe/Paris"
    assert world.alpha.code == "ALPHA"


def test_the_code_cannot_be_changed_by_editing(world, client_for):
    client_for(world.manager).post("/o/acme/p/ALPHA/edit/", edit_data(world.alpha, code="BETA"))

    world.alpha.refresh_from_db()
    assert world.alpha.code == "ALPHA"


def test_an_invalid_edit_shows_the_error_and_changes_nothing(world, client_for):
    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/edit/",
        edit_data(world.alpha, name="Renamed", start_date="2027-01-01", target_date="2026-01-01"),
    )

    assert errors_on(response, "target_date") == ["The target date is before the start date."]
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha rollout"


def test_the_edit_form_shows_the_goals_one_per_line(world, client_for):
    projects.project_update(
        actor=world.manager, project=world.alpha, goals=["Happy customers", "Fast delivery"]
    )

    page = client_for(world.manager).get("/o/acme/p/ALPHA/edit/").content.decode()

    assert "Happy customers\nFast delivery</textarea>" in page


def test_goals_are_kept_reordered_renamed_added_and_removed(world, client_for):
    projects.project_update(
        actor=world.manager,
        project=world.alpha,
        goals=["Happy customers", "Fast delivery", "Low cost"],
    )
    ids = {g.text: g.pk for g in Goal.objects.filter(project=world.alpha)}

    client_for(world.manager).post(
        "/o/acme/p/ALPHA/edit/",
        edit_data(world.alpha, goals="Low cost\n\nhappy Customers\n  Zero defects  \n"),
    )

    goals = list(world.alpha.goals.all())
    assert [g.text for g in goals] == ["Low cost", "happy Customers", "Zero defects"]
    # Unchanged goals keep their identity (and so what is linked to them), even re-cased.
    assert goals[0].pk == ids["Low cost"]
    assert goals[1].pk == ids["Happy customers"]
    assert not Goal.objects.filter(pk=ids["Fast delivery"]).exists()


def test_a_goal_edit_that_fails_keeps_every_goal(world, client_for):
    before = list(world.alpha.goals.values_list("pk", "text"))

    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/edit/", edit_data(world.alpha, name="Renamed", goals="New\nnew")
    )

    assert errors_on(response, "goals") == ["The same goal is listed twice."]
    assert list(world.alpha.goals.values_list("pk", "text")) == before
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha rollout"


# --- the lifecycle --------------------------------------------------------------------------------


def test_the_edit_form_offers_only_the_states_that_may_follow(world, client_for):
    client = client_for(world.manager)

    assert state_options(client.get("/o/acme/p/ALPHA/edit/")) == ["proposed", "active", "cancelled"]
    client.post("/o/acme/p/ALPHA/edit/", edit_data(world.alpha, state="active"))
    assert state_options(client.get("/o/acme/p/ALPHA/edit/")) == [
        "active",
        "on_hold",
        "completed",
        "cancelled",
    ]


def test_a_state_that_may_not_follow_is_refused(world, client_for):
    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/edit/", edit_data(world.alpha, state="completed")
    )

    assert response.status_code == 200
    assert errors_on(response, "state") == [
        "Select a valid choice. completed is not one of the available choices."
    ]
    world.alpha.refresh_from_db()
    assert world.alpha.state == "proposed"


def test_a_project_goes_through_its_whole_life(world, client_for):
    client = client_for(world.manager)
    for state in ("active", "on_hold", "active", "completed", "active", "cancelled", "proposed"):
        world.alpha.refresh_from_db()
        response = client.post("/o/acme/p/ALPHA/edit/", edit_data(world.alpha, state=state))
        assert response.status_code == 302, state
    world.alpha.refresh_from_db()
    assert world.alpha.state == "proposed"


def test_contributors_and_viewers_cannot_edit(world, client_for):
    for person in (world.contributor, world.viewer):
        response = client_for(person).post(
            "/o/acme/p/ALPHA/edit/", edit_data(world.alpha, name="Mine now")
        )
        assert response.status_code == 403
    world.alpha.refresh_from_db()
    assert world.alpha.name == "Alpha rollout"


# --- delete ---------------------------------------------------------------------------------------


def test_an_owner_deletes_a_project_by_typing_its_code(world, client_for):
    client = client_for(world.owner)
    assert "Delete ALPHA?" in client.get("/o/acme/p/ALPHA/delete/").content.decode()

    response = client.post("/o/acme/p/ALPHA/delete/", {"confirm_code": "alpha"}, follow=True)

    assert response.redirect_chain[-1][0] == "/o/acme/"
    assert "Project ALPHA deleted. Its history is kept." in response.content.decode()
    assert not Project.objects.filter(pk=world.alpha.pk).exists()
    assert not Goal.objects.filter(project_id=world.alpha.pk).exists()
    assert client.get("/o/acme/p/ALPHA/").status_code == 404


def test_a_wrong_confirmation_deletes_nothing(world, client_for):
    response = client_for(world.owner).post("/o/acme/p/ALPHA/delete/", {"confirm_code": "ALPH"})

    assert errors_on(response, "confirm_code") == ["Type the project code ALPHA to confirm."]
    assert Project.objects.filter(pk=world.alpha.pk).exists()


def test_only_organisation_owners_may_delete(world, client_for):
    response = client_for(world.manager).post("/o/acme/p/ALPHA/delete/", {"confirm_code": "ALPHA"})

    assert response.status_code == 403
    assert Project.objects.filter(pk=world.alpha.pk).exists()
    assert (
        "/o/acme/p/ALPHA/delete/"
        not in client_for(world.manager).get("/o/acme/p/ALPHA/").content.decode()
    )
    assert (
        "/o/acme/p/ALPHA/delete/"
        in client_for(world.owner).get("/o/acme/p/ALPHA/").content.decode()
    )


# --- empty states -----------------------------------------------------------------------------------


def test_someone_without_an_organisation_is_told_how_to_start(db, client_for):
    loner = accounts.user_create(
        email="lone@example.com", password="a-long-passphrase-9", full_name="Lone"
    )

    page = client_for(loner).get("/projects/").content.decode()

    assert "You do not belong to an organisation yet." in page
    assert 'href="/orgs/new/"' in page


def test_an_organisation_without_projects_invites_the_first_one(db, client_for):
    founder = accounts.user_create(
        email="f@example.com", password="a-long-passphrase-9", full_name="F"
    )
    accounts.org_create(actor=founder, slug="newco", name="NewCo")
    client = client_for(founder)

    assert "No projects yet." in client.get("/projects/").content.decode()
    assert "No projects you can see here yet." in client.get("/o/newco/").content.decode()


def test_a_search_that_finds_nothing_says_so(world, client_for):
    page = client_for(world.manager).get("/projects/?q=zebra").content.decode()

    assert "No project matches “zebra”." in page


def test_a_bare_project_prompts_for_its_description_and_goals(world, client_for):
    bare = projects.project_create(actor=world.manager, org=world.acme, code="BARE", name="Bare")

    page = client_for(world.manager).get("/o/acme/p/BARE/").content.decode()

    assert "No description yet." in page
    assert "No business case yet" in page
    assert "No goals yet." in page and "Add the project's goals" in page
    assert bare.code in page


# --- the project list -------------------------------------------------------------------------------


def make_projects(world, count, prefix="P"):
    for n in range(count):
        project = projects.project_create(
            actor=world.manager,
            org=world.acme,
            code=f"{prefix}{n:03d}",
            name=f"Project {n}",
            goals=["G1", "G2"],
        )
        projects.project_member_set(
            actor=world.manager, project=project, user=world.viewer, role="viewer"
        )


def test_the_list_shows_what_each_person_may_see(world, client_for):
    assert "ALPHA" in client_for(world.viewer).get("/projects/").content.decode()
    assert "ALPHA" not in client_for(world.member).get("/projects/").content.decode()
    assert "OMEGA" not in client_for(world.owner).get("/projects/").content.decode()


def test_the_team_size_counts_everyone_on_the_project_whoever_looks(world, client_for):
    for person in (world.owner, world.manager, world.viewer):
        page = client_for(person).get("/projects/").content.decode()
        row = re.search(r"<tr>\s*<td><a href=\"/o/acme/p/ALPHA/\">.*?</tr>", page, re.S).group(0)
        assert re.findall(r"<td>(\d+)</td>", row) == ["3"], person


def test_the_list_finds_projects_by_code_or_name(world, client_for):
    make_projects(world, 2)
    client = client_for(world.manager)

    assert re.findall(
        r">(P00\d|ALPHA)</a>", client.get("/projects/?q=rollout").content.decode()
    ) == ["ALPHA"]
    assert re.findall(r">(P00\d|ALPHA)</a>", client.get("/projects/?q=p001").content.decode()) == [
        "P001"
    ]


def test_the_search_box_refreshes_only_the_rows(world, client_for):
    response = client_for(world.manager).get("/projects/?q=alpha", HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert ">ALPHA</a>" in response.content.decode()


def test_the_list_is_paginated(world, client_for, settings):
    settings.PAGE_SIZE = 2
    make_projects(world, 4)  # with ALPHA: five projects, three pages
    client = client_for(world.manager)

    first = client.get("/projects/").content.decode()
    last = client.get("/projects/?page=3").content.decode()
    beyond = client.get("/projects/?page=99").content.decode()
    garbage = client.get("/projects/?page=abc").content.decode()

    assert re.findall(r">(P00\d|ALPHA)</a>", first) == ["ALPHA", "P000"]
    assert "Page 1 of 3 (5 in all)" in first and "?page=2" in first
    assert re.findall(r">(P00\d|ALPHA)</a>", last) == ["P003"]
    assert "Page 3 of 3" in beyond
    assert "Page 1 of 3" in garbage


def test_the_pages_keep_the_search(world, client_for, settings):
    settings.PAGE_SIZE = 2
    make_projects(world, 4)

    page = client_for(world.manager).get("/projects/?q=project").content.decode()

    assert "?q=project&amp;page=2" in page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/projects/", "/o/acme/"])
def test_the_list_pages_take_the_same_number_of_queries_for_many_projects(
    world, client_for, django_assert_max_num_queries, url
):
    client = client_for(world.viewer)
    make_projects(world, 2)
    few = count_queries(client, url)

    make_projects(world, 30, prefix="Q")
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count("/o/acme/p/Q") == 30
