"""A simulation run as people read it: the figures the estimate page and the sponsor's PDF show.

Finishes are whole working days (a part day counts as a whole one, as on the calendar) with
their dates; money is whole units of the project's currency. The contingency line is the
difference of the rounded figures, so base + contingency adds up to the estimate at the chosen
confidence on the page, exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from django.utils.formats import date_format

from . import charts, rules, selectors
from .models import SimulationRun

LEVERS_SHOWN = 5  # the activities named first in "what it would take"
DRIVERS_SHOWN = 25  # rows of the critical-path and sensitivity table


def whole_days(days: float) -> int:
    return max(math.ceil(round(days, 6)), 0)


def money_text(value: float | None, currency: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} {currency}"


def signed_money(value: float, currency: str) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):,.0f} {currency}"


def percent(p: float | None) -> str:
    if p is None:
        return "—"
    if 0 < p < 0.01:
        return "under 1 %"
    if 0.99 < p < 1:
        return "over 99 %"
    return f"{p * 100:.0f} %"


def date_text(value) -> str:
    return date_format(value) if value else ""


@dataclass
class Line:
    """One line of the estimate table: a label, working days (and date) and cost."""

    label: str
    days: int
    cost: float
    date: object = None
    days_text: str = ""
    cost_text: str = ""
    note: str = ""


@dataclass
class Report:
    run: SimulationRun
    currency: str
    confidence_label: str
    base: Line
    contingency: Line
    at_confidence: Line
    levels: list[Line]
    target: dict | None
    take: dict | None
    activities: list[dict]
    tornado_finish: list[dict]
    tornado_cost: list[dict]
    not_estimated: list[str]
    excluded: list[str]
    notes: list[str]
    curve_rows: list[tuple[str, str, str]] = field(default_factory=list)
    drivers: list[dict] = field(default_factory=list)  # the strongest DRIVERS_SHOWN activities
    drivers_left_out: int = 0
    stale: list[str] = field(default_factory=list)
    charts: dict = field(default_factory=dict)
    # the forecast calibrated on the organisation's completed projects (see _calibrated)
    calibrated: dict | None = None
    calibration_refused: str = ""


def working_days_text(days: int) -> str:
    """'1 working day', '3 working days'."""
    return f"{days} working day" if abs(days) == 1 else f"{days} working days"


def _days_text(days: int, date) -> str:
    return working_days_text(days) + (f" ({date_text(date)})" if date else "")


def _line(project, label: str, days: float, cost: float, currency: str, note: str = "") -> Line:
    d = whole_days(days)
    date = selectors.finish_date(project, d)
    return Line(
        label=label,
        days=d,
        cost=round(cost),
        date=date,
        days_text=_days_text(d, date),
        cost_text=money_text(round(cost), currency),
        note=note,
    )


_CHARTS: OrderedDict = OrderedDict()
_CHARTS_LOCK = Lock()


def _cached_charts(project, run: SimulationRun, result: dict, report: Report) -> dict:
    key = (run.pk, project.start_date, project.currency)
    with _CHARTS_LOCK:
        if run.pk is not None and key in _CHARTS:
            _CHARTS.move_to_end(key)
            return _CHARTS[key]
    currency = project.currency
    target = result.get("target") or {}
    to_date = (
        (lambda v: selectors.finish_date(project, whole_days(v))) if project.start_date else None
    )

    def describe_days(v: float) -> str:
        d = whole_days(v)
        date = selectors.finish_date(project, d)
        return date_text(date) if date else f"{d} working days"

    def describe_money(v: float) -> str:
        return money_text(round(v), currency)

    finish_target = target.get("finish_days")
    drawn = {
        "s_finish": charts.s_curve_svg(
            result,
            kind="finish",
            describe=describe_days,
            to_date=to_date,
            axis_label="finish date" if to_date else "working days from the start",
            target=finish_target,
            target_label=(
                f"sponsor: {date_text(_iso(target.get('finish_date')))}"
                if finish_target is not None
                else ""
            ),
            prefix=f"sf{run.pk or 0}",
        ),
        "s_cost": charts.s_curve_svg(
            result,
            kind="cost",
            describe=describe_money,
            axis_label=f"total cost ({currency})",
            target=target.get("budget"),
            target_label=(
                f"sponsor: {describe_money(target['budget'])}"
                if target.get("budget") is not None
                else ""
            ),
            prefix=f"sc{run.pk or 0}",
        ),
        "tornado_finish": charts.tornado_svg(
            result["tornado"]["finish"],
            centre=result["mean"]["finish"],
            describe=lambda v: f"{v:,.1f} days",
            what="finish (working days)",
            prefix=f"tf{run.pk or 0}",
        ),
        "tornado_cost": charts.tornado_svg(
            result["tornado"]["cost"],
            centre=result["mean"]["cost"],
            describe=describe_money,
            what=f"cost ({currency})",
            prefix=f"tc{run.pk or 0}",
        ),
    }
    if run.pk is not None:
        with _CHARTS_LOCK:
            _CHARTS[key] = drawn
            while len(_CHARTS) > 32:
                _CHARTS.popitem(last=False)
    return drawn


def _iso(text):
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None


def run_report(project, run: SimulationRun, *, with_charts: bool = True) -> Report:
    """The figures of a run for the page and the PDF, and what has changed since it ran."""
    result = run.result
    currency = result.get("currency") or project.currency
    label = run.confidence_label
    base = _line(project, "Base estimate (most likely values)", *_pair(result["base"]), currency)
    at = _line(project, f"Estimate at {label}", *_pair(result["at_confidence"]), currency)
    contingency = Line(
        label=f"Contingency to reach {label}",
        days=at.days - base.days,
        cost=at.cost - base.cost,
        days_text=("+" if at.days >= base.days else "−")
        + working_days_text(abs(at.days - base.days)),
        cost_text=signed_money(at.cost - base.cost, currency),
        note="Shown on its own line, never spread over the activities.",
    )
    levels = [
        _line(project, name.upper(), *_pair(result[name]), currency)
        for name in ("p50", "p80", "p90")
    ]
    frequency = result.get("critical_frequency", {})
    activities = [
        {
            "name": s["name"],
            "critical": frequency.get(str(s["id"])),
            "critical_text": percent(frequency.get(str(s["id"]))),
            "duration": s["duration"],
            "cost": s["cost"],
        }
        for s in result.get("sensitivity", [])
    ]
    target, take = _target(project, result, currency, label)
    report = Report(
        run=run,
        currency=currency,
        confidence_label=label,
        base=base,
        contingency=contingency,
        at_confidence=at,
        levels=levels,
        target=target,
        take=take,
        activities=activities,
        tornado_finish=result["tornado"]["finish"],
        tornado_cost=result["tornado"]["cost"],
        not_estimated=result.get("not_estimated", []),
        excluded=result.get("excluded", []),
        notes=result.get("notes", []),
    )
    report.curve_rows = _curve_rows(project, result, currency)
    report.drivers = activities[:DRIVERS_SHOWN]
    report.drivers_left_out = max(len(activities) - DRIVERS_SHOWN, 0)
    report.stale = _stale(project, run)
    report.calibrated = _calibrated(project, result, report)
    report.calibration_refused = result.get("calibration_refused") or (
        "" if "calibrated" in result else "Run the simulation again to see it calibrated."
    )
    if with_charts:
        report.charts = _cached_charts(project, run, result, report)
    return report


def _calibrated(project, result: dict, report: Report) -> dict | None:
    """The calibrated column beside the plain figures, and the sentence that explains it: "Your
    P80 is 62 working days; projects here finished within 1.18× their P80 in 80 % of cases, so
    the calibrated P80 is 73 working days"."""
    cal = result.get("calibrated")
    if not cal:
        return None
    currency, label = report.currency, report.confidence_label
    at = _line(project, f"Estimate at {label}", *_pair(cal["at_confidence"]), currency)
    days = at.days - report.base.days
    cost = at.cost - report.base.cost
    contingency = Line(
        label=report.contingency.label,
        days=days,
        cost=cost,
        days_text=("+" if days >= 0 else "−") + working_days_text(abs(days)),
        cost_text=signed_money(cost, currency),
    )
    levels = [
        _line(project, name.upper(), *_pair(cal[name]), currency) for name in ("p50", "p80", "p90")
    ]
    factor = cal["factor"]
    interval = cal.get("interval") or {}
    chance = cal.get("constraint_probability") or {}
    plain_at = report.at_confidence
    sentence = (
        f"Your {label} is {plain_at.days_text}; projects here finished within "
        f"{factor['finish']:.2f}× their {label} in {label[1:]} % of cases, so the calibrated "
        f"{label} is {at.days_text}."
    )
    if factor.get("cost") is not None:
        cost_sentence = (
            f"Their cost came within {factor['cost']:.2f}× their {label}: calibrated "
            f"{at.cost_text} against {plain_at.cost_text}."
        )
    else:
        cost_sentence = (
            "Too few completed projects have their spend on record to calibrate the cost: "
            "it is shown as simulated."
        )
    finish_interval = interval.get("finish") or [None, None]
    return {
        "at_confidence": at,
        "contingency": contingency,
        "levels": levels,
        "level_pairs": list(zip(report.levels, levels, strict=True)),
        "finish_chance": percent(chance.get("finish")),
        "cost_chance": percent(chance.get("cost")),
        "both_chance": percent(chance.get("both")),
        "sentence": sentence,
        "cost_sentence": cost_sentence,
        "sample_size": cal["sample_size"],
        "activities": cal.get("activities"),
        "factor": factor,
        "interval_text": (
            f"{finish_interval[0]:.2f}–{finish_interval[1]:.2f}×"
            if finish_interval[0] is not None
            else ""
        ),
    }


