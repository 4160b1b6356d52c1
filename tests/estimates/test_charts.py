"""The S-curves and tornado charts: accessible SVG that says what it shows."""

import re
from datetime import date

import pytest

from rapport.estimates import services
from rapport.estimates.report import run_report
from tests.estimates.factories import estimated_network, with_start

pytestmark = pytest.mark.django_db


def test_the_charts_name_the_levels_the_target_and_the_strongest_driver_first(world):
    with_start(world, start=date(2026, 1, 5))
    estimated_network(world)
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Ask",
        finish_date=date(2026, 2, 13),
        budget=45000,
    )
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=4000, seed=2)
    report = run_report(world.alpha, run)
    charts = report.charts
    assert set(charts) == {"s_finish", "s_cost", "tornado_finish", "tornado_cost"}
    for svg in charts.values():
        assert svg.startswith("<svg ") and 'role="img"' in svg
    # ids are prefixed per chart, so four charts on one page never share one
    ids = [i for svg in charts.values() for i in re.findall(r'id="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))

    p80 = report.levels[1]
    finish = re.search(r"<desc[^>]*>(.*?)</desc>", charts["s_finish"]).group(1)
    assert f"P80 {p80.date.day} {p80.date:%b %Y}" in finish
    assert "sponsor: 13 Feb 2026" in finish
    cost = re.search(r"<desc[^>]*>(.*?)</desc>", charts["s_cost"]).group(1)
    assert f"P80 {p80.cost_text}" in cost and "sponsor: 45,000 EUR" in cost

    # Build has the widest range on the critical path: the top bar of both tornadoes
    for name in ("tornado_finish", "tornado_cost"):
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", charts[name]).group(1)
        assert desc.startswith("Tornado chart, widest swing first: Build from "), desc
    assert report.tornado_finish[0]["name"] == "Build"
    assert report.tornado_finish[0]["high"] > report.tornado_finish[0]["low"]


def _anchor_of(svg: str, text: str) -> str:
    """The text-anchor of the SVG <text> that says `text` (start when none is written)."""
    tag = next(t for t in re.findall(r"<text[^>]*>[^<]*</text>", svg) if text in t)
    found = re.search(r"text-anchor: (\w+)", tag)
    return found.group(1) if found else "start"


@pytest.mark.parametrize(("target", "anchor"), [(None, "start"), (1000.0, "start"), (101.0, "end")])
def test_a_level_label_moves_left_of_its_point_when_the_target_line_is_just_right_of_it(
    target, anchor
):
    from rapport.estimates import charts

    probability = [i / 100 for i in range(101)]
    values = [80 + p * 20 for p in probability]  # 80 to 100
    result = {
        "s_curve": {"cost": values, "probability": probability},
        "p50": {"cost": 90.0},
        "p80": {"cost": 96.0},
        "p90": {"cost": 98.0},
        "base": {"cost": 70.0},
    }
    svg = charts.s_curve_svg(
        result,
        kind="cost",
        describe=lambda v: f"{v:,.0f} EUR",
        axis_label="total cost (EUR)",
        target=target,
        target_label="sponsor",
        prefix="t",
    )
    # Left of the point, the label cannot run over the sponsor's line and its words.
    assert _anchor_of(svg, "P90: 98 EUR") == anchor
