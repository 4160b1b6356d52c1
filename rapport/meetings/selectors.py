"""Reads of meetings that pages, API, reports and the status evidence share."""

from datetime import datetime


def business_attendance_evidence(
    project, *, window: int, now: datetime
) -> tuple[int | None, int | None]:
    """Over the last ``window`` status meetings of the project held before ``now``: how many
    invitations went to the business side, and how many of those were not attended (apologised
    or absent). (None, None) when no such meeting was held."""
    return None, None
