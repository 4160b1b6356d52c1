"""Delivery survives what real mail servers do: greylisting (451 at RCPT), a temporary refusal
after DATA, a permanent 554, a dropped connection, and a poisoned recipient that cannot even be
written into a header. Temporary replies are retried with backoff, permanent ones fail at once
with the server's own words, and one broken delivery never stops the others.

Each server here is a real SMTP server (aiosmtpd) on loopback that misbehaves on purpose."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from rapport.comms import delivery as engine
from rapport.comms.models import Delivery, DeliveryState
from rapport.stakeholders.models import Party
from tests.comms.factories import party, plan_row, publish
from tests.conftest import free_port

MONDAY_9 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam


class FaultyServer:
    """An aiosmtpd handler that answers ``reply`` at ``stage`` ("rcpt" or "data") the first
    ``times`` times (``reply=None`` drops the connection instead), then behaves."""

    def __init__(self, stage: str, reply: str | None, times: int = 1):
        self.stage, self.reply, self.left = stage, reply, times
        self.messages = []

    def _misbehave(self, server, stage):
        if stage != self.stage or self.left <= 0:
            return None
        self.left -= 1
        if self.reply is None:
            server.transport.abort()  # the line goes dead mid-conversation
            return "421 gone"
        return self.reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self._misbehave(server, "rcpt")
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self._misbehave(server, "data")
        if answer:
            return answer
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "message": message})
        return "250 OK"


@pytest.fixture
def faulty_smtp(settings):
    """Start a misbehaving SMTP server on loopback: ``faulty_smtp(stage, reply, times)``."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(stage, reply, times=1):
        handler = FaultyServer(stage, reply, times)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
        settings.EMAIL_USE_TLS = False
        settings.RAPPORT_DELIVERY_BACKOFF_SECONDS = 60
        settings.RAPPORT_DELIVERY_MAX_ATTEMPTS = 5
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def scene(world):
    """Bea and Carl each get the simple weekly report on Mondays at 09:00; a status is out."""
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    bea = party(world, "Bea Business-Lead")
    carl = party(world, "Carl Customer")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea, carl])
        publish(world)
    return world, bea, carl


def deliver_at(moment):
    with time_machine.travel(moment, tick=False):
        return engine.comms_deliver(snapshots=False)


def test_greylisting_at_rcpt_is_retried_after_the_backoff_and_then_delivered_once(
    scene, faulty_smtp
):
    server = faulty_smtp("rcpt", "451 4.7.1 Greylisted, please try again later", times=2)
    first = deliver_at(MONDAY_9)
    assert first.outcomes == {"retry": 2}
    waiting = Delivery.objects.get(party__name="Bea Business-Lead")
    assert waiting.state == DeliveryState.PENDING and waiting.attempts == 1
    assert "451 4.7.1 Greylisted, please try again later" in waiting.last_error
    assert waiting.next_attempt_at == MONDAY_9 + timedelta(seconds=60)

    assert deliver_at(MONDAY_9 + timedelta(seconds=60)).outcomes == {"sent": 2}
    assert sorted(m["to"][0] for m in server.messages) == [
        "bea.business-lead@customer.example",
        "carl.customer@customer.example",
    ]
    assert deliver_at(MONDAY_9 + timedelta(hours=1)).outcomes == {}  # nothing twice
    assert len(server.messages) == 2


def test_a_451_after_data_is_retried_and_the_retry_carries_the_same_message_id(scene, faulty_smtp):
    server = faulty_smtp("data", "451 4.3.0 Mail server temporarily out of space", times=1)
    assert sorted(deliver_at(MONDAY_9).outcomes.items()) == [("retry", 1), ("sent", 1)]
    retried = Delivery.objects.get(state=DeliveryState.PENDING)
    assert "451 4.3.0 Mail server temporarily out of space" in retried.last_error

    assert deliver_at(MONDAY_9 + timedelta(seconds=60)).outcomes == {"sent": 1}
    retried.refresh_from_db()
    assert retried.state == DeliveryState.SENT and retried.attempts == 2
    assert retried.last_error == ""
    ids = [m["message"]["Message-ID"] for m in server.messages]
    assert len(ids) == 2 and retried.message_id in ids


