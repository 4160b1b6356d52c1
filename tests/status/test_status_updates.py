"""Status updates: written as drafts, published once and never changed again; corrections are new
versions with a reason; "what is not going well" must be said (an explicit "nothing" counts)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.status import services
from rapport.status.models import PublishedIsImmutable, StatusUpdate
from rapport.status.selectors import status_current
from tests.comms.factories import STATUS, party, publish


def draft(world, **fields):
    period = {"period_start": date(2025, 3, 3), "period_end": date(2025, 3, 9)}
    return services.status_update_create(
        actor=world.manager, project=world.alpha, **{**period, **STATUS, **fields}
    )


def test_a_draft_is_not_the_status_until_it_is_published(world):
    update = draft(world)
    assert update.state == "draft" and status_current(world.alpha) is None
    services.status_update_publish(actor=world.manager, update=update)
    update.refresh_from_db()
    assert update.state == "published" and update.published_at is not None
    assert status_current(world.alpha) == update


@pytest.mark.parametrize("said", ["", "   "])
def test_publishing_needs_what_is_not_going_well_said(world, said):
    update = draft(world, not_going_well=said)
    with pytest.raises(ValidationError) as error:
        services.status_update_publish(actor=world.manager, update=update)
    assert 'write "nothing"' in str(error.value.message_dict["not_going_well"])
    update.refresh_from_db()
    assert update.state == "draft"


def test_an_explicit_nothing_is_an_honest_answer(world):
    update = publish(world, not_going_well="Nothing.")
    assert update.is_published


def test_a_published_update_never_changes(world):
    update = publish(world)
    with pytest.raises(ValidationError, match="publish a correction"):
        services.status_update_update(actor=world.manager, update=update, overall="green")
    update.overall = "green"
    with pytest.raises(PublishedIsImmutable):
        update.save()  # not even by a careless caller that skips the services
    assert StatusUpdate.objects.get(pk=update.pk).overall == "amber"
    with pytest.raises(ValidationError, match="kept"):
        services.status_update_delete(actor=world.manager, update=update)


def test_a_correction_is_a_new_version_with_a_reason_and_the_original_stays(world):
    bea = party(world, "Bea Business-Lead")
    original = publish(world, obstacles=[{"text": "Dirty data", "customers": [bea]}])
    correction = services.status_update_correct(
        actor=world.manager,
        update=original,
        reason="Cost is red, not green",
        cost="red",
        overall="red",
    )
    original.refresh_from_db()
    assert (original.overall, original.cost, original.version) == ("amber", "green", 1)
    assert (correction.overall, correction.cost, correction.version) == ("red", "red", 2)
    assert (
        correction.supersedes == original
        and correction.correction_reason == "Cost is red, not green"
    )
    assert correction.is_published and status_current(world.alpha) == correction
    # Obstacles and decisions carry over unless the correction says otherwise.
    assert [(o.text, [c.name for c in o.customers.all()]) for o in correction.obstacles.all()] == [
        ("Dirty data", ["Bea Business-Lead"])
    ]
    with pytest.raises(ValidationError, match="corrected already"):
        services.status_update_correct(actor=world.manager, update=original, reason="again")
    with pytest.raises(ValidationError, match="Say why"):
        services.status_update_correct(actor=world.manager, update=correction, reason="  ")


def test_bad_input_is_refused_and_changes_nothing(world):
    with pytest.raises(ValidationError, match="ends before it starts"):
        draft(world, period_end=date(2025, 3, 1))
    with pytest.raises(ValidationError):
        draft(world, overall="blue")
    with pytest.raises(ValidationError):
        draft(world, progress=140)
    with pytest.raises(ValidationError, match="Unknown status update fields"):
        draft(world, mood="great")
    assert not StatusUpdate.objects.exists()


def test_the_top_risks_are_kept_as_they_were_at_publication(world):
    risk = services.risk_create(
        actor=world.manager,
        project=world.alpha,
        title="Vendor may slip",
        probability="high",
        impact="high",
    )
    update = publish(world)
    services.risk_close(actor=world.manager, risk=risk)
    update.refresh_from_db()
    assert [r["title"] for r in update.top_risks] == ["Vendor may slip"]


def test_the_pm_writes_and_publishes_through_the_page(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    page = client.get("/o/acme/p/ALPHA/status/new/")
    assert page.status_code == 200 and b"Bad news is OK here" in page.content
    data = {
        "period_start": "2025-03-03",
        "period_end": "2025-03-09",
        "overall": "red",
        "summary": "Hosting blocks us",
        **{k: "red" for k in ("schedule", "scope", "cost", "quality", "risk")},
        "progress": "20",
        "spent": "",
        "went_well": "",
        "not_going_well": "",
        "next_steps": "",
        "obstacles-TOTAL_FORMS": "2",
        "obstacles-INITIAL_FORMS": "0",
        "decisions-TOTAL_FORMS": "2",
        "decisions-INITIAL_FORMS": "0",
        "obstacles-0-text": "No servers",
        "obstacles-0-impact": "Nothing to test on",
        "obstacles-0-customers": [bea.pk],
        "decisions-0-text": "Approve hosting",
        "decisions-0-needed_from": bea.pk,
        "publish": "1",
    }
    missing = client.post("/o/acme/p/ALPHA/status/new/", data)
    assert missing.status_code == 200 and b"This field is required" in missing.content
    assert not StatusUpdate.objects.exists()
    data["not_going_well"] = "Hosting undecided"
    done = client.post("/o/acme/p/ALPHA/status/new/", data, follow=True)
    assert b"Status published" in done.content
    update = StatusUpdate.objects.get()
    assert update.is_published and update.overall == "red"
    assert [o.text for o in update.obstacles.all()] == ["No servers"]
    assert update.decisions.get().needed_from == bea
    edit = client.get(f"/o/acme/p/ALPHA/status/{update.pk}/edit/")
    assert edit.status_code == 302 and edit["Location"].endswith("/correct/")


def test_the_api_creates_publishes_and_corrects(world, client_for):
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/status-updates"
    body = {
        "period_start": "2025-03-03",
        "period_end": "2025-03-09",
        "overall": "green",
        "summary": "Fine",
        "not_going_well": "",
    }
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "draft"
    update_id = created.json()["id"]
    refused = client.post(f"{base}/{update_id}/publish")
    assert refused.status_code == 400 and "not_going_well" in refused.json()["fields"]
    client.post(
        base,
        {**body, "not_going_well": "x", "period_start": "2025-03-10", "period_end": "2025-03-02"},
        content_type="application/json",
    )
    assert StatusUpdate.objects.count() == 1
    published = client.post(
        base,
        {**body, "not_going_well": "nothing", "publish": True},
        content_type="application/json",
    )
    assert published.status_code == 201 and published.json()["state"] == "published"
    corrected = client.post(
        f"{base}/{published.json()['id']}/corrections",
        {"reason": "Late after all", "overall": "amber"},
        content_type="application/json",
    )
    assert corrected.status_code == 201
    assert (
        corrected.json()["version"] == 2
        and corrected.json()["supersedes_id"] == published.json()["id"]
    )
    listing = client.get(base).json()
    assert [u["version"] for u in listing["items"]] == [2, 1, 1]
