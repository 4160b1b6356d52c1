"""A report PDF never ends with a page that holds only the footer (the demo's detailed and
dashboard reports did), checked on the text of each page as poppler extracts it."""

import subprocess

import pytest

from rapport.comms import reports
from rapport.demo.services import demo_load
from rapport.projects.models import Project
from rapport.status.selectors import status_current

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_no_report_pdf_ends_with_a_page_holding_only_the_footer(tmp_path):
    demo_load()  # the demo's CRM: a detailed report of five pages, a dashboard with four charts
    update = status_current(Project.objects.get(code="CRM"))
    data = reports.report_data(update)
    for comm_type in ("simple", "detailed", "dashboard"):
        pdf = reports.render_pdf(
            data, recipient=reports.Recipient(id=0, name="Lars Becker"), comm_type=comm_type
        )
        lines = [line.strip() for line in _pages(pdf, tmp_path)[-1].splitlines() if line.strip()]
        footer_starts = next(i for i, line in enumerate(lines) if "for Lars Becker from" in line)
        assert footer_starts > 0, f"the {comm_type} report's last page is only its footer: {lines}"
