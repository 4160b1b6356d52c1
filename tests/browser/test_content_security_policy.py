"""The pages work under the Content-Security-Policy: scripts come from Rapport's static files,
buttons that once had inline handlers still work, and an injected inline script never runs.
(Every browser test also fails on any CSP violation: see the `page` fixture.)"""

import pytest

from rapport.raci import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_sipoc_print_button_prints_without_an_inline_handler(world, sign_in, live_server):
    process = services.sipoc_create(actor=world.manager, project=world.alpha, name="Support")
    page = sign_in(world.manager)
    page.goto(live_server.url + f"/o/acme/p/ALPHA/sipoc/{process.pk}/print/")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1


def test_an_injected_inline_script_is_blocked_and_htmx_still_works(world, browser, live_server):
    # Its own browser context: the `page` fixture fails a test on any CSP violation, and this
    # one causes a violation on purpose.
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("E-mail").fill(world.manager.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/projects/")
        page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
        assert page.evaluate("typeof htmx") == "object"  # the static scripts ran
        violated = page.evaluate(
            """() => new Promise((resolve) => {
                document.addEventListener("securitypolicyviolation",
                    (event) => resolve(event.effectiveDirective));
                window.injected = false;
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
                setTimeout(() => resolve("no violation"), 2000);
            })"""
        )
        assert violated.startswith("script-src")
        assert page.evaluate("window.injected") is False
    finally:
        context.close()
