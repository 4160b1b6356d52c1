"""Audit entries for rows an import writes in bulk, the same as auditlog's signals would make.

An import of thousands of rows writes them with a few bulk statements, so that on SQLite the
write lock is held for a moment rather than minutes; bulk statements send no signals, so the
history entries (who created what, with every field) are built here, before the write
transaction, and inserted with the rows (`rapport.lib.bulk_insert`).
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str


def _actor():
    """Whoever `acting_as` credits at this moment (None: the system)."""
    try:
        actor = auditlog_value.get().get("actor")
    except LookupError:
        return None
    return actor if getattr(actor, "is_authenticated", False) else None


def _entry(instance, action, changes, actor, cid) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=smart_str(instance),
        action=action,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        cid=cid,
        additional_data=instance.get_additional_data(),
    )


def created_entries(instances, *, m2m: dict | None = None) -> list[LogEntry]:
    """The history entries of the creation of `instances` (with their ids, saved or about to
    be), and for each the related objects added to its many-to-many fields: `m2m` maps an
    instance's pk to {field name: [related objects]}. Call inside `acting_as(actor)`."""
    actor, cid = _actor(), get_cid()
    as_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    entries = []
    for instance in instances:
        # Own columns only: auditlog's signals also note reverse relations on creation (a query
        # each, which History hides anyway).
        own = [field.name for field in instance._meta.concrete_fields]
        changes = model_instance_diff(
            None, instance, fields_to_check=own, use_json_for_changes=as_json
        )
        entries.append(_entry(instance, LogEntry.Action.CREATE, changes, actor, cid))
        for field_name, related in ((m2m or {}).get(instance.pk) or {}).items():
            if related:
                objects = [smart_str(obj) for obj in related]
                changes = {field_name: {"type": "m2m", "operation": "add", "objects": objects}}
                entries.append(_entry(instance, LogEntry.Action.UPDATE, changes, actor, cid))
    return entries
