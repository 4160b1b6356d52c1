"""On a 375 px phone every page a PM opens from the project menu fits the screen: wide tables
scroll inside their own box, the header stays short, and axe finds nothing serious."""

import pytest

from rapport.demo.services import DEMO_PM_EMAIL, demo_load, demo_password
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}  # an iPhone's CSS width


@pytest.fixture
def demo_on_phone(live_server, page, monkeypatch):
    monkeypatch.delenv("RAPPORT_DEMO_PASSWORD", raising=False)
    demo_load()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(DEMO_PM_EMAIL)
    page.get_by_label("Password").fill(demo_password())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/")
    return page


def test_every_page_in_the_project_menu_fits_a_phone_without_sideways_scrolling(
    demo_on_phone, live_server
):
    page = demo_on_phone
    page.goto(live_server.url + "/o/demo/p/CRM/")
    menu = page.locator("nav.project-nav ul a")
    links = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    assert len(links) >= 10  # Overview, Customers, RACI, ... History
    organisation_pages = ["/projects/", "/o/demo/", "/o/demo/board/", "/o/demo/outbox/"]
    too_wide, inaccessible = [], []
    for path in [*links, *organisation_pages]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px")
        inaccessible += [f"{path}: {v}" for v in serious_accessibility_violations(page)]
    assert too_wide == []
    assert inaccessible == []


def test_the_header_and_menus_leave_most_of_the_first_screen_to_the_page(
    demo_on_phone, live_server
):
    page = demo_on_phone
    page.goto(live_server.url + "/o/demo/p/CRM/comms/")
    main_top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    assert main_top < PHONE["height"] * 0.2  # it was 40 % before the header collapsed
