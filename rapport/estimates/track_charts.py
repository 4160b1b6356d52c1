"""The track record's pictures, as accessible SVG (same matplotlib setup as charts.py): estimate
accuracy over time, accuracy per group (kind of activity, estimator), promise-keeping rates. The
page puts a table with the same figures next to each chart."""

from __future__ import annotations

from .charts import ACCENT, DANGER, INK, MUTED, OK, _figure, _short, _style, _svg


def accuracy_over_time_svg(points: list[dict], *, prefix: str = "tr-time") -> str:
    """Each completed project at its finish date: actual ÷ P50 and actual ÷ P80 of its baseline
    estimate (1.0 = exactly on the estimate)."""
    figure = _figure(7.2, 3.2)
    ax = figure.add_subplot()
    _style(ax)
    if points:
        dates = [p["date"] for p in points]
        ax.plot(dates, [p["p50"] for p in points], "o-", color=ACCENT, label="actual ÷ P50")
        ax.plot(dates, [p["p80"] for p in points], "s--", color=DANGER, label="actual ÷ P80")
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        figure.autofmt_xdate()
    else:
        ax.text(
            0.5, 0.5, "No completed project yet", ha="center", va="center", transform=ax.transAxes
        )
    ax.axhline(1.0, color=INK, linewidth=1)
    ax.set_ylabel("actual ÷ estimate", color=INK)
    desc = "Completed projects by finish date: " + "; ".join(
        f"{p['label']} finished at {p['p50']:.2f}× its P50 and {p['p80']:.2f}× its P80"
        for p in points
    )
    return _svg(figure, prefix=prefix, title="Estimate accuracy over time", desc=desc)


def ratio_bars_svg(rows: list, *, what: str, prefix: str) -> str:
    """One bar per group: the median of actual ÷ P50 (1.0 = on the estimate), over-runs red."""
    shown = rows[:12]
    figure = _figure(7.2, 1.0 + 0.42 * max(len(shown), 1))
    ax = figure.add_subplot()
    _style(ax)
    ax.grid(False, axis="y")
    for i, row in enumerate(reversed(shown)):
        ratio = row.mean_ratio
        ax.barh(
            i, ratio, color=DANGER if ratio > 1.05 else (OK if ratio < 0.95 else MUTED), height=0.6
        )
        ax.text(ratio, i, f" {ratio:.2f}×", va="center", fontsize=9, color=INK)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([_short(r.label) for r in reversed(shown)], fontsize=9)
    ax.axvline(1.0, color=INK, linewidth=1)
    ax.set_xlabel("average of actual duration ÷ estimated P50 (1.0 = on the estimate)")
    if not shown:
        ax.text(
            0.5, 0.5, "No finished activity yet", ha="center", va="center", transform=ax.transAxes
        )
    desc = f"Estimate accuracy per {what}: " + "; ".join(
        f"{r.label} {r.mean_ratio:.2f}× over {r.count} activities" for r in shown
    )
    return _svg(figure, prefix=prefix, title=f"Estimate accuracy per {what}", desc=desc)


def promise_rates_svg(rows: list[dict], *, prefix: str = "tr-promises") -> str:
    """Share of closed promises kept on time, per person."""
    shown = rows[:12]
    figure = _figure(7.2, 1.0 + 0.42 * max(len(shown), 1))
    ax = figure.add_subplot()
    _style(ax)
    ax.grid(False, axis="y")
    for i, row in enumerate(reversed(shown)):
        share = row["share"]
        ax.barh(i, share * 100, color=OK if share >= 0.8 else DANGER, height=0.6)
        ax.text(share * 100, i, f" {share:.0%}", va="center", fontsize=9, color=INK)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([_short(r["label"]) for r in reversed(shown)], fontsize=9)
    ax.set_xlim(0, 110)
    ax.axvline(80, color=INK, linewidth=1, linestyle=":")
    ax.set_xlabel("closed promises kept on time (%); dotted line: 80 %")
    if not shown:
        ax.text(0.5, 0.5, "No closed promise yet", ha="center", va="center", transform=ax.transAxes)
    desc = "Promises kept on time per person: " + "; ".join(
        f"{r['label']} {r['share']:.0%} of {r['closed']}" for r in shown
    )
    return _svg(figure, prefix=prefix, title="Promise-keeping rates", desc=desc)
