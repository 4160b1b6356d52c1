"""The development outbox: without a mail server, what Rapport sends is kept for its organisation's
owners to read, as text, as the recipient sees it, with its attachments."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from rapport.comms import delivery as engine
from rapport.ops.models import OutboxMessage
from tests.comms.factories import party, plan_row, publish

MONDAY_9 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "rapport.ops.outbox.OutboxBackend"
    settings.SITE_URL = "http://127.0.0.1:8123"


@pytest.fixture
def sent_report(world, outbox):
    """Bea's weekly simple report for ALPHA went out once, into the outbox."""
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea])
        publish(world)
    with time_machine.travel(MONDAY_9 + timedelta(seconds=30), tick=False):
        assert engine.comms_deliver(snapshots=False).outcomes == {"sent": 1}
    return OutboxMessage.objects.get()


def test_a_delivered_report_is_kept_for_its_organisation(world, sent_report):
    assert sent_report.org == world.acme
    assert sent_report.to == "Bea Business-Lead <bea.business-lead@customer.example>"
    assert sent_report.subject.startswith("[ALPHA] Simple progress report")


def test_the_owner_reads_the_text_with_a_portal_link_on_the_served_address(
    world, sent_report, client_for
):
    page = client_for(world.owner).get(f"/o/acme/outbox/{sent_report.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "What we need from you" in body
    assert 'href="http://127.0.0.1:8123/portal/' in body
    assert "ALPHA-simple-2025-03-09-v1.pdf" in body


def test_the_list_shows_the_message_and_says_what_to_do_when_empty(world, client_for, outbox):
    empty = client_for(world.owner).get("/o/acme/outbox/")
    assert "Nothing sent yet" in empty.content.decode()


def test_the_html_part_opens_on_its_own_page_without_scripts(world, sent_report, client_for):
    response = client_for(world.owner).get(f"/o/acme/outbox/{sent_report.pk}/html/")
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none' applies
    assert b"What changed for you" in response.content


def test_the_pdf_attachment_downloads(world, sent_report, client_for):
    response = client_for(world.owner).get(f"/o/acme/outbox/{sent_report.pk}/attachments/0/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    missing = client_for(world.owner).get(f"/o/acme/outbox/{sent_report.pk}/attachments/5/")
    assert missing.status_code == 404


def test_another_organisation_never_sees_the_message(world, sent_report, client_for):
    outsider = client_for(world.outsider)
    assert outsider.get(f"/o/globex/outbox/{sent_report.pk}/").status_code == 404
    assert b"Bea" not in outsider.get("/o/globex/outbox/").content


def test_a_message_without_an_organisation_is_printed_to_the_terminal(outbox, db, capsys):
    mail.send_mail("Welcome", "Your link: http://x/", "a@example.com", ["b@example.com"])
    stored = OutboxMessage.objects.get()
    assert stored.org is None
    assert "Your link: http://x/" in capsys.readouterr().out


def test_the_outbox_list_costs_the_same_with_many_messages(
    world, client_for, outbox, django_assert_max_num_queries
):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(org=world.acme, to="x@example.com", subject=f"Report {i}", raw=b"")
        for i in range(300)
    )
    client = client_for(world.owner)
    with django_assert_max_num_queries(12):
        page = client.get("/o/acme/outbox/")
    assert page.status_code == 200 and b"Report 299" in page.content
