"""Communication and status objects for tests, made through the services like real ones."""

from datetime import date, time

from django.utils import timezone

from rapport.comms import rules, services
from rapport.comms.models import Delivery, DeliveryState
from rapport.stakeholders import services as stakeholders
from rapport.status import services as status

STATUS = {
    "overall": "amber",
    "summary": "Requirements nearly done; hosting decision late.",
    "schedule": "amber",
    "scope": "green",
    "cost": "green",
    "quality": "green",
    "risk": "amber",
    "progress": 30,
    "went_well": "Workshops with sales done.",
    "not_going_well": "Hosting decision is a month late.",
    "next_steps": "Steering committee decides on hosting.",
}


def party(world, name, *, email=None, project=None, interest=3, is_customer=True, categories=None):
    """A party on the project (ALPHA by default), with an e-mail address unless told otherwise."""
    project = project or world.alpha
    slug = name.lower().replace(" ", ".")
    fields = {"name": name, "email": f"{slug}@customer.example" if email is None else email}
    if categories:
        fields["categories"] = categories
    actor = world.manager if project == world.alpha else world.outsider
    return stakeholders.stakeholder_add(
        actor=actor, project=project, new_party=fields, is_customer=is_customer, interest=interest
    ).party


def publish(
    world,
    project=None,
    *,
    period=(date(2025, 3, 3), date(2025, 3, 9)),
    obstacles=(),
    decisions=(),
    **fields,
):
    project = project or world.alpha
    actor = world.manager if project == world.alpha else world.outsider
    return status.status_update_create(
        actor=actor,
        project=project,
        period_start=period[0],
        period_end=period[1],
        obstacles=list(obstacles),
        decisions=list(decisions),
        publish=True,
        **{**STATUS, **fields},
    )


def plan_row(
    world,
    parties,
    *,
    project=None,
    comm_type="simple",
    channel="email",
    rrule="FREQ=WEEKLY;BYDAY=MO",
    start=date(2025, 1, 6),
    at=time(9, 0),
    now=None,
    **fields,
):
    project = project or world.alpha
    actor = world.manager if project == world.alpha else world.outsider
    return services.plan_row_create(
        actor=actor,
        project=project,
        audience_parties=parties,
        comm_type=comm_type,
        channel=channel,
        rrule=rrule,
        start_date=start,
        send_time=at,
        now=now,
        **fields,
    )


def sent_delivery(row, party_, update, *, occurrence=None) -> Delivery:
    """A delivery as the worker leaves it after sending (no SMTP needed for page tests)."""
    occurrence = occurrence or timezone.now().replace(microsecond=0)
    return Delivery.objects.create(
        key=rules.occurrence_key(row.pk, occurrence, party_.pk),
        project=row.project,
        plan_row=row,
        party=party_,
        occurrence=occurrence,
        channel=row.channel,
        comm_type=row.comm_type,
        email=party_.email,
        status_update=update,
        state=DeliveryState.SENT,
        attempts=1,
        sent_at=occurrence,
    )


def comms_sample(world) -> dict:
    """On ALPHA: a recipient, a published status, a draft, a risk, an e-mail plan row with one
    sent delivery, the recipient's portal link, a calendar feed. The same in OMEGA (Globex).
    Returns the ids the URL patterns and API paths name."""
    bea = party(world, "Bea Business-Lead")
    published = publish(world)
    draft = status.status_update_create(
        actor=world.manager,
        project=world.alpha,
        period_start=date(2025, 3, 10),
        period_end=date(2025, 3, 16),
        **{**STATUS, "not_going_well": ""},
    )
    risk = status.risk_create(
        actor=world.manager,
        project=world.alpha,
        title="Vendor may slip",
        probability="high",
        impact="high",
    )
    row = plan_row(world, [bea])
    delivery = sent_delivery(row, bea, published)
    link = services.portal_link_ensure(project=world.alpha, party=bea)
    # The token Bea's report e-mail carried: only she (and this test) knows it.
    token = services.portal_token_issue(link=link, sent_to=bea.email, delivery=delivery)
    feed, feed_token = services.calendar_feed_create(actor=world.manager, project=world.alpha)

    # Globex has the same kinds of things: nobody at Acme may reach them.
    omega_party = party(world, "Olaf Omega", project=world.omega)
    omega_update = publish(world, world.omega, summary="GLOBEX-SECRET-STATUS")
    omega_row = plan_row(world, [omega_party], project=world.omega)
    omega_delivery = sent_delivery(omega_row, omega_party, omega_update)
    world.comms = {
        "bea": bea,
        "published": published,
        "draft": draft,
        "row": row,
        "delivery": delivery,
        "link": link,
        "token": token,
        "feed_token": feed_token,
        "omega_delivery": omega_delivery,
        "omega_link": services.portal_link_ensure(project=world.omega, party=omega_party),
    }
    return {
        "plan_row_id": row.pk,
        "recipient_id": bea.pk,
        "status_update_id": published.pk,
        "risk_id": risk.pk,
        "delivery_id": delivery.pk,
        "portal_link_id": link.pk,
        "calendar_feed_id": feed.pk,
    }