def _curve_rows(project, result: dict, currency: str) -> list[tuple[str, str, str]]:
    """The S-curves as a table, every 10 %: chance, finish (date or days), total cost."""
    curve = result["s_curve"]
    rows = []
    for i in range(0, len(curve["probability"]), 10):
        days = whole_days(curve["finish"][i])
        date = selectors.finish_date(project, days)
        rows.append(
            (
                percent(curve["probability"][i]),
                _days_text(days, date),
                money_text(round(curve["cost"][i]), currency),
            )
        )
    return rows


def _pair(outcome: dict) -> tuple[float, float]:
    return outcome["finish"], outcome["cost"]


def _target(project, result: dict, currency: str, label: str):
    target = result.get("target")
    if not target:
        return None, None
    chance = result.get("constraint_probability") or {}
    take_json = result.get("what_it_would_take") or {}
    finish_date = _iso(target.get("finish_date"))
    shown = {
        "finish_date": finish_date,
        "finish_date_text": date_text(finish_date),
        "finish_days": target.get("finish_days"),
        "budget": target.get("budget"),
        "budget_text": money_text(target.get("budget"), currency)
        if target.get("budget") is not None
        else "",
        "stated_by": target.get("stated_by", ""),
        "finish_chance": percent(chance.get("finish")),
        "cost_chance": percent(chance.get("cost")),
        "both_chance": percent(chance.get("both")),
        "finish_p": chance.get("finish"),
        "cost_p": chance.get("cost"),
        "both_p": chance.get("both"),
    }
    if not take_json:
        return shown, None
    take = {"finish": None, "cost": None}
    gap = take_json.get("finish_gap")
    if gap is not None:
        days = whole_days(result["at_confidence"]["finish"]) - (target.get("finish_days") or 0)
        take["finish"] = {
            "missed": days > 0,
            "days": abs(days),
            "days_text": working_days_text(abs(days)),
            "confidence": percent(take_json.get("finish_confidence")),
            "as_level": _level(take_json.get("finish_confidence")),
            "levers": [
                {"name": lv["name"], "value": f"{lv['value']:.1f} days"}
                for lv in take_json.get("schedule_levers", [])
                if lv["value"] >= 0.05
            ][:LEVERS_SHOWN],
        }
    gap = take_json.get("cost_gap")
    if gap is not None:
        amount = round(result["at_confidence"]["cost"]) - round(target.get("budget") or 0)
        take["cost"] = {
            "missed": amount > 0,
            "amount": money_text(abs(amount), currency),
            "confidence": percent(take_json.get("cost_confidence")),
            "as_level": _level(take_json.get("cost_confidence")),
            "levers": [
                {"name": lv["name"], "value": money_text(round(lv["value"]), currency)}
                for lv in take_json.get("cost_levers", [])
                if lv["value"] >= 0.5
            ][:LEVERS_SHOWN],
        }
    return shown, take


