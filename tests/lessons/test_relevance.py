"""Lessons from earlier projects shown to a project whose kind of work they match: other
projects' only, those not applied here first, and on a new project's overview."""

from rapport.lessons import services
from rapport.lessons.selectors import lessons_relevant_to
from rapport.projects import services as projects
from rapport.raci import services as raci
from tests.lessons.factories import lesson_on


def make_crm(world):
    crm = projects.project_create(
        actor=world.manager,
        org=world.acme,
        code="CRM",
        name="CRM replacement",
        description="Replace the CRM; the vendor hosts it. Estimates agreed with the sponsor.",
    )
    return crm


def test_matching_lessons_of_other_projects_come_first_unapplied_before_applied(world, earlier):
    crm = make_crm(world)
    vendor = lesson_on(
        earlier, world.owner, title="Vendor hosting contracts", category="vendor", tags="hosting"
    )
    lesson_on(
        earlier,
        world.owner,
        title="Canteen menus",
        what_happened="Lunch",
        tags="food",
        recommendation="Order earlier",
        category="people",
    )
    lesson_on(crm, world.manager, title="Our own CRM lesson")
    services.lesson_apply(actor=world.manager, lesson=vendor, project=crm)
    relevant = lessons_relevant_to(crm, world.manager)
    assert [lesson.title for lesson in relevant] == [
        "Estimates need the sponsor's constraint",
        "Vendor hosting contracts",
    ]
    assert [lesson.applied_here for lesson in relevant] == [False, True]


def test_a_project_sees_only_lessons_of_projects_its_person_may_see(world, earlier):
    crm = make_crm(world)
    earlier.memberships.filter(user=world.manager).delete()
    assert lessons_relevant_to(crm, world.manager) == []
    assert len(lessons_relevant_to(crm, world.owner)) == 1


def test_a_new_project_overview_suggests_relevant_lessons_until_work_is_planned(
    world, earlier, client_for
):
    make_crm(world)
    client = client_for(world.manager)
    page = client.get("/o/acme/p/CRM/").content.decode()
    assert "Lessons from earlier projects that may apply" in page
    assert "Estimates need the sponsor" in page
    crm = world.acme.projects.get(code="CRM")
    raci.activity_create(actor=world.manager, project=crm, name="Kick-off")
    assert "Lessons from earlier projects" not in client.get("/o/acme/p/CRM/").content.decode()


def test_the_project_lessons_page_offers_relevant_lessons_with_an_apply_button(
    world, earlier, client_for
):
    make_crm(world)
    page = client_for(world.contributor).get("/o/acme/p/CRM/relationship/lessons/")
    assert page.status_code == 404  # Carl has no role on CRM
    page = client_for(world.manager).get("/o/acme/p/CRM/relationship/lessons/").content.decode()
    assert "Estimates need the sponsor" in page and "Apply to this project" in page


def test_the_relevant_lessons_endpoint(world, earlier, client_for):
    crm = make_crm(world)
    body = client_for(world.manager).get(f"/api/v1/projects/{crm.pk}/relevant-lessons").json()
    assert [(b["title"], b["applied_here"]) for b in body] == [
        ("Estimates need the sponsor's constraint", False)
    ]
