"""Where mail goes: the development outbox or a real mail server."""

from django.conf import settings

OUTBOX_BACKEND = "rapport.ops.outbox.OutboxBackend"


def outbox_enabled() -> bool:
    """True when mail is kept in the outbox page instead of sent (development without SMTP)."""
    return settings.EMAIL_BACKEND == OUTBOX_BACKEND
