"""Audit history: every write done by a service is recorded by django-auditlog with its actor.

Services wrap their writes in `acting_as(actor)`; models registered with auditlog (in each app's
`ready()`) then get a LogEntry with the before/after of every changed field. Models name their
organisation and project in `get_additional_data()` so a project's history is one query.
"""

import json
from contextlib import contextmanager
from datetime import date

from auditlog.context import auditlog_value, disable_auditlog, set_actor
from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format


def current_actor():
    """Whoever `acting_as` credits at this moment, or None."""
    try:
        return auditlog_value.get().get("actor")
    except LookupError:
        return None


@contextmanager
def acting_as(actor):
    """Attribute every audited change inside the block to `actor`.

    None keeps whoever is acting around the block (the person running a CLI command, see
    rapport.accounts.cli), else the system. Blocks nest: leaving an inner block gives the outer
    actor back (auditlog's own `set_actor` forgets it, and the rest of the outer block would be
    recorded as "system").
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is None and current_actor() is not None:
        yield
        return
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    try:
        with set_actor(actor):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


@contextmanager
def not_audited():
    """Write without audit entries: a restore puts back history, it makes none."""
    with disable_auditlog():
        yield


def history_for_project(project_id: int):
    """Every recorded change to a project and the things in it, newest first."""
    return (
        LogEntry.objects.filter(additional_data__project_id=project_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def history_for_org(org_id: int):
    """Every recorded change in an organisation, and to the accounts of its members (a person's
    account belongs to no one organisation), newest first."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    User = get_user_model()
    members = User.objects.filter(org_memberships__org_id=org_id).values("pk")
    return (
        LogEntry.objects.filter(
            Q(additional_data__org_id=org_id)
            | Q(content_type=ContentType.objects.get_for_model(User), object_id__in=members)
        )
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
        if isinstance(values, dict) and values.get("type") == "m2m":
            # A many-to-many change: auditlog records the operation and the objects, not before/after.
            verb = {"add": "added", "delete": "removed"}.get(values.get("operation"), "set")
            names = ", ".join(str(o) for o in values.get("objects", [])) or "(none)"
            text = f"{verb} {names}"
            changes.append(
                {
                    "field": field.replace("_", " "),
                    "before": None,
                    "after": text,
                    "before_text": None,
                    "after_text": text,
                }
            )
            continue
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
    described = {
        "at": entry.timestamp,
        "actor": entry.actor.display_name if entry.actor else (entry.actor_email or "system"),
        "action": {0: "created", 1: "changed", 2: "deleted"}.get(entry.action, "touched"),
        "object_type": entry.content_type.name if entry.content_type_id else "",
        "object": entry.object_repr,
        "changes": changes,
    }
    described["sentence"] = history_sentence(described)
    return described


# Fields that say nothing to a person reading the history.
_BOOKKEEPING_FIELDS = {"id", "created at", "updated at", "position", "name key"}
# Changes that have a word of their own: (object type, field, new value) -> verb.
_STATE_VERBS = {
    ("status update", "state", "published"): "published",
    ("commitment", "status", "kept"): "marked as kept the promise",
    ("commitment", "status", "broken"): "marked as broken the promise",
    ("commitment", "status", "renegotiated"): "renegotiated the promise",
    ("project", "state", "active"): "started the project",
    ("project", "state", "completed"): "completed the project",
    ("project", "state", "on_hold"): "put on hold the project",
    ("project", "state", "cancelled"): "cancelled the project",
}


def _short(value: str | None, limit: int = 60) -> str:
    text = " ".join((value or "—").split())
    try:  # a recorded date reads as pages print dates, in the reader's locale
        text = date_format(date.fromisoformat(text))
    except ValueError:
        pass
    return text if len(text) <= limit else text[: limit - 1] + "…"


def history_sentence(described: dict) -> str:
    """One plain sentence for a history row: "Priya Shah published the status update “CRM status
    23 Nov–29 Nov 2026”", "Mei Tanaka changed the activity “Hosting decision”: planned finish from
    30 Nov to 18 Dec". The field-by-field detail stays in ``changes``."""
    actor, kind, name = described["actor"], described["object_type"], described["object"]
    actor = actor[:1].upper() + actor[1:]  # "system" starts a sentence too
    if described["action"] == "created":
        return f"{actor} added the {kind} “{name}”"
    if described["action"] == "deleted":
        return f"{actor} removed the {kind} “{name}”"
    changes = [c for c in described["changes"] if c["field"] not in _BOOKKEEPING_FIELDS]
    for change in changes:
        verb = _STATE_VERBS.get((kind, change["field"], change["after"]))
        if verb:
            if verb.endswith(kind) or verb.endswith("promise"):
                return f"{actor} {verb} “{name}”"
            return f"{actor} {verb} the {kind} “{name}”"
    if not changes:
        return f"{actor} changed the {kind} “{name}”"
    parts = []
    for change in changes[:2]:
        if (
            change["before"] is None
            and change["after"]
            and change["after"].startswith(("added ", "removed ", "set "))
        ):
            parts.append(f"{change['field']}: {_short(change['after_text'])}")
        else:
            before, after = _short(change["before_text"], 30), _short(change["after_text"], 30)
            parts.append(f"{change['field']} from {before} to {after}")
    more = f" and {len(changes) - 2} more" if len(changes) > 2 else ""
    return f"{actor} changed the {kind} “{name}”: {'; '.join(parts)}{more}"
