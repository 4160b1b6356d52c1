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

import threading
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import selectors
from .models import EvidenceVersion

KEPT_PER_WORKER = 512  # projects; a health is a few kilobytes

_kept: OrderedDict[int, tuple[tuple, selectors.ProjectHealth]] = OrderedDict()
_lock = threading.Lock()


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
    with _lock:
        kept = _kept.get(project.pk)
        if kept is not None and kept[0] == key:
            _kept.move_to_end(project.pk)
            return replace(kept[1], project=project)
    health = selectors.project_health(project, now=now)
    # A change committed while the evidence was read may be half in it: keep it only when the
    # version is still the same, and only once this request's own changes are committed.
    if evidence_version(project) == version:
        transaction.on_commit(lambda: _keep(project.pk, key, health))
    return health


def forget_all() -> None:
    """Drop every kept health (tests, whose rolled-back databases reuse project ids)."""
    with _lock:
        _kept.clear()


def _keep(project_id: int, key: tuple, health: selectors.ProjectHealth) -> None:
    with _lock:
        _kept[project_id] = (key, replace(health, project=None))
        _kept.move_to_end(project_id)
        while len(_kept) > KEPT_PER_WORKER:
            _kept.popitem(last=False)
