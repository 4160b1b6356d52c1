"""Recording promises, their delivery, renegotiation and breach, through the services."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.promises import selectors, services
from rapport.promises.models import Commitment, Renegotiation
from rapport.stakeholders import services as stakeholders
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """20 November 2026, 10:00 UTC."""
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)


@pytest.fixture
def sales(world):
    return customer(world, "Sales team")


def promise(world, to, due=date(2026, 11, 30), **fields):
    return services.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=to.party,
        what="Sandbox demo",
        promised_date=due,
        promised_scope="Accounts and contacts",
        made_on=date(2026, 11, 2),
        channel="email",
        made_where="E-mail of 2 November",
        **fields,
    )


def test_a_promise_records_what_to_whom_by_when_and_who_made_it_where(world, sales):
    c = promise(world, sales)
    assert (c.status, c.made_by, c.original_date) == ("open", world.manager, date(2026, 11, 30))
    assert c.party == sales.party and c.get_channel_display() == "E-mail"
    entry = LogEntry.objects.get_for_object(c).get()
    assert entry.actor == world.manager and entry.additional_data["project_id"] == world.alpha.pk


def test_delivering_on_time_with_more_keeps_it_and_late_breaks_it(world, sales):
    early = services.commitment_deliver(
        actor=world.contributor,
        commitment=promise(world, sales),
        delivered_on=date(2026, 11, 18),
        delivered_scope="more",
        notes="Mobile view too",
    )
    late = services.commitment_deliver(
        actor=world.contributor,
        commitment=promise(world, sales, due=date(2026, 11, 10)),
        delivered_on=date(2026, 11, 12),
        delivered_scope="as",
    )
    assert (early.status, late.status) == ("kept", "broken")
    assert early.closed_at is not None


def test_a_closed_promise_cannot_be_delivered_renegotiated_or_broken_again(world, sales):
    c = services.commitment_break(
        actor=world.manager, commitment=promise(world, sales), reason="Cancelled"
    )
    for attempt in (
        lambda: services.commitment_deliver(
            actor=world.manager, commitment=c, delivered_on=date(2026, 11, 19), delivered_scope="as"
        ),
        lambda: services.commitment_renegotiate(
            actor=world.manager, commitment=c, new_date=date(2026, 12, 5), reason="x"
        ),
        lambda: services.commitment_break(actor=world.manager, commitment=c, reason="again"),
    ):
        with pytest.raises(ValidationError, match="broken already"):
            attempt()
    c.refresh_from_db()
    assert (c.status, c.broken_reason) == ("broken", "Cancelled")


def test_renegotiating_keeps_the_old_terms_and_the_reason(world, sales):
    c = promise(world, sales)
    services.commitment_renegotiate(
        actor=world.manager,
        commitment=c,
        new_date=date(2026, 12, 14),
        new_scope="Accounts only",
        reason="The vendor's sandbox arrives late",
    )
    c.refresh_from_db()
    old = Renegotiation.objects.get(commitment=c)
    assert (c.status, c.promised_date, c.original_date) == (
        "renegotiated",
        date(2026, 12, 14),
        date(2026, 11, 30),
    )
    assert (old.old_date, old.old_scope, old.new_scope) == (
        date(2026, 11, 30),
        "Accounts and contacts",
        "Accounts only",
    )
    assert (
        old.reason == "The vendor's sandbox arrives late" and old.renegotiated_by == world.manager
    )


def test_a_renegotiation_needs_a_reason_and_new_terms(world, sales):
    c = promise(world, sales)
    with pytest.raises(ValidationError) as no_reason:
        services.commitment_renegotiate(
            actor=world.manager, commitment=c, new_date=date(2026, 12, 1), reason=" "
        )
    with pytest.raises(ValidationError) as same:
        services.commitment_renegotiate(
            actor=world.manager, commitment=c, new_date=c.promised_date, reason="No change"
        )
    assert "reason" in no_reason.value.message_dict
    assert same.value.message_dict["new_date"] == [
        "The new terms are the same as the current ones."
    ]
    assert not Renegotiation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"what": ""}, "what", "This is required."),
        (
            {"promised_date": date(2026, 11, 1)},
            "promised_date",
            "A promise cannot be due before the day it was made.",
        ),
        ({"channel": "pigeon"}, "channel", "Use one of meeting, email, report, call, other."),
    ],
)
def test_bad_promises_are_refused_with_a_clear_error_and_nothing_saved(
    world, sales, fields, field, message
):
    values = {
        "what": "Demo",
        "promised_date": date(2026, 12, 1),
        "made_on": date(2026, 11, 2),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.commitment_create(
            actor=world.manager, project=world.alpha, party=sales.party, **values
        )
    assert error.value.message_dict[field] == [message]
    assert not Commitment.objects.exists()


def test_a_promise_to_another_organisations_party_is_refused(world):
    theirs = stakeholders.stakeholder_add(
        actor=world.outsider, project=world.omega, new_party={"name": "Secret"}
    )
    with pytest.raises(ValidationError, match="another organisation's register"):
        services.commitment_create(
            actor=world.manager,
            project=world.alpha,
            party=theirs.party,
            what="x",
            promised_date=date(2026, 12, 1),
        )


def test_a_delivery_in_the_future_or_with_an_unknown_scope_is_refused(world, sales):
    c = promise(world, sales)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.commitment_deliver(
            actor=world.manager, commitment=c, delivered_on=date(2026, 11, 21), delivered_scope="as"
        )
    with pytest.raises(ValidationError, match="less than, as, or more than"):
        services.commitment_deliver(
            actor=world.manager,
            commitment=c,
            delivered_on=date(2026, 11, 19),
            delivered_scope="lots",
        )
    c.refresh_from_db()
    assert c.status == "open" and c.delivered_on is None


def test_someone_without_a_role_on_the_project_cannot_be_named_as_its_maker(world, sales):
    with pytest.raises(ValidationError, match="has no role on ALPHA"):
        promise(world, sales, made_by=world.member)


def test_overdue_promises_feed_the_status_evidence(world, sales):
    overdue = promise(world, sales, due=date(2026, 11, 10))
    promise(world, sales, due=date(2026, 11, 30))
    delivered = promise(world, sales, due=date(2026, 11, 5))
    services.commitment_deliver(
        actor=world.manager,
        commitment=delivered,
        delivered_on=date(2026, 11, 4),
        delivered_scope="as",
    )

    assert list(selectors.overdue_commitments(world.alpha)) == [overdue]
    assert selectors.commitment_counts_for_status(world.alpha) == {
        "commitments_open": 2,
        "commitments_overdue": 1,
    }
    from rapport.status.rules import HealthInputs, HealthSettings, signal_commitments_missed

    inputs = HealthInputs(**selectors.commitment_counts_for_status(world.alpha))
    signal = signal_commitments_missed(
        inputs.commitments_open, inputs.commitments_overdue, HealthSettings()
    )
    assert signal.colour.label == "red"  # one of two open promises overdue: half


def test_today_is_the_projects_own_day(world, sales):
    world.alpha.time_zone = "Pacific/Kiritimati"  # UTC+14: already 21 November there
    assert services.project_today(world.alpha) == date(2026, 11, 21)
