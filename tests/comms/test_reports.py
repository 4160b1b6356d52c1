"""Tailored reports from one status update: simple, detailed, dashboard and custom, as HTML, text
and a real PDF; tailored to each recipient; previewed by the PM before anything goes out."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rapport.comms import reports
from rapport.raci import services as raci
from rapport.status import services as status
from tests.comms.factories import party, plan_row, publish, sent_delivery


def pdf_text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext not found: apt-get install poppler-utils (make test installs it)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def story(world):
    """Bea (business lead) and Cy (sponsor); an obstacle hits Bea, a decision is Cy's."""
    bea, cy = party(world, "Bea Business-Lead"), party(world, "Cy Sponsor")
    raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Go-live",
        kind="milestone",
        planned_start=date(2025, 6, 1),
        planned_finish=date(2025, 6, 1),
    )
    status.risk_create(
        actor=world.manager,
        project=world.alpha,
        title="Vendor may slip",
        probability="high",
        impact="high",
    )
    update = publish(
        world,
        obstacles=[
            {
                "text": "Legacy data is dirty",
                "impact": "Sales screens show duplicates",
                "customers": [bea],
            }
        ],
        decisions=[
            {
                "text": "Approve the hosting budget",
                "needed_from": cy,
                "needed_by": date(2025, 3, 20),
            }
        ],
    )
    return world, bea, cy, update


def render(update, who, comm_type, medium="email", **kw):
    data = reports.report_data(update)
    return reports.render_report(
        data,
        recipient=reports.Recipient(who.pk, who.name),
        comm_type=comm_type,
        medium=medium,
        **kw,
    )


def test_the_simple_report_is_short_plain_and_tailored_to_its_reader(story):
    world, bea, cy, update = story
    for_bea = render(update, bea, "simple")
    for_cy = render(update, cy, "simple")
    # Both: the colour, what was done, what is next, what is not going well.
    for report in (for_bea, for_cy):
        assert "STATUS: AMBER" in report.text
        assert "Workshops with sales done." in report.text
        assert "Steering committee decides on hosting." in report.text
        assert "Hosting decision is a month late." in report.text
        assert 'name="viewport"' in report.html  # fits a phone screen
        assert len(report.text) < 2000
    # Only Bea's: the obstacle that hits her. Only Cy's: the decision we need from him.
    assert "Legacy data is dirty — Sales screens show duplicates" in for_bea.text
    assert "Legacy data is dirty" not in for_cy.text
    assert "Approve the hosting budget (by 20 Mar 2025)" in for_cy.text
    assert "Approve the hosting budget" not in for_bea.text
    # The simple report leaves out the activity list; its top risks are in test_simple_report_risks.
    assert "Go-live" not in for_bea.text


def test_what_changed_for_you_says_the_colour_moved_since_the_last_report(story):
    world, bea, cy, update = story
    report = render(update, cy, "simple", previous_colour="green")
    assert "The overall status moved from green to amber since your last report." in report.text


def test_the_dashboard_text_part_says_what_changed_for_its_reader_too(story):
    world, bea, cy, update = story
    report = render(update, bea, "dashboard")
    assert "What changed for you" in report.text
    assert "Legacy data is dirty — Sales screens show duplicates" in report.text
    assert "Legacy data is dirty" not in render(update, cy, "dashboard").text


def test_a_first_report_says_how_the_colour_moved_since_the_previous_status(world):
    bea = party(world, "Bea Business-Lead")
    publish(world, overall="green", period=(date(2025, 2, 24), date(2025, 3, 2)))
    amber = publish(world)  # the week after, amber
    report = render(amber, bea, "simple")  # Bea never got a report before
    assert (
        "The overall status moved from green to amber since the previous status (24 Feb – 2 Mar)."
        in report.text
    )
    # What she was last sent wins over the previous status: amber then, amber now.
    assert "moved from" not in render(amber, bea, "simple", previous_colour="amber").text


def test_the_detailed_report_has_every_activity_the_risks_issues_and_decisions(story):
    world, bea, cy, update = story
    report = render(update, bea, "detailed")
    for text in (
        "Go-live",
        "Vendor may slip",
        "Legacy data is dirty",
        "Approve the hosting budget",
        "Schedule",
        "Quality",
    ):
        assert text in report.html and text in report.text


