"""The agenda's "let me restate…" suggestions: what the current work touches that the attendees
have not yet seen or only partly understood."""

from datetime import date, timedelta

from django.utils import timezone

from rapport.education import selectors, services
from rapport.estimates.models import SimulationRun
from rapport.meetings.models import Invitee, Meeting
from rapport.raci import services as raci

MISSED = {
    "what_it_would_take": {"confidence": 0.8, "finish_gap": 30.0, "cost_gap": -100.0},
}


def names(suggestions):
    return [s["topic"].name for s in suggestions]


def test_the_estimate_topic_is_suggested_when_the_sponsors_target_is_missed(world, people):
    SimulationRun.objects.create(project=world.alpha, seed=1, iterations=100, result=MISSED)
    [found] = selectors.restate_suggestions(world.alpha)
    assert found["topic"].name == "Contingency and how the estimate was developed"
    assert "finishes 30 working days after the sponsor's date" in found["sentence"]
    assert found["sentence"].startswith("Let me restate contingency")
    assert [s.party.name for s in found["who"]] == ["Bea Business", "Sam Sponsor"]


def test_nothing_about_the_estimate_when_the_target_is_met(world, people):
    met = {"what_it_would_take": {"confidence": 0.8, "finish_gap": -3.0, "cost_gap": None}}
    SimulationRun.objects.create(project=world.alpha, seed=1, iterations=100, result=met)
    assert selectors.restate_suggestions(world.alpha) == []


def test_work_under_way_suggests_its_topics_to_whoever_has_not_understood(world, people, topics):
    bea, sam = people
    raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Move to virtual servers",
        status="in_progress",
    )
    services.explanation_record(
        actor=world.manager,
        project=world.alpha,
        topic=topics["Virtual vs physical servers"],
        audience={bea: "understood", sam: "partly"},
        explained_on=date(2026, 11, 2),
    )
    [found] = selectors.restate_suggestions(world.alpha)
    assert found["topic"].name == "Virtual vs physical servers"
    assert [s.party.name for s in found["who"]] == ["Sam Sponsor"]


def test_a_meetings_invitees_are_its_attendees(world, people):
    bea, sam = people
    SimulationRun.objects.create(project=world.alpha, seed=1, iterations=100, result=MISSED)
    meeting = Meeting.objects.create(
        project=world.alpha, title="Weekly status", starts_at=timezone.now() + timedelta(days=2)
    )
    Invitee.objects.create(meeting=meeting, stakeholder=bea, is_business=True)
    [found] = selectors.restate_suggestions(meeting)
    assert [s.party.name for s in found["who"]] == ["Bea Business"]
    assert selectors.next_meeting(world.alpha) == meeting


def test_the_education_page_shows_the_suggestions_for_the_next_meeting(world, people, client_for):
    SimulationRun.objects.create(project=world.alpha, seed=1, iterations=100, result=MISSED)
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/relationship/education/").content
    assert b"Let me restate contingency" in page


def test_the_api_gives_the_suggestions_for_chosen_attendees(world, people, client_for):
    bea, sam = people
    SimulationRun.objects.create(project=world.alpha, seed=1, iterations=100, result=MISSED)
    body = (
        client_for(world.viewer)
        .get(
            f"/api/v1/projects/{world.alpha.pk}/restate-suggestions",
            {"stakeholder_ids": str(sam.pk)},
        )
        .json()
    )
    assert [(s["topic_name"], s["names"]) for s in body] == [
        ("Contingency and how the estimate was developed", ["Sam Sponsor"])
    ]
    bad = client_for(world.viewer).get(
        f"/api/v1/projects/{world.alpha.pk}/restate-suggestions", {"stakeholder_ids": "x,1"}
    )
    assert bad.status_code == 400 and "stakeholder_ids" in bad.json()["fields"]
