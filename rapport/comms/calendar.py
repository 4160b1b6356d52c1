"""iCalendar (RFC 5545) feeds of the communication schedule: one recurring event per plan row.

Each event has a stable UID (``plan-row-<id>@<host>``), DTSTART with the project's TZID and the
matching VTIMEZONE, the row's RRULE, and a DURATION (the meeting length; a quarter of an hour,
shown as free time, for a report). DTSTART is the row's first occurrence, because RFC 5545 leaves
a DTSTART that does not match its RRULE undefined. UNTIL is written in UTC, as RFC 5545 requires
when DTSTART has a time zone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings

from . import rules
from .models import CommType

REPORT_LENGTH = timedelta(minutes=15)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "rapport.localhost"


def _utc_until(rule: rules.Rule, zone: ZoneInfo) -> rules.Rule:
    until = rule.until
    if until is None or (isinstance(until, datetime) and until.tzinfo is not None):
        return rule
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59))
    return replace(rule, until=until.replace(tzinfo=zone).astimezone(UTC))


def row_event(row, *, stamp: datetime) -> icalendar.Event | None:
    """The plan row as a recurring event, or None when it has no occurrence left."""
    zone = ZoneInfo(row.project.time_zone)
    rule = rules.parse_rule(row.rrule)
    start_local = row.dtstart_local
    first = rules.next_occurrences(
        rule,
        dtstart_local=start_local,
        tz=row.project.time_zone,
        after=start_local.replace(tzinfo=zone) - timedelta(days=1),
        limit=1,
    )
    if not first:
        return None
    dtstart = first[0].astimezone(zone)
    event = icalendar.Event()
    event.add("uid", f"plan-row-{row.pk}@{_host()}")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", dtstart)
    is_meeting = row.comm_type == CommType.MEETING
    event.add("duration", timedelta(minutes=row.duration_minutes) if is_meeting else REPORT_LENGTH)
    event.add("rrule", icalendar.vRecur.from_ical(_utc_until(rule, zone).text))
    audience = row.audience_label or "no audience yet"
    event.add("summary", f"{row.project.code}: {row.get_comm_type_display()} — {audience}")
    description = [
        row.purpose,
        f"{row.cadence} ({row.project.time_zone})",
        f"Channel: {row.get_channel_display()}",
    ]
    event.add("description", "\n".join(line for line in description if line))
    event.add("transp", "OPAQUE" if is_meeting else "TRANSPARENT")
    event.add("categories", ["Status meeting" if is_meeting else "Report"])
    if row.owner_id and row.owner.email:
        organizer = icalendar.vCalAddress(f"mailto:{row.owner.email}")
        organizer.params["cn"] = icalendar.vText(row.owner.display_name)
        event.add("organizer", organizer)
    return event


def feed_ics(rows, *, name: str, stamp: datetime) -> bytes:
    """The calendar: every row's event, and a VTIMEZONE for each time zone used."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rapport//Communication plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for row in rows:
        event = row_event(row, stamp=stamp)
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(1970, 1, 1), last_date=date(2038, 1, 1))
    return calendar.to_ical()
