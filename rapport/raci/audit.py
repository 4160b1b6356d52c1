"""Audit entries for RACI cells written in bulk (imports), where a save per cell would be too slow.

An import of a 1,000 x 200 matrix writes tens of thousands of cells with bulk statements; the
audit history must still say, cell by cell, who gave whom which letter. BulkLog builds the same
LogEntry rows auditlog's signals would (object, action, before/after of the letter, actor,
organisation and project) and inserts them in batches.
"""

from __future__ import annotations

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from rapport.stakeholders.models import Party

from .models import Activity, Assignment


class BulkLog:
    def __init__(self, *, actor, project, activity_names=None, party_names=None):
        """`activity_names` and `party_names` (id -> name) name rows that are not written yet
        (an import's prepared ones); the others are read from the database."""
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.project = project
        self.entries: list[LogEntry] = []
        self._old: dict[int, str] = {}
        self._content_type = ContentType.objects.get_for_model(Assignment)
        self._cid = get_cid()
        self._activity_names: dict[int, str] = dict(activity_names or {})
        self._party_names: dict[int, str] = dict(party_names or {})

    def remember(self, assignment: Assignment, old_letter: str) -> None:
        self._old[assignment.pk] = old_letter

    def _names(self, assignments) -> None:
        activity_ids = {a.activity_id for a in assignments} - self._activity_names.keys()
        party_ids = {a.party_id for a in assignments} - self._party_names.keys()
        if activity_ids:
            self._activity_names.update(
                Activity.objects.filter(pk__in=activity_ids).values_list("pk", "name")
            )
        if party_ids:
            self._party_names.update(
                Party.objects.filter(pk__in=party_ids).values_list("pk", "name")
            )

    def _add(self, assignment: Assignment, action: int, before, after, letter: str) -> None:
        party = self._party_names.get(assignment.party_id, "?")
        activity = self._activity_names.get(assignment.activity_id, "?")
        self.entries.append(
            LogEntry(
                content_type=self._content_type,
                object_pk=str(assignment.pk),
                object_id=assignment.pk,
                object_repr=f"{party}: {letter} on {activity}",
                action=action,
                changes={"letter": [before, after]},
                actor=self.actor,
                cid=self._cid,
                additional_data={"org_id": self.project.org_id, "project_id": self.project.pk},
            )
        )

    def created(self, assignments) -> None:
        self._log(assignments, LogEntry.Action.CREATE)

    def changed(self, assignments) -> None:
        self._log(assignments, LogEntry.Action.UPDATE)

    def deleted(self, assignments) -> None:
        self._log(assignments, LogEntry.Action.DELETE)

    def _log(self, assignments, action) -> None:
        assignments = list(assignments)
        if not assignments:
            return
        self._names(assignments)
        for a in assignments:
            if action == LogEntry.Action.CREATE:
                self._add(a, action, "None", a.letter, a.letter)
            elif action == LogEntry.Action.UPDATE:
                self._add(a, action, self._old.get(a.pk, "None"), a.letter, a.letter)
            else:
                self._add(a, action, a.letter, "None", a.letter)

    def save(self) -> None:
        LogEntry.objects.bulk_create(self.entries, batch_size=500)
        self.entries = []
