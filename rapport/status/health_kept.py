"""A worker's computed project health, kept while nothing it is computed from changes.

The evidence reads some twenty small things (activities, promises, deliveries, meetings, SLAs,
pulses...): about twenty queries, most of the project overview's time. So each worker process
keeps the health it last computed for a project with the project's
:class:`~rapport.status.models.EvidenceVersion`, which the database's own triggers change with
every change the evidence could see, whatever code made it. A request reads that number (one
query) and uses the kept health only when it is the same, within the same minute, for the same
budget, time zone and reader's time zone. So a change shows at once; what only the clock changes
(a promise falling overdue at midnight, a report's grace period ending) shows within a minute.

Used by the pages and the API that show the health now. Snapshots and the CLI compute it afresh.
Kept healths are shared between requests: treat them as read-only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rapport.lib.kept import KeptPerProject

from . import selectors
from .models import EvidenceVersion

KEPT_PER_WORKER = 512  # projects; a health is a few kilobytes

_kept = KeptPerProject(KEPT_PER_WORKER)  # project id -> its health, under the key below


def evidence_version(project) -> int:
    """The project's evidence version now: 0 until something the evidence reads first changes."""
    return (
        EvidenceVersion.objects.filter(pk=project.pk).values_list("version", flat=True).first() or 0
    )


def project_health_now(project, *, now: datetime | None = None) -> selectors.ProjectHealth:
    """The project's health as :func:`selectors.project_health` computes it now, kept (see the
    module's docstring)."""
    now = now or timezone.now()
    version = evidence_version(project)
    key = (
        version,
        now.replace(second=0, microsecond=0),
        project.budget,
        project.time_zone,
        timezone.get_current_timezone_name(),
    )
    kept = _kept.get(project.pk, key)
    if kept is not None:
        return replace(kept, project=project)
    health = selectors.project_health(project, now=now)
    # A change committed while the evidence was read may be half in it: keep it only when the
    # version is still the same, and only once this request's own changes are committed.
    if evidence_version(project) == version:
        kept = replace(health, project=None)
        transaction.on_commit(lambda: _kept.keep(project.pk, key, kept))
    return health


def forget_all() -> None:
    """Drop every kept health (tests, whose rolled-back databases reuse project ids)."""
    _kept.clear()
