"""The estimate's pictures: S-curves (finish and cost) and tornado charts, as accessible SVG.

Rendered on the server with matplotlib's SVG backend (no GUI, no pyplot state) from a stored run's
JSON, so the page and the PDF show the same picture. Each SVG carries a <title> and <desc>, and
its ids are prefixed so several charts can share a page; pages put a table with the same figures
next to each chart.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
from collections.abc import Callable
from html import escape

INK, MUTED, ACCENT, DANGER, OK = "#1d2430", "#4a5566", "#0b5cad", "#a4161a", "#1e6b34"
MARKS = (("p50", "P50", "#4a5566"), ("p80", "P80", "#0b5cad"), ("p90", "P90", "#8a5300"))
# Text sizes in the SVG's units (points). Pages show the charts at their natural width (a point is
# 1.33 px there), so the smallest text, 11, reads at about 15 px and never below 11 px.
FONT = 12
NOTE_FONT = 11


def _figure(width: float, height: float):
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=72)
    FigureCanvasSVG(figure)
    return figure


def _svg(figure, *, prefix: str, title: str, desc: str) -> str:
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": prefix, "font.family": "DejaVu Sans"}
    ):
        figure.savefig(
            out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
        )
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration: the SVG is inlined in HTML
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart" ', 1
    )
    close = svg.index(">", svg.index("<svg")) + 1
    return (
        svg[:close]
        + f'<title id="{prefix}-title">{escape(title)}</title>'
        + f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
        + svg[close:]
    )


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=FONT)
    for axis in (ax.xaxis, ax.yaxis):  # the year under dates: tick_params leaves it at 10
        axis.get_offset_text().set_fontsize(FONT)
    ax.grid(True, color="#d5dae1", linewidth=0.6)
    ax.set_axisbelow(True)


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")


def _few_ticks():
    """Five or so ticks: amounts like 325,000 at 12 pt need the room."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=5)


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _wrap(name: str, width: int = 26) -> str:
    """The name on at most two lines, broken between words; one too long even for that ends with
    "…" after a whole word (the table beside the chart has it whole)."""
    return "\n".join(
        textwrap.wrap(name, width, max_lines=2, placeholder=" …", break_long_words=False)
    )


def s_curve_svg(
    result: dict,
    *,
    kind: str,
    describe: Callable[[float], str],
    to_date: Callable[[float], dt.date | None] | None = None,
    axis_label: str,
    target: float | None = None,
    target_label: str = "",
    prefix: str,
) -> str:
    """Cumulative probability against the finish (``kind="finish"``, working days, or dates when
    ``to_date`` is given) or the total cost: P50/P80/P90 marked, the base estimate dashed, the
    sponsor's target in red."""
    curve = result["s_curve"]
    xs, ps = curve[kind], [p * 100 for p in curve["probability"]]
    convert = (lambda v: to_date(v)) if to_date else (lambda v: v)
    figure = _figure(7.2, 3.6)
    ax = figure.add_subplot()
    _style(ax)
    ax.plot([convert(x) for x in xs], ps, color=INK, linewidth=2)
    span = (max(xs) - min(xs)) or 1
    for key, label, colour in MARKS:
        value = result[key][kind]
        # A mark's label reads to the right of its point, unless the target's line (and its
        # label) is just there: then to the left, where the rising curve leaves room.
        left = target is not None and 0 <= target - value < 0.3 * span
        ax.plot([convert(value)], [int(key[1:])], "o", color=colour, markersize=7)
        ax.annotate(
            f"{label}: {describe(value)}",
            (convert(value), int(key[1:])),
            xytext=(-8 if left else 8, -12 if key == "p90" else -4),
            textcoords="offset points",
            fontsize=NOTE_FONT,
            color=colour,
            ha="right" if left else "left",
        )
    base = result["base"][kind]
    # The base's and the target's labels on the sides of their lines facing away from each
    # other: two close lines never put one label over the other.
    base_left = target is not None and target >= base
    ax.axvline(convert(base), color=MUTED, linestyle="--", linewidth=1)
    ax.annotate(
        f"base {describe(base)}",
        (convert(base), 4),
        xytext=(-4 if base_left else 4, 0),
        textcoords="offset points",
        fontsize=NOTE_FONT,
        color=MUTED,
        rotation=90,
        va="bottom",
        ha="right" if base_left else "left",
    )
    if target is not None:
        ax.axvline(convert(target), color=DANGER, linewidth=1.5)
        ax.annotate(
            target_label or f"target {describe(target)}",
            (convert(target), 98),
            xytext=(4 if base_left else -4, 0),
            textcoords="offset points",
            fontsize=NOTE_FONT,
            color=DANGER,
            rotation=90,
            va="top",
            ha="left" if base_left else "right",
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel(
        "chance of finishing within (%)" if kind == "finish" else "chance within (%)", fontsize=FONT
    )
    ax.set_xlabel(axis_label, fontsize=FONT)
    if to_date:
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.xaxis.set_major_locator(_few_ticks())
        ax.xaxis.set_major_formatter(_thousands())
    what = "finish" if kind == "finish" else "total cost"
    desc = (
        f"S-curve of the {what}: "
        + "; ".join(f"{label} {describe(result[key][kind])}" for key, label, _ in MARKS)
        + f"; base estimate {describe(base)}"
        + (f"; {target_label or 'target ' + describe(target)}" if target is not None else "")
        + "."
    )
    return _svg(figure, prefix=prefix, title=f"S-curve: chance of the {what}", desc=desc)


def tornado_svg(
    bars: list[dict], *, centre: float, describe: Callable[[float], str], what: str, prefix: str
) -> str:
    """One bar per activity, widest swing on top: the project's mean finish (or cost) when that
    activity comes out in its lowest 10 % against its highest 10 %."""
    shown = bars[:10]
    height = 1.2 + 0.5 * max(len(shown), 1)  # a row holds a name on two lines
    figure = _figure(7.2, height)
    ax = figure.add_subplot()
    _style(ax)
    ax.grid(True, axis="x", color="#d5dae1", linewidth=0.6)
    ax.grid(False, axis="y")
    if not shown:
        ax.text(
            0.5,
            0.5,
            "No activity varies",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=FONT,
        )
        ax.set_yticks([])
    for i, bar in enumerate(reversed(shown)):
        low, high = bar["low"], bar["high"]
        ax.barh(i, centre - low, left=low, color="#9cc3e8", height=0.6)
        ax.barh(i, high - centre, left=centre, color=ACCENT, height=0.6)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([_wrap(b["name"]) for b in reversed(shown)], fontsize=FONT, linespacing=1.1)
    ax.axvline(centre, color=INK, linewidth=1)
    ax.set_xlabel(
        f"project {what}: activity at its lowest 10 % (light) and highest 10 % (dark)",
        fontsize=FONT,
    )
    ax.xaxis.set_major_locator(_few_ticks())
    ax.xaxis.set_major_formatter(_thousands())
    desc = "Tornado chart, widest swing first: " + "; ".join(
        f"{b['name']} from {describe(b['low'])} to {describe(b['high'])}" for b in shown
    )
    return _svg(figure, prefix=prefix, title=f"What drives the spread of the {what}", desc=desc)