def test_the_detailed_report_has_the_assumptions_dependencies_and_estimate(story):
    from rapport.estimates import services as estimates
    from rapport.raci.models import Activity

    world, bea, cy, update = story
    go_live = Activity.objects.get(project=world.alpha, name="Go-live")
    build = raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Build the screens",
        planned_start=date(2025, 4, 1),
        planned_finish=date(2025, 5, 20),
    )
    estimates.estimate_set(
        actor=world.manager,
        activity=build,
        reason="First estimate",
        duration=(20, 30, 45),
        cost=(40000, 50000, 80000),
        assumptions="Two developers from April",
    )
    estimates.estimate_set(
        actor=world.manager,
        activity=go_live,
        reason="First estimate",
        duration=(1, 1, 2),
        cost=(1000, 1000, 2000),
        predecessors=[build],
    )
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=1)
    report = render(update, bea, "detailed")
    for part in (report.html, report.text):
        assert "Assumptions" in part and "Two developers from April" in part
        assert "P50" in part and "P80" in part and "P90" in part
        assert "Contingency to P80" in part
    assert "40,000 / 50,000 / 80,000" in report.html  # the cost range, not only the duration
    assert "after Build the screens" in report.text  # the dependency
    # The simple report keeps out of it.
    assert "Two developers from April" not in render(update, bea, "simple").text


def test_the_dashboard_has_its_four_charts_on_the_web_and_in_the_pdf(story, tmp_path):
    world, bea, cy, update = story
    data = reports.report_data(update)
    page = reports.render_fragment(
        data, recipient=reports.Recipient(bea.pk, bea.name), comm_type="dashboard"
    )
    assert page.count("<svg") == 4
    for title in (
        "Progress over time",
        "Milestone trend",
        "Colour history",
        "Budget burn against progress",
    ):
        assert title in page
    email = reports.render_report(
        data, recipient=reports.Recipient(bea.pk, bea.name), comm_type="dashboard"
    )
    # Mail clients show no SVG: the e-mail's charts are PNG images carried in the message.
    assert "<svg" not in email.html
    for name in reports.CHART_NAMES:
        assert f'src="cid:{reports.chart_cid(name)}"' in email.html
        assert data.chart_pngs[name].startswith(b"\x89PNG")
    pdf = reports.render_pdf(
        data, recipient=reports.Recipient(bea.pk, bea.name), comm_type="dashboard"
    )
    text = pdf_text(pdf, tmp_path)
    assert "Statistical dashboard" in text and "Amber" in text
    assert "Progress over time" in text and "Budget burn against progress" in text


def test_the_pdf_is_real_and_carries_the_colour_and_key_text(story, tmp_path):
    world, bea, cy, update = story
    data = reports.report_data(update)
    pdf = reports.render_pdf(data, recipient=reports.Recipient(cy.pk, cy.name), comm_type="simple")
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Alpha rollout" in text and "Amber" in text
    assert "What is not going well" in text and "Hosting decision is a month late." in text
    assert "Approve the hosting budget" in text


def test_a_custom_report_opens_with_the_pms_own_paragraph(story):
    world, bea, cy, update = story
    report = render(update, bea, "custom", custom_intro="Dear board, the short version.")
    assert report.text.index("Dear board, the short version.") < report.text.index(
        "What changed for you"
    )
    assert "Custom report" in report.subject


def test_a_corrected_version_says_so_and_why(story):
    world, bea, cy, update = story
    correction = status.status_update_correct(
        actor=world.manager, update=update, reason="Cost was red, not green", cost="red"
    )
    report = render(correction, bea, "simple")
    assert "(corrected v2)" in report.subject
    assert "corrected version 2: Cost was red, not green" in report.text


