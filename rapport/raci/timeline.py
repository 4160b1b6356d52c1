"""The timeline (Gantt-style) of a project's activities, drawn as SVG on the server.

Two pure steps, no database: `layout` turns the activities into geometry (where each bar,
diamond, baseline line and label goes), `svg` writes that geometry as markup. The page puts a
table of the same data under the picture, for screen readers and for copying.
"""

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from django.utils.formats import date_format

LABEL_WIDTH = 210  # the activity names on the left
AXIS_HEIGHT = 34  # month labels and "Today" above the first row
ROW_HEIGHT = 26
GROUP_HEIGHT = 26
RIGHT_MARGIN = 90  # "+120 days" or "read-only" after the last bar
MIN_BAR = 6  # a one-day task on a long plan is still a bar, not a hairline
PLOT_TARGET = 900  # about this many pixels for the dates, whatever the span
DAY_MIN, DAY_MAX = 2.0, 24.0  # pixels per day
NAME_CHARS = 30  # longer names are shortened in the picture (the table has them whole)
FONT = 'font-family="system-ui, sans-serif" font-size="12"'  # 12 px: readable, never below 11

COLOURS = {
    "planned": "#0b5cad",
    "slipped": "#8a5300",
    "done": "#1e6b34",
    "contingency": "#f3f5f8",
    "ink": "#1d2430",
    "muted": "#4a5566",
    "band": "#f3f5f8",
    "today": "#a4161a",
    "grid": "#d5dae1",
}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: an activity (or the estimate's contingency) with its dates."""

    name: str
    group: str = ""  # the phase's name; "" when it has none
    kind: str = "task"
    status: str = "not_started"
    start: dt.date | None = None
    finish: dt.date | None = None
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    contingency: bool = False

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"

    @property
    def slip_days(self) -> int:
        """Calendar days the planned finish lies after the baseline finish (0 if not later)."""
        if self.finish and self.baseline_finish and self.finish > self.baseline_finish:
            return (self.finish - self.baseline_finish).days
        return 0

    @property
    def slip_text(self) -> str:
        days = self.slip_days
        return f"+{days} day{'' if days == 1 else 's'}" if days else ""

    def dates(self) -> list[dt.date]:
        return [
            d
            for d in (self.start, self.finish, self.baseline_start, self.baseline_finish)
            if d is not None
        ]


@dataclass(frozen=True)
class Row:
    entry: Entry
    y: float  # top of the row
    shape: str  # "bar", "diamond" or "none" (no dates yet)
    x1: float = 0.0
    x2: float = 0.0
    baseline: tuple[float, float] | None = None
    colour: str = COLOURS["planned"]

    @property
    def middle(self) -> float:
        return self.y + ROW_HEIGHT / 2


@dataclass(frozen=True)
class Band:
    label: str
    y: float
    height: float


@dataclass
class Chart:
    width: float
    height: float
    first: dt.date | None
    last: dt.date | None
    day: float
    rows: list[Row] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    today_x: float | None = None


def layout(entries: list[Entry], *, today: dt.date) -> Chart:
    """Where everything goes. Entries come in display order, grouped by `group`; a band with the
    group's name starts wherever the group changes."""
    dates = [d for e in entries for d in e.dates()]
    if dates:
        # A few days of margin on each side; RIGHT_MARGIN leaves room for a "+N days" label.
        first = min(dates) - dt.timedelta(days=3)
        last = max(dates) + dt.timedelta(days=3)
        span = (last - first).days + 1
        day = max(DAY_MIN, min(DAY_MAX, PLOT_TARGET / span))
        plot = span * day
    else:
        first = last = None
        day, plot = DAY_MAX, 300.0

    def x(date: dt.date) -> float:
        return LABEL_WIDTH + (date - first).days * day

    chart = Chart(
        width=LABEL_WIDTH + plot + RIGHT_MARGIN, height=0, first=first, last=last, day=day
    )
    y = AXIS_HEIGHT
    group = None
    band_top = None
    for entry in entries:
        if entry.group != group or band_top is None:
            if band_top is not None:
                chart.bands.append(Band(group or "No phase", band_top, y - band_top))
            group, band_top = entry.group, y
            y += GROUP_HEIGHT
        chart.rows.append(_row(entry, y, x, day))
        y += ROW_HEIGHT
    if band_top is not None:
        chart.bands.append(Band(group or "No phase", band_top, y - band_top))
    chart.height = y + 8
    if first is not None:
        chart.ticks = _month_ticks(first, last, x)
        if first <= today <= last:
            chart.today_x = x(today) + day / 2
    return chart


def _row(entry: Entry, y: float, x, day: float) -> Row:
    start = entry.start or entry.finish
    finish = entry.finish or entry.start
    if start is None:
        return Row(entry, y, "none")
    if entry.contingency:
        colour = COLOURS["contingency"]
    elif entry.slip_days:
        colour = COLOURS["slipped"]
    elif entry.status == "done":
        colour = COLOURS["done"]
    else:
        colour = COLOURS["planned"]
    baseline = None
    b_start = entry.baseline_start or entry.baseline_finish
    b_finish = entry.baseline_finish or entry.baseline_start
    if b_start is not None and not entry.contingency:
        # A bar covers its finish day, hence the day after the finish.
        baseline = (x(b_start), max(x(b_finish) + day, x(b_start) + MIN_BAR))
    if entry.is_milestone:
        centre = x(finish) + day / 2
        if baseline is not None:
            middle = x(b_finish) + day / 2
            baseline = (middle - 6, middle + 6)
        return Row(entry, y, "diamond", centre - 7, centre + 7, baseline, colour)
    return Row(entry, y, "bar", x(start), x(finish) + day, baseline, colour)


def _month_ticks(first: dt.date, last: dt.date, x) -> list[tuple[float, str]]:
    """The first of each month in the range, labelled where there is room (every month on a
    short plan, fewer on a long one)."""
    ticks = []
    month = dt.date(first.year, first.month, 1)
    previous = None
    while month <= last:
        if month >= first:
            at = x(month)
            if previous is None or at - previous >= 40:
                # The year only where it starts (and on the first label): "Nov 2026", "Dec", …
                show_year = previous is None or month.month == 1
                ticks.append((at, month.strftime("%b %Y" if show_year else "%b")))
                previous = at
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(chart: Chart, *, title: str, desc: str) -> str:
    """The chart as an SVG element with a <title> and <desc>; every text is escaped."""
    w, h = _n(chart.width), _n(chart.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="timeline-title timeline-desc">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(desc)}</desc>',
        f'<g {FONT} fill="{COLOURS["ink"]}">',
    ]
    for band in chart.bands:
        out.append(
            f'<rect x="0" y="{_n(band.y)}" width="{w}" height="{_n(band.height)}" '
            f'fill="{COLOURS["band"]}" stroke="{COLOURS["grid"]}"/>'
            f'<text x="6" y="{_n(band.y + 17)}" font-weight="700">{escape(band.label)}</text>'
        )
    for at, label in chart.ticks:
        out.append(
            f'<line x1="{_n(at)}" y1="{AXIS_HEIGHT - 6}" x2="{_n(at)}" y2="{h}" '
            f'stroke="{COLOURS["grid"]}"/>'
            f'<text x="{_n(at + 3)}" y="14" fill="{COLOURS["muted"]}">{label}</text>'
        )
    for row in chart.rows:
        out.append(_row_svg(row))
    if chart.today_x is not None:
        t = _n(chart.today_x)
        out.append(
            f'<line x1="{t}" y1="18" x2="{t}" y2="{h}" stroke="{COLOURS["today"]}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{_n(chart.today_x + 4)}" y="29" fill="{COLOURS["today"]}" '
            f'font-weight="700">Today</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


def _row_svg(row: Row) -> str:
    entry = row.entry
    mid = row.middle
    parts = [
        f'<g class="timeline-row"><title>{escape(_tooltip(entry))}</title>'
        f'<text x="16" y="{_n(mid + 4)}">{escape(_short(entry.name))}</text>'
    ]
    if row.shape == "none":
        parts.append(
            f'<text x="{LABEL_WIDTH + 4}" y="{_n(mid + 4)}" fill="{COLOURS["muted"]}" '
            f'font-style="italic">no dates yet</text>'
        )
    elif row.shape == "diamond":
        cx = (row.x1 + row.x2) / 2
        points = f"{_n(cx)},{_n(mid - 7)} {_n(cx + 7)},{_n(mid)} {_n(cx)},{_n(mid + 7)} {_n(cx - 7)},{_n(mid)}"
        parts.append(f'<polygon class="milestone" points="{points}" fill="{row.colour}"/>')
    else:
        stroke = f' stroke="{COLOURS["muted"]}" stroke-dasharray="4 2"' if entry.contingency else ""
        parts.append(
            f'<rect class="bar" x="{_n(row.x1)}" y="{_n(row.y + 5)}" '
            f'width="{_n(max(row.x2 - row.x1, MIN_BAR))}" height="12" rx="2" '
            f'fill="{row.colour}"{stroke}/>'
        )
    if row.baseline is not None:
        b1, b2 = row.baseline
        parts.append(
            f'<line class="baseline" x1="{_n(b1)}" y1="{_n(row.y + 21)}" x2="{_n(b2)}" '
            f'y2="{_n(row.y + 21)}" stroke="{COLOURS["ink"]}" stroke-width="2"/>'
        )
    end = max(row.x2, row.x1 + MIN_BAR, row.baseline[1] if row.baseline else 0)
    if entry.slip_days:
        parts.append(
            f'<text class="slip" x="{_n(end + 5)}" y="{_n(mid + 4)}" fill="{COLOURS["slipped"]}" '
            f'font-weight="700">{entry.slip_text}</text>'
        )
    elif entry.contingency:
        parts.append(
            f'<text x="{_n(end + 5)}" y="{_n(mid + 4)}" fill="{COLOURS["muted"]}">read-only</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _day(date: dt.date) -> str:
    return date_format(date)


def _tooltip(entry: Entry) -> str:
    start, finish = entry.start or entry.finish, entry.finish or entry.start
    when = f"{_day(start)} – {_day(finish)}" if start else "no dates yet"
    text = f"{entry.name}: {when}"
    if entry.slip_days:
        text += f", {entry.slip_text} after the baseline finish {_day(entry.baseline_finish)}"
    return text


def description(entries: list[Entry]) -> str:
    """The chart in one or two sentences, for its <desc>."""
    activities = [e for e in entries if not e.contingency]
    slipped = [e for e in activities if e.slip_days]
    text = f"{len(activities)} activit{'y' if len(activities) == 1 else 'ies'}"
    dates = [d for e in activities for d in e.dates()]
    if dates:
        text += f" between {_day(min(dates))} and {_day(max(dates))}"
    text += f"; {len(slipped)} slipped against the baseline"
    if slipped:
        text += ": " + ", ".join(f"{e.name} ({e.slip_text})" for e in slipped[:5])
        if len(slipped) > 5:
            text += f" and {len(slipped) - 5} more"
    return text + ". The table below lists the same dates."
