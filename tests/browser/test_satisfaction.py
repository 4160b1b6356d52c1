"""A stakeholder rates a call from their portal link without an account; the PM sees the trend
with its sparkline and the SLA page lists breaches per side. axe-core checks each page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.comms import services as comms
from rapport.relations import services as relations
from rapport.satisfaction import services as satisfaction
from rapport.satisfaction.models import Pulse
from rapport.slas import services as slas
from rapport.stakeholders import services as stakeholders
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stakeholder_rates_a_call_and_the_pm_sees_the_trend_and_the_slas(
    world, sign_in, live_server, page
):
    kim = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Kim Key", "email": "kim@customer.example"},
        is_customer=True,
        power=4,
        interest=5,
    )
    for i, score in enumerate([5, 4]):
        satisfaction.pulse_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=kim,
            score=score,
            given_at=timezone.now() - timedelta(days=30 - i),
        )
    relations.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=kim,
        kind="call",
        date=timezone.localdate(),
        subject="Training plan",
    )
    link = comms.portal_link_ensure(project=world.alpha, party=kim.party)
    token = comms.portal_token_issue(link=link, sent_to=kim.party.email)

    # Kim, no account: from her portal to the pulse page, rates the call.
    page.goto(f"{live_server.url}/portal/{token}/")
    page.get_by_role("link", name="Tell us how satisfied you are").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How satisfied are you")
    assert serious_accessibility_violations(page) == []
    page.locator("a[href^='?about=interaction']").click()
    page.get_by_label("2 – unhappy").check()
    page.get_by_label("Anything to add? (optional)").fill("Too rushed")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Send").click()
    page.get_by_text("the project manager sees your answer").wait_for()
    assert Pulse.objects.filter(source="portal", score=2).exists()

    # The PM sees Kim's falling trend, drawn and in words.
    agreement = slas.agreement_create(
        actor=world.manager, project=world.alpha, title="IT and Sales", agreed_on=date(2026, 1, 5)
    )
    signoff = slas.obligation_add(
        actor=world.manager, agreement=agreement, side="business", kind="sign-off", target=10
    )
    slas.breach_record(
        actor=world.manager,
        obligation=signoff,
        occurred_on=timezone.localdate() - timedelta(days=1),
        what="Design sign-off took three weeks",
    )
    page = sign_in(world.manager)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/o/acme/p/ALPHA/relationship/satisfaction/")
        spark = page.get_by_role(
            "img", name="Satisfaction of Kim Key, 3 pulses oldest first: 5, 4, 2"
        )
        assert spark.is_visible()
        assert page.get_by_text("falling").first.is_visible()
        assert serious_accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.goto(live_server.url + "/o/acme/p/ALPHA/relationship/slas/")
        assert page.get_by_role("heading", name="By the business: 1").is_visible()
        assert serious_accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
