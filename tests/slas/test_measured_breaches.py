"""Breaches measured from Rapport's own data, per kind, listed per side; the sla-breached signal."""

from datetime import date, timedelta

from django.utils import timezone

from rapport.slas import selectors, services
from rapport.status.selectors import project_health


def _window():
    now = timezone.now()
    return {"since": now - timedelta(days=90), "now": now}


def test_without_an_agreement_nothing_is_measured(world):
    assert selectors.sla_breach_counts(world.alpha, **_window()) == (None, None)
    signal = next(
        s for s in project_health(world.alpha).report.evidence.signals if s.code == "sla-breached"
    )
    assert not signal.measured


def test_an_agreement_without_breaches_counts_zero_on_each_side(world, agreement):
    assert selectors.sla_breach_counts(world.alpha, **_window()) == (0, 0)


def test_an_unanswered_portal_comment_is_a_breach_by_it(world, agreement):
    from rapport.comms.models import Feedback
    from tests.comms.factories import comms_sample

    comms_sample(world)
    from rapport.comms.services import feedback_record

    feedback = feedback_record(
        delivery=world.comms["delivery"], party=world.comms["bea"], comment="Why amber?"
    )
    Feedback.objects.filter(pk=feedback.pk).update(commented_at=timezone.now() - timedelta(days=3))
    rows = selectors.breaches(world.alpha, **_window())
    assert any("question" in r.what and r.side == "it" for r in rows)


def test_a_late_promise_is_a_breach_by_it(world, agreement):
    from rapport.promises.models import Commitment

    Commitment.objects.create(
        project=world.alpha,
        what="Demo of the reports",
        promised_date=timezone.localdate() - timedelta(days=20),
        original_date=timezone.localdate() - timedelta(days=20),
        made_on=timezone.localdate() - timedelta(days=40),
    )
    by_it, by_business = selectors.sla_breach_counts(world.alpha, **_window())
    assert (by_it, by_business) == (1, 0)


def test_a_decision_asked_for_and_not_taken_is_a_breach_by_the_business(world, agreement):
    from rapport.status.models import StatusUpdate
    from tests.comms.factories import publish

    update = publish(world, decisions=[{"text": "Choose the hosting"}])
    StatusUpdate.objects.filter(pk=update.pk).update(
        published_at=timezone.now() - timedelta(days=20)
    )
    rows = selectors.breaches(world.alpha, **_window())
    assert [(r.side, r.measured) for r in rows] == [("business", True)]
    assert "Choose the hosting" in rows[0].what and "still undecided" in rows[0].what


def test_the_decision_log_closes_the_request_in_time(world, agreement):
    from rapport.meetings.models import Decision
    from rapport.status.models import StatusUpdate
    from tests.comms.factories import publish

    update = publish(world, decisions=[{"text": "Choose the hosting"}])
    asked = timezone.now() - timedelta(days=20)
    StatusUpdate.objects.filter(pk=update.pk).update(published_at=asked)
    Decision.objects.create(
        project=world.alpha,
        text="Cloud hosting",
        decided_on=timezone.localtime(asked).date() + timedelta(days=3),
        status_update=update,
    )
    assert selectors.breaches(world.alpha, **_window()) == []


def test_a_status_meeting_the_business_skipped_is_a_breach_by_the_business(world, agreement):
    from rapport.meetings.models import Invitee, Meeting
    from rapport.stakeholders import services as stakeholders

    meeting = Meeting.objects.create(
        project=world.alpha, title="Weekly status", starts_at=timezone.now() - timedelta(days=5)
    )
    for i, attendance in enumerate(["attended", "absent"]):
        s = stakeholders.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": f"Biz {i}"}
        )
        Invitee.objects.create(
            meeting=meeting, stakeholder=s, is_business=True, attendance=attendance
        )
    rows = selectors.breaches(world.alpha, **_window())
    assert len(rows) == 1 and "1 of 2 from the business came" in rows[0].what


def test_a_recorded_sign_off_breach_counts_for_the_business_and_turns_the_signal_amber(
    world, agreement
):
    services.breach_record(
        actor=world.manager,
        obligation=agreement.by_kind["sign-off"],
        occurred_on=timezone.localdate() - timedelta(days=1),
        what="Design sign-off took 3 weeks",
    )
    assert selectors.sla_breach_counts(world.alpha, **_window()) == (0, 1)
    signal = next(
        s for s in project_health(world.alpha).report.evidence.signals if s.code == "sla-breached"
    )
    assert signal.measured and signal.colour.label == "amber"
    assert "0 by IT, 1 by the business" in signal.message


def test_an_inactive_agreement_is_not_measured(world, agreement):
    services.breach_record(
        actor=world.manager,
        obligation=agreement.by_kind["sign-off"],
        occurred_on=date.today() - timedelta(days=1),
        what="Late",
    )
    services.agreement_update(actor=world.manager, agreement=agreement, active=False)
    assert selectors.sla_breach_counts(world.alpha, **_window()) == (None, None)


def test_a_breach_in_the_future_is_refused(world, agreement):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.breach_record(
            actor=world.manager,
            obligation=agreement.by_kind["sign-off"],
            occurred_on=timezone.localdate() + timedelta(days=3),
            what="Late",
        )
    assert "occurred_on" in error.value.message_dict
