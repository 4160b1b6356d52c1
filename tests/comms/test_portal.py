"""The stakeholder portal: a personal, revocable link shows only the reports sent to that party,
who acknowledges, rates and comments; ratings feed the evidence and the PM sees them."""

import pytest

from rapport.comms import services
from rapport.comms.models import Feedback, PortalLink, PortalToken
from rapport.status.selectors import project_health
from tests.comms.factories import comms_sample, party, plan_row, publish, sent_delivery


@pytest.fixture
def sample(world):
    comms_sample(world)
    return world, world.comms


def url(token, delivery=None, suffix=""):
    base = f"/portal/{token}/"
    return base + (f"reports/{delivery.pk}/" if delivery else "") + suffix


def test_the_link_shows_the_reports_sent_to_its_party_and_nothing_else(sample, client):
    world, c = sample
    other = party(world, "Otto Other-Party")
    other_delivery = sent_delivery(c["row"], other, c["published"])
    page = client.get(url(c["token"]))
    assert page.status_code == 200
    assert b"Your reports on ALPHA" in page.content and b"Bea Business-Lead" in page.content
    assert f"/reports/{c['delivery'].pk}/".encode() in page.content
    assert f"/reports/{other_delivery.pk}/".encode() not in page.content
    assert b"Otto" not in page.content
    # Another party's report, a Globex report, a made-up id: all 404 through this link.
    for delivery_id in (other_delivery.pk, c["omega_delivery"].pk, 999999):
        assert client.get(f"/portal/{c['token']}/reports/{delivery_id}/").status_code == 404
        assert client.get(f"/portal/{c['token']}/reports/{delivery_id}/pdf/").status_code == 404


def test_the_portal_has_no_staff_navigation_and_needs_no_account(sample, client):
    world, c = sample
    page = client.get(url(c["token"], c["delivery"]))
    assert page.status_code == 200
    assert b'aria-label="Main"' not in page.content and b"Sign out" not in page.content
    assert b"What changed for you" in page.content and b"rag-amber" in page.content


@pytest.mark.parametrize("token", ["rpl_made-up", "nothing", "rpl_" + "x" * 200, "rcal_abc"])
def test_made_up_links_are_404(db, client, token):
    assert client.get(f"/portal/{token}/").status_code == 404


def test_a_revoked_link_stops_at_once_and_the_next_report_carries_a_new_one(
    sample, client, client_for
):
    world, c = sample
    old = c["token"]
    manager = client_for(world.manager)
    response = manager.post(f"/o/acme/p/ALPHA/comms/portal-links/{c['link'].pk}/revoke/")
    assert response.status_code == 302
    manager.logout()
    assert client.get(f"/portal/{old}/").status_code == 404
    assert client.get(f"/portal/{old}/reports/{c['delivery'].pk}/").status_code == 404
    fresh = services.portal_link_ensure(project=world.alpha, party=c["bea"])
    assert fresh.pk != c["link"].pk
    new_token = services.portal_token_issue(link=fresh, sent_to=c["bea"].email)
    assert new_token != old
    assert client.get(f"/portal/{new_token}/").status_code == 200


def test_the_database_keeps_no_usable_token(sample):
    world, c = sample
    stored = " ".join(
        str(v)
        for row in [
            *PortalLink.objects.filter(pk=c["link"].pk).values(),
            *PortalToken.objects.filter(link=c["link"]).values(),
        ]
        for v in row.values()
    )
    assert c["token"] not in stored and c["token"][4:] not in stored
    assert PortalToken.objects.filter(link=c["link"]).count() == 1


