"""Closing the loop on portal comments: the PM replies, marks a comment acted on or closes it (on
the page and in the API), the stakeholder reads the answer in their portal, and comments left
without an answer for N days (RAPPORT_COMMENT_ANSWER_DAYS, 3 by default) are listed."""

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry

from rapport.comms import services
from rapport.comms.models import Feedback
from tests.comms.factories import comms_sample, party, sent_delivery

MONDAY = datetime(2025, 3, 10, 9, tzinfo=UTC)
BASE = "/o/acme/p/ALPHA/comms/comments/"


@pytest.fixture
def commented(world):
    """Bea commented on her report on Monday morning."""
    comms_sample(world)
    c = world.comms
    with time_machine.travel(MONDAY, tick=False):
        feedback = services.feedback_record(
            delivery=c["delivery"], party=c["bea"], comment="Why is hosting still open?"
        )
    return world, c, feedback


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_pm_replies_on_the_page_and_the_stakeholder_reads_it_in_the_portal(
    commented, client_for, client
):
    world, c, feedback = commented
    manager = client_for(world.manager)
    assert "Why is hosting still open?" in text(manager.get(BASE))
    done = manager.post(
        f"{BASE}{feedback.pk}/reply/",
        {"reply": "The steering committee decides on Thursday."},
        follow=True,
    )
    assert "Reply saved: Bea Business-Lead sees it in their portal." in text(done)
    feedback.refresh_from_db()
    assert (feedback.reply, feedback.replied_by) == (
        "The steering committee decides on Thursday.",
        world.manager,
    )
    assert LogEntry.objects.get_for_object(feedback).filter(actor=world.manager).exists()

    portal = text(client.get(f"/portal/{c['token']}/reports/{c['delivery'].pk}/"))
    assert "Your comment" in portal and "Why is hosting still open?" in portal
    assert "Reply from Max Manager" in portal
    assert "The steering committee decides on Thursday." in portal
    home = text(client.get(f"/portal/{c['token']}/"))
    assert "the project team replied to your comment" in home


def test_acted_on_and_closed_show_in_the_portal_and_a_new_comment_reopens_the_loop(
    commented, client_for, client
):
    world, c, feedback = commented
    manager = client_for(world.manager)
    manager.post(f"{BASE}{feedback.pk}/acted-on/")
    feedback.refresh_from_db()
    assert feedback.comment_state == "acted-on"
    portal_url = f"/portal/{c['token']}/reports/{c['delivery'].pk}/"
    assert "The project team acted on your comment" in text(client.get(portal_url))
    manager.post(f"{BASE}{feedback.pk}/close/")
    feedback.refresh_from_db()
    assert feedback.comment_state == "closed"
    assert "The project team closed this comment" in text(client.get(portal_url))

    services.feedback_record(delivery=c["delivery"], party=c["bea"], comment="Still open!")
    feedback.refresh_from_db()
    assert feedback.comment_state == "awaiting"
    assert list(Feedback.objects.awaiting_answer()) == [feedback]


def test_comments_without_an_answer_after_three_days_are_listed(commented, client_for):
    world, c, feedback = commented
    other = party(world, "Cy Sponsor")
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        services.feedback_record(
            delivery=sent_delivery(c["row"], other, c["published"]),
            party=other,
            comment="Fine by me.",
        )
    viewer = client_for(world.viewer)
    with time_machine.travel(MONDAY + timedelta(days=3, hours=1), tick=False):
        page = text(viewer.get(BASE + "?state=unanswered"))
        plan = text(viewer.get("/o/acme/p/ALPHA/comms/"))
        api = viewer.get(
            f"/api/v1/projects/{world.alpha.pk}/comms/comments", {"state": "unanswered"}
        ).json()
        one_day = viewer.get(
            f"/api/v1/projects/{world.alpha.pk}/comms/comments",
            {"state": "unanswered", "days": 1},
        ).json()
    assert "Without an answer after 3 days" in page
    assert "Why is hosting still open?" in page and "Fine by me." not in page
    assert "1 comment without an answer after 3 days" in plan
    assert [(i["party"], i["state"]) for i in api["items"]] == [("Bea Business-Lead", "awaiting")]
    assert sorted(i["party"] for i in one_day["items"]) == ["Bea Business-Lead", "Cy Sponsor"]


def test_the_number_of_days_is_a_setting(commented, client_for, settings):
    world, c, feedback = commented
    settings.RAPPORT_COMMENT_ANSWER_DAYS = 7
    with time_machine.travel(MONDAY + timedelta(days=4), tick=False):
        page = text(client_for(world.viewer).get(BASE + "?state=unanswered"))
    assert "Without an answer after 7 days" in page
    assert "No comment has waited 7 days or more for an answer." in page


def test_the_api_replies_marks_acted_on_and_closes(commented, client_for):
    world, c, feedback = commented
    manager = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/comms/comments/{feedback.pk}"
    replied = manager.post(
        f"{base}/reply", {"reply": "Thursday."}, content_type="application/json"
    ).json()
    assert (replied["state"], replied["reply"], replied["replied_by"]) == (
        "replied",
        "Thursday.",
        world.manager.email,
    )
    assert manager.post(f"{base}/acted-on").json()["state"] == "acted-on"
    assert manager.post(f"{base}/close").json()["state"] == "closed"
    empty = manager.post(f"{base}/reply", {"reply": "  "}, content_type="application/json")
    assert empty.status_code == 400 and "reply" in empty.json()["fields"]
    bad = manager.get(f"/api/v1/projects/{world.alpha.pk}/comms/comments", {"state": "nope"})
    assert bad.status_code == 400


def test_a_viewer_reads_the_comments_but_cannot_answer(commented, client_for):
    world, c, feedback = commented
    viewer = client_for(world.viewer)
    page = text(viewer.get(BASE))
    assert "Why is hosting still open?" in page and "Save reply" not in page
    assert viewer.post(f"{BASE}{feedback.pk}/reply/", {"reply": "x"}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.reply == ""


def test_a_report_without_a_comment_has_nothing_to_answer(world, client_for):
    comms_sample(world)
    c = world.comms
    rating_only = services.feedback_record(delivery=c["delivery"], party=c["bea"], rating=4)
    manager = client_for(world.manager)
    assert manager.post(f"{BASE}{rating_only.pk}/reply/", {"reply": "Thanks"}).status_code == 404


def test_the_comments_page_costs_the_same_queries_for_many_comments(
    world, client_for, django_assert_max_num_queries
):
    comms_sample(world)
    c = world.comms
    client = client_for(world.manager)

    def comment_from(n):
        who = party(world, f"Person {n}")
        services.feedback_record(
            delivery=sent_delivery(c["row"], who, c["published"]), party=who, comment=f"Hi {n}"
        )

    comment_from(0)
    client.get(BASE)
    with django_assert_max_num_queries(20) as few:
        client.get(BASE)
    for n in range(1, 12):
        comment_from(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Hi 11" in text(client.get(BASE))
