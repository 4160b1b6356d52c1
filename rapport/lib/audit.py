"""Audit history: every write done by a service is recorded by django-auditlog with its actor.

Services wrap their writes in `acting_as(actor)`; models registered with auditlog (in each app's
`ready()`) then get a LogEntry with the before/after of every changed field. Models name their
organisation and project in `get_additional_data()` so a project's history is one query.
"""

import json
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist


@contextmanager
def acting_as(actor):
    """Attribute every audited change inside the block to `actor` (None: the system, e.g. the CLI)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with set_actor(actor):
        yield


def history_for_project(project_id: int):
    """Every recorded change to a project and the things in it, newest first."""
    return (
        LogEntry.objects.filter(additional_data__project_id=project_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def history_for_org(org_id: int):
    return (
        LogEntry.objects.filter(additional_data__org_id=org_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def _is_reverse_relation(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False  # a field since removed: keep its recorded change
    return field.auto_created and not field.concrete


def readable_value(value: str | None) -> str | None:
    """A recorded value as a person reads it: JSON lists and objects become one line per item.

    auditlog records JSON fields (a status update's top risks, say) as JSON text; shown raw, a
    list of risks is a wall of brackets and quotes.
    """
    if not value or value[0] not in "[{":
        return value
    try:
        data = json.loads(value)
    except ValueError:
        return value

    def line(item) -> str:
        if isinstance(item, dict):
            # What the item is called comes first: "title: Dirty data, probability: high".
            keys = sorted(item, key=lambda k: k not in ("title", "name", "text"))
            return ", ".join(f"{k.replace('_', ' ')}: {line(item[k])}" for k in keys if item[k])
        if isinstance(item, list):
            return "; ".join(line(v) for v in item)
        return str(item)

    if isinstance(data, list):
        return "\n".join(line(item) for item in data) or "(none)"
    return line(data) or "(none)"


def describe_entry(entry: LogEntry) -> dict:
    """One history row for pages and the API: who, when, what, and each field's before/after."""
    changes = []
    model = entry.content_type.model_class() if entry.content_type_id else None
    for field, values in (entry.changes_dict or {}).items():
        if model is not None and _is_reverse_relation(model, field):
            continue  # auditlog notes related managers on creation; those rows have their own entries
        # auditlog stores an empty value as the text "None": show it as empty (null in the API).
        before, after = [
            None if v in (None, "None") else v for v in (list(values) + [None, None])[:2]
        ]
        changes.append(
            {
                "field": field.replace("_", " "),
                "before": before,
                "after": after,
                "before_text": readable_value(before),
                "after_text": readable_value(after),
            }
        )
    return {
        "at": entry.timestamp,
        "actor": entry.actor.display_name if entry.actor else (entry.actor_email or "system"),
        "action": {0: "created", 1: "changed", 2: "deleted"}.get(entry.action, "touched"),
        "object_type": entry.content_type.name if entry.content_type_id else "",
        "object": entry.object_repr,
        "changes": changes,
    }
