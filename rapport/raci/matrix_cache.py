"""A worker's loaded RACI matrices and their findings, kept while the matrix is unchanged.

Loading a 1,000 x 200 matrix and checking it takes tens of milliseconds; the matrix page, the
findings and saving a cell need it on every request. So each worker process keeps the last few
matrices it loaded, each with the project's :class:`~rapport.raci.models.MatrixVersion`, which the
database's own triggers change with every change the checks could see (whatever code made it).
A request reads that number (one query) and uses the kept matrix only when it is the same: a
kept matrix is never out of date, and nothing has to remember to forget it.

Saving a cell re-checks only that cell's activity and party (:func:`rules.raci_recheck_cell`)
when the worker holds the matrix as it was just before, and nobody else changed it meanwhile
(the version moved by exactly the save's own change); otherwise it loads the matrix again.

Kept matrices are shared between requests: treat them as read-only.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from rapport.lib.kept import KeptPerProject

from . import rules, selectors, services
from .models import MatrixVersion

KEPT_PER_WORKER = 16  # matrices; a 1,000 x 200 one holds about 5 MB
LOAD_ATTEMPTS = 3  # loads of a matrix that others keep changing meanwhile (see _load_unchanged)

# project id -> (matrix, findings), under the RACI version they were loaded at
_kept = KeptPerProject(KEPT_PER_WORKER)


def matrix_version(project) -> int:
    """The project's RACI version now: 0 until its RACI first changes."""
    return (
        MatrixVersion.objects.filter(pk=project.pk).values_list("version", flat=True).first() or 0
    )


def matrix_with_findings(project) -> tuple[selectors.Matrix, list[rules.Finding]]:
    """The project's whole matrix and its findings as they are now."""
    version = matrix_version(project)
    kept = _kept.get(project.pk, version)
    if kept is None:
        matrix, version = _load_unchanged(project, version)
        findings = selectors.raci_findings(matrix)
        if version is not None:
            # Read inside a transaction, the matrix may hold changes that roll back: keep it
            # only once they are committed (at once outside a transaction).
            transaction.on_commit(lambda: _keep(project.pk, version, matrix, findings))
    else:
        matrix, findings = kept
    return replace(matrix, project=project), findings


def cell_assign(
    *, actor, activity, party, letter: str | None
) -> tuple[str, selectors.Matrix, list[rules.Finding]]:
    """Set or clear one cell (services.raci_assign) and return the letter it now holds, with the
    matrix and findings after the change."""
    project = activity.project
    with transaction.atomic():
        before = services.matrix_lock(project.pk)  # nobody else changes the RACI until commit
        assignment = services.raci_assign(
            actor=actor, activity=activity, party=party, letter=letter
        )
        after = matrix_version(project)
    stored = assignment.letter if assignment is not None else ""
    kept = _kept.get(project.pk, before)
    if kept is None:
        return (stored, *matrix_with_findings(project))
    matrix, findings = kept
    row = dict(matrix.letters.get(activity.pk, {}))
    old = row.get(party.pk, "")
    on_project = any(p.id == party.pk and p.on_project for p in matrix.parties)
    if after != before + (old != stored) or not on_project:
        # The kept matrix is not the one just changed (a trigger moved the version more than
        # this one cell would), or the party is a column only while it holds letters here
        # (clearing its last one removes the column): load it again.
        return (stored, *matrix_with_findings(project))
    if stored:
        row[party.pk] = stored
    else:
        row.pop(party.pk, None)
    letters = dict(matrix.letters)
    if row:
        letters[activity.pk] = row
    else:
        letters.pop(activity.pk, None)
    matrix = replace(
        matrix,
        letters=letters,
        assignment_count=matrix.assignment_count + bool(stored) - bool(old),
    )
    findings = rules.raci_recheck_cell(
        matrix.activities,
        matrix.parties,
        letters,
        findings,
        activity.pk,
        party.pk,
        matrix.thresholds,
        matrix.inputs,
    )
    # Kept only once the change is committed (a request-wide transaction may still roll back).
    transaction.on_commit(lambda: _keep(project.pk, after, matrix, findings))
    return stored, replace(matrix, project=project), findings


def _load_unchanged(project, version: int) -> tuple[selectors.Matrix, int | None]:
    """The matrix as it was at one version: loading takes several queries, and a change committed
    between them (a new activity and its letters, say) would give a matrix that is half one and
    half the other. The version read again after loading tells; then it is loaded again. After
    LOAD_ATTEMPTS, the last load is used for this request and not kept (version None)."""
    for _ in range(LOAD_ATTEMPTS):
        matrix = selectors.matrix_get(project)
        now = matrix_version(project)
        if now == version:
            return matrix, version
        version = now
    return matrix, None


def forget_all() -> None:
    """Drop every kept matrix (tests, whose rolled-back databases reuse project ids)."""
    _kept.clear()


def _keep(project_id: int, version: int, matrix, findings) -> None:
    _kept.keep(project_id, version, (replace(matrix, project=None), findings))
