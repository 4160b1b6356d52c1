import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_signs_in_creates_a_project_and_finds_it_on_the_list(world, sign_in, live_server):
    page = sign_in(world.manager)
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Code").fill("BETA")
    page.get_by_label("Name").fill("Beta customer portal")
    page.get_by_label("Goals").fill("Customers find answers themselves\nFewer support calls")
    page.get_by_label("Target date").fill("2027-03-31")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Beta customer portal")
    goals = page.get_by_role("region", name="Goals")
    expect(goals.get_by_role("listitem").first).to_have_text("Customers find answers themselves")

    page.get_by_role("link", name="Projects", exact=True).click()
    expect(page.get_by_role("link", name="BETA")).to_be_visible()


def test_the_new_project_form_shows_what_is_wrong_inline(world, sign_in):
    page = sign_in(world.manager)
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Code").fill("ALPHA")  # taken in Acme already
    page.get_by_label("Name").fill("Duplicate")
    page.get_by_role("button", name="Create project").click()
    expect(
        page.get_by_text(re.compile("already has a project with the code ALPHA"))
    ).to_be_visible()


def test_search_filters_the_project_list_in_place(world, sign_in):
    page = sign_in(world.owner)
    page.get_by_label("Find a project").fill("zzz-nothing")
    expect(page.get_by_text("No project matches")).to_be_visible()
    page.get_by_label("Find a project").fill("alpha")
    expect(page.get_by_role("link", name="ALPHA")).to_be_visible()


def test_sign_in_rejects_a_wrong_password_with_a_message(world, live_server, page):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(world.manager.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")


@pytest.mark.parametrize("path", ["/accounts/login/"])
def test_public_pages_have_no_serious_accessibility_issues(db, live_server, page, path):
    page.goto(live_server.url + path)
    assert serious_accessibility_violations(page) == []


def test_project_pages_have_no_serious_accessibility_issues(world, sign_in, live_server):
    page = sign_in(world.owner)
    for path in [
        "/projects/",
        "/o/acme/p/ALPHA/",
        "/o/acme/p/ALPHA/edit/",
        "/o/acme/p/ALPHA/members/",
        "/o/acme/p/ALPHA/history/",
        "/o/acme/",
        "/o/acme/promises/",
        "/account/",
    ]:
        page.goto(live_server.url + path)
        assert serious_accessibility_violations(page) == [], path


def test_editing_a_project_keeps_the_fields_not_touched(world, sign_in, live_server):
    from rapport.projects import services
    from rapport.projects.models import Project

    services.project_update(
        actor=world.manager, project=world.alpha, start_date="2026-01-05", target_date="2026-12-18"
    )
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/edit/")
    page.get_by_label("Name").fill("Alpha rollout, phase 1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alpha rollout, phase 1")
    alpha = Project.objects.get(pk=world.alpha.pk)
    assert (str(alpha.start_date), str(alpha.target_date)) == ("2026-01-05", "2026-12-18")


def test_with_javascript_off_a_manager_signs_in_creates_a_project_and_searches(
    world, browser, live_server
):
    from tests.conftest import PASSWORD

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("E-mail").fill(world.manager.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/projects/")

        page.get_by_role("link", name="New project").click()
        page.get_by_label("Code").fill("NOJS")
        page.get_by_role("button", name="Create project").click()
        # Without a name the plain form comes back with the error next to the field.
        expect(page.get_by_text("This field is required.")).to_be_visible()
        page.get_by_label("Name").fill("Works without scripts")
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Works without scripts")

        # The search box submits as an ordinary form.
        page.goto(live_server.url + "/projects/")
        page.get_by_role("searchbox").fill("scripts")
        page.keyboard.press("Enter")
        expect(page.get_by_role("link", name="NOJS")).to_be_visible()
        expect(page.get_by_role("link", name="ALPHA")).to_have_count(0)
    finally:
        context.close()
