"""Reads of service-level agreements that pages, API and the status evidence share."""

from datetime import datetime


def sla_breach_counts(project, *, since: datetime, now: datetime) -> tuple[int | None, int | None]:
    """Breaches of the project's agreements between ``since`` and ``now``: (by IT, by the
    business). (None, None) when the project has no agreement."""
    return None, None