def test_the_pm_previews_each_audience_before_anything_goes_out(story, client_for):
    world, bea, cy, update = story
    row = plan_row(world, [bea, cy], comm_type="simple")
    client = client_for(world.viewer)
    for who, own, other in (
        (bea, "Legacy data is dirty", "Approve the hosting budget"),
        (cy, "Approve the hosting budget", "Legacy data is dirty"),
    ):
        page = client.get(f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{who.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert f"Preview: Simple progress report for {who.name}" in body
        assert own in body and other not in body.split("The plain-text part")[0]
        assert "[ALPHA] Simple progress report: AMBER" in body
    pdf = client.get(f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{bea.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # Cy got a green report last time: the preview says what his next e-mail will say.
    older = publish(world, overall="green", period=(date(2025, 2, 24), date(2025, 3, 2)))
    sent_delivery(row, cy, older, occurrence=timezone.now() - timedelta(days=7))
    page = client.get(f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{cy.pk}/")
    assert b"moved from green to amber since your last report" in page.content
    # Nobody outside the row's audience can be previewed through it.
    outsider = party(world, "Zed Nobody")
    assert client.get(f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{outsider.pk}/").status_code == 404


def test_a_draft_can_be_previewed_before_it_is_published(story, client_for):
    world, bea, cy, update = story
    row = plan_row(world, [bea])
    draft = status.status_update_create(
        actor=world.manager,
        project=world.alpha,
        period_start=date(2025, 3, 10),
        period_end=date(2025, 3, 16),
        overall="red",
        summary="DRAFT-SUMMARY",
        not_going_well="Everything",
    )
    page = client_for(world.manager).get(
        f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{bea.pk}/?update={draft.pk}"
    )
    assert b"DRAFT-SUMMARY" in page.content and b"(draft" in page.content
    # ... but only a draft of this project.
    assert (
        client_for(world.manager)
        .get(f"/o/acme/p/ALPHA/comms/{row.pk}/preview/{bea.pk}/?update=abc")
        .status_code
        == 404
    )


def test_rendering_many_recipients_reads_the_database_once(story, django_assert_max_num_queries):
    world, bea, cy, update = story
    data = reports.report_data(update)
    with django_assert_max_num_queries(0):
        for n in range(20):
            for kind in ("simple", "detailed", "dashboard", "custom"):
                reports.render_report(
                    data, recipient=reports.Recipient(n, f"Reader {n}"), comm_type=kind
                )


def test_html_in_status_text_is_escaped_in_every_report(world):
    bea = party(world, "Bea Business-Lead")
    update = publish(world, summary="<script>alert(1)</script>", not_going_well="<b>nothing</b>")
    for kind in ("simple", "detailed", "dashboard"):
        html = render(update, bea, kind).html
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_detailed_report_pictures_power_interest_and_engagement(story, tmp_path):
    from rapport.stakeholders import services as stakeholders
    from rapport.stakeholders.models import ProjectStakeholder

    world, bea, cy, update = story
    recipient = reports.Recipient(bea.pk, bea.name)
    before = reports.report_data(update)
    assert "No stakeholder assessed for power, interest or engagement yet" in (
        reports.render_fragment(before, recipient=recipient, comm_type="detailed")
    )

    stakeholders.stakeholder_update(
        actor=world.manager,
        stakeholder=ProjectStakeholder.objects.get(project=world.alpha, party=bea),
        power=5,
        interest=5,
        engagement_now="resistant",
        engagement_needed="supportive",
    )
    data = reports.report_data(update)

    page = reports.render_fragment(data, recipient=recipient, comm_type="detailed")
    assert "<svg" in page and "Power/interest grid" in page and "Bea Business-Lead" in page
    pdf = reports.render_pdf(data, recipient=recipient, comm_type="detailed")
    text = pdf_text(pdf, tmp_path)
    assert "Customers: power, interest and engagement" in text
    # Beside the pictures, a table gives each assessed stakeholder's exact scores.
    assert "Each stakeholder's scores" in text
    assert (
        '<th scope="row">Bea Business-Lead</th><td>5</td><td>5</td><td>Manage closely</td>'
        "<td>Resistant</td><td>Supportive</td>"
    ) in page
    mail = render(update, bea, "detailed")
    assert "<svg" not in mail.html  # mail clients show no SVG
    assert "the engagement matrix are in the attached PDF" in mail.html
    assert '<th scope="row">Bea Business-Lead</th><td>5</td><td>5</td>' in mail.html
    # The simple report stays short: no pictures of the whole register.
    assert "Power/interest grid" not in render(update, bea, "simple", medium="web").html