def test_a_recipient_acknowledges_rates_and_comments_and_the_pm_sees_it(sample, client, client_for):
    world, c = sample
    response = client.post(
        url(c["token"], c["delivery"]),
        {"rating": "4", "comment": "Clear, but say more about hosting."},
        follow=True,
    )
    assert b"your answer reached the project manager" in response.content
    feedback = Feedback.objects.get()
    assert feedback.acknowledged_at is not None and feedback.rating == 4
    assert feedback.comment == "Clear, but say more about hosting."
    assert feedback.party == c["bea"] and feedback.project == world.alpha
    again = client.get(url(c["token"]))
    assert b"you rated 4/5" in again.content
    plan = client_for(world.viewer).get("/o/acme/p/ALPHA/comms/")
    assert b"Clear, but say more about hosting." in plan.content and b"4/5" in plan.content


def test_acknowledging_without_a_rating_is_fine(sample, client):
    world, c = sample
    client.post(url(c["token"], c["delivery"]), {"comment": ""})
    feedback = Feedback.objects.get()
    assert feedback.acknowledged_at is not None and feedback.rating is None


@pytest.mark.parametrize("rating", ["0", "6", "five", "-1"])
def test_a_rating_outside_one_to_five_is_refused_and_nothing_is_saved(sample, client, rating):
    world, c = sample
    response = client.post(url(c["token"], c["delivery"]), {"rating": rating})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Feedback.objects.exists()


def test_a_comment_that_is_too_long_is_refused(sample):
    world, c = sample
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at most 5,000"):
        services.feedback_record(delivery=c["delivery"], party=c["bea"], comment="x" * 5001)
    assert not Feedback.objects.exists()


def test_one_party_cannot_answer_for_another(sample):
    world, c = sample
    other = party(world, "Otto Other-Party")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not sent to you"):
        services.feedback_record(delivery=c["delivery"], party=other, rating=1)


def test_falling_ratings_turn_the_evidence_red(world):
    bea = party(world, "Bea Business-Lead")
    update = publish(world)
    row = plan_row(world, [bea])
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=30)
    for n, rating in enumerate([5, 5, 5, 5, 5, 3, 3, 3, 3, 3]):
        delivery = sent_delivery(row, bea, update, occurrence=start + timedelta(days=n))
        services.feedback_record(
            delivery=delivery, party=bea, rating=rating, now=start + timedelta(days=n, hours=1)
        )
    signal = next(
        s
        for s in project_health(world.alpha).report.evidence.signals
        if s.code == "ratings-falling"
    )
    assert signal.measured and signal.colour.label == "red" and signal.value == -2.0


def test_reports_nobody_acknowledges_turn_the_evidence_and_acknowledging_them_clears_it(
    world, client
):
    from datetime import timedelta

    from django.utils import timezone

    bea = party(world, "Bea Business-Lead")
    update = publish(world)
    row = plan_row(world, [bea])
    week_ago = timezone.now() - timedelta(days=7)
    old = [
        sent_delivery(row, bea, update, occurrence=week_ago + timedelta(hours=n)) for n in range(4)
    ]
    sent_delivery(row, bea, update, occurrence=timezone.now() - timedelta(hours=2))  # not yet due

    def signal():
        return next(
            s
            for s in project_health(world.alpha).report.evidence.signals
            if s.code == "reports-unacknowledged"
        )

    services.feedback_record(delivery=old[0], party=bea, acknowledge=True)
    assert (signal().colour.label, signal().message) == (
        "red",
        "3 of 4 reports sent not acknowledged",
    )
    # Bea acknowledges two more through her link: one in four left unread is green.
    link = services.portal_link_ensure(project=world.alpha, party=bea)
    token = services.portal_token_issue(link=link, sent_to=bea.email)
    for delivery in old[1:3]:
        client.post(f"/portal/{token}/reports/{delivery.pk}/", {"comment": ""})
    assert (signal().colour.label, signal().value) == ("green", 0.25)


