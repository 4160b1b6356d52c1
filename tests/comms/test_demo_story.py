"""The issue's "done" story on the demo: the PM previews the three seed reports for their three
audiences, publishes a status, the due e-mails arrive over real SMTP with the PDF attached, and a
stakeholder opens the link from the e-mail, acknowledges and rates."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from rapport.comms import delivery as engine
from rapport.comms.models import Feedback, PlanRow
from rapport.demo.services import demo_load
from rapport.status.models import StatusUpdate
from rapport.status.selectors import project_health

SEED = {
    "Sofia Reyes": ("simple", "FREQ=WEEKLY;BYDAY=MO"),
    "Lars Becker": ("detailed", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
    "Mei Tanaka": ("dashboard", "FREQ=WEEKLY;BYDAY=MO"),
}


@pytest.fixture
def demo(db):
    return demo_load()


def test_the_demo_has_the_seed_plan_and_a_watermelon(demo):
    rows = PlanRow.objects.filter(project=demo.project).exclude(comm_type="meeting")
    plan = {row.audience_parties.get().name: (row.comm_type, row.rrule) for row in rows}
    assert plan == SEED
    assert PlanRow.objects.filter(project=demo.project, comm_type="meeting").exists()
    assert StatusUpdate.objects.filter(project=demo.project, state="published").count() == 3
    watermelon = project_health(demo.project).report.watermelon
    assert watermelon is not None and watermelon.message.startswith("Reported green; evidence red")


def test_from_preview_to_e_mail_to_acknowledgement(demo, client, smtp_server):
    project = demo.project
    client.force_login(demo.users["pm"], backend="django.contrib.auth.backends.ModelBackend")
    # 1. Preview each seed report for its audience.
    for row in PlanRow.objects.filter(project=project).exclude(comm_type="meeting"):
        reader = row.audience_parties.get()
        page = client.get(f"/o/demo/p/CRM/comms/{row.pk}/preview/{reader.pk}/")
        assert page.status_code == 200, reader.name
        assert f"for {reader.name}".encode() in page.content
        assert client.get(
            f"/o/demo/p/CRM/comms/{row.pk}/preview/{reader.pk}/pdf/"
        ).content.startswith(b"%PDF-")

    # 2. Publish this week's status, honestly red.
    today = timezone.now().astimezone(ZoneInfo(project.time_zone)).date()
    monday = today - timedelta(days=today.weekday())
    data = {
        "period_start": monday.isoformat(),
        "period_end": (monday + timedelta(days=6)).isoformat(),
        "overall": "red",
        "summary": "Budget burns ahead of progress; hosting still open.",
        **{k: "red" for k in ("schedule", "scope", "cost", "quality", "risk")},
        "progress": "31",
        "spent": "260000",
        "went_well": "Integration design done.",
        "not_going_well": "Licences and hosting cost more than planned.",
        "next_steps": "Re-plan with the sponsor.",
        "obstacles-TOTAL_FORMS": "0",
        "obstacles-INITIAL_FORMS": "0",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "publish": "1",
    }
    assert (
        b"Status published" in client.post("/o/demo/p/CRM/status/new/", data, follow=True).content
    )

    # 3. Next Monday at 09:00 Amsterdam, the periodic run sends what is due: three e-mails.
    next_monday = datetime.combine(
        monday + timedelta(days=7), time(9, 0, 30), ZoneInfo(project.time_zone)
    )
    with time_machine.travel(next_monday, tick=False):
        result = engine.comms_deliver()
    assert result.outcomes == {"sent": 3}
    got = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert set(got) == {
        "sofia@northwind.example",
        "lars@northwind.example",
        "mei@northwind.example",
    }
    for address, kind in (
        ("sofia", "Simple progress report"),
        ("lars", "Detailed progress report"),
        ("mei", "Statistical dashboard"),
    ):
        message = got[f"{address}@northwind.example"]
        assert f"[CRM] {kind}: RED" in message["Subject"]
        attachments = [
            p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
        ]
        assert len(attachments) == 1 and attachments[0].get_content().startswith(b"%PDF-")

    # 4. Mei follows the link in her e-mail, acknowledges and rates.
    client.logout()
    text = got["mei@northwind.example"].get_body(("plain",)).get_content()
    link = re.search(r"http://[^/]+(/portal/rpl_[^/\s]+/reports/\d+/)", text).group(1)
    page = client.get(link)
    assert (
        page.status_code == 200
        and b"Statistical dashboard" in page.content
        and b"<svg" in page.content
    )
    client.post(link, {"rating": "2", "comment": "Red again: what do you need from IT?"})
    feedback = Feedback.objects.get()
    assert feedback.party.name == "Mei Tanaka" and feedback.rating == 2 and feedback.acknowledged_at