def test_a_554_fails_at_once_with_the_servers_words_and_is_not_retried(
    scene, faulty_smtp, client_for
):
    world, bea, carl = scene
    server = faulty_smtp("data", "554 5.7.1 Message rejected as spam by policy", times=1)
    assert sorted(deliver_at(MONDAY_9).outcomes.items()) == [("failed", 1), ("sent", 1)]
    failed = Delivery.objects.get(state=DeliveryState.FAILED)
    assert failed.attempts == 1
    assert failed.last_error == (
        "The mail server refused the message: 554 5.7.1 Message rejected as spam by policy"
    )
    assert deliver_at(MONDAY_9 + timedelta(hours=6)).outcomes == {}  # never retried by itself
    assert len(server.messages) == 1
    plan = client_for(world.manager).get("/o/acme/p/ALPHA/comms/").content.decode()
    assert "Message rejected as spam by policy" in plan and "Deliveries that need you" in plan


def test_a_permanent_refusal_at_rcpt_fails_at_once(scene, faulty_smtp):
    faulty_smtp("rcpt", "550 5.1.1 No such user here", times=1)
    assert sorted(deliver_at(MONDAY_9).outcomes.items()) == [("failed", 1), ("sent", 1)]
    failed = Delivery.objects.get(state=DeliveryState.FAILED)
    assert "refused the address: 550 5.1.1 No such user here" in failed.last_error


def test_a_dropped_connection_is_retried_and_nothing_is_lost(scene, faulty_smtp):
    server = faulty_smtp("data", None, times=1)
    assert sorted(deliver_at(MONDAY_9).outcomes.items()) == [("retry", 1), ("sent", 1)]
    dropped = Delivery.objects.get(state=DeliveryState.PENDING)
    assert "connection to the mail server failed" in dropped.last_error
    assert deliver_at(MONDAY_9 + timedelta(seconds=60)).outcomes == {"sent": 1}
    assert len(server.messages) == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_server_that_keeps_saying_later_ends_failed_after_the_last_attempt(
    scene, faulty_smtp, settings
):
    faulty_smtp("rcpt", "451 4.7.1 Greylisted", times=100)
    settings.RAPPORT_DELIVERY_MAX_ATTEMPTS = 3
    moment = MONDAY_9
    for wait in (0, 60, 120):
        moment += timedelta(seconds=wait)
        outcomes = deliver_at(moment).outcomes
    assert outcomes == {"failed": 2}
    assert all(
        d.attempts == 3 and "451 4.7.1 Greylisted" in d.last_error for d in Delivery.objects.all()
    )


def test_a_line_break_planted_in_a_name_does_not_jam_delivery(scene, smtp_server):
    """A name from before names were checked: the header carries it on one line."""
    world, bea, carl = scene
    Party.objects.filter(pk=bea.pk).update(name="Bea\r\nBcc: everyone@evil.example")
    assert deliver_at(MONDAY_9).outcomes == {"sent": 2}
    to_bea = next(m for m in smtp_server.messages if m["to"] == [bea.email])
    assert to_bea["message"]["To"] == f'"Bea Bcc: everyone@evil.example" <{bea.email}>'
    assert "everyone@evil.example" not in {r for m in smtp_server.messages for r in m["to"]}


def test_a_delivery_that_cannot_be_built_fails_with_its_reason_and_the_others_go_out(
    scene, smtp_server
):
    world, bea, carl = scene
    with time_machine.travel(MONDAY_9, tick=False):
        engine.comms_schedule()
    # An address forged into the row itself (no form or API accepts it): no header can hold it.
    Delivery.objects.filter(party=bea).update(email="bea@customer.example\r\nBcc: x@evil.example")
    out = StringIO()
    with time_machine.travel(MONDAY_9 + timedelta(seconds=5), tick=False):
        call_command("comms", "deliver", stdout=out)  # the CLI does not crash
    assert "1 sent" in out.getvalue() and "1 failed" in out.getvalue()
    poisoned = Delivery.objects.get(party=bea)
    assert poisoned.state == DeliveryState.FAILED and poisoned.attempts == 1
    assert "could not be sent" in poisoned.last_error
    assert [m["to"] for m in smtp_server.messages] == [[carl.email]]
    assert Delivery.objects.get(party=carl).state == DeliveryState.SENT
