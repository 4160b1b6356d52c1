"""Background tasks (Django's Tasks API, run by `rapport worker`).

Periodic work is driven from outside: cron or a systemd timer runs `rapport comms deliver` every
minute (see docs/administration.md). "Send now" and "Retry" enqueue :func:`deliver_due` so a running worker
sends at once instead of at the next minute; both paths call the same service.
"""

from django_tasks import task


@task()
def deliver_due() -> dict:
    """Schedule what is due, refresh stale evidence snapshots, and deliver (exactly once)."""
    from .delivery import comms_deliver

    return comms_deliver().as_dict()
