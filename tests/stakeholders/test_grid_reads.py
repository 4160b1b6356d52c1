"""The power/interest grid and the engagement matrix read: dots at their scores, text big enough,
long names wrapped rather than cut."""

import re
from xml.etree import ElementTree

import pytest

from rapport.stakeholders import charts, services

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _add(world, name, *, power, interest, **more):
    return services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": name},
        power=power,
        interest=interest,
        **more,
    )


def _stakeholders(world):
    return list(world.alpha.stakeholders.select_related("party"))


def _plotted_dots(svg: str) -> list[tuple[float, float]]:
    """Each dot's (interest, power), read back from the SVG: the dot's drawn position mapped
    through the positions of the axis ticks 1 and 5."""
    root = ElementTree.fromstring(svg)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}

    def tick(axis, n):
        use = next(groups[f"pi-{axis}tick_{n}"].iter(f"{SVG}use"))
        return float(use.get("x" if axis == "x" else "y"))

    x1, x5, y1, y5 = tick("x", 1), tick("x", 5), tick("y", 1), tick("y", 5)
    dots = []
    for gid, group in groups.items():
        if gid and re.fullmatch(r"pi-dot-\d+", gid):
            use = next(u for u in group.iter(f"{SVG}use") if u.get(XLINK_HREF))
            x, y = float(use.get("x")), float(use.get("y"))
            dots.append((1 + 4 * (x - x1) / (x5 - x1), 1 + 4 * (y - y1) / (y5 - y1)))
    return sorted(dots)


def test_a_stakeholder_with_power_5_and_interest_4_is_drawn_exactly_at_4_5(world):
    _add(world, "Sam Sponsor", power=5, interest=4)
    _add(world, "Sales team", power=2, interest=3)
    dots = _plotted_dots(charts.power_interest_svg(_stakeholders(world)))
    assert len(dots) == 2
    assert dots[0] == pytest.approx((3, 2), abs=0.01)
    assert dots[1] == pytest.approx((4, 5), abs=0.01)


def test_stakeholders_with_equal_scores_are_spread_a_little_around_their_point(world):
    for name in ("Ana", "Ben", "Cleo"):
        _add(world, name, power=5, interest=4)
    _add(world, "Dan", power=1, interest=1)
    dots = _plotted_dots(charts.power_interest_svg(_stakeholders(world)))
    shared = [d for d in dots if d[0] > 2]
    assert len(shared) == 3 and len(set(shared)) == 3  # three dots, none hidden under another
    for interest, power in shared:
        assert abs(interest - 4) <= 0.15 and abs(power - 5) <= 0.15
        assert (interest - 4) ** 2 + (power - 5) ** 2 > 0.05**2
    assert dots[0] == pytest.approx((1, 1), abs=0.01)  # alone on its point: not moved at all
    # The same data draws the same picture.
    assert _plotted_dots(charts.power_interest_svg(_stakeholders(world))) == dots


def test_every_text_in_both_pictures_is_at_least_11_points(world):
    _add(world, "Sam Sponsor", power=5, interest=4, engagement_now="neutral")
    _add(world, "Sales team", power=2, interest=3, engagement_needed="leading")
    stakeholders = _stakeholders(world)
    for svg in (charts.power_interest_svg(stakeholders), charts.engagement_svg(stakeholders)):
        texts = re.findall(r"<text [^>]*>", svg)
        sizes = [float(size) for size in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert texts and len(sizes) >= len(texts)
        assert min(sizes) >= 11, sizes
    # Shown at natural size, a point of the SVG's units is 1.33 px: pt sizes, never scaled down.
    assert re.search(r'<svg [^>]*width="[\d.]+pt"', svg)


def test_a_long_name_is_wrapped_onto_lines_not_cut(world):
    long_name = "Regional Procurement Steering Committee"
    _add(
        world, long_name, power=2, interest=2, engagement_now="neutral", engagement_needed="leading"
    )
    stakeholders = _stakeholders(world)
    for svg in (charts.power_interest_svg(stakeholders), charts.engagement_svg(stakeholders)):
        root = ElementTree.fromstring(svg)
        lines = [t.text for t in root.iter(f"{SVG}text") if t.text]
        # Every word of the name is drawn, in order, over more than one line.
        words = " ".join(lines).split()
        start = words.index("Regional")
        assert words[start : start + 4] == long_name.split()
        assert not any(long_name in line for line in lines)
        assert "…" not in "".join(lines)


def test_a_name_too_long_for_four_lines_ends_with_an_ellipsis_after_a_whole_word():
    wrapped = charts._wrap("Bartholomew Fitzgerald Huntington of the Procurement Board", 12, 4)
    lines = wrapped.split("\n")
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert lines[:2] == ["Bartholomew", "Fitzgerald"]
