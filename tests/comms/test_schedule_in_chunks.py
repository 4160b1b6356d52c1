"""The scheduler works through due plan rows in chunks: a few queries per chunk whatever its size,
each (row, occurrence, recipient) delivered exactly once however often it runs, skipped
occurrences counted, and a chunk that fails leaves its rows for the next run."""

import logging
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.comms import delivery as engine
from rapport.comms import rules, selectors
from rapport.comms.models import Delivery, DeliveryState, PlanRow
from rapport.stakeholders.models import Category
from tests.comms.factories import party

CREATED = datetime(2025, 2, 28, 12, 0, tzinfo=UTC)  # a Friday
MONDAY_9 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
WEEK = timedelta(days=7)


@pytest.fixture
def alpha(world):
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    return world


def rows(world, count, parties, *, category=None, last_run=CREATED) -> list[PlanRow]:
    """``count`` weekly rows (Mondays at 09:00) to ``parties`` and everyone of ``category``,
    made in bulk: the services would make 300 rows slowly and the scheduler only reads them."""
    made = PlanRow.objects.bulk_create(
        PlanRow(
            project=world.alpha,
            comm_type="simple",
            channel="email",
            rrule="FREQ=WEEKLY;BYDAY=MO",
            start_date=date(2025, 1, 6),
            send_time=time(9, 0),
            audience_category=category,
            last_run=last_run,
            created_at=CREATED,
        )
        for _ in range(count)
    )
    through = PlanRow.audience_parties.through
    through.objects.bulk_create(
        through(planrow_id=row.pk, party_id=p.pk) for row in made for p in parties
    )
    return made


def schedule(at):
    with time_machine.travel(at, tick=False):
        return engine.comms_schedule()


def queries_to_schedule(at) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = schedule(at)
    assert result.created > 0
    return len(captured.captured_queries)


def test_scheduling_300_due_rows_costs_the_same_queries_per_chunk_as_30(alpha, monkeypatch):
    """30 rows a chunk: 30 due rows are one chunk, 60 are two, 300 are ten."""
    monkeypatch.setattr(engine, "SCHEDULE_CHUNK", 30)
    steering = Category.objects.create(org=alpha.acme, name="Steering committee")
    bea = party(alpha, "Bea Business-Lead")
    sam = party(alpha, "Sam Steering")
    sam.categories.add(steering)
    rows(alpha, 30, [bea], category=steering)
    thirty = queries_to_schedule(MONDAY_9 + timedelta(seconds=5))
    rows(alpha, 30, [bea], category=steering, last_run=MONDAY_9)
    sixty = queries_to_schedule(MONDAY_9 + WEEK + timedelta(seconds=5))
    rows(alpha, 240, [bea], category=steering, last_run=MONDAY_9 + WEEK)
    three_hundred = queries_to_schedule(MONDAY_9 + 2 * WEEK + timedelta(seconds=5))

    per_chunk = sixty - thirty
    assert 0 < per_chunk <= thirty <= 15
    assert three_hundred == thirty + 9 * per_chunk
    # Each row went to Bea and, through its category, to Sam: every week, once.
    assert Delivery.objects.count() == (30 + 60 + 300) * 2


def test_running_the_schedule_twice_creates_each_delivery_once(alpha):
    bea = party(alpha, "Bea Business-Lead")
    carl = party(alpha, "Carl Customer")
    made = rows(alpha, 5, [bea, carl])
    first = schedule(MONDAY_9 + timedelta(seconds=5))
    again = schedule(MONDAY_9 + timedelta(seconds=5))
    later = schedule(MONDAY_9 + timedelta(minutes=1))
    assert (first.rows, first.created) == (5, 10)
    assert again.created == later.created == 0
    assert sorted(Delivery.objects.values_list("key", flat=True)) == sorted(
        rules.occurrence_key(row.pk, MONDAY_9, p.pk) for row in made for p in (bea, carl)
    )


def test_a_chunk_creates_only_the_deliveries_a_previous_partial_run_did_not(alpha, monkeypatch):
    """A run that created a row's deliveries but died before moving its last_run: the next run
    creates the rest of the chunk's and counts only those."""
    monkeypatch.setattr(engine, "SCHEDULE_CHUNK", 3)
    bea = party(alpha, "Bea Business-Lead")
    carl = party(alpha, "Carl Customer")
    first, second, third, fourth = rows(alpha, 4, [bea, carl])
    already = Delivery.objects.create(
        key=rules.occurrence_key(second.pk, MONDAY_9, carl.pk),
        project=alpha.alpha,
        plan_row=second,
        party=carl,
        occurrence=MONDAY_9,
        channel="email",
        comm_type="simple",
        email=carl.email,
        state=DeliveryState.SENT,
    )
    result = schedule(MONDAY_9 + timedelta(seconds=5))
    assert result.created == 8 - 1
    assert Delivery.objects.count() == 8
    already.refresh_from_db()
    assert already.state == DeliveryState.SENT  # left as it was, not created again
    assert set(PlanRow.objects.values_list("last_run", flat=True)) == {
        MONDAY_9 + timedelta(seconds=5)
    }


