"""The demo's history: four completed projects with realistic overruns (Mei, the IT lead, is
consistently optimistic), so the CRM estimate is calibrated later than its plain figures and the
promise form warns about a late promiser. The demo is loaded once for the module's checks."""

import pytest
from django.contrib.auth import get_user_model

from rapport.demo.services import DEMO_PM_EMAIL, demo_load
from rapport.estimates.models import SimulationRun
from rapport.estimates.track_record import track_record_summary
from rapport.projects.models import Project
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("RAPPORT_DEMO_PASSWORD", PASSWORD)
    return demo_load()


def test_the_demo_history_calibrates_the_crm_estimate_and_warns_of_late_promises(demo, client):
    completed = Project.objects.filter(org=demo.org, state="completed").order_by("code")
    assert [p.code for p in completed] == ["DWH", "ERP-UP", "HR-SELF", "WEB"]

    summary = track_record_summary(None, demo.org)
    assert summary.fits.finish is not None and summary.fits.projects == 4
    assert summary.by_estimator[0].label == "Mei Tanaka"  # the most over-run first
    assert summary.by_estimator[0].mean_ratio > 1.4
    mei = next(p for p in summary.promises["people"] if p["label"] == "Mei Tanaka")
    assert mei["share"] < 0.3
    # one past project over-promised its benefit (measured below its P80), one met its P50
    assert (summary.benefits["checked"], summary.benefits["over_promised"]) == (2, 1)

    run = SimulationRun.objects.filter(project=demo.project).latest("created_at")
    calibrated = run.result["calibrated"]
    assert calibrated["p80"]["finish"] > run.result["p80"]["finish"] * 1.1
    assert calibrated["sample_size"] == 4

    client.force_login(get_user_model().objects.get(email=DEMO_PM_EMAIL))
    page = client.get("/o/demo/p/CRM/estimates/").content.decode()
    assert "projects here finished within" in page

    mei_user = demo.users["it_lead"]
    form = client.post(
        "/o/demo/p/CRM/promises/new/",
        {
            "what": "Integration ready for the pilot",
            "promised_date": "2026-10-15",
            "made_on": "2026-09-20",
            "made_by": str(mei_user.pk),
            "channel": "meeting",
            "check": "1",
        },
    ).content.decode()
    assert "Chance of keeping this promise" in form
    assert "For an 80 % chance, promise" in form
