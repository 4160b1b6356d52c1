"""The statistical dashboard's charts, drawn by matplotlib as SVG: the same picture works in the
portal, the preview and the PDF. Text stays text in the SVG (smaller, searchable in the PDF).
The HTML e-mail carries them as PNG images (``fmt="png"``): mail clients do not show SVG.

Each chart function takes plain data (lists of dates and numbers) and returns SVG markup, or PNG
bytes with ``fmt="png"``.
"""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")
from django.utils.formats import date_format
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

_LOCK = threading.Lock()  # pyplot's figure registry is global state
COLOURS = {"green": "#1e6b34", "amber": "#b86e00", "red": "#a4161a", "": "#8792a2"}
_STYLE = {
    "svg.fonttype": "none",
    # 12 pt: shown at its natural width (the report's figures are at least that wide on a
    # desktop), axis text reads at about 15 px, and still at 11 px or more scaled to a phone.
    "font.size": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "rapport",  # stable ids: the same data gives the same SVG
}


def _save(fig, title: str, fmt: str = "svg") -> str | bytes:
    """The figure as SVG markup, or as PNG bytes with ``fmt="png"`` (for e-mail clients)."""
    # Fixed margins: "tight" or "constrained" layout draws the figure twice (measured ~30% slower).
    # Room for 11 pt tick labels ("evidence", "days late (worst)") so none is cut.
    fig.subplots_adjust(left=0.21, right=0.97, bottom=0.27, top=0.86)
    if fmt == "png":
        buffer = io.BytesIO()
        # PNG metadata without the matplotlib version or a date: the same data, the same bytes.
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
        plt.close(fig)
        return buffer.getvalue()
    if fmt != "svg":
        raise ValueError("fmt must be svg or png")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    plt.close(fig)
    svg = buffer.getvalue()
    # The XML prolog and DOCTYPE are not allowed inside HTML; drop everything before <svg.
    return svg[svg.index("<svg") :]


def _date_axis(ax, days: list[date]) -> None:
    """Readable dates, also for one point (matplotlib would spread a single day over years)."""
    if days and min(days) == max(days):
        ax.set_xlim(min(days) - timedelta(days=7), max(days) + timedelta(days=7))
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=6))
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    ax.tick_params(axis="x", labelrotation=30)


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#4a5566")
    ax.set_xticks([])
    ax.set_yticks([])


def progress_chart(
    reported: list[tuple[date, float]], evidence: list[tuple[date, float]], *, fmt: str = "svg"
) -> str | bytes:
    """Progress over time: what the status updates said and what the activities show (0-100 %)."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(4.6, 2.8))
        if not reported and not evidence:
            _empty(ax, "No progress recorded yet")
        else:
            if reported:
                ax.plot(
                    [d for d, _ in reported],
                    [v for _, v in reported],
                    marker="o",
                    label="reported",
                    color="#0b5cad",
                )
            if evidence:
                ax.plot(
                    [d for d, _ in evidence],
                    [v for _, v in evidence],
                    marker="s",
                    linestyle="--",
                    label="activities done",
                    color="#4a5566",
                )
            ax.set_ylim(0, 100)
            ax.set_ylabel("% complete")
            _date_axis(ax, [d for d, _ in reported] + [d for d, _ in evidence])
            ax.legend(loc="upper left", frameon=False)
        ax.set_title("Progress over time")
        return _save(fig, "Progress over time", fmt)


def milestone_chart(slips: list[tuple[date, int]], *, fmt: str = "svg") -> str | bytes:
    """Milestone trend: the worst milestone slip against its baseline, in days, over time."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(4.6, 2.8))
        if not slips:
            _empty(ax, "No milestone baseline yet")
        else:
            values = [v for _, v in slips]
            ax.plot([d for d, _ in slips], values, marker="o", color="#a4161a")
            ax.axhline(0, color="#8792a2", linewidth=0.8)
            # Whole days, and room above zero: a flat "on time" line is not a ±0.04-day wiggle.
            ax.set_ylim(min(-1, min(values) - 1), max(5, max(values) + 2))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel("days late (worst)")
            _date_axis(ax, [d for d, _ in slips])
        ax.set_title("Milestone trend")
        return _save(fig, "Milestone trend", fmt)


def colour_chart(history: list[tuple[date, str, str]], *, fmt: str = "svg") -> str | bytes:
    """Colour history: reported (top row) and evidence (bottom row), one column per snapshot."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(4.6, 1.9))
        if not history:
            _empty(ax, "No colour history yet")
        else:
            for i, (_, reported, evidence) in enumerate(history):
                ax.add_patch(
                    plt.Rectangle((i, 1), 0.9, 0.8, color=COLOURS.get(reported, COLOURS[""]))
                )
                ax.add_patch(
                    plt.Rectangle((i, 0), 0.9, 0.8, color=COLOURS.get(evidence, COLOURS[""]))
                )
            ax.set_xlim(0, len(history))
            ax.set_ylim(0, 1.9)
            ax.set_yticks([0.4, 1.4])
            ax.set_yticklabels(["evidence", "reported"])
            step = max(1, len(history) // 6)
            ax.set_xticks([i + 0.45 for i in range(0, len(history), step)])
            ax.set_xticklabels(
                [
                    date_format(history[i][0], "MONTH_DAY_FORMAT")
                    for i in range(0, len(history), step)
                ]
            )
            ax.spines["left"].set_visible(False)
            ax.spines["bottom"].set_visible(False)
        ax.set_title("Colour history: reported and evidence")
        return _save(fig, "Colour history", fmt)


def budget_chart(points: list[tuple[date, float, float]], *, fmt: str = "svg") -> str | bytes:
    """Budget burn: share of the budget spent against the share of work done (0-100 %)."""
    with _LOCK, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(4.6, 2.8))
        if not points:
            _empty(ax, "No spending recorded yet")
        else:
            days = [d for d, _, _ in points]
            ax.plot(
                days, [s for _, s, _ in points], marker="o", label="budget spent", color="#a4161a"
            )
            ax.plot(
                days,
                [p for _, _, p in points],
                marker="s",
                linestyle="--",
                label="progress",
                color="#0b5cad",
            )
            ax.set_ylim(0, max(100, *(s for _, s, _ in points)) + 5)
            ax.set_ylabel("%")
            _date_axis(ax, days)
            ax.legend(loc="upper left", frameon=False)
        ax.set_title("Budget burn against progress")
        return _save(fig, "Budget burn", fmt)
