"""Communication-plan rules: cadence, due occurrences, delivery keys and load. Pure logic.

A plan row says "send report X to these recipients on this cadence". The cadence is an RFC 5545
recurrence rule (the RRULE value, e.g. ``FREQ=WEEKLY;BYDAY=MO``) plus a wall-clock start
(``dtstart_local``, naive) in the project's IANA time zone. Everything here takes plain data and
returns plain data; models, the scheduler, the worker, pages and the API call these functions.

Time-zone policy (RFC 5545 sections 3.3.5 and 3.3.10, the same as Python's ``fold=0``):

- occurrences are generated on the local wall clock, so "09:00 Europe/Amsterdam" stays 09:00
  local on both sides of a daylight-saving change (07:00 UTC in summer, 08:00 UTC in winter);
- a local time that does not exist (the spring-forward gap) is read with the offset in force
  before the gap, which moves it forward by the length of the gap: 02:30 on the last Sunday of
  March in Amsterdam is sent at 03:30 CEST (01:30 UTC);
- a local time that happens twice (the autumn fall-back) is sent once, at its first instance
  (``fold=0``, summer time): 02:30 on the last Sunday of October in Amsterdam is 00:30 UTC;
- two wall-clock times that land on the same instant (02:30 in the gap and 03:30 just after it)
  are one occurrence: every instant is returned exactly once.

Frequency is counted on the wall clock too: an HOURLY rule has 23 occurrences on the day the
clocks go forward and 24 (not 25) on the day they go back.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du

__all__ = [
    "PRESETS",
    "PRESETS_BY_KEY",
    "CatchUp",
    "Finding",
    "LoadRow",
    "Preset",
    "Rule",
    "catch_up",
    "describe",
    "due",
    "load_findings",
    "quiet_day_findings",
    "more_often_than_daily",
    "next_occurrences",
    "occurrence_key",
    "occurrences",
    "parse_rule",
    "sends_per_day",
    "weekly_load",
]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule: a stable kebab-case code, a severity, a human message.

    ``subject`` names what the finding is about (a recipient id, a project id), so the UI, API
    and CLI can link to it; it is whatever plain value the caller passed in.
    """

    code: str
    severity: str
    message: str
    subject: Hashable | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(
                f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}"
            )

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "subject": self.subject,
        }


# --- the rule ---------------------------------------------------------------------------------

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
TOO_FREQUENT = ("MINUTELY", "SECONDLY")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
# The canonical order of the parts in Rule.text (RFC 5545's grammar order, FREQ first).
PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "BYSETPOS",
    "WKST",
)
_DU_FREQ = {
    "YEARLY": du.YEARLY,
    "MONTHLY": du.MONTHLY,
    "WEEKLY": du.WEEKLY,
    "DAILY": du.DAILY,
    "HOURLY": du.HOURLY,
}
_MAX_INTERVAL = 1000
_MAX_TIMES_PER_DAY = 24  # no more often than once an hour: anything faster is not a report
_BYDAY_RE = re.compile(r"([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_INT_RE = re.compile(r"[+-]?\d{1,4}")
_UNTIL_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
# A rule that yields nothing in this many years is treated as one that never occurs; the
# Gregorian calendar repeats every 28 years between century years, so every date pattern that
# exists at all shows up within that span.
_PROBE_YEARS = 28
_PROBE_START = datetime(9970, 1, 1)  # late, so dateutil's search for "never" ends at year 9999


@dataclass(frozen=True)
class Rule:
    """A validated recurrence rule (the RRULE value of RFC 5545, without DTSTART).

    Build it with :func:`parse_rule`; ``text`` is its canonical form (parts in a fixed order,
    lists sorted, defaults dropped), so equal rules have equal text.

    ``until`` is a ``date`` (through that local day), a naive ``datetime`` (local wall clock) or
    an aware UTC ``datetime`` (written with a trailing ``Z``).
    """

    freq: str
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None
    bymonth: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, str], ...] = ()  # (position or 0, "MO"): (-1, "FR") is the last Friday
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: str = "MO"

    @property
    def text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={_until_text(self.until)}")
        for name, values in (
            ("BYMONTH", self.bymonth),
            ("BYWEEKNO", self.byweekno),
            ("BYYEARDAY", self.byyearday),
            ("BYMONTHDAY", self.bymonthday),
        ):
            if values:
                parts.append(f"{name}={','.join(map(str, values))}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{n}{d}" if n else d for n, d in self.byday))
        for name, values in (
            ("BYHOUR", self.byhour),
            ("BYMINUTE", self.byminute),
            ("BYSECOND", self.bysecond),
            ("BYSETPOS", self.bysetpos),
        ):
            if values:
                parts.append(f"{name}={','.join(map(str, values))}")
        if self.wkst != "MO":
            parts.append(f"WKST={self.wkst}")
        return ";".join(parts)

    def __str__(self) -> str:
        return self.text


