"""Dates read the way the PM's browser reads them: one format from the locale, on pages and in the
date inputs alike (Django's localisation, chosen from the browser's Accept-Language)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rapport.raci import services
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user, locale):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/")
    return page


@pytest.mark.parametrize(
    "locale, printed",
    [("en-US", "Mar 5, 2027"), ("en-GB", "5 Mar 2027"), ("de-DE", "5 Mar 2027")],
)
def test_a_date_prints_in_the_browsers_locale(world, browser, live_server, locale, printed):
    services.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Go live",
        kind="milestone",
        planned_finish=dt.date(2027, 3, 5),
    )
    page = signed_in_page(browser, live_server, world.manager, locale)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/timeline/")
    expect(page.locator("main")).to_contain_text(printed)
    # The date inputs are the browser's own, in the same locale; what they send stays ISO.
    page.goto(live_server.url + "/o/acme/p/ALPHA/activities/")
    finish = page.locator("input[type=date][name=planned_finish]").first
    assert finish.input_value() == "2027-03-05"
    page.context.close()
