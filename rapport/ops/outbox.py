"""The development outbox: an e-mail backend that keeps every message for the outbox page.

`make run` uses it unless EMAIL_HOST or EMAIL_BACKEND is set, so a person trying Rapport on a
laptop can read the reports, invitations and portal links it sends, at /o/<org>/outbox/.
"""

import sys
from email import message_from_bytes, policy

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def _org_id_for(message) -> int | None:
    """The organisation a message belongs to, from the headers Rapport puts on what it sends."""
    from rapport.accounts.models import Organisation
    from rapport.comms.models import Delivery

    headers = message.extra_headers or {}
    if key := headers.get("X-Rapport-Delivery"):
        return Delivery.objects.filter(key=key).values_list("project__org_id", flat=True).first()
    if slug := headers.get("X-Rapport-Org"):
        return Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return None


class OutboxBackend(BaseEmailBackend):
    """Store each message in the database and say where to read it; nothing leaves the machine."""

    def send_messages(self, email_messages):
        from django.urls import reverse

        from .models import OutboxMessage

        sent = 0
        for message in email_messages:
            org_id = _org_id_for(message)
            stored = OutboxMessage.objects.create(
                org_id=org_id,
                to=", ".join(message.to),
                subject=message.subject,
                raw=message.message().as_bytes(),
            )
            where = (
                settings.SITE_URL + reverse("outbox-message", args=[stored.org.slug, stored.pk])
                if org_id
                else "(no organisation: shown here)\n" + message.body
            )
            print(f"[outbox] {message.subject!r} to {stored.to}: {where}", file=sys.stdout)
            sys.stdout.flush()
            sent += 1
        return sent


def parts(raw: bytes) -> dict:
    """The readable parts of a stored message: headers, text, HTML and attachment names."""
    parsed = message_from_bytes(bytes(raw), policy=policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    attachments = [
        part.get_filename() or part.get_content_type() for part in parsed.iter_attachments()
    ]
    return {
        "from": parsed["From"],
        "to": parsed["To"],
        "subject": parsed["Subject"],
        "date": parsed["Date"],
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": attachments,
    }
