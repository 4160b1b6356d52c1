"""Feedback only the stakeholder can give: the team never sees a stakeholder's live link (they
preview it read-only and have it resent by e-mail), every answer records how it arrived, the
evidence counts only answers through the stakeholder's own link, and only the link itself sets
the link's password."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.comms import services
from rapport.comms.models import Feedback, FeedbackSource, PortalLink, PortalToken
from rapport.status.selectors import project_health
from tests.comms.factories import comms_sample, party, plan_row, publish, sent_delivery

PLAN = "/o/acme/p/ALPHA/comms/"


@pytest.fixture
def sample(world):
    comms_sample(world)
    return world, world.comms


def test_no_team_member_sees_a_live_portal_link_on_the_plan(sample, client_for):
    world, c = sample
    for person in (world.owner, world.manager, world.contributor, world.viewer):
        page = client_for(person).get(PLAN).content.decode()
        assert "/portal/rpl_" not in page and c["token"] not in page
        assert "Preview as Bea Business-Lead" in page
    manager_page = client_for(world.manager).get(PLAN).content.decode()
    assert "Resend Bea Business-Lead's link" in manager_page
    assert "Resend" not in client_for(world.viewer).get(PLAN).content.decode()


def test_preview_as_the_stakeholder_is_read_only(sample, client_for, client):
    world, c = sample
    client.post(f"/portal/{c['token']}/reports/{c['delivery'].pk}/", {"rating": "4"})
    bea = c["bea"].pk
    viewer = client_for(world.viewer)
    home = viewer.get(f"{PLAN}portal/{bea}/").content.decode()
    assert "what Bea Business-Lead sees in their portal" in home
    assert "rated 4/5" in home and "/portal/rpl_" not in home
    report = viewer.get(f"{PLAN}portal/{bea}/reports/{c['delivery'].pk}/").content.decode()
    assert "What changed for you" in report and "Acknowledged on" in report
    # Nothing to answer with: no rating, no comment, no acknowledge button.
    assert 'name="rating"' not in report and 'name="comment"' not in report
    assert ">Acknowledge<" not in report


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_people_outside_the_project_cannot_preview(sample, client_for, who):
    world, c = sample
    response = client_for(getattr(world, who)).get(f"{PLAN}portal/{c['bea'].pk}/")
    assert response.status_code == 404


def test_a_party_that_gets_nothing_from_the_project_has_no_preview(sample, client_for):
    world, c = sample
    omega = c["omega_delivery"].party_id
    assert client_for(world.manager).get(f"{PLAN}portal/{omega}/").status_code == 404


def test_resending_e_mails_a_fresh_link_to_the_stakeholder_only(
    sample, client_for, client, smtp_server, django_capture_on_commit_callbacks
):
    world, c = sample
    manager = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{PLAN}portal/{c['bea'].pk}/resend/", follow=True)
    page = response.content.decode()
    assert "link is on its way to bea.business-lead@customer.example" in page
    assert "/portal/rpl_" not in page
    [mail] = smtp_server.messages
    assert mail["to"] == ["bea.business-lead@customer.example"]
    body = mail["message"].get_body(("plain",)).get_content()
    assert "Max Manager sends your personal link" in body
    token = re.search(r"/portal/(rpl_[\w-]+)/", body).group(1)
    assert token != c["token"]
    manager.logout()
    assert client.get(f"/portal/{token}/").status_code == 200
    assert client.get(f"/portal/{c['token']}/").status_code == 200  # the old e-mail still works
    made = PortalToken.objects.get(created_by=world.manager)
    assert made.sent_to == "bea.business-lead@customer.example" and token not in made.token_hash

    again = client_for(world.manager).post(f"{PLAN}portal/{c['bea'].pk}/resend/", follow=True)
    assert "sent a moment ago" in again.content.decode()
    assert PortalToken.objects.filter(created_by__isnull=False).count() == 1


def test_a_party_without_an_address_cannot_be_resent_a_link(world):
    nobody = party(world, "Nina No-Mail", email="")
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.portal_link_resend(actor=world.manager, project=world.alpha, party=nobody)
    assert not PortalToken.objects.exists()


def test_only_managers_resend(sample, client_for):
    world, c = sample
    response = client_for(world.viewer).post(f"{PLAN}portal/{c['bea'].pk}/resend/")
    assert response.status_code == 403
    assert not PortalToken.objects.filter(created_by__isnull=False).exists()


def test_revoking_stops_every_e_mailed_token_of_the_link(sample, client_for, client):
    world, c = sample
    second = services.portal_token_issue(link=c["link"], sent_to=c["bea"].email)
    services.portal_link_revoke(actor=world.manager, link=c["link"])
    for token in (c["token"], second):
        assert client.get(f"/portal/{token}/").status_code == 404


def test_an_answer_records_that_it_came_through_the_stakeholders_own_e_mail(sample, client):
    world, c = sample
    client.post(f"/portal/{c['token']}/reports/{c['delivery'].pk}/", {"rating": "5"})
    feedback = Feedback.objects.get()
    assert feedback.source == FeedbackSource.PORTAL
    assert feedback.token.delivery == c["delivery"]
    assert feedback.token.sent_to == c["bea"].email


def test_the_evidence_counts_only_answers_through_the_stakeholders_own_link(world):
    bea = party(world, "Bea Business-Lead")
    update = publish(world)
    row = plan_row(world, [bea])
    start = timezone.now() - timedelta(days=30)
    deliveries = [
        sent_delivery(row, bea, update, occurrence=start + timedelta(days=n)) for n in range(10)
    ]
    # Answers from before sources were recorded (the team could open the link): not counted.
    for n, (delivery, rating) in enumerate(zip(deliveries, [5] * 5 + [1] * 5, strict=True)):
        Feedback.objects.create(
            delivery=delivery,
            project=world.alpha,
            party=bea,
            rating=rating,
            rated_at=start + timedelta(days=n, hours=1),
            acknowledged_at=start + timedelta(days=n, hours=1),
        )
    assert Feedback.objects.filter(source=FeedbackSource.UNVERIFIED).count() == 10

    def signal(code):
        return next(
            s for s in project_health(world.alpha).report.evidence.signals if s.code == code
        )

    assert not signal("ratings-falling").measured
    assert signal("reports-unacknowledged").value == 1.0  # none acknowledged by Bea herself

    # Bea answers through her own link: now her trend counts.
    for n, (delivery, rating) in enumerate(zip(deliveries, [5] * 5 + [3] * 5, strict=True)):
        services.feedback_record(
            delivery=delivery,
            party=bea,
            acknowledge=True,
            rating=rating,
            now=start + timedelta(days=n, hours=2),
        )
    assert signal("ratings-falling").measured and signal("ratings-falling").value == -2.0
    assert signal("reports-unacknowledged").value == 0.0


def test_a_team_member_cannot_set_the_links_password_even_through_the_link(sample, client_for):
    world, c = sample
    manager = client_for(world.manager)
    page = manager.get(f"/portal/{c['token']}/password/").content.decode()
    assert "only Bea Business-Lead can set the password" in page
    assert 'type="password"' not in page
    answer = manager.post(
        f"/portal/{c['token']}/password/", {"password": "locked-out-by-the-pm-2025"}
    )
    assert "only Bea Business-Lead can set the password" in answer.content.decode()
    assert PortalLink.objects.get(pk=c["link"].pk).password == ""
    with pytest.raises(ValidationError, match="only Bea Business-Lead"):
        services.portal_password_set(
            link=c["link"], password="locked-out-by-the-pm-2025", set_by=world.viewer
        )
    assert PortalLink.objects.get(pk=c["link"].pk).password == ""


def test_the_preview_costs_the_same_queries_for_many_reports(
    sample, client_for, django_assert_max_num_queries
):
    world, c = sample
    viewer = client_for(world.viewer)
    viewer.get(f"{PLAN}portal/{c['bea'].pk}/")
    for n in range(15):
        sent_delivery(
            c["row"],
            c["bea"],
            c["published"],
            occurrence=c["delivery"].occurrence - timedelta(days=n + 1),
        )
    with django_assert_max_num_queries(14):
        assert viewer.get(f"{PLAN}portal/{c['bea'].pk}/").status_code == 200
