"""The pictures: the power/interest grid and the engagement matrix, as accessible SVG.

Rendered on the server with matplotlib's SVG backend (no GUI, no pyplot state), so the same SVG
goes into the page, a downloaded file, an e-mail or a PDF report. Each SVG carries a <title> and
<desc>; pages put a table with the same facts next to it.
"""

from __future__ import annotations

import io
import re
from html import escape

from . import rules

ATTITUDE_COLOURS = {
    "champion": "#1e6b34",
    "supporter": "#3a8f4f",
    "neutral": "#4a5566",
    "sceptic": "#b35c00",
    "blocker": "#a4161a",
    "": "#0b5cad",
}
# Above this many stakeholders the grid shows counts per cell instead of names.
NAMES_UP_TO = 40
ENGAGEMENT_ROWS = 40


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
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: it is inlined in HTML
    # Ids are prefixed so two pictures in one page never share an id.
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    head = f'<svg role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart" '
    svg = svg.replace("<svg ", head, 1)
    close = svg.index(">", svg.index("<svg")) + 1
    svg = (
        svg[:close]
        + f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
        + svg[close:]
    )
    return svg


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def power_interest_svg(stakeholders, *, prefix: str = "pi") -> str:
    """The grid: interest across, power up, quadrants shaded with their strategy, each assessed
    stakeholder placed in its cell (names when few, counts when many)."""
    placed = [s for s in stakeholders if s.power is not None and s.interest is not None]
    figure = _figure(8.5, 6.5)
    ax = figure.add_subplot()
    low, high = 0.5, rules.HIGH_FROM - 0.5
    shades = {
        "manage-closely": ((high, 5.5), (high, 5.5), "#fdecea"),
        "keep-satisfied": ((low, high), (high, 5.5), "#fff4e0"),
        "keep-informed": ((high, 5.5), (low, high), "#e8f1fb"),
        "monitor": ((low, high), (low, high), "#f3f5f8"),
    }
    for key, ((x0, x1), (y0, y1), colour) in shades.items():
        ax.axvspan(x0, x1, ymin=(y0 - 0.5) / 5, ymax=(y1 - 0.5) / 5, color=colour, zorder=0)
        ax.text(
            (x0 + x1) / 2,
            y0 + 0.08,
            rules.QUADRANTS[key][0].upper(),
            ha="center",
            va="bottom",
            fontsize=10,
            color="#1d2430",
            fontweight="bold",
            zorder=1,
        )
    # Faint lines between the score cells: a name sits in the cell of its score, and these show
    # which cell that is.
    for edge in (1.5, 2.5, 3.5, 4.5):
        if edge != high:
            ax.axvline(edge, color="#d5dae1", linewidth=0.6, zorder=0.5)
            ax.axhline(edge, color="#d5dae1", linewidth=0.6, zorder=0.5)
    ax.axvline(high, color="#8792a2", linewidth=1)
    ax.axhline(high, color="#8792a2", linewidth=1)
    cells: dict[tuple[int, int], list] = {}
    for s in placed:
        cells.setdefault((s.interest, s.power), []).append(s)
    for (interest, power), group in cells.items():
        if len(placed) > NAMES_UP_TO:
            ax.scatter(
                [interest], [power], s=200 + 40 * len(group), color="#0b5cad", alpha=0.85, zorder=3
            )
            ax.text(
                interest,
                power,
                str(len(group)),
                ha="center",
                va="center",
                color="white",
                fontsize=9,
                zorder=4,
            )
            continue
        shown = group[:4]
        for i, s in enumerate(shown):
            y = power + 0.25 - i * 0.17
            name = getattr(s, "name", None) or s.party.name
            ax.scatter(
                [interest - 0.36],
                [y],
                s=30,
                color=ATTITUDE_COLOURS.get(s.attitude, "#0b5cad"),
                zorder=3,
            )
            ax.text(
                interest - 0.3,
                y,
                _short(name, 17) + (" (!)" if s.nervous else ""),
                va="center",
                fontsize=8,
                color="#1d2430",
                zorder=4,
            )
        if len(group) > len(shown):
            ax.text(
                interest - 0.3,
                power + 0.25 - 4 * 0.17,
                f"+{len(group) - len(shown)} more",
                va="center",
                fontsize=8,
                color="#4a5566",
            )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("Interest (1 low – 5 high)")
    ax.set_ylabel("Power (1 low – 5 high)")
    for spine in ax.spines.values():
        spine.set_color("#8792a2")
    counts = {k: 0 for k in rules.QUADRANTS}
    for s in placed:
        counts[rules.quadrant(s.power, s.interest)] += 1
    desc = (
        f"{len(placed)} stakeholders placed by power and interest. "
        + "; ".join(f"{rules.QUADRANTS[k][0]}: {n}" for k, n in counts.items())
        + ". Names ending in (!) are nervous. The table next to the picture lists every stakeholder."
    )
    return _svg(figure, prefix=prefix, title="Power/interest grid", desc=desc)


def engagement_svg(stakeholders, *, prefix: str = "em") -> str:
    """The engagement matrix: a row per stakeholder, the five levels across, C where they are now,
    D where they need to be, gaps marked with an arrow. Largest gaps first."""
    assessed = [s for s in stakeholders if s.engagement_now or s.engagement_needed]

    def gap(s):
        g = rules.engagement_gap(s.engagement_now, s.engagement_needed)
        return g if g is not None else 0

    assessed.sort(key=lambda s: (-abs(gap(s)), (getattr(s, "name", None) or s.party.name).lower()))
    rows = assessed[:ENGAGEMENT_ROWS]
    height = 1.2 + 0.32 * max(1, len(rows))
    figure = _figure(8.5, height)
    ax = figure.add_subplot()
    levels = [name for _, name in rules.ENGAGEMENT]
    for y, s in enumerate(reversed(rows)):
        now = rules.ENGAGEMENT_RANK.get(s.engagement_now)
        needed = rules.ENGAGEMENT_RANK.get(s.engagement_needed)
        g = gap(s)
        if g:
            ax.axhspan(y - 0.45, y + 0.45, color="#fff4e0" if g > 0 else "#f3f5f8", zorder=0)
        if now is not None and needed is not None and now != needed:
            ax.annotate(
                "",
                xy=(needed, y),
                xytext=(now, y),
                arrowprops={"arrowstyle": "->", "color": "#b35c00", "linewidth": 1.5},
                zorder=2,
            )
        if now is not None and now == needed:  # side by side: neither hides the other
            now, needed = now - 0.13, needed + 0.13
        if now is not None:
            ax.text(
                now,
                y,
                "C",
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                color="white",
                bbox={"boxstyle": "circle,pad=0.25", "fc": "#0b5cad", "ec": "none"},
                zorder=3,
            )
        if needed is not None:
            ax.text(
                needed,
                y,
                "D",
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                color="#1d2430",
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#1d2430"},
                zorder=3,
            )
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(
        [_short(getattr(s, "name", None) or s.party.name, 28) for s in reversed(rows)], fontsize=9
    )
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels(levels, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_ylim(-0.6, max(0, len(rows) - 1) + 0.6)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    with_gap = sum(1 for s in assessed if gap(s) > 0)
    more = (
        f" Showing the {len(rows)} with the largest gaps of {len(assessed)}."
        if len(assessed) > len(rows)
        else ""
    )
    desc = (
        f"Engagement now (C) and needed (D) for {len(assessed)} stakeholders; {with_gap} need more engagement "
        f"than they show.{more} The table next to the picture lists every stakeholder."
    )
    return _svg(figure, prefix=prefix, title="Engagement matrix: now versus needed", desc=desc)
