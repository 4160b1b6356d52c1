"""The sponsor's PDF, "How this estimate was developed": a real PDF with the key figures in it."""

import re
import shutil
import subprocess
from datetime import date

import pytest

from rapport.estimates import services
from rapport.estimates.pdf import explanation_html, explanation_pdf
from rapport.estimates.report import run_report
from tests.estimates.factories import estimated_network, with_start

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "explanation.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout  # poppler parses it: a valid PDF
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.fixture(autouse=True)
def poppler():
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext not found: apt-get install poppler-utils")


def test_the_pdf_explains_the_estimate_with_its_figures(world, client_for, tmp_path):
    with_start(world, start=date(2026, 1, 5))
    made = estimated_network(world)
    services.estimate_set(
        actor=world.manager,
        activity=made["Build"],
        reason="Basis",
        duration=[10, 15, 30],
        cost=[20000, 30000, 55000],
        method="quote",
        source="Vendor quote Q-77",
        assumptions="Two developers from March",
    )
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Ask",
        finish_date=date(2026, 2, 13),
        budget=45000,
    )
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=3000, seed=9)
    report = run_report(world.alpha, run, with_charts=False)

    response = client_for(world.viewer).get("/o/acme/p/ALPHA/estimates/explanation.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ALPHA-how-this-estimate-was-developed.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)

    assert "How this estimate was developed" in text
    assert (
        f"Base estimate (most likely values) {report.base.days_text} {report.base.cost_text}"
        in text
    )
    assert (
        f"Contingency to reach P80 {report.contingency.days_text} {report.contingency.cost_text}"
        in text
    )
    for line in report.levels:
        assert f"{line.label} {line.days_text} {line.cost_text}" in text
    assert f"Finish by 13 Feb 2026 {report.target['finish_chance']}" in text
    assert f"Budget 45,000 EUR {report.target['cost_chance']}" in text
    assert "What it would take" in text
    assert "Vendor quote Q-77" in text and "Two developers from March" in text
    assert "seed 9" in text and "estimate version 7" in text


def test_the_pdf_tells_how_the_estimate_changed_with_who_and_why(world, tmp_path):
    made = estimated_network(world)  # versions 1 to 5: the estimates, then each dependency
    build = {"activity": made["Build"], "cost": [20000, 30000, 55000]}
    services.estimate_set(
        actor=world.contributor, reason="Vendor doubled the team", duration=[5, 8, 12], **build
    )
    services.estimate_set(
        actor=world.manager, reason="Vendor backed out", duration=[10, 15, 30], **build
    )
    services.estimate_restore(
        actor=world.manager,
        project=world.alpha,
        version=world.alpha.estimate_versions.get(number=6),
        reason="Second vendor found",
    )
    assert "How the estimate changed" in pdf_text(explanation_pdf(world.alpha), tmp_path)

    html = explanation_html(world.alpha)
    history = html[html.index("How the estimate changed") : html.index("How the figures")]
    rows = [" ".join(r.split()) for r in re.findall(r"<tr>(.*?)</tr>", history, re.S)][1:]
    assert len(rows) == 8  # newest first
    assert rows[0].startswith("<th>8</th>") and "Second vendor found" in rows[0]
    assert "Restores version 6: Build: duration" in rows[0]
    assert "Vendor backed out" in rows[1]
    assert "(changes the estimate back to version 5)" in rows[1]
    assert "Carl Contributor</td><td>Vendor doubled the team" in rows[2]
    assert rows[-1].startswith("<th>1</th>") and "First estimate" in rows[-1]


def test_a_pdf_before_any_simulation_still_shows_the_basis(world, tmp_path):
    estimated_network(world)
    text = pdf_text(explanation_pdf(world.alpha), tmp_path)
    assert "No simulation has been run yet" in text and "Data migration" in text