def test_a_password_protects_the_link_in_a_new_browser(sample, client):
    world, c = sample
    token = c["token"]
    weak = client.post(url(token, suffix="password/"), {"password": "123"})
    assert b"too short" in weak.content
    response = client.post(
        url(token, suffix="password/"), {"password": "hosting-decision-2025"}, follow=True
    )
    assert b"Password set" in response.content
    assert client.get(url(token)).status_code == 200  # this browser unlocked it

    client.cookies.clear()  # a new browser with a forwarded link
    locked = client.get(url(token, c["delivery"]))
    assert locked.status_code == 302 and locked["Location"].endswith("/unlock/")
    wrong = client.post(url(token, suffix="unlock/"), {"password": "guess"})
    assert b"not the password" in wrong.content
    client.post(url(token, suffix="unlock/"), {"password": "hosting-decision-2025"})
    assert client.get(url(token, c["delivery"])).status_code == 200


def test_after_five_wrong_passwords_the_link_takes_none_for_fifteen_minutes(
    sample, client, time_machine
):
    world, c = sample
    link, token = c["link"], c["token"]
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)
    services.portal_password_set(link=link, password="hosting-decision-2025")
    unlock = url(token, suffix="unlock/")

    for n in range(4):
        answer = client.post(unlock, {"password": f"guess {n}"})
        assert b"not the password" in answer.content
    fifth = client.post(unlock, {"password": "guess 4"})
    assert b"Too many wrong passwords" in fifth.content
    # Even the right password is refused while the pause lasts, from any browser.
    client.cookies.clear()
    right = client.post(unlock, {"password": "hosting-decision-2025"})
    assert b"Too many wrong passwords" in right.content
    assert client.get(url(token)).status_code == 302  # still locked

    time_machine.move_to("2026-11-20 10:16 +00:00", tick=False)
    opened = client.post(unlock, {"password": "hosting-decision-2025"})
    assert opened.status_code == 302 and client.get(url(token)).status_code == 200
    link.refresh_from_db()
    assert (link.failed_unlocks, link.unlock_paused_until) == (0, None)


def test_the_project_team_reads_a_stakeholders_portal_but_cannot_answer_for_them(
    sample, client_for
):
    world, c = sample
    link, token, delivery = c["link"], c["token"], c["delivery"]
    manager = client_for(world.manager)

    home = manager.get(url(token))
    assert b"cannot answer for them" in home.content
    answer = manager.post(url(token, delivery), {"rating": "5", "comment": "All great"})

    assert "only" in answer.content.decode() and "can answer here" in answer.content.decode()
    assert not Feedback.objects.filter(delivery=delivery).exists()
    link.refresh_from_db()
    assert link.last_seen_at is None  # the PM looking is not the stakeholder opening it


def test_recording_an_answer_signed_in_on_the_team_is_refused(sample):
    from django.core.exceptions import ValidationError

    world, c = sample
    with pytest.raises(ValidationError, match="only Bea .* can answer here"):
        services.feedback_record(
            delivery=c["delivery"], party=c["bea"], rating=5, answered_by=world.viewer
        )
    assert not Feedback.objects.filter(delivery=c["delivery"]).exists()
    # Someone from another organisation is no team member: that is the stakeholder's browser.
    services.feedback_record(
        delivery=c["delivery"], party=c["bea"], rating=4, answered_by=world.outsider
    )
    assert Feedback.objects.get(delivery=c["delivery"]).rating == 4


def test_the_portal_pdf_is_a_real_pdf_of_that_report(sample, client):
    world, c = sample
    response = client.get(url(c["token"], c["delivery"], "pdf/"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_portal_list_costs_the_same_queries_for_many_reports(
    sample, client, django_assert_max_num_queries
):
    world, c = sample
    client.get(url(c["token"]))
    from datetime import timedelta

    for n in range(15):
        sent_delivery(
            c["row"],
            c["bea"],
            c["published"],
            occurrence=c["delivery"].occurrence - timedelta(days=n + 1),
        )
    with django_assert_max_num_queries(8):
        assert client.get(url(c["token"])).status_code == 200
