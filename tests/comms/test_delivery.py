"""Scheduled delivery over real SMTP: each (plan row, occurrence, recipient) exactly once, with the
report as text, HTML and PDF; retries with backoff; a visible failure; a dead worker's delivery
reclaimed and sent once."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from rapport.comms import delivery as engine
from rapport.comms.models import Delivery, DeliveryState, PlanRow
from tests.comms.factories import party, plan_row, publish

# Monday 3 March 2025, 09:00 in Amsterdam is 08:00 UTC.
MONDAY_9 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def scene(world):
    """Bea gets a simple weekly report on Mondays at 09:00 (Amsterdam); a status is published."""
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        row = plan_row(world, [bea])
        update = publish(world)
    return world, bea, row, update


def deliver_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return engine.comms_deliver(snapshots=False, **kwargs)


def test_a_due_report_arrives_over_smtp_with_text_html_and_pdf(scene, smtp_server):
    world, bea, row, update = scene
    result = deliver_at(MONDAY_9 + timedelta(seconds=30))
    assert result.outcomes == {"sent": 1}
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["to"] == ["bea.business-lead@customer.example"]
    message = received["message"]
    assert message["Subject"] == "[ALPHA] Simple progress report: AMBER - 3 Mar to 9 Mar 2025"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "STATUS: AMBER" in text and "What we need from you" in text
    assert "rag-amber" in html and "What changed for you" in html
    pdfs = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) == 1
    assert pdfs[0].get_filename() == "ALPHA-simple-2025-03-09-v1.pdf"
    assert pdfs[0].get_content().startswith(b"%PDF-")

    recorded = Delivery.objects.get()
    assert recorded.state == DeliveryState.SENT
    assert recorded.party == bea and recorded.status_update == update and recorded.attempts == 1
    assert recorded.occurrence == MONDAY_9
    assert recorded.sent_at is not None
    assert message["Message-ID"] == recorded.message_id == engine.message_id(recorded)
    # The report links to the recipient's portal, where they acknowledge and rate it.
    assert "/portal/rpl_" in text and f"/reports/{recorded.pk}/" in text


def test_the_dashboard_e_mail_shows_its_four_charts_from_inside_the_message(world, smtp_server):
    import re

    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    mei = party(world, "Mei IT-Sponsor")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [mei], comm_type="dashboard")
        publish(world)
    assert deliver_at(MONDAY_9 + timedelta(seconds=30)).outcomes == {"sent": 1}
    message = smtp_server.messages[0]["message"]
    html_part = message.get_body(("html",))
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    assert html_part in related.get_payload()  # the HTML and its images travel together
    images = {
        p["Content-ID"].strip("<>"): p.get_content()
        for p in related.iter_parts()
        if p.get_content_type() == "image/png"
    }
    referenced = re.findall(r'src="cid:([^"]+)"', html_part.get_content())
    assert len(referenced) == 4 and set(referenced) == set(images)
    assert all(png.startswith(b"\x89PNG") for png in images.values())
    assert "<svg" not in html_part.get_content()
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1  # and the PDF is still attached


def test_running_again_sends_nothing_twice(scene, smtp_server):
    deliver_at(MONDAY_9 + timedelta(seconds=30))
    again = deliver_at(MONDAY_9 + timedelta(minutes=1))
    assert again.outcomes == {} and again.schedule.created == 0
    assert len(smtp_server.messages) == 1


def test_nothing_is_sent_before_its_time(scene, smtp_server):
    result = deliver_at(MONDAY_9 - timedelta(seconds=1))
    assert result.schedule.created == 0 and smtp_server.messages == []


def test_after_downtime_only_the_latest_missed_report_goes_out(scene, smtp_server):
    # Three Mondays missed: one report (the latest), two occurrences skipped.
    result = deliver_at(MONDAY_9 + timedelta(weeks=2, hours=3))
    assert result.schedule.created == 1 and result.schedule.skipped_occurrences == 2
    assert Delivery.objects.get().occurrence == MONDAY_9 + timedelta(weeks=2)


def test_a_new_row_with_a_start_in_the_past_sends_no_backlog(world, smtp_server):
    bea = party(world, "Bea Business-Lead")
    publish(world)
    with time_machine.travel(datetime(2025, 6, 4, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea], rrule="FREQ=DAILY", start=date(2025, 1, 1))
        assert engine.comms_schedule().created == 0


def test_an_smtp_failure_is_retried_with_backoff_then_shown_as_failed(scene, settings, client_for):
    world, bea, row, update = scene
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.RAPPORT_DELIVERY_MAX_ATTEMPTS = 3
    settings.RAPPORT_DELIVERY_BACKOFF_SECONDS = 60

    first = deliver_at(MONDAY_9)
    assert first.outcomes == {"retry": 1}
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at == MONDAY_9 + timedelta(seconds=60)
    assert "ConnectionRefusedError" in delivery.last_error

    assert deliver_at(MONDAY_9 + timedelta(seconds=59)).outcomes == {}  # not before the backoff
    assert deliver_at(MONDAY_9 + timedelta(seconds=60)).outcomes == {"retry": 1}
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == MONDAY_9 + timedelta(seconds=60 + 120)  # doubled
    assert deliver_at(MONDAY_9 + timedelta(seconds=180)).outcomes == {"failed": 1}
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 3

    page = client_for(world.manager).get("/o/acme/p/ALPHA/comms/")
    assert b"Deliveries that need you" in page.content
    assert b"ConnectionRefusedError" in page.content and b"Retry" in page.content


def closed_port() -> int:
    from tests.conftest import free_port

    return free_port()  # bound and released: nothing listens there


def test_a_worker_killed_between_render_and_send_is_reclaimed_and_sends_once(
    scene, smtp_server, settings
):
    """The worker claimed the delivery and rendered it, then died: the row stays in "rendering"
    with a lease. Nobody else touches it until the lease expires; then it is sent exactly once."""
    settings.RAPPORT_DELIVERY_LEASE_SECONDS = 300
    died = RuntimeError("killed")

    def die(_delivery):
        raise died

    engine.CHECKPOINTS["after-render"] = die
    try:
        with time_machine.travel(MONDAY_9, tick=False), pytest.raises(RuntimeError):
            engine.comms_deliver(snapshots=False, worker="doomed")
    finally:
        engine.CHECKPOINTS.clear()
    stuck = Delivery.objects.get()
    assert (stuck.state, stuck.leased_by, stuck.attempts) == (DeliveryState.RENDERING, "doomed", 1)
    assert smtp_server.messages == []

    assert deliver_at(MONDAY_9 + timedelta(minutes=4)).outcomes == {}  # lease still held
    assert deliver_at(MONDAY_9 + timedelta(minutes=6)).outcomes == {"sent": 1}
    assert deliver_at(MONDAY_9 + timedelta(minutes=20)).outcomes == {}
    assert len(smtp_server.messages) == 1
    stuck.refresh_from_db()
    assert stuck.state == DeliveryState.SENT and stuck.attempts == 2 and not stuck.maybe_duplicate


def test_a_worker_killed_after_smtp_accepted_resends_with_the_same_message_id(scene, smtp_server):
    """The one window SMTP leaves open: the server took the mail, the worker died before marking
    it sent. The delivery is resent (at least once), flagged, with the same Message-ID so mail
    stores that de-duplicate show one message."""

    def die(_delivery):
        raise RuntimeError("killed after the 250")

    engine.CHECKPOINTS["after-send"] = die
    try:
        with time_machine.travel(MONDAY_9, tick=False), pytest.raises(RuntimeError):
            engine.comms_deliver(snapshots=False)
    finally:
        engine.CHECKPOINTS.clear()
    assert Delivery.objects.get().state == DeliveryState.SENDING
    deliver_at(MONDAY_9 + timedelta(minutes=6))
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.SENT and delivery.maybe_duplicate
    ids = {m["message"]["Message-ID"] for m in smtp_server.messages}
    assert len(smtp_server.messages) == 2 and ids == {delivery.message_id}


def test_a_slow_worker_that_lost_its_lease_does_not_send(scene, smtp_server):
    with time_machine.travel(MONDAY_9, tick=False):
        engine.comms_schedule()
        slow = engine.delivery_claim(worker="slow")
    with time_machine.travel(MONDAY_9 + timedelta(minutes=6), tick=False):
        fast = engine.delivery_claim(worker="fast")  # the lease ran out: reclaimed
        assert fast.pk == slow.pk
        assert engine.delivery_run(slow, worker="slow") == "lost"
        assert engine.delivery_run(fast, worker="fast") == DeliveryState.SENT
    assert len(smtp_server.messages) == 1


def test_a_recipient_without_an_email_address_is_skipped_visibly(world, smtp_server, client_for):
    nobody = party(world, "Nadia No-Mail", email="")
    publish(world)
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [nobody])
    assert deliver_at(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)).outcomes == {"skipped": 1}
    assert smtp_server.messages == []
    page = client_for(world.manager).get("/o/acme/p/ALPHA/comms/")
    assert b"has no e-mail address in the register" in page.content


def test_without_a_published_status_nothing_goes_out_and_the_pm_is_told(world, smtp_server):
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea])
    deliver_at(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.SKIPPED and "publish one" in delivery.last_error
    assert smtp_server.messages == []


def test_send_now_delivers_once_to_every_recipient(
    world, smtp_server, client_for, django_capture_on_commit_callbacks
):
    bea, cy = party(world, "Bea Business-Lead"), party(world, "Cy Customer")
    row = plan_row(world, [bea, cy], comm_type="detailed")
    publish(world)
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/acme/p/ALPHA/comms/{row.pk}/send/", follow=True)
    assert b"Sending to 2 recipients" in response.content
    assert Delivery.objects.filter(manual=True, state=DeliveryState.PENDING).count() == 2
    # The worker runs the task the click enqueued; here we run what it runs.
    from rapport.comms.tasks import deliver_due

    deliver_due.call()
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "bea.business-lead@customer.example",
        "cy.customer@customer.example",
    ]
    again = client.post(f"/o/acme/p/ALPHA/comms/{row.pk}/send/", follow=True)
    assert b"sent a moment ago" in again.content  # a double click sends once


def test_send_now_enqueues_the_delivery_task_for_the_worker(
    world, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    bea = party(world, "Bea Business-Lead")
    row = plan_row(world, [bea])
    publish(world)
    from rapport.comms import services

    with django_capture_on_commit_callbacks(execute=True):
        services.report_send_now(actor=world.manager, row=row)
    assert DBTaskResult.objects.filter(task_path="rapport.comms.tasks.deliver_due").count() == 1


def test_the_cli_delivers_what_is_due(scene, smtp_server):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(MONDAY_9 + timedelta(seconds=5), tick=False):
        call_command("comms", "deliver", stdout=out)
    assert "Scheduled 1 deliveries" in out.getvalue() and "1 sent" in out.getvalue()
    assert len(smtp_server.messages) == 1


def test_a_switched_off_row_and_a_finished_project_send_nothing(scene, smtp_server):
    world, bea, row, update = scene
    PlanRow.objects.filter(pk=row.pk).update(active=False)
    assert deliver_at(MONDAY_9).schedule.created == 0
    PlanRow.objects.filter(pk=row.pk).update(active=True)
    world.alpha.state = "completed"
    world.alpha.save()
    assert deliver_at(MONDAY_9).schedule.created == 0


def test_backoff_doubles_and_is_capped(settings):
    settings.RAPPORT_DELIVERY_BACKOFF_SECONDS = 60
    assert [engine.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert engine.backoff(30) == timedelta(hours=6)


def test_a_name_with_a_comma_is_still_one_recipient(world, smtp_server):
    lars = party(world, "Becker, Lars", email="lars@customer.example")
    publish(world)
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [lars])
    assert deliver_at(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)).outcomes == {"sent": 1}
    assert smtp_server.messages[0]["to"] == ["lars@customer.example"]
    assert smtp_server.messages[0]["message"]["To"] == '"Becker, Lars" <lars@customer.example>'
