"""The pictures: the power/interest grid and the engagement matrix, as accessible SVG.

Rendered on the server with matplotlib's SVG backend (no GUI, no pyplot state), so the same SVG
goes into the page, a downloaded file, an e-mail or a PDF report. Each SVG carries a <title> and
<desc>; pages put a table with the same facts next to it.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
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
# Text size in the SVG's units (points). Pages show the SVG at its natural width (a point is
# 1.33 px there), so the smallest text, 11, reads at about 15 px and never below 11 px.
FONT = 12
LABEL_FONT = 11
# Names beside a dot: wrapped at this many characters (what fits before the next score's dot), and
# this many lines at most per point.
LABEL_CHARS = 12
LABEL_LINES = 5
# The grid runs on past interest 5 so the names beside its dots stay inside, clear of the edge.
RIGHT = 6.1


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


def _name(s) -> str:
    return getattr(s, "name", None) or s.party.name


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """The text on at most ``lines`` lines of about ``width`` characters, broken between words.
    A word is never split; a name too long even for that ends with "…" at a word boundary (the
    table next to the picture has it whole)."""
    return "\n".join(
        textwrap.wrap(text, width, max_lines=lines, placeholder=" …", break_long_words=False)
    )


def _jitter_radius(count: int) -> float:
    """How far from their point stakeholders sharing it sit: enough to keep their dots apart,
    never more than 0.15 of a score."""
    return 0.0 if count < 2 else min(0.15, 0.05 + 0.01 * count)


def grid_positions(stakeholders) -> list[tuple[object, float, float]]:
    """Where each assessed stakeholder's dot goes, as ``(stakeholder, interest, power)``: exactly at
    its scores. Stakeholders sharing a point sit on a small circle around it, in name order, so
    every dot shows and none drifts towards a neighbouring score."""
    placed = [s for s in stakeholders if s.power is not None and s.interest is not None]
    groups: dict[tuple[int, int], list] = {}
    for s in sorted(placed, key=lambda s: (_name(s).lower(), getattr(s, "pk", 0) or 0)):
        groups.setdefault((s.interest, s.power), []).append(s)
    positions = []
    for (interest, power), group in groups.items():
        if len(group) == 1:
            positions.append((group[0], float(interest), float(power)))
            continue
        radius = _jitter_radius(len(group))
        for i, s in enumerate(group):
            angle = math.pi / 2 - 2 * math.pi * i / len(group)  # from the top, clockwise
            positions.append(
                (s, interest + radius * math.cos(angle), power + radius * math.sin(angle))
            )
    return positions


def power_interest_svg(stakeholders, *, prefix: str = "pi") -> str:
    """The grid: interest across, power up, quadrants shaded with their strategy, each assessed
    stakeholder a dot at its exact scores (names beside when few, counts per point when many)."""
    positions = grid_positions(stakeholders)
    placed = [s for s, _, _ in positions]
    figure = _figure(10.5, 8)
    ax = figure.add_subplot()
    from matplotlib.patches import Rectangle

    low, high = 0.5, rules.HIGH_FROM - 0.5
    shades = {
        "manage-closely": ((high, RIGHT), (high, 5.5), "#fdecea"),
        "keep-satisfied": ((low, high), (high, 5.5), "#fff4e0"),
        "keep-informed": ((high, RIGHT), (low, high), "#e8f1fb"),
        "monitor": ((low, high), (low, high), "#f3f5f8"),
    }
    for key, ((x0, x1), (y0, y1), colour) in shades.items():
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=colour, zorder=0))
        # The strategy's name in a band outside the scores (above the top quadrants, below the
        # bottom ones), where no dot or name can sit on it.
        top = y1 > high
        ax.text(
            (x0 + x1) / 2,
            5.58 if top else 0.42,
            rules.QUADRANTS[key][0].upper(),
            ha="center",
            va="bottom" if top else "top",
            fontsize=FONT,
            color="#1d2430",
            fontweight="bold",
            zorder=1,
        )
    # Faint lines between the score cells: they show which score a dot is nearest.
    for edge in (1.5, 2.5, 3.5, 4.5):
        if edge != high:
            ax.vlines(edge, 0.5, 5.5, color="#d5dae1", linewidth=0.6, zorder=0.5)
            ax.hlines(edge, 0.5, RIGHT, color="#d5dae1", linewidth=0.6, zorder=0.5)
    ax.vlines(high, 0.5, 5.5, color="#8792a2", linewidth=1)
    ax.hlines(high, 0.5, RIGHT, color="#8792a2", linewidth=1)
    ax.add_patch(Rectangle((0.5, 0.5), RIGHT - 0.5, 5, fill=False, edgecolor="#8792a2", zorder=0.6))
    groups: dict[tuple[int, int], list] = {}
    for s in placed:
        groups.setdefault((s.interest, s.power), []).append(s)
    if len(placed) > NAMES_UP_TO:
        for (interest, power), group in groups.items():
            ax.scatter(
                [interest], [power], s=260 + 40 * len(group), color="#0b5cad", alpha=0.85, zorder=3
            )
            ax.text(
                interest,
                power,
                str(len(group)),
                ha="center",
                va="center",
                color="white",
                fontsize=FONT,
                fontweight="bold",
                zorder=4,
            )
    else:
        for n, (s, x, y) in enumerate(positions):
            dot = ax.scatter(
                [x], [y], s=55, color=ATTITUDE_COLOURS.get(s.attitude, "#0b5cad"), zorder=3
            )
            dot.set_gid(f"dot-{n}")  # lets a reader (and the tests) find each stakeholder's dot
        for (interest, power), group in groups.items():
            lines: list[str] = []
            for i, s in enumerate(group):
                label = _wrap(_name(s), LABEL_CHARS, 4).split("\n")
                if s.nervous:  # on the name's last line, never a line of its own
                    label[-1] += " (!)"
                others = len(group) - i - 1
                if len(label) > LABEL_LINES - len(lines) - (1 if others else 0):
                    lines.append(f"+{len(group) - i} more")
                    break
                lines.extend(label)
            ax.text(
                interest + _jitter_radius(len(group)) + 0.1,
                power,
                "\n".join(lines),
                va="center",
                fontsize=LABEL_FONT,
                linespacing=1.15,
                color="#1d2430",
                zorder=4,
            )
    ax.set_xlim(0.5, RIGHT)
    ax.set_ylim(0.15, 5.85)  # room for the strategies' names above and below
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.tick_params(labelsize=FONT)
    ax.set_xlabel("Interest (1 low – 5 high)", fontsize=FONT)
    ax.set_ylabel("Power (1 low – 5 high)", fontsize=FONT)
    for spine in ax.spines.values():
        spine.set_visible(False)
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

    assessed.sort(key=lambda s: (-abs(gap(s)), _name(s).lower()))
    rows = assessed[:ENGAGEMENT_ROWS]
    height = 1.2 + 0.45 * max(1, len(rows))  # a row holds a name on two lines
    figure = _figure(9, height)
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
                fontsize=FONT,
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
                fontsize=FONT,
                fontweight="bold",
                color="#1d2430",
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#1d2430"},
                zorder=3,
            )
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(
        [_wrap(_name(s), 24) for s in reversed(rows)], fontsize=FONT, linespacing=1.1
    )
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels(levels, fontsize=FONT)
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
