"""Rows prepared before the write transaction (rapport.lib.bulk_insert): the ids an import
reserves are never taken by anyone else, and the rows it inserts read back as the ones Django
would have saved."""

from auditlog.models import LogEntry
from django.db import transaction

from rapport.lib import bulk_audit
from rapport.lib.audit import acting_as
from rapport.lib.bulk_insert import PreparedInserts, reserve_ids
from rapport.stakeholders import services
from rapport.stakeholders.models import Party


def test_reserved_ids_are_not_given_to_rows_saved_meanwhile(world):
    reserved = reserve_ids(Party, 3)
    assert len(set(reserved)) == 3 and reserved == sorted(reserved)
    meanwhile = services.party_create(actor=world.owner, org=world.acme, name="Saved meanwhile")
    assert meanwhile.pk not in reserved and meanwhile.pk > max(reserved)
    later = reserve_ids(Party, 2)
    assert min(later) > max(reserved) and meanwhile.pk not in later


def test_prepared_rows_and_their_history_are_written_only_when_run(world):
    inserts = PreparedInserts()
    parties = [
        Party(pk=pk, org=world.acme, name=f"Prepared {pk}", email=f"p{pk}@example.com")
        for pk in reserve_ids(Party, 2)
    ]
    inserts.add(parties)
    with acting_as(world.manager):
        inserts.add(bulk_audit.created_entries(parties))
    assert not Party.objects.filter(name__startswith="Prepared").exists()

    with transaction.atomic():
        inserts.run()

    saved = Party.objects.get(pk=parties[0].pk)
    assert (saved.name, saved.email, saved.org_id) == (
        parties[0].name,
        f"p{parties[0].pk}@example.com",
        world.acme.pk,
    )
    entry = LogEntry.objects.get_for_object(saved).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.manager
    assert entry.changes_dict["name"] == ["None", saved.name]
    assert entry.timestamp is not None  # auto_now_add, as a save would set it


def test_a_prepared_insert_that_never_runs_leaves_only_a_gap_in_the_ids(world):
    inserts = PreparedInserts()
    unused = reserve_ids(Party, 2)
    inserts.add([Party(pk=pk, org=world.acme, name=f"Never {pk}") for pk in unused])
    after = services.party_create(actor=world.owner, org=world.acme, name="After the gap")
    assert not Party.objects.filter(pk__in=unused).exists()
    assert after.pk > max(unused)