def test_a_row_handled_by_another_scheduler_after_the_first_pass_is_re_planned_under_the_lock(
    alpha, monkeypatch
):
    bea = party(alpha, "Bea Business-Lead")
    first, second = rows(alpha, 2, [bea])
    schedule_chunk = engine._schedule_chunk
    elsewhere = MONDAY_9 + timedelta(seconds=3)

    def another_scheduler_got_there_first(chunk, *, now):
        # Between the unlocked first pass and this chunk's lock, another run handled `second`.
        PlanRow.objects.filter(pk=second.pk).update(last_run=elsewhere)
        return schedule_chunk(chunk, now=now)

    monkeypatch.setattr(engine, "_schedule_chunk", another_scheduler_got_there_first)
    result = schedule(MONDAY_9 + timedelta(seconds=2))  # this run's clock is a little behind
    assert result.created == 1
    assert list(Delivery.objects.values_list("plan_row", flat=True)) == [first.pk]
    second.refresh_from_db()
    assert second.last_run == elsewhere  # not moved back to this run's earlier clock


def test_skipped_occurrences_are_counted_in_every_chunk_and_logged(alpha, monkeypatch, caplog):
    """Three Mondays missed (the scheduler was down): the latest is sent, two are skipped."""
    monkeypatch.setattr(engine, "SCHEDULE_CHUNK", 2)
    bea = party(alpha, "Bea Business-Lead")
    made = rows(alpha, 3, [bea])
    with caplog.at_level(logging.INFO, logger="rapport.comms.delivery"):
        result = schedule(MONDAY_9 + 2 * WEEK + timedelta(seconds=5))
    assert (result.rows, result.created, result.skipped_occurrences) == (3, 3, 6)
    assert set(Delivery.objects.values_list("occurrence", flat=True)) == {MONDAY_9 + 2 * WEEK}
    assert {f"Plan row {row.pk}: skipped 2 missed occurrences" for row in made} <= {
        record.getMessage() for record in caplog.records
    }


def test_a_failing_chunk_leaves_earlier_chunks_done_and_its_rows_for_the_next_run(
    alpha, monkeypatch
):
    """The chunk's transaction is rolled back whole (deliveries and last_run together) and the
    error propagates; the next run schedules what is left, still exactly once."""
    monkeypatch.setattr(engine, "SCHEDULE_CHUNK", 2)
    bea = party(alpha, "Bea Business-Lead")
    made = rows(alpha, 5, [bea])
    broken = made[2]  # in the second chunk
    recipients_by_row = selectors.recipients_by_row

    def failing_for_the_broken_row(chunk_rows):
        chunk_rows = list(chunk_rows)
        if broken.pk in {row.pk for row in chunk_rows}:
            raise RuntimeError("the recipients query failed")
        return recipients_by_row(chunk_rows)

    monkeypatch.setattr(selectors, "recipients_by_row", failing_for_the_broken_row)
    moment = MONDAY_9 + timedelta(seconds=5)
    with pytest.raises(RuntimeError, match="recipients query failed"):
        schedule(moment)
    done = [row.pk for row in made[:2]]
    assert sorted(Delivery.objects.values_list("plan_row", flat=True)) == done
    assert sorted(PlanRow.objects.filter(last_run=moment).values_list("pk", flat=True)) == done

    monkeypatch.setattr(selectors, "recipients_by_row", recipients_by_row)
    result = schedule(moment + timedelta(minutes=1))
    assert (result.created, result.skipped_occurrences) == (3, 0)
    assert sorted(Delivery.objects.values_list("plan_row", flat=True)) == [row.pk for row in made]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_over_many_chunks_on_postgresql_create_each_delivery_once(
    world, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets one writer in at a time (BEGIN IMMEDIATE).")
    monkeypatch.setattr(engine, "SCHEDULE_CHUNK", 5)
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    bea = party(world, "Bea Business-Lead")
    carl = party(world, "Carl Customer")
    made = rows(world, 60, [bea, carl])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scheduler():
        try:
            barrier.wait()
            results.append(engine.comms_schedule())
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(MONDAY_9 + timedelta(seconds=5), tick=False):
        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sum(result.created for result in results) == 120
    assert Delivery.objects.count() == 120
    assert sorted(Delivery.objects.values_list("key", flat=True)) == sorted(
        rules.occurrence_key(row.pk, MONDAY_9, p.pk) for row in made for p in (bea, carl)
    )
    assert not PlanRow.objects.exclude(last_run=MONDAY_9 + timedelta(seconds=5)).exists()
