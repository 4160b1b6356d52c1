"""Lessons in the browser: a lesson captured on one project is found by search from another and
applied; its reuse count shows in the library, which axe-core finds clean."""

import pytest
from playwright.sync_api import expect

from rapport.projects import services as projects
from rapport.projects.models import ProjectRole
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lesson_captured_on_one_project_is_found_and_applied_from_another(
    world, sign_in, live_server
):
    crm = projects.project_create(
        actor=world.owner, org=world.acme, code="CRM", name="CRM replacement"
    )
    projects.project_member_set(
        actor=world.owner, project=crm, user=world.manager, role=ProjectRole.CONTRIBUTOR
    )
    page = sign_in(world.manager)

    # Captured on ALPHA, with the business.
    page.goto(live_server.url + "/o/acme/p/ALPHA/relationship/lessons/")
    page.get_by_role("link", name="Capture a lesson").first.click()
    page.get_by_label("Title").fill("Show the estimate's ranges to the sponsor")
    page.get_by_label("What happened").fill("The sponsor expected 8 months; the estimate said 12.")
    page.get_by_label("Recommendation").fill("Walk the sponsor through the contingency early.")
    page.get_by_label("Category").select_option("estimating")
    page.get_by_label("High").check()
    page.get_by_label("Tags").fill("estimates, sponsor")
    page.get_by_role("button", name="Capture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Show the estimate's ranges to the sponsor"
    )
    page.get_by_label("Business").check()
    page.get_by_label("Or someone on the team").select_option(label="Max Manager")
    page.get_by_role("button", name="Add contributor").click()
    expect(page.get_by_role("region", name="Who contributed")).to_contain_text("Max Manager")

    # Found from CRM and applied.
    page.goto(live_server.url + "/o/acme/p/CRM/relationship/lessons/")
    page.get_by_label("Search every project's lessons").fill("sponsor estimate")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("list", name="Lessons matching sponsor estimate")
    expect(results).to_contain_text("Show the estimate's ranges to the sponsor")
    results.get_by_role("button", name="Apply to this project").click()
    expect(page.get_by_role("status")).to_contain_text("to CRM")
    expect(page.get_by_role("list", name="Lessons matching sponsor estimate")).to_contain_text(
        "Applied on CRM"
    )
    expect(page.get_by_role("region", name="Applied here from earlier projects")).to_contain_text(
        "Show the estimate's ranges to the sponsor"
    )

    # The library shows the reuse count.
    page.goto(live_server.url + "/o/acme/")
    page.get_by_role("link", name="Lessons library").click()
    expect(page.get_by_role("region", name="All lessons, newest first")).to_contain_text(
        "reused by 1 project"
    )
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Search lessons").fill("contingency")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("region", name="Matching lessons")).to_contain_text("ALPHA")
    assert serious_accessibility_violations(page) == []


def test_the_project_lessons_page_has_no_serious_accessibility_issues(world, sign_in, live_server):
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/relationship/lessons/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lessons learned")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Capture a lesson").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capture a lesson")
    assert serious_accessibility_violations(page) == []
