"""A worker keeps a project's computed health while nothing the evidence reads changes.

The database's triggers move the project's evidence version with every change the evidence can
see, whatever code makes it (here: queryset updates, inserts and deletes, not the services), so
the overview, the status page and the API never show a kept health after a change. The demo
workspace has data in every area the evidence reads; it is loaded once per test.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.comms.models import Delivery, DeliveryState, Feedback, FeedbackSource, PlanRow
from rapport.demo.services import DEMO_PM_EMAIL, demo_load
from rapport.meetings.models import Decision, Invitee, Meeting
from rapport.projects.models import Project
from rapport.promises.models import Commitment, Renegotiation
from rapport.raci.models import Activity, Assignment
from rapport.satisfaction.models import Pulse
from rapport.slas.models import Agreement, Breach, Obligation
from rapport.stakeholders.models import Party, ProjectStakeholder
from rapport.status import health_kept, selectors
from rapport.status.models import HealthConfig, Risk, StatusDecision, StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(db, monkeypatch):
    monkeypatch.delenv("RAPPORT_DEMO_PASSWORD", raising=False)
    demo_load()
    return Project.objects.get(org__slug="demo", code="CRM")


def first(queryset):
    row = queryset.order_by("pk").first()
    assert row is not None, f"the demo has no {queryset.model.__name__} to change"
    return row


def update_first(queryset, **fields):
    queryset.filter(pk=first(queryset).pk).update(**fields)


def a_letter_in_an_empty_cell(p, letter):
    activity = first(Activity.objects.filter(project=p))
    party = first(
        Party.objects.filter(stakeholdings__project=p).exclude(raci_assignments__activity=activity)
    )
    Assignment.objects.create(activity=activity, party=party, letter=letter)


def a_sent_report(p, *, rated: bool):
    row = first(PlanRow.objects.filter(project=p))
    party = first(Party.objects.filter(stakeholdings__project=p))
    sent = timezone.now() - timedelta(days=3)
    delivery = Delivery.objects.create(
        key=f"kept-health-{rated}",
        project=p,
        plan_row=row,
        party=party,
        occurrence=sent,
        channel=row.channel,
        comm_type=row.comm_type,
        email="reader@example.com",
        state=DeliveryState.SENT,
        sent_at=sent,
    )
    if rated:
        Feedback.objects.create(
            delivery=delivery,
            project=p,
            party=party,
            source=FeedbackSource.PORTAL,
            rating=1,
            rated_at=sent,
        )


# Each kind of change to what the evidence reads (and the SLA breaches it counts).
CHANGES = {
    "the status update's colour": lambda p: update_first(
        StatusUpdate.objects.filter(project=p, published_at__isnull=False), overall="red"
    ),
    "a decision asked for in a status update": lambda p: StatusDecision.objects.filter(
        update__project=p
    ).update(text="Choose the data centre"),
    "the health settings": lambda p: HealthConfig.objects.create(project=p, margin=2),
    "a risk closed": lambda p: Risk.objects.filter(project=p).update(closed_at=timezone.now()),
    "an activity finished": lambda p: update_first(
        Activity.objects.filter(project=p).exclude(status="done"), status="done"
    ),
    "an activity's planned finish": lambda p: update_first(
        Activity.objects.filter(project=p, planned_finish__isnull=False),
        planned_finish=timezone.localdate() - timedelta(days=40),
    ),
    "an Accountable letter removed": lambda p: first(
        Assignment.objects.filter(activity__project=p, letter="A")
    ).delete(),
    "an Accountable letter added": lambda p: a_letter_in_an_empty_cell(p, "A"),
    "a promise broken": lambda p: update_first(
        Commitment.objects.filter(project=p).exclude(status="broken"),
        status="broken",
        closed_at=timezone.now(),
    ),
    "a renegotiation": lambda p: Renegotiation.objects.filter(commitment__project=p).update(
        agreed_on=timezone.localdate()
    ),
    "a report sent": lambda p: a_sent_report(p, rated=False),
    "a report rated by its reader": lambda p: a_sent_report(p, rated=True),
    "a status meeting moved": lambda p: update_first(
        Meeting.objects.filter(project=p, kind="status"),
        starts_at=timezone.now() - timedelta(days=1),
    ),
    "an invitee absent": lambda p: Invitee.objects.filter(meeting__project=p).update(
        attendance="absent"
    ),
    "a decision logged": lambda p: Decision.objects.filter(project=p).delete(),
    "an agreement paused": lambda p: Agreement.objects.filter(project=p).update(active=False),
    "an obligation's target": lambda p: Obligation.objects.filter(agreement__project=p).update(
        target=1
    ),
    "a breach deleted": lambda p: first(
        Breach.objects.filter(obligation__agreement__project=p)
    ).delete(),
    "a pulse's score": lambda p: Pulse.objects.filter(project=p).update(score=1),
    "a stakeholder's power": lambda p: ProjectStakeholder.objects.filter(project=p).update(
        power=1, interest=1
    ),
    "a key customer renamed in the register": lambda p: update_first(
        Party.objects.filter(pk__in=Pulse.objects.filter(project=p).values("stakeholder__party")),
        name="Renamed in the register",
    ),
}

# Changes to columns the evidence does not read: the kept health stays.
UNREAD = {
    "an activity renamed": lambda p: Activity.objects.filter(project=p).update(
        description="More words"
    ),
    "a risk's mitigation": lambda p: Risk.objects.filter(project=p).update(mitigation="Plan B"),
    "a Responsible letter added": lambda p: a_letter_in_an_empty_cell(p, "R"),
    "a party's e-mail": lambda p: Party.objects.filter(stakeholdings__project=p).update(
        email="someone@example.com"
    ),
    "a meeting's agenda": lambda p: Meeting.objects.filter(project=p).update(agenda="Same"),
}


def comparable(health) -> dict:
    data = health.to_dict()
    data.pop("as_of")
    return {**data, "inputs": health.inputs}


def kept_now(project):
    """The health as a page reads it, with this request's work committed (so it is kept)."""
    with CaptureQueriesContext(connection) as queries:
        health = health_kept.project_health_now(project)
    return health, len(queries)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request would run after its commit (keeping the health) at once."""

    def run(fn, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args)

    return run


def test_every_change_the_evidence_can_see_moves_the_version_and_shows(crm, committed):
    other = Project.objects.exclude(pk=crm.pk).first()
    other_version = health_kept.evidence_version(other) if other else None
    for name, change in CHANGES.items():
        committed(kept_now, crm)
        before = health_kept.evidence_version(crm)

        change(crm)

        assert health_kept.evidence_version(crm) > before, name
        kept = committed(kept_now, crm)[0]
        assert comparable(kept) == comparable(selectors.project_health(crm)), name
    if other is not None:  # another project's evidence is not touched
        assert health_kept.evidence_version(other) == other_version


def test_the_changes_move_what_the_health_says(crm):
    """The changes above are not idle: together they change the evidence's signals."""
    before = comparable(selectors.project_health(crm))
    for change in CHANGES.values():
        change(crm)
    after = comparable(selectors.project_health(crm))
    changed = {
        k
        for k in before["inputs"].__dataclass_fields__
        if getattr(before["inputs"], k) != getattr(after["inputs"], k)
    }
    assert {
        "high_risks_open",
        "commitments_broken",
        "ratings",
        "reports_sent",
        "business_missed",
        "key_customer_pulses",
        "sla_breaches_it",
    } <= changed


