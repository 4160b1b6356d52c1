"""Charts read on a desktop and on a phone: axis text is at least 11 px as the browser draws it,
and the detailed report's pictures use the full width of the report."""

import pytest

from rapport.comms.models import PlanRow
from rapport.demo.services import DEMO_PM_EMAIL, demo_load, demo_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('.charts svg text')]
    .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""


@pytest.fixture
def signed_in_demo(live_server, page, monkeypatch):
    monkeypatch.delenv("RAPPORT_DEMO_PASSWORD", raising=False)
    demo_load()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(DEMO_PM_EMAIL)
    page.get_by_label("Password").fill(demo_password())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/")
    return page


def _preview_url(live_server, comm_type):
    row = PlanRow.objects.filter(project__code="CRM", comm_type=comm_type).first()
    party = row.audience_parties.first()
    return f"{live_server.url}/o/demo/p/CRM/comms/{row.pk}/preview/{party.pk}/"


def test_dashboard_axis_text_is_at_least_11_px_on_a_desktop_and_on_a_phone(
    signed_in_demo, live_server
):
    page = signed_in_demo
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(_preview_url(live_server, "dashboard"))
        assert page.locator(".charts svg").count() == 4
        assert page.evaluate(SMALLEST_TEXT) >= 11, f"at {width} px"


def test_the_detailed_reports_pictures_take_the_reports_full_width(signed_in_demo, live_server):
    page = signed_in_demo
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(_preview_url(live_server, "detailed"))
    widths = page.evaluate(
        """() => { const report = document.querySelector('.report').getBoundingClientRect().width;
        return [...document.querySelectorAll('.report .charts figure')]
          .map(f => f.getBoundingClientRect().width / report); }"""
    )
    assert widths and min(widths) > 0.95
