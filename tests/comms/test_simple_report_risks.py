"""The simple report carries the top three open risks, one line each with their mitigation, in
the e-mail (HTML and text), the PDF and the portal: "a frequent, short, honest status and the
risks"."""

import pytest

from rapport.comms import reports
from rapport.status import services as status
from tests.comms.factories import party, publish
from tests.comms.test_reports import pdf_text

RISKS = [
    ("Vendor may slip", "high", "high", "Weekly call with the vendor's delivery lead"),
    ("Data migration late", "high", "medium", "Dry run in March"),
    ("Key user on leave", "medium", "high", ""),
    ("Printer driver", "low", "low", "Test on the old model"),  # the fourth: left out
]


@pytest.fixture
def update(world):
    for title, probability, impact, mitigation in RISKS:
        status.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=title,
            probability=probability,
            impact=impact,
            mitigation=mitigation,
        )
    return publish(world)


def simple(update, who, medium="email"):
    return reports.render_report(
        reports.report_data(update),
        recipient=reports.Recipient(who.pk, who.name),
        comm_type="simple",
        medium=medium,
    )


def test_the_simple_email_lists_the_top_three_risks_one_line_each_with_their_mitigation(
    world, update
):
    bea = party(world, "Bea Business-Lead")
    report = simple(update, bea)
    lines = report.text.splitlines()
    assert "Top risks and what we do about them" in lines
    assert "- Vendor may slip (high): Weekly call with the vendor's delivery lead" in lines
    assert "- Data migration late (high): Dry run in March" in lines
    assert "- Key user on leave (high): no mitigation agreed yet" in lines
    assert "Printer driver" not in report.text
    assert "Vendor may slip" in report.html and "Dry run in March" in report.html
    assert "Printer driver" not in report.html


def test_the_simple_pdf_and_the_custom_report_carry_the_risks_too(world, update, tmp_path):
    bea = party(world, "Bea Business-Lead")
    pdf = reports.render_pdf(
        reports.report_data(update),
        recipient=reports.Recipient(bea.pk, bea.name),
        comm_type="simple",
    )
    text = pdf_text(pdf, tmp_path)
    assert "Top risks and what we do about them" in text
    assert "Weekly call with the vendor's delivery lead" in text
    custom = reports.render_report(
        reports.report_data(update),
        recipient=reports.Recipient(bea.pk, bea.name),
        comm_type="custom",
        custom_intro="Hello",
    )
    assert "Data migration late (high): Dry run in March" in custom.text


def test_the_risks_are_those_of_the_published_status_not_later_ones(world, update):
    bea = party(world, "Bea Business-Lead")
    status.risk_create(
        actor=world.manager,
        project=world.alpha,
        title="Added later",
        probability="high",
        impact="high",
    )
    assert "Added later" not in simple(update, bea).text


def test_a_project_without_open_risks_says_so(world):
    bea = party(world, "Bea Business-Lead")
    assert "No open risks." in simple(publish(world), bea).text
