"""The timeline: geometry worked out without a database (bars, diamonds, baselines, slips,
today), and the page drawing it for a big project in a bounded number of queries."""

import datetime as dt
import re

import pytest

from rapport.estimates import report
from rapport.estimates import services as estimates
from rapport.raci import services
from rapport.raci.models import Activity
from rapport.raci.timeline import Entry, layout, svg
from tests.estimates.factories import estimated_network, with_start

D = dt.date
TODAY = D(2027, 3, 1)


def test_a_slipped_activity_ends_after_its_baseline_and_carries_the_days_it_slipped():
    slipped = Entry(
        name="Migrate data",
        group="Build",
        start=D(2027, 3, 1),
        finish=D(2027, 3, 20),
        baseline_start=D(2027, 3, 1),
        baseline_finish=D(2027, 3, 10),
    )
    chart = layout([slipped], today=TODAY)
    row = chart.rows[0]
    assert row.shape == "bar"
    assert row.x2 > row.baseline[1]
    assert row.x2 - row.baseline[1] == pytest.approx(10 * chart.day)
    assert slipped.slip_text == "+10 days"
    markup = svg(chart, title="t", desc="d")
    assert ">+10 days</text>" in markup
    assert 'fill="#8a5300"' in markup  # the warning colour


def test_an_activity_on_its_baseline_shows_no_slip():
    on_plan = Entry(
        name="Design",
        start=D(2027, 3, 1),
        finish=D(2027, 3, 5),
        baseline_start=D(2027, 3, 1),
        baseline_finish=D(2027, 3, 5),
    )
    chart = layout([on_plan], today=TODAY)
    assert chart.rows[0].baseline == (chart.rows[0].x1, chart.rows[0].x2)
    assert "days</text>" not in svg(chart, title="t", desc="d")


def test_milestones_are_diamonds_at_their_date():
    task = Entry(name="Build", start=D(2027, 3, 1), finish=D(2027, 3, 9))
    milestone = Entry(name="Go live", kind="milestone", finish=D(2027, 3, 10))
    chart = layout([task, milestone], today=TODAY)
    bar, diamond = chart.rows
    assert diamond.shape == "diamond" and bar.shape == "bar"
    assert (diamond.x1 + diamond.x2) / 2 == pytest.approx(bar.x2 + chart.day / 2)
    assert svg(chart, title="t", desc="d").count('<polygon class="milestone"') == 1


def test_phases_become_bands_in_the_order_given_and_rows_without_dates_say_so():
    entries = [
        Entry(name="A", group="Discovery", start=D(2027, 3, 1), finish=D(2027, 3, 2)),
        Entry(name="B", group="Build"),
        Entry(name="C", group="Build", start=D(2027, 4, 1), finish=D(2027, 4, 2)),
    ]
    chart = layout(entries, today=TODAY)
    assert [b.label for b in chart.bands] == ["Discovery", "Build"]
    assert chart.rows[1].shape == "none"
    assert "no dates yet" in svg(chart, title="t", desc="d")


def test_today_is_marked_only_inside_the_dates_shown():
    entry = Entry(name="A", start=D(2027, 3, 1), finish=D(2027, 3, 30))
    assert layout([entry], today=D(2027, 3, 15)).today_x is not None
    assert layout([entry], today=D(2030, 1, 1)).today_x is None


def test_the_svg_has_a_title_and_description_and_escapes_names():
    chart = layout([Entry(name="<script>x</script>", start=TODAY, finish=TODAY)], today=TODAY)
    markup = svg(chart, title="Timeline of ALPHA", desc="One activity")
    assert '<title id="timeline-title">Timeline of ALPHA</title>' in markup
    assert '<desc id="timeline-desc">One activity</desc>' in markup
    assert "<script>" not in markup


def test_the_chart_width_stays_bounded_for_a_long_plan():
    entry = Entry(name="A", start=D(2027, 1, 1), finish=D(2029, 12, 31))
    chart = layout([entry], today=TODAY)
    assert chart.day == 2.0 and chart.width < 2600


@pytest.mark.django_db
def test_the_page_draws_200_activities_in_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    phase = services.phase_create(actor=world.manager, project=world.alpha, name="Build")
    start = D(2027, 1, 4)
    Activity.objects.bulk_create(
        Activity(
            project=world.alpha,
            phase=phase if i % 2 else None,
            name=f"Task {i}",
            position=i,
            kind="milestone" if i % 25 == 0 else "task",
            planned_start=start + dt.timedelta(days=i),
            planned_finish=start + dt.timedelta(days=i + 5 + (3 if i % 7 == 0 else 0)),
            baseline_start=start + dt.timedelta(days=i),
            baseline_finish=start + dt.timedelta(days=i + 5),
        )
        for i in range(200)
    )
    client = client_for(world.viewer)
    with django_assert_max_num_queries(15):
        response = client.get("/o/acme/p/ALPHA/raci/timeline/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<g class="timeline-row">') == 200
    assert len(re.findall(r"<tr>|<tr class", page)) >= 200  # the same rows as a table
    assert "+3 days" in page
    assert page.index(">Build<") < page.index(">No phase<")


@pytest.mark.django_db
def test_there_is_no_contingency_bar_before_a_simulation(world, client_for):
    services.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Build",
        planned_start=D(2027, 3, 1),
        planned_finish=D(2027, 3, 5),
    )
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/raci/timeline/").content.decode()
    assert "Contingency" not in page  # nothing invented


@pytest.mark.django_db
def test_the_timeline_ends_with_the_estimates_contingency_as_a_read_only_bar(world, client_for):
    with_start(world)
    estimated_network(world)
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=1)
    task = report.contingency_task(world.alpha, after=None)
    assert task is not None
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/raci/timeline/").content.decode()
    svg_part = page[page.index("<svg") : page.index("</svg>")]
    last_row = svg_part.rindex('<g class="timeline-row">')
    assert "Contingency to reach P80" in svg_part[last_row:]  # the last bar
    assert "read-only" in svg_part[last_row:]
    assert page.index("Contingency to reach P80", page.index("</svg>")) > 0  # and in the table
