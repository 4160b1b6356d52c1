"""A status update's dashboard charts are drawn once and reused by every recipient's report: each
delivery loads its own report data, so without the cache a morning of reports would draw the same
four charts again for every reader. New figures draw new charts."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache

from rapport.comms import charts, reports
from rapport.status import services as status

from .factories import party, publish


@pytest.fixture
def drawings(monkeypatch):
    """How many progress charts were really drawn (the real function still draws them)."""
    calls = []
    real = charts.progress_chart

    def counted(*args, **kwargs):
        calls.append(kwargs.get("fmt"))
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "progress_chart", counted)
    cache.clear()
    return calls


def test_ten_recipients_of_one_update_share_one_drawing_of_its_charts(world, drawings):
    readers = [party(world, f"Reader {n}") for n in range(10)]
    update = publish(world)
    status.snapshot_take(project=world.alpha)
    svgs = []
    for reader in readers:  # as ten deliveries do: each reads the update afresh
        data = reports.report_data(update)
        pdf = reports.render_pdf(
            data, recipient=reports.Recipient(reader.pk, reader.name), comm_type="dashboard"
        )
        assert pdf.startswith(b"%PDF")
        _ = data.chart_pngs  # the e-mail's PNG copies
        svgs.append(data.charts["progress"])

    assert drawings == ["svg", "png"]  # once per format, not once per reader
    assert len(set(svgs)) == 1 and "<svg" in svgs[0]


def test_new_figures_draw_new_charts(world, drawings):
    first = publish(world, progress=30)
    status.snapshot_take(project=world.alpha)
    before = reports.report_data(first).charts["progress"]
    with time_machine.travel(date.today() + timedelta(days=8)):
        later = publish(world, period=(date(2025, 3, 10), date(2025, 3, 16)), progress=60)
        status.snapshot_take(project=world.alpha)
        after = reports.report_data(later).charts["progress"]

    assert drawings == ["svg", "svg"] and before != after
