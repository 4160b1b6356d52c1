"""Browser tests: the real UI in Debian's Chromium against a live Rapport server."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def sign_in(live_server, page):
    """sign_in(user) -> the page, signed in through the real sign-in form."""

    def do(user):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/projects/")
        return page

    return do


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the current page, as readable lines."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
