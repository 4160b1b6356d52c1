"""The estimate's charts read: every text at least 11 points, long activity names wrapped, not cut."""

import re
from datetime import date
from xml.etree import ElementTree

import pytest

from rapport.estimates import charts as estimate_charts
from rapport.estimates import services
from rapport.estimates.report import run_report
from tests.estimates.factories import estimated_network, with_start

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.django_db
def test_every_text_in_the_s_curves_and_tornadoes_is_at_least_11_points(world):
    with_start(world, start=date(2026, 1, 5))
    estimated_network(world)
    services.constraint_set(
        actor=world.manager, project=world.alpha, reason="Ask", finish_date=date(2026, 2, 13)
    )
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=2)
    for name, svg in run_report(world.alpha, run).charts.items():
        texts = re.findall(r"<text [^>]*>", svg)
        sizes = [float(size) for size in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert texts and len(sizes) >= len(texts), name
        assert min(sizes) >= 11, (name, sizes)
        # Point sizes: shown at natural width a point is 1.33 px, so 11 reads at about 15 px.
        assert re.search(r'<svg [^>]*width="[\d.]+pt"', svg), name


def test_a_long_activity_name_in_the_tornado_is_wrapped_not_cut():
    long_name = "Migrate customer records from the legacy CRM"
    svg = estimate_charts.tornado_svg(
        [{"name": long_name, "low": 40.0, "high": 55.0}, {"name": "Test", "low": 46, "high": 49}],
        centre=47.5,
        describe=lambda v: f"{v:.0f} days",
        what="finish",
        prefix="tf",
    )
    lines = [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text") if t.text]
    words = " ".join(lines).split()
    start = words.index("Migrate")
    assert words[start : start + len(long_name.split())] == long_name.split()
    assert long_name not in lines and "…" not in "".join(lines)
