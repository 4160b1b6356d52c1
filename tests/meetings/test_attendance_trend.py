"""Business presence at the status meetings: the trend per person and per project, the evidence
for the business-absent signal, and the prompt for someone who keeps missing the meeting."""

from datetime import UTC, datetime, timedelta

from rapport.meetings import selectors, services

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def weekly(world, people, marks_of_bea, *, kind="status", start=NOW - timedelta(weeks=10)):
    """One meeting a week with Bea (business) and Ian (IT); Bea's attendance as given, Ian always
    attends."""
    bea, ian, _ = people
    meetings = []
    for week, mark in enumerate(marks_of_bea):
        meeting = services.meeting_schedule(
            actor=world.manager,
            project=world.alpha,
            title=f"Status {week}",
            kind=kind,
            starts_at=start + timedelta(weeks=week),
            invitees=[bea, ian],
        )
        services.attendance_record(
            actor=world.manager,
            meeting=meeting,
            attendance={
                meeting.invitees.get(stakeholder=bea).pk: mark,
                meeting.invitees.get(stakeholder=ian).pk: "attended",
            },
        )
        meetings.append(meeting)
    return meetings


def test_no_status_meeting_held_is_not_measured(world, people):
    assert selectors.business_attendance_evidence(world.alpha, window=6, now=NOW) == (None, None)
    weekly(world, people, ["absent"], kind="other")
    assert selectors.business_attendance_evidence(world.alpha, window=6, now=NOW) == (None, None)
    # A meeting still to come is not held either.
    weekly(world, people, ["absent"], start=NOW + timedelta(days=1))
    assert selectors.business_attendance_evidence(world.alpha, window=6, now=NOW) == (None, None)


def test_the_evidence_counts_business_invitations_missed_in_the_last_window(world, people):
    weekly(world, people, ["absent", "absent", "attended", "apologised", "attended", "unknown"])
    # Only the business side counts (Ian, from IT, always came); apologised counts as missed,
    # not recorded does not.
    assert selectors.business_attendance_evidence(world.alpha, window=6, now=NOW) == (6, 3)
    assert selectors.business_attendance_evidence(world.alpha, window=3, now=NOW) == (3, 1)


def test_the_status_signal_turns_red_when_the_business_stays_away(world, people):
    from rapport.status import rules

    weekly(world, people, ["absent", "absent", "attended", "absent"])
    invited, missed = selectors.business_attendance_evidence(world.alpha, window=6, now=NOW)
    signal = rules.signal_business_absent(invited, missed, rules.HealthSettings())
    assert signal.code == "business-absent" and signal.colour.name == "RED"


def test_the_trend_has_a_mark_per_meeting_and_person(world, people):
    weekly(world, people, ["attended", "absent", "apologised"])
    trend = selectors.attendance_trend(world.alpha, now=NOW)
    assert [m.business_invited for m in trend.meetings] == [1, 1, 1]
    assert [m.business_attended for m in trend.meetings] == [1, 0, 0]
    (bea,) = trend.people
    assert bea.name == "Bea Business" and bea.marks == ["attended", "absent", "apologised"]
    assert (trend.invited, trend.attended, trend.missed) == (3, 1, 2)


def test_someone_who_missed_two_of_their_last_three_is_prompted_with_their_contribution(
    world, people
):
    weekly(world, people, ["attended", "attended", "absent", "attended", "apologised"])
    (prompt,) = selectors.attendance_prompts(world.alpha, now=NOW)
    assert (prompt.name, prompt.missed, prompt.of) == ("Bea Business", 2, 3)
    assert prompt.message == (
        "Ask Bea Business what would make the meeting worth their time — their decisions on "
        "the order-entry screens are what the team needs."
    )


def test_no_prompt_for_someone_who_comes(world, people):
    weekly(world, people, ["absent", "absent", "attended", "attended", "attended"])
    assert selectors.attendance_prompts(world.alpha, now=NOW) == []


def test_the_trend_costs_the_same_queries_with_many_meetings(
    world, people, django_assert_max_num_queries
):
    weekly(world, people, ["absent"] * 30, start=NOW - timedelta(weeks=31))
    with django_assert_max_num_queries(3):
        trend = selectors.attendance_trend(world.alpha, now=NOW)
    assert len(trend.meetings) == selectors.TREND_MEETINGS


def test_without_their_own_words_the_prompt_names_the_activities_they_decide(world, people):
    from rapport.raci import services as raci
    from rapport.stakeholders import services as stakeholders

    _, ian, _ = people
    dana = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Dana Director"},
        is_customer=True,
    )
    activity = raci.activity_create(
        actor=world.manager, project=world.alpha, name="Approve the budget"
    )
    raci.raci_assign(actor=world.manager, activity=activity, party=dana.party, letter="A")
    for week, mark in enumerate(["absent", "absent", "attended"]):
        meeting = services.meeting_schedule(
            actor=world.manager,
            project=world.alpha,
            title=f"Status {week}",
            starts_at=NOW - timedelta(weeks=3 - week),
            invitees=[dana, ian],
        )
        services.attendance_record(
            actor=world.manager,
            meeting=meeting,
            attendance={meeting.invitees.get(stakeholder=dana).pk: mark},
        )
    (prompt,) = selectors.attendance_prompts(world.alpha, now=NOW)
    assert "their decisions on “Approve the budget” are what the team needs" in prompt.message


def test_the_summary_gives_the_figures_of_the_relationship_page(world, people):
    weekly(world, people, ["absent", "attended", "absent"])
    summary = selectors.meetings_summary(world.alpha, now=NOW)
    assert summary["status_meetings_held"] == 3 and summary["business_missed"] == 2
    assert summary["business_attendance_share"] == 0.33 and len(summary["prompts"]) == 1
    assert [i.attendance for i in selectors.meetings_of(people[0])] == [
        "absent",
        "attended",
        "absent",
    ]
