"""A long estimate's PDF shows the activities that matter most; the full basis of estimate, one row
per activity, is an XLSX attached to the PDF. A short estimate keeps every activity in the PDF."""

import re
import subprocess

import openpyxl
import pytest

from rapport.estimates import services
from rapport.estimates.pdf import BASIS_IN_FULL_UP_TO, BASIS_SHOWN, explanation_pdf
from rapport.raci.models import Activity
from tests.estimates.factories import NETWORK, estimated_network, with_start

from .test_explanation_pdf import pdf_text

pytestmark = pytest.mark.django_db

CHAIN = 5  # "Chain 1" … "Chain 5": long, one after the other, always the critical path
SIDE = 295  # "Side 001" …: short, in parallel, never critical
XLSX = "ALPHA-how-this-estimate-was-developed.xlsx"


def long_estimate(world) -> dict:
    """300 activities on ALPHA, estimated in one version: {name: (activity, duration, cost)}."""
    with_start(world)
    names = [f"Chain {n}" for n in range(1, CHAIN + 1)]
    names += [f"Side {n:03d}" for n in range(1, SIDE + 1)]
    Activity.objects.bulk_create(
        [Activity(project=world.alpha, name=name, position=i) for i, name in enumerate(names)]
    )
    made = {a.name: a for a in Activity.objects.filter(project=world.alpha)}
    rows, figures = [], {}
    for i, name in enumerate(names):
        chain = name.startswith("Chain")
        duration = [10 + i, 12 + i, 15 + i] if chain else [1, 2, 3 + i % 4]
        cost = [1000 * (i + 1), 1500 * (i + 1), 2500 * (i + 1)]
        rows.append(
            {
                "activity": made[name],
                "duration": duration,
                "cost": cost,
                "source": f"Rate card line {i + 1}",
                "predecessors": [made[f"Chain {i}"]] if chain and i else [],
            }
        )
        figures[name] = (made[name], duration, cost)
    services.estimates_set_many(actor=world.manager, project=world.alpha, rows=rows, reason="Big")
    return figures


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def attachments(data: bytes, tmp_path) -> dict[str, bytes]:
    """The files embedded in a PDF, by name (poppler's pdfdetach)."""
    path = tmp_path / "with-attachments.pdf"
    path.write_bytes(data)
    out = tmp_path / "detached"
    out.mkdir()
    subprocess.run(["pdfdetach", "-saveall", "-o", str(out), str(path)], check=True)
    return {f.name: f.read_bytes() for f in out.iterdir()}


def test_a_long_estimate_shows_the_activities_that_matter_most_and_says_where_the_others_are(
    world, tmp_path
):
    long_estimate(world)
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=1000, seed=4)
    text = pdf_text(explanation_pdf(world.alpha), tmp_path)

    basis = section(text, "Basis of estimate, per activity", "How the estimate changed")
    shown = re.findall(r"\b(\d+)\. ((?:Chain|Side) \d+)\b", basis)
    assert [int(rank) for rank, _ in shown] == list(range(1, BASIS_SHOWN + 1))
    assert basis.count("working days; cost") == BASIS_SHOWN
    names = [name for _, name in shown]
    assert set(names[:CHAIN]) == {f"Chain {n}" for n in range(1, CHAIN + 1)}
    # no activity left out is more often on the critical path than one shown
    frequency = run.result["critical_frequency"]
    share = {a.name: frequency[str(a.pk)] for a in Activity.objects.filter(project=world.alpha)}
    left_out = set(share) - set(names)
    assert min(share[n] for n in names) >= max(share[n] for n in left_out)
    others = CHAIN + SIDE - BASIS_SHOWN
    assert f"The {others} other activities are in the attached spreadsheet ({XLSX})" in basis
    assert "This estimate has 300 activities" in basis


def test_the_attached_spreadsheet_has_one_row_per_activity_with_its_figures(world, tmp_path):
    figures = long_estimate(world)
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=1000, seed=4)
    files = attachments(explanation_pdf(world.alpha), tmp_path)
    assert list(files) == [XLSX]
    (tmp_path / XLSX).write_bytes(files[XLSX])

    sheet = openpyxl.load_workbook(tmp_path / XLSX).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Rank", "Activity"] and "Cost most likely (EUR)" in header
    assert sheet.freeze_panes == "C2"  # the header row and the names stay in view
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == CHAIN + SIDE
    assert sorted(r["Activity"] for r in rows) == sorted(figures)
    assert [r["Rank"] for r in rows] == list(range(1, CHAIN + SIDE + 1))
    assert sum(r["Shown in the PDF"] == "yes" for r in rows) == BASIS_SHOWN
    frequency = run.result["critical_frequency"]
    for r in rows:
        activity, duration, cost = figures[r["Activity"]]
        assert [
            r["Duration optimistic (working days)"],
            r["Duration most likely (working days)"],
            r["Duration pessimistic (working days)"],
        ] == duration
        assert [
            r["Cost optimistic (EUR)"],
            r["Cost most likely (EUR)"],
            r["Cost pessimistic (EUR)"],
        ] == cost
        assert r["On the critical path (share of runs)"] == pytest.approx(
            frequency[str(activity.pk)]
        )
        assert r["Source"] == f"Rate card line {activity.position + 1}"
    by_name = {r["Activity"]: r for r in rows}
    assert by_name["Chain 2"]["Depends on"] == "Chain 1"
    assert sheet.cell(2, header.index("Cost most likely (EUR)") + 1).number_format == "#,##0.00"


def test_before_any_simulation_a_long_estimate_shows_the_first_activities_in_plan_order(
    world, tmp_path
):
    long_estimate(world)
    data = explanation_pdf(world.alpha)
    basis = section(
        pdf_text(data, tmp_path), "Basis of estimate, per activity", "How the estimate changed"
    )
    assert "in plan order (no simulation has ranked them yet)" in basis
    assert basis.count("working days; cost") == BASIS_SHOWN
    assert "Chain 1" in basis and f"Side {BASIS_SHOWN - CHAIN:03d}" in basis
    assert f"Side {BASIS_SHOWN - CHAIN + 1:03d}" not in basis
    assert list(attachments(data, tmp_path)) == [XLSX]


def test_a_short_estimate_keeps_every_activity_in_the_pdf_and_attaches_nothing(world, tmp_path):
    assert len(NETWORK) <= BASIS_IN_FULL_UP_TO
    estimated_network(world)
    services.simulation_run(actor=world.manager, project=world.alpha, iterations=1000, seed=4)
    data = explanation_pdf(world.alpha)
    basis = section(
        pdf_text(data, tmp_path), "Basis of estimate, per activity", "How the estimate changed"
    )
    for name, *_ in NETWORK:
        assert name in basis
    assert basis.count("working days; cost") == len(NETWORK)
    assert "attached spreadsheet" not in basis
    assert attachments(data, tmp_path) == {}