def _until_text(until: date | datetime) -> str:
    if not isinstance(until, datetime):
        return until.strftime("%Y%m%d")
    if until.tzinfo is not None:
        return until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return until.strftime("%Y%m%dT%H%M%S")


def parse_rule(text: str) -> Rule:
    """Parse and validate an RRULE value such as ``FREQ=WEEKLY;INTERVAL=2;BYDAY=FR``.

    Accepts an optional ``RRULE:`` prefix and any letter case. Raises ``ValueError`` with a
    message naming the problem: empty input, a part that is not NAME=VALUE, an unknown or repeated
    part, an unknown FREQ, SECONDLY/MINUTELY or more than one send an hour ("too frequent for a
    report"), bad BYDAY and other out-of-range values, COUNT together with UNTIL, combinations
    RFC 5545 forbids, and rules that can never occur (30 February).
    """
    if not isinstance(text, str):
        raise ValueError(
            f"a recurrence rule is text like FREQ=WEEKLY;BYDAY=MO, got {type(text).__name__}"
        )
    source = text.strip()
    if source.upper().startswith("RRULE:"):
        source = source[len("RRULE:") :].strip()
    if not source:
        raise ValueError("the recurrence rule is empty: write one like FREQ=WEEKLY;BYDAY=MO")
    if "\n" in source or "\r" in source:
        raise ValueError("give only the RRULE value on one line; the start comes from the plan row")

    def bad(problem: str) -> ValueError:
        return ValueError(f"bad recurrence rule {text.strip()!r}: {problem}")

    raw: dict[str, str] = {}
    for segment in source.split(";"):
        segment = segment.strip()
        if not segment:
            continue  # a trailing or doubled ';' is harmless
        name, sep, value = segment.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name:
            raise bad(f"{segment!r} is not NAME=VALUE")
        if name not in PARTS:
            raise bad(f"unknown part {name!r}; allowed: {', '.join(PARTS)}")
        if name in raw:
            raise bad(f"{name} is given twice")
        if not value:
            raise bad(f"{name} has no value")
        raw[name] = value

    if "FREQ" not in raw:
        raise bad("FREQ is missing (e.g. FREQ=WEEKLY)")
    freq = raw["FREQ"]
    if freq in TOO_FREQUENT:
        raise bad(f"FREQ={freq} is too frequent for a report; the most frequent allowed is HOURLY")
    if freq not in FREQUENCIES:
        raise bad(f"unknown FREQ {freq!r}; use one of {', '.join(FREQUENCIES)}")

    def ints(name: str, low: int, high: int, *, negative: bool = False) -> tuple[int, ...]:
        if name not in raw:
            return ()
        allowed = f"{low} to {high}" + (f" or -{high} to -{low}" if negative else "")
        values = []
        for item in raw[name].split(","):
            item = item.strip()
            if not _INT_RE.fullmatch(item):
                raise bad(f"{name} must be whole numbers from {allowed}, got {item!r}")
            number = int(item)
            if not (low <= number <= high or (negative and -high <= number <= -low)):
                raise bad(f"{name} must be whole numbers from {allowed}, got {item!r}")
            values.append(number)
        return tuple(sorted(set(values), key=lambda n: (n < 0, abs(n) if n < 0 else n)))

    def positive(name: str, high: int) -> int | None:
        if name not in raw:
            return None
        if not raw[name].isdigit() or not 1 <= int(raw[name]) <= high:
            raise bad(f"{name} must be a whole number from 1 to {high}, got {raw[name]!r}")
        return int(raw[name])

    interval = positive("INTERVAL", _MAX_INTERVAL) or 1
    count = positive("COUNT", 100_000)
    if count is not None and "UNTIL" in raw:
        raise bad("COUNT and UNTIL cannot be used together (RFC 5545): keep one of them")
    until = _parse_until(raw["UNTIL"], bad) if "UNTIL" in raw else None

    bymonth = ints("BYMONTH", 1, 12)
    byweekno = ints("BYWEEKNO", 1, 53, negative=True)
    byyearday = ints("BYYEARDAY", 1, 366, negative=True)
    bymonthday = ints("BYMONTHDAY", 1, 31, negative=True)
    byhour = ints("BYHOUR", 0, 23)
    byminute = ints("BYMINUTE", 0, 59)
    bysecond = ints("BYSECOND", 0, 59)
    bysetpos = ints("BYSETPOS", 1, 366, negative=True)

    byday: list[tuple[int, str]] = []
    if "BYDAY" in raw:
        for item in raw["BYDAY"].split(","):
            item = item.strip()
            match = _BYDAY_RE.fullmatch(item)
            if not match:
                raise bad(
                    f"bad BYDAY {item!r}: use two-letter days MO,TU,WE,TH,FR,SA,SU, "
                    "optionally with a position such as 1MO (first Monday) or -1FR (last Friday)"
                )
            sign, digits, day = match.groups()
            position = int(digits) * (-1 if sign == "-" else 1) if digits else 0
            if digits and not 1 <= int(digits) <= 53:
                raise bad(f"bad BYDAY {item!r}: the position must be 1 to 53 or -1 to -53")
            if position and freq not in ("MONTHLY", "YEARLY"):
                raise bad(
                    f"BYDAY {item!r} has a position, which only MONTHLY and YEARLY rules allow; "
                    f"with FREQ={freq} write just {day}"
                )
            if position and byweekno:
                raise bad(f"BYDAY {item!r} has a position, which BYWEEKNO does not allow")
            if (position, day) not in byday:
                byday.append((position, day))
    byday.sort(key=lambda pair: (DAYS.index(pair[1]), pair[0]))

    wkst = raw.get("WKST", "MO")
    if wkst not in DAYS:
        raise bad(f"WKST must be one of {','.join(DAYS)}, got {wkst!r}")

    # Combinations RFC 5545 section 3.3.10 rules out.
    if bymonthday and freq == "WEEKLY":
        raise bad("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    if byyearday and freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise bad(f"BYYEARDAY cannot be used with FREQ={freq}")
    if byweekno and freq != "YEARLY":
        raise bad("BYWEEKNO can only be used with FREQ=YEARLY")
    if bysetpos and not (
        bymonth or byweekno or byyearday or bymonthday or byday or byhour or byminute or bysecond
    ):
        raise bad("BYSETPOS needs another BY... part to pick from (e.g. BYDAY=MO,TU,WE,TH,FR)")

    times_per_day = max(len(byhour), 1) * max(len(byminute), 1) * max(len(bysecond), 1)
    if freq == "HOURLY":
        times_per_day = (len(byhour) or 24) * max(len(byminute), 1) * max(len(bysecond), 1)
    if times_per_day > _MAX_TIMES_PER_DAY:
        raise bad(
            f"{times_per_day} sends a day is too frequent for a report; "
            "at most one an hour (24 a day) is allowed"
        )

    rule = Rule(
        freq=freq,
        interval=interval,
        count=count,
        until=until,
        bymonth=bymonth,
        byweekno=byweekno,
        byyearday=byyearday,
        bymonthday=bymonthday,
        byday=tuple(byday),
        byhour=byhour,
        byminute=byminute,
        bysecond=bysecond,
        bysetpos=bysetpos,
        wkst=wkst,
    )
    # INTERVAL only thins out the periods, so if the rule with INTERVAL=1 never occurs, no start
    # date makes it occur; ones that miss only for some starts are handled by occurrences().
    if not _ever_occurs(replace(rule, interval=1, count=None, until=None), _PROBE_START):
        raise bad("this rule never occurs (for example 30 February); check the BY... parts")
    return rule


def sends_per_day(rule: Rule | str) -> int:
    """The most times the rule sends in one day: 1 for a daily (or rarer) rule at one time of
    day, 24 for a plain HOURLY rule, 2 for ``FREQ=DAILY;BYHOUR=9,17``."""
    rule = _rule_of(rule)
    within_hour = max(len(rule.byminute), 1) * max(len(rule.bysecond), 1)
    if rule.freq == "HOURLY":
        hours = -(-24 // rule.interval)  # ceil: INTERVAL=5 sends at 0, 5, 10, 15 and 20 h
        if rule.byhour:
            hours = min(hours, len(rule.byhour))
    else:
        hours = max(len(rule.byhour), 1)
    return hours * within_hour


def more_often_than_daily(rule: Rule | str) -> bool:
    """Whether the rule can send more than once a day (refused for reports unless the
    organisation allows it: a stakeholder does not read a report every hour)."""
    return sends_per_day(rule) > 1


def _parse_until(value: str, bad) -> date | datetime:
    match = _UNTIL_RE.fullmatch(value)
    if not match:
        raise bad(
            f"UNTIL must be a date like 20251231 or a UTC time like 20251231T170000Z, got {value!r}"
        )
    year, month, day, hour, minute, second, zulu = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError as error:
        raise bad(f"UNTIL {value!r} is not a real date or time ({error})") from None
    return moment.replace(tzinfo=UTC) if zulu else moment


# --- presets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A cadence a PM picks from a list: a stable key, a human label and its RRULE value."""

    key: str
    label: str
    rrule: str

    @property
    def rule(self) -> Rule:
        return parse_rule(self.rrule)


# "Business day" here is Monday to Friday; public holidays are not known to these rules.
# Interval-2 rules count from the week of the row's start date: that picks *which* Friday.
PRESETS: tuple[Preset, ...] = (
    Preset("weekdays", "Daily on weekdays", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
    Preset("weekly-monday", "Weekly on Monday", "FREQ=WEEKLY;BYDAY=MO"),
    Preset("every-other-friday", "Every other Friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
    Preset(
        "monthly-first-business-day",
        "Monthly on the first business day",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
    ),
    Preset("monthly-last-friday", "Monthly on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR"),
    # Calendar quarters rather than "every 3 months from the start", so every project's quarterly
    # report lands at the same time of year.
    Preset(
        "quarterly",
        "Quarterly on the first business day",
        "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
    ),
)
PRESETS_BY_KEY: dict[str, Preset] = {preset.key: preset for preset in PRESETS}


# --- describe ---------------------------------------------------------------------------------

_DAY_NAMES = dict(zip(DAYS, calendar.day_name, strict=True))
_MONTH_NAMES = {number: name for number, name in enumerate(calendar.month_name) if number}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _join(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _suffixed(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _position(number: int) -> str:
    """1 -> 'first', -1 -> 'last', -2 -> 'second-to-last', 12 -> '12th'."""
    if number == -1:
        return "last"
    if number < 0:
        return f"{_position(-number)}-to-last"
    return _ORDINAL_WORDS.get(number, _suffixed(number))


def _every(interval: int, unit: str) -> str:
    if interval == 1:
        return f"Every {unit}"
    if interval == 2:
        return f"Every other {unit}"
    return f"Every {interval} {unit}s"


def _day_set_noun(days: Sequence[str]) -> str:
    if tuple(days) == WEEKDAYS:
        return "business day"
    if tuple(days) == ("SA", "SU"):
        return "weekend day"
    return _join([_DAY_NAMES[d] for d in days], "or")


def _times(rule: Rule, at: time | None) -> list[str]:
    seconds = rule.bysecond or ((at.second,) if at else (0,))
    minutes = rule.byminute or ((at.minute,) if at else (0,))
    if rule.byhour:
        hours = rule.byhour
    elif at is not None:
        hours = (at.hour,)
    else:
        return []
    return [
        f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")
        for h in hours
        for m in minutes
        for s in seconds
    ]


def describe(rule: Rule | str, at: time | datetime | None = None) -> str:
    """Say a rule in plain English: ``Every other week on Friday at 09:00``.

    ``at`` is the wall-clock send time: pass the row's ``dtstart_local`` to also name the day a
    rule without day parts takes from it ("Every month on the 15th"), or just a ``time``. BYHOUR
    and BYMINUTE in the rule win over it. Without either the sentence has no time. Parts this
    function cannot phrase are appended as the raw rule, so nothing is silently left out.
    """
    if isinstance(rule, str):
        rule = parse_rule(rule)
    if isinstance(at, datetime) and not (
        rule.byweekno or rule.byyearday or rule.bymonthday or rule.byday
    ):
        # Like dateutil, a rule without day parts takes its day from the start date.
        if rule.freq == "YEARLY":
            rule = replace(rule, bymonth=rule.bymonth or (at.month,), bymonthday=(at.day,))
        elif rule.freq == "MONTHLY":
            rule = replace(rule, bymonthday=(at.day,))
        elif rule.freq == "WEEKLY":
            rule = replace(rule, byday=((0, DAYS[at.weekday()]),))
    if isinstance(at, datetime):
        at = at.time()
    plain_days = [d for n, d in rule.byday if n == 0]
    placed_days = [(n, d) for n, d in rule.byday if n != 0]
    unphrased = False
    words: list[str] = []

    if rule.freq == "HOURLY":
        words.append(_every(rule.interval, "hour"))
        if rule.byhour:
            words.append(f"during the hours starting {_join([f'{h:02d}:00' for h in rule.byhour])}")
        minute = rule.byminute or ((at.minute,) if at else ())
        if minute:
            words.append(f"at {_join([f'{m} minutes' for m in minute])} past the hour")
        if plain_days:
            words.append(f"on {_join([_DAY_NAMES[d] for d in plain_days])}")
        if rule.bymonth or rule.bymonthday or rule.byyearday or rule.byweekno or rule.bysetpos:
            unphrased = True
    else:
        if rule.freq == "DAILY":
            if plain_days and rule.interval == 1:
                if tuple(plain_days) == WEEKDAYS:
                    words.append("Every weekday (Monday to Friday)")
                else:
                    words.append(f"Every {_join([_DAY_NAMES[d] for d in plain_days])}")
            else:
                words.append(_every(rule.interval, "day"))
                if plain_days:
                    words.append(f"if it is a {_day_set_noun(plain_days)}")
        elif rule.freq == "WEEKLY":
            words.append(_every(rule.interval, "week"))
            if plain_days:
                words.append(f"on {_join([_DAY_NAMES[d] for d in plain_days])}")
        if rule.freq in ("DAILY", "WEEKLY") and rule.bymonth:
            words.append(f"in {_join([_MONTH_NAMES[m] for m in rule.bymonth])}")
        if rule.freq == "MONTHLY":
            if rule.bymonth == (1, 4, 7, 10) and rule.interval == 1:
                words.append("Every quarter (January, April, July and October)")
            elif rule.bymonth and rule.interval == 1:
                words.append(f"Every {_join([_MONTH_NAMES[m] for m in rule.bymonth])}")
            else:
                words.append(_every(rule.interval, "month"))
                if rule.bymonth:
                    words.append(f"in {_join([_MONTH_NAMES[m] for m in rule.bymonth])}")
        elif rule.freq == "YEARLY":
            words.append(_every(rule.interval, "year"))
            if rule.bymonth:
                words.append(f"in {_join([_MONTH_NAMES[m] for m in rule.bymonth])}")
            if rule.byweekno:
                words.append(f"in week {_join([str(w) for w in rule.byweekno])}")
            if rule.byyearday:
                yeardays = [
                    f"day {d}" if d > 0 else f"the {_position(d)} day" for d in rule.byyearday
                ]
                words.append(f"on {_join(yeardays)} of the year")

        if rule.freq in ("MONTHLY", "YEARLY"):
            days_phrases = []
            if rule.bymonthday:
                days_phrases += [
                    f"the {_suffixed(d)}" if d > 0 else f"the {_position(d)} day"
                    for d in rule.bymonthday
                ]
            if placed_days:
                days_phrases += [f"the {_position(n)} {_DAY_NAMES[d]}" for n, d in placed_days]
            if rule.bysetpos and plain_days and not (rule.bymonthday or placed_days):
                noun = _day_set_noun(plain_days)
                positions = _join([_position(p) for p in rule.bysetpos])
                days_phrases.append(f"the {positions} {noun}")
                if tuple(plain_days) == WEEKDAYS:
                    days_phrases[-1] += " (Monday to Friday)"
            elif plain_days:
                days_phrases.append(f"every {_join([_DAY_NAMES[d] for d in plain_days], 'or')}")
            if days_phrases:
                words.append(f"on {_join(days_phrases)}")
            if rule.bysetpos and (rule.bymonthday or placed_days or not plain_days):
                unphrased = True
        elif rule.bysetpos or rule.bymonthday:
            unphrased = True

        times = _times(rule, at)
        if times:
            words.append(f"at {_join(times)}")

    sentence = " ".join(words)
    if rule.count is not None:
        sentence += f", {rule.count} time{'s' if rule.count != 1 else ''}"
    if rule.until is not None:
        if isinstance(rule.until, datetime):
            suffix = " UTC" if rule.until.tzinfo else ""
            sentence += f", until {rule.until:%Y-%m-%d %H:%M}{suffix}"
        else:
            sentence += f", until {rule.until:%Y-%m-%d}"
    if unphrased:
        sentence += f" (rule: {rule.text})"
    return sentence


# --- occurrences ------------------------------------------------------------------------------


def _zone(tz: str) -> ZoneInfo:
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError("a time zone is required: use an IANA name like 'Europe/Amsterdam'")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {tz!r}: use an IANA name like 'Europe/Amsterdam'"
        ) from None


def _require_aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a time-zone-aware datetime, got {moment!r}")


def _require_naive(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local datetime (wall clock), got {moment!r}")


def _rule_of(rule: Rule | str) -> Rule:
    return parse_rule(rule) if isinstance(rule, str) else rule


def _explicit(rule: Rule, dtstart: datetime) -> dict:
    """dateutil keyword arguments with every default dtstart would supply written out.

    Written out, they no longer depend on dtstart, so dtstart can be moved forward by whole
    periods (see _moved_start) without changing a single occurrence.
    """
    bymonth = rule.bymonth or None
    bymonthday = rule.bymonthday or None
    byweekday = [du.weekday(DAYS.index(d), n or None) for n, d in rule.byday] or None
    if not (rule.byweekno or rule.byyearday or rule.bymonthday or rule.byday):
        if rule.freq == "YEARLY":
            bymonth = bymonth or (dtstart.month,)
            bymonthday = (dtstart.day,)
        elif rule.freq == "MONTHLY":
            bymonthday = (dtstart.day,)
        elif rule.freq == "WEEKLY":
            byweekday = [du.weekday(dtstart.weekday())]
    hourly = rule.freq == "HOURLY"
    return {
        "freq": _DU_FREQ[rule.freq],
        "interval": rule.interval,
        # Explicit, because dateutil's default is calendar.firstweekday(): process-wide state.
        "wkst": DAYS.index(rule.wkst),
        "bymonth": bymonth,
        "byweekno": rule.byweekno or None,
        "byyearday": rule.byyearday or None,
        "bymonthday": bymonthday,
        "byweekday": byweekday,
        "byhour": rule.byhour or (None if hourly else (dtstart.hour,)),
        "byminute": rule.byminute or (dtstart.minute,),
        "bysecond": rule.bysecond or (dtstart.second,),
        "bysetpos": rule.bysetpos or None,
    }


def _moved_start(rule: Rule, dtstart: datetime, target: datetime) -> datetime:
    """The start of the last period on or before ``target`` that the rule's INTERVAL lands on.

    dateutil walks every period from dtstart; a plan started years ago would otherwise cost a
    walk over all those years on every call. Moving by whole INTERVAL periods keeps the phase.
    Not for COUNT rules (the count starts at the real dtstart).
    """
    step = rule.interval
    if target <= dtstart:
        return dtstart
    if rule.freq == "YEARLY":
        n = (target.year - dtstart.year) // step
        return datetime(dtstart.year + n * step, 1, 1) if n > 0 else dtstart
    if rule.freq == "MONTHLY":
        months = (target.year - dtstart.year) * 12 + target.month - dtstart.month
        n = months // step
        if n <= 0:
            return dtstart
        year, month0 = divmod(dtstart.year * 12 + dtstart.month - 1 + n * step, 12)
        return datetime(year, month0 + 1, 1)
    if rule.freq == "WEEKLY":
        week_start = dtstart.date() - timedelta(
            days=(dtstart.weekday() - DAYS.index(rule.wkst)) % 7
        )
        n = (target.date() - week_start).days // (7 * step)
        moved = datetime.combine(week_start + timedelta(weeks=n * step), time())
        return moved if moved > dtstart else dtstart
    if rule.freq == "DAILY":
        n = (target.date() - dtstart.date()).days // step
        return (
            datetime.combine(dtstart.date() + timedelta(days=n * step), time())
            if n > 0
            else dtstart
        )
    hour = dtstart.replace(minute=0, second=0, microsecond=0)  # HOURLY
    n = int((target - hour) // timedelta(hours=1)) // step
    return hour + timedelta(hours=n * step) if n > 0 else dtstart


@functools.lru_cache(maxsize=4096)
def _ever_occurs(rule: Rule, dtstart: datetime) -> bool:
    """Whether the rule (without COUNT/UNTIL) has any occurrence at or after ``dtstart``.

    dateutil only stops at a match, so a rule that never matches would make it walk every period
    up to the year 9999 (seconds of CPU); we ask the question near that year instead, with the
    phase kept, so a "never" answer costs at most _PROBE_YEARS years of periods.
    """
    kwargs = _explicit(rule, dtstart)
    moved = _moved_start(rule, dtstart, _PROBE_START)
    try:
        found = du.rrule(dtstart=moved, **kwargs).after(moved, inc=True)
    except (ValueError, OverflowError):  # dateutil's own "this generates an empty set"
        return False
    return found is not None


def _local_range(rule: Rule, dtstart: datetime, low: datetime, high: datetime) -> list[datetime]:
    """Naive wall-clock occurrences with low <= occurrence <= high, in order."""
    plain = replace(rule, count=None, until=None)
    if not _ever_occurs(plain, dtstart):
        return []
    kwargs = _explicit(rule, dtstart)
    if rule.count is not None:
        recurrence = du.rrule(dtstart=dtstart, count=rule.count, **kwargs)
    else:
        recurrence = du.rrule(dtstart=_moved_start(rule, dtstart, low), **kwargs)
    found = [moment for moment in recurrence.between(low, high, inc=True) if moment >= dtstart]
    until = rule.until
    if isinstance(until, datetime) and until.tzinfo is None:
        found = [moment for moment in found if moment <= until]
    elif until is not None and not isinstance(until, datetime):
        found = [moment for moment in found if moment.date() <= until]
    return found


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # fold=0: a gap time takes the offset before the gap (moves forward), an ambiguous time its
    # first instance; both as RFC 5545 prescribes.
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _clamped_local(moment: datetime, zone: ZoneInfo, days: int) -> datetime:
    try:
        return moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    except OverflowError:
        return datetime.max if days > 0 else datetime.min


def occurrences(
    rule: Rule | str,
    *,
    dtstart_local: datetime,
    tz: str,
    start: datetime,
    end: datetime,
) -> list[datetime]:
    """The rule's occurrences in ``[start, end)``, as aware UTC datetimes in order, each once.

    ``dtstart_local`` is the naive wall-clock start of the row in ``tz`` (an IANA name): it gives
    the time of day and the anchor for INTERVAL. As in dateutil, ``dtstart_local`` itself counts
    only if it matches the rule. Occurrences are computed on ``tz``'s wall clock; see the module
    docstring for the daylight-saving policy. Seconds are kept, microseconds dropped.
    """
    rule = _rule_of(rule)
    _require_naive("dtstart_local", dtstart_local)
    _require_aware("start", start)
    _require_aware("end", end)
    zone = _zone(tz)
    dtstart = dtstart_local.replace(microsecond=0)
    if end <= start:
        return []
    # A day either side covers any UTC offset; the exact cut is made in UTC below.
    low = max(_clamped_local(start, zone, -1), dtstart)
    high = _clamped_local(end, zone, +1)
    if high < low:
        return []
    seen: dict[datetime, None] = {}
    for local in _local_range(rule, dtstart, low, high):
        moment = _to_utc(local, zone)
        if start <= moment < end:
            seen.setdefault(moment, None)
    result = sorted(seen)
    if isinstance(rule.until, datetime) and rule.until.tzinfo is not None:
        result = [moment for moment in result if moment <= rule.until]
    return result


def next_occurrences(
    rule: Rule | str,
    *,
    dtstart_local: datetime,
    tz: str,
    after: datetime,
    limit: int = 5,
) -> list[datetime]:
    """Up to ``limit`` occurrences strictly after ``after`` (aware), as UTC: the "next sends" preview."""
    rule = _rule_of(rule)
    _require_aware("after", after)
    if limit < 1:
        return []
    found: list[datetime] = []
    window_start = after + timedelta(microseconds=1)
    window = timedelta(days=32)
    # Windows grow, so a yearly rule needs a handful of calls and a "never" rule stops at 28 years.
    while len(found) < limit and window_start.year < 9990:
        window_end = window_start + window
        found += occurrences(
            rule, dtstart_local=dtstart_local, tz=tz, start=window_start, end=window_end
        )
        if window > timedelta(days=366 * (_PROBE_YEARS + 1)):
            break
        window_start, window = window_end, window * 2
    return found[:limit]


# --- due: what the scheduler sends now --------------------------------------------------------


@dataclass(frozen=True)
class CatchUp:
    """What to do with a row now.

    ``due``: send these (oldest first). ``skipped``: occurrences that were missed and will not be
    sent (record them, e.g. in the audit log). ``handled_through``: store it as the row's next
    ``last_run``; everything at or before it has now been either sent or skipped.
    """

    due: list[datetime]
    skipped: list[datetime]
    handled_through: datetime


def catch_up(
    rule: Rule | str,
    *,
    dtstart_local: datetime,
    tz: str,
    last_run: datetime | None,
    now: datetime,
    keep: int = 1,
    max_lateness: timedelta | None = None,
) -> CatchUp:
    """Split the occurrences in ``(last_run, now]`` into the ones to send and the ones skipped.

    Catch-up policy: after downtime only the latest ``keep`` missed occurrences (default 1) are
    sent; older ones are reported as skipped, because three stale weekly reports in a row tell a
    stakeholder nothing the latest one does not. With ``max_lateness``, an occurrence older than
    ``now - max_lateness`` is skipped too (a daily report a week late is noise).

    ``last_run=None`` means "never ran": the window starts at the row's start. To avoid a backlog
    for a new row with a start in the past, pass the row's creation time as ``last_run``.
    If ``now`` is not after ``last_run`` (a clock running behind), nothing is due.
    Store ``handled_through`` as the next ``last_run``: successive calls never return an
    occurrence twice, even with ``now`` values out of order.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    _require_aware("now", now)
    if last_run is not None:
        _require_aware("last_run", last_run)
        if now <= last_run:
            return CatchUp(due=[], skipped=[], handled_through=last_run)
        start = last_run + timedelta(microseconds=1)  # (last_run, now]: after the last run
    else:
        zone = _zone(tz)
        _require_naive("dtstart_local", dtstart_local)
        start = _to_utc(dtstart_local, zone) - timedelta(days=1)
    found = occurrences(
        rule, dtstart_local=dtstart_local, tz=tz, start=start, end=now + timedelta(microseconds=1)
    )
    fresh = found if max_lateness is None else [m for m in found if m >= now - max_lateness]
    send = fresh[-keep:]
    skipped = [m for m in found if m not in send]
    return CatchUp(due=send, skipped=skipped, handled_through=now)


def due(
    rule: Rule | str,
    *,
    dtstart_local: datetime,
    tz: str,
    last_run: datetime | None,
    now: datetime,
    keep: int = 1,
    max_lateness: timedelta | None = None,
) -> list[datetime]:
    """The occurrences to send now: ``catch_up(...).due``. Use catch_up to also see the skipped."""
    return catch_up(
        rule,
        dtstart_local=dtstart_local,
        tz=tz,
        last_run=last_run,
        now=now,
        keep=keep,
        max_lateness=max_lateness,
    ).due


def occurrence_key(
    plan_row_id: int | str, occurrence_utc: datetime, recipient_id: int | str
) -> str:
    """A delivery's identity, the same in every process: ``42:20250331T070000Z:7``.

    A unique constraint on it makes "exactly once" enforceable: a second worker that tries the
    same row, occurrence and recipient fails to insert. Text ids are percent-encoded so a ':'
    inside one cannot make two different deliveries share a key.
    """
    _require_aware("occurrence_utc", occurrence_utc)

    def part(name: str, value) -> str:
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            raise ValueError(f"{name} must be an int or a non-empty string, got {value!r}")
        return quote(str(value), safe="")

    moment = occurrence_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{part('plan_row_id', plan_row_id)}:{moment}:{part('recipient_id', recipient_id)}"


# --- load: too much is as bad as too little ---------------------------------------------------

DEFAULT_LOAD_WEEKS = 26
DEFAULT_LOAD_THRESHOLD = 5.0  # a daily weekday report alone is fine; anything on top of it is not


@dataclass(frozen=True)
class LoadRow:
    """One plan row as load sees it: who gets it and on what cadence."""

    recipients: tuple[Hashable, ...]
    rule: Rule | str
    dtstart_local: datetime
    tz: str


def weekly_load(
    rows: Iterable[LoadRow | tuple],
    *,
    start: datetime,
    weeks: int = DEFAULT_LOAD_WEEKS,
) -> dict[Hashable, float]:
    """Communications per week for each recipient, averaged over ``weeks`` weeks from ``start``.

    ``rows`` are LoadRow or plain ``(recipient_ids, rule, dtstart_local, tz)`` tuples. The default
    window is 26 weeks: long enough that a quarterly report counts (a shorter one can miss it and
    call a customer uninformed) and that a monthly one averages out. Every recipient of every row
    is in the result, with 0.0 when their rows have no occurrence in the window. A recipient
    listed twice in one row counts once per occurrence.
    """
    _require_aware("start", start)
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    end = start + timedelta(weeks=weeks)
    totals: dict[Hashable, int] = {}
    for row in rows:
        if not isinstance(row, LoadRow):
            row = LoadRow(*row)
        recipients = dict.fromkeys(row.recipients)
        n = len(
            occurrences(row.rule, dtstart_local=row.dtstart_local, tz=row.tz, start=start, end=end)
        )
        for recipient in recipients:
            totals[recipient] = totals.get(recipient, 0) + n
    return {recipient: total / weeks for recipient, total in totals.items()}


def load_findings(
    load: Mapping[Hashable, float],
    threshold: float = DEFAULT_LOAD_THRESHOLD,
    high_interest_customers: Iterable[Hashable] = (),
    *,
    names: Mapping[Hashable, str] | None = None,
    limits: Mapping[Hashable, float] | None = None,
) -> list[Finding]:
    """Findings about the plan's load.

    - ``too-many-communications`` (warning): a recipient gets more than their own maximum in
      ``limits`` per week, or more than ``threshold`` when they set none (strictly more: at the
      limit is fine). Worst first.
    - ``customer-not-informed`` (warning): a high-interest customer gets nothing (absent from
      ``load`` or 0 per week), in the order given.

    ``names`` maps ids to display names for the messages; ``subject`` is always the id.
    """
    names = names or {}

    def name(recipient) -> str:
        return str(names.get(recipient, recipient))

    limits = limits or {}

    def limit(recipient) -> float:
        own = limits.get(recipient)
        return threshold if own is None else own

    findings = []
    heavy = sorted(
        (
            (per_week, recipient)
            for recipient, per_week in load.items()
            if per_week > limit(recipient)
        ),
        key=lambda pair: (-pair[0], str(pair[1])),
    )
    for per_week, recipient in heavy:
        if limits.get(recipient) is None:
            why = f"threshold {threshold:g}"
        else:
            why = f"they asked for at most {limits[recipient]:g}"
        findings.append(
            Finding(
                code="too-many-communications",
                severity="warning",
                message=(
                    f"Probably too much: {name(recipient)} gets {per_week:.1f} communications "
                    f"per week ({why})"
                ),
                subject=recipient,
            )
        )
    for customer in dict.fromkeys(high_interest_customers):
        if not load.get(customer):
            findings.append(
                Finding(
                    code="customer-not-informed",
                    severity="warning",
                    message=(
                        f"{name(customer)} is a high-interest customer but gets no "
                        "communication from the plan"
                    ),
                    subject=customer,
                )
            )
    return findings


def quiet_day_findings(
    rows: Iterable[tuple[str, LoadRow]],
    quiet_days: Mapping[Hashable, Iterable[int]],
    *,
    start: datetime,
    weeks: int = DEFAULT_LOAD_WEEKS,
    names: Mapping[Hashable, str] | None = None,
) -> list[Finding]:
    """``sends-on-quiet-day`` (warning): a plan row sends to someone on a weekday they asked not
    to be contacted (``quiet_days`` maps recipients to date.weekday() numbers). ``rows`` are
    ``(label, LoadRow)`` pairs; the weekday is the row's own wall clock, over ``weeks`` weeks
    from ``start``. One finding per row and recipient, in the order given."""
    _require_aware("start", start)
    names = names or {}
    day_names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    end = start + timedelta(weeks=weeks)
    findings = []
    for label, row in rows:
        quiet_recipients = [r for r in dict.fromkeys(row.recipients) if quiet_days.get(r)]
        if not quiet_recipients:
            continue
        zone = _zone(row.tz)
        sends = occurrences(
            row.rule, dtstart_local=row.dtstart_local, tz=row.tz, start=start, end=end
        )
        weekdays = {moment.astimezone(zone).weekday() for moment in sends}
        for recipient in quiet_recipients:
            clash = sorted(weekdays & set(quiet_days[recipient]))
            if not clash:
                continue
            days = " and ".join(day_names[d] for d in clash)
            findings.append(
                Finding(
                    code="sends-on-quiet-day",
                    severity="warning",
                    message=(
                        f"{label} reaches {names.get(recipient, recipient)} on {days}, "
                        "a day they asked not to be contacted"
                    ),
                    subject=recipient,
                )
            )
    return findings