def _level(p: float | None) -> str:
    if p is None:
        return "—"
    return f"P{min(max(round(p * 100), 0), 100)}"


def _stale(project, run: SimulationRun) -> list[str]:
    """What changed since the run, so nobody reads an old figure as the current one."""
    notes = []
    current = selectors.version_current(project)
    ran = run.result.get("version")
    if current is not None and current.number != ran:
        notes.append(
            f"The estimate changed since this run (version {ran or 'none'} then, version "
            f"{current.number} now): run the simulation again."
        )
    _, target_json, _ = selectors.constraint_target(project, selectors.constraint_get(project))
    if (target_json or None) != (run.result.get("target") or None):
        notes.append("The sponsor's target changed since this run: run the simulation again.")
    if (run.result.get("start_date") or None) != (
        project.start_date.isoformat() if project.start_date else None
    ):
        notes.append(
            "The project's start date changed since this run: dates are shown from the new one."
        )
    return notes


def contingency_task(project, *, after=None) -> dict | None:
    """The latest simulation's contingency as a task at the end of the schedule, with its cost.
    Read-only, from the estimate: planned time, openly visible, never spread over the activities.

    Its length is the contingency to the chosen confidence. It starts the working day after
    `after` (the plan's last planned finish) when given, else at the estimate's base finish; the
    estimate's own base finish and finish at confidence are kept beside it. None before any
    simulation has run."""
    run = selectors.run_latest(project)
    if run is None:
        return None
    result = run.result
    currency = result.get("currency") or project.currency
    base = _line(project, "", *_pair(result["base"]), currency)
    at = _line(project, "", *_pair(result["at_confidence"]), currency)
    days = at.days - base.days
    start, finish = base.date, at.date
    if after is not None:
        start = rules.working_days_to_date(after + dt.timedelta(days=1), 1)
        finish = rules.working_days_to_date(start, max(days, 0))
    return {
        "name": f"Contingency to reach {run.confidence_label}",
        "confidence_label": run.confidence_label,
        "days": days,
        "days_text": ("+" if days >= 0 else "−") + working_days_text(abs(days)),
        "start": start,
        "finish": finish,
        "estimate_base_finish": base.date,
        "estimate_finish": at.date,
        "cost": at.cost - base.cost,
        "cost_text": signed_money(at.cost - base.cost, currency),
        "simulated_at": run.created_at,
    }