@pytest.mark.parametrize("change", UNREAD)
def test_changes_the_evidence_does_not_read_leave_the_version(crm, change):
    before = health_kept.evidence_version(crm)
    UNREAD[change](crm)
    assert health_kept.evidence_version(crm) == before


def test_the_kept_health_is_used_while_nothing_changes(crm, committed):
    _, computing = committed(kept_now, crm)
    health, reading = committed(kept_now, crm)
    # Only the evidence version is read, not the activities, promises, meetings or SLAs.
    assert reading == 1
    assert computing > 15
    assert comparable(health) == comparable(selectors.project_health(crm))
    assert health.project is crm


def test_the_next_minute_computes_it_again(crm, committed):
    now = timezone.now().replace(second=10)

    def queries_at(moment):
        with CaptureQueriesContext(connection) as queries:
            committed(lambda: health_kept.project_health_now(crm, now=moment))
        return len(queries)

    assert queries_at(now) > 15
    assert queries_at(now + timedelta(seconds=40)) == 1  # the same minute: kept
    assert queries_at(now + timedelta(seconds=60)) > 15  # the next minute: computed again


def test_a_change_in_the_project_itself_is_not_served_from_a_kept_health(crm, committed):
    committed(kept_now, crm)
    StatusUpdate.objects.filter(project=crm).update(spent=50_000)
    crm.budget = 60_000  # the budget is read from the project row the request loaded
    health, _ = committed(kept_now, crm)
    assert health.spent_share == selectors.project_health(crm).spent_share


def test_a_health_computed_in_a_transaction_that_rolls_back_is_not_kept(crm, committed):
    def inside_a_failing_request():
        with transaction.atomic():
            Risk.objects.filter(project=crm).delete()
            health_kept.project_health_now(crm)
            transaction.set_rollback(True)

    committed(inside_a_failing_request)
    health, queries = committed(kept_now, crm)
    assert queries > 15
    assert health.inputs.high_risks_open is not None  # the risks are back


def test_a_change_committed_while_the_evidence_is_read_is_never_kept(crm, committed, monkeypatch):
    compute = selectors.project_health

    def meanwhile_someone_closes_the_risks(project, **kwargs):
        health = compute(project, **kwargs)
        Risk.objects.filter(project=project).update(closed_at=timezone.now())
        return health

    monkeypatch.setattr(selectors, "project_health", meanwhile_someone_closes_the_risks)
    committed(kept_now, crm)
    monkeypatch.setattr(selectors, "project_health", compute)
    health, queries = committed(kept_now, crm)
    assert queries > 15
    assert comparable(health) == comparable(compute(crm))


def test_the_api_and_the_overview_show_a_change_made_after_they_were_viewed(crm, client, committed):
    from rapport.accounts.models import User

    client.force_login(User.objects.get(email=DEMO_PM_EMAIL))
    url = f"/api/v1/projects/{crm.pk}/health"
    committed(client.get, "/o/demo/p/CRM/")
    committed(client.get, url)
    Commitment.objects.filter(project=crm).update(status="broken", closed_at=timezone.now())
    shown = committed(client.get, url).json()
    assert shown["evidence"] == selectors.project_health(crm).to_dict()["evidence"]
    page = committed(client.get, "/o/demo/p/CRM/").content.decode()
    assert "broken" in page


def test_the_overview_reading_a_kept_health_makes_few_queries(crm, client, committed):
    from rapport.accounts.models import User

    client.force_login(User.objects.get(email=DEMO_PM_EMAIL))
    committed(client.get, "/o/demo/p/CRM/")
    with CaptureQueriesContext(connection) as queries:
        committed(client.get, "/o/demo/p/CRM/")
    assert len(queries) == 13, [q["sql"][:80] for q in queries]
    assert not [q for q in queries if '"promises_commitment"' in q["sql"]]
