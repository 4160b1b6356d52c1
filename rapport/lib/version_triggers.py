"""Version numbers kept by the database: triggers that add one to a project's number whenever a
row something reads about the project changes, whatever code path made the change (services,
imports, bulk inserts, queryset updates, raw SQL), in the same transaction as the change.

A worker may then keep what it computed from those rows (a loaded RACI matrix, a project's
health) for as long as the number is the same: reading it is one query. Used by the migrations
of raci.MatrixVersion and status.EvidenceVersion; the SQL is written for SQLite and PostgreSQL
from one table of what is watched.

Lock order: the version row is locked by the first change in a transaction and held until it
ends. Where one table is watched for both versions, PostgreSQL fires the triggers in the order
of their names, ``raci_version_...`` before ``status_evidence_version_...``: the RACI's row is
taken first, as every RACI service takes it first (raci.services.matrix_lock), so writers of
both queue instead of deadlocking (tests/status/test_evidence_version_races.py). Lock the row
itself only (``select_for_update(of=("self",))``) before a write that moves a version: a lock
on a joined row (a model's ordering or ``select_related``) can close a cycle with such a writer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Watched:
    """One table whose rows the versioned computation reads.

    ``projects``: SQL selecting the project ids a row belongs to, as ``p``, over the row alias
    ``R`` (``SELECT R.project_id AS p``, or a subquery through a parent row).
    ``columns``: an update changes the version only when one of these changes (None: any).
    ``when``: only rows for which this SQL over ``R`` holds count (None: every row); an update
    counts when it holds before or after.
    ``updates_only``: rows are added and removed through other watched tables (a party joins a
    project through its stakeholder row), so inserts and deletes need no trigger.
    """

    projects: str
    columns: tuple[str, ...] | None = None
    when: str | None = None
    updates_only: bool = False


def _bump(version_table: str, projects_sql: str, *rows: str) -> str:
    """Add one to the version of each project the rows belong to (once, however many rows)."""
    select = " UNION ".join(projects_sql.replace("R.", f"{row}.") for row in rows)
    return (
        f"INSERT INTO {version_table} (project_id, version) "
        f"SELECT DISTINCT p, 1 FROM ({select}) AS changed WHERE p IS NOT NULL "
        f"ON CONFLICT (project_id) DO UPDATE SET version = {version_table}.version + 1;"
    )


def _update_condition(watched: Watched, distinct: str) -> str:
    conditions = []
    if watched.columns:
        conditions.append(" OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in watched.columns))
    if watched.when:
        on = " OR ".join(f"({watched.when.replace('R.', f'{row}.')})" for row in ("OLD", "NEW"))
        conditions.append(on)
    return " AND ".join(f"({c})" if len(conditions) > 1 else c for c in conditions)


def _row_condition(watched: Watched, row: str) -> str:
    return watched.when.replace("R.", f"{row}.") if watched.when else ""


def triggers_operation(version_table: str, prefix: str, watched: dict):
    """The migration operation that creates the triggers of every watched table (and drops them
    when the migration is unapplied)."""
    from django.db import migrations

    def create(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in create_statements(vendor, version_table, prefix, watched):
            schema_editor.execute(statement, params=None)

    def drop(apps, schema_editor):
        for statement in drop_statements(schema_editor.connection.vendor, prefix, watched):
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(create, drop)


def create_statements(vendor: str, version_table: str, prefix: str, watched: dict) -> list[str]:
    """The statements creating the triggers of every watched table, named ``{prefix}_{table}``."""
    if vendor == "sqlite":
        return _sqlite(version_table, prefix, watched)
    if vendor == "postgresql":
        return _postgresql(version_table, prefix, watched)
    raise RuntimeError(f"Rapport runs on SQLite or PostgreSQL, not {vendor}")


def drop_statements(vendor: str, prefix: str, watched: dict) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {prefix}_{table}() CASCADE" for table in watched]
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_{table}_{event}"
        for table in watched
        for event in ("insert", "update", "delete")
    ]


def _sqlite(version_table: str, prefix: str, watched: dict) -> list[str]:
    statements = []
    for table, w in watched.items():
        name = f"{prefix}_{table}"
        if not w.updates_only:
            for event, row in (("insert", "NEW"), ("delete", "OLD")):
                when = f" WHEN {_row_condition(w, row)}" if w.when else ""
                statements.append(
                    f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table}{when} "
                    f"BEGIN {_bump(version_table, w.projects, row)} END"
                )
        condition = _update_condition(w, "IS NOT")
        when = f" WHEN {condition}" if condition else ""
        statements.append(
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table}{when} "
            f"BEGIN {_bump(version_table, w.projects, 'OLD', 'NEW')} END"
        )
    return statements


def _postgresql(version_table: str, prefix: str, watched: dict) -> list[str]:
    statements = []
    for table, w in watched.items():
        name = f"{prefix}_{table}"
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' THEN {_bump(version_table, w.projects, 'NEW')} "
            f"ELSIF TG_OP = 'DELETE' THEN {_bump(version_table, w.projects, 'OLD')} "
            f"ELSE {_bump(version_table, w.projects, 'OLD', 'NEW')} END IF; "
            "RETURN NULL; END $$"
        )
        if not w.updates_only:
            if w.when:
                for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
                    statements.append(
                        f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
                        f"FOR EACH ROW WHEN ({_row_condition(w, row)}) EXECUTE FUNCTION {name}()"
                    )
            else:
                statements.append(
                    f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
        condition = _update_condition(w, "IS DISTINCT FROM")
        when = f" WHEN ({condition})" if condition else ""
        statements.append(
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {name}()"
        )
    return statements
