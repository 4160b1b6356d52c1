"""Trends per stakeholder and per project, with sparklines; key customers' pulses for the evidence."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.satisfaction import charts, rules, selectors, services


def _pulses(world, stakeholder, scores, *, days_apart=7):
    start = timezone.now() - timedelta(days=days_apart * len(scores))
    for i, score in enumerate(scores):
        services.pulse_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=stakeholder,
            score=score,
            given_at=start + timedelta(days=days_apart * i),
        )


def test_a_falling_series_reads_as_falling_without_a_database():
    assert rules.trend([5, 5, 4, 3, 2, 2]).direction == "falling"
    assert rules.trend([2, 3, 4, 5]).direction == "rising"
    assert rules.trend([4, 4, 4, 4]).direction == "steady"
    assert rules.trend([4]).direction == "too few"


def test_a_score_outside_the_scale_is_refused_by_the_rule():
    with pytest.raises(ValueError):
        rules.trend([3, 6])


def test_monthly_averages_group_pulses_by_month():
    from datetime import date

    assert rules.monthly_averages(
        [(date(2026, 1, 3), 4), (date(2026, 1, 20), 2), (date(2026, 2, 1), 5)]
    ) == [
        (date(2026, 1, 1), 3.0, 2),
        (date(2026, 2, 1), 5.0, 1),
    ]


def test_the_sparkline_is_an_svg_image_with_words_for_screen_readers():
    svg = charts.sparkline([4, 3, 2], label=charts.describe([4, 3, 2], "Kim <Key>"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "Satisfaction of Kim &lt;Key&gt;, 3 pulses oldest first: 4, 3, 2" in svg
    assert "<script" not in svg


def test_each_stakeholder_has_a_trend_key_customers_first(world, people):
    kim, pat = people
    _pulses(world, pat, [3, 4, 5])
    _pulses(world, kim, [5, 5, 4, 2])
    rows = selectors.stakeholder_trends(world.alpha)
    assert [r.stakeholder for r in rows] == [kim, pat]
    assert rows[0].key and rows[0].trend.direction == "falling" and rows[0].count == 4
    assert "<svg" in rows[0].sparkline and "Kim Key" in rows[0].description


def test_the_project_trend_averages_each_month(world, people):
    kim, _ = people
    _pulses(world, kim, [4, 2], days_apart=1)
    overall = selectors.project_trend(world.alpha)
    assert sum(n for _, _, n in overall.months) == 2
    assert "<svg" in overall.sparkline


def test_key_customer_pulses_list_only_key_customers_oldest_first(world, people):
    kim, pat = people
    assert selectors.key_customer_pulses(world.alpha) is None
    _pulses(world, pat, [1, 1])
    assert selectors.key_customer_pulses(world.alpha) is None
    _pulses(world, kim, [5, 4, 3])
    assert selectors.key_customer_pulses(world.alpha) == {"Kim Key": [5, 4, 3]}


def test_the_page_shows_the_trends_and_the_pulses(world, people, client_for):
    kim, _ = people
    _pulses(world, kim, [5, 2])
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/relationship/satisfaction/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kim Key" in body and "key customer" in body and 'class="sparkline"' in body
    assert "Record a pulse given by phone" not in body  # viewers read only


def test_the_empty_page_says_what_to_do(world, client_for):
    page = client_for(world.manager).get("/o/acme/p/ALPHA/relationship/satisfaction/")
    assert b"No pulses yet" in page.content and b"Record a pulse given by phone" in page.content
