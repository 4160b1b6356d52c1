"""The RACI's version number, kept current by triggers (see models.MatrixVersion).

Each trigger adds one to the version of every project whose matrix the changed row belongs to
(before or after the change), once per row, in the same transaction. Row triggers written for SQLite and PostgreSQL from one table of
"which project does this row belong to"; an update bumps only when a column the checks read
changes.
"""

from django.db import migrations, models

# table -> (the project ids of a row, as SQL over the row alias R naming them p; the columns the checks read,
# or None for every column)
WATCHED = {
    "raci_phase": ("SELECT R.project_id AS p", None),
    "raci_activity": (
        "SELECT R.project_id AS p",
        ("project_id", "phase_id", "name", "kind", "status", "position", "accountable_does_work"),
    ),
    "raci_assignment": ("SELECT project_id AS p FROM raci_activity WHERE id = R.activity_id", None),
    "raci_activity_outcomes": (
        "SELECT project_id AS p FROM raci_activity WHERE id = R.activity_id",
        None,
    ),
    "raci_consultedinput": (
        "SELECT project_id AS p FROM raci_activity WHERE id = R.activity_id",
        ("activity_id", "party_id"),
    ),
    "raci_racisettings": ("SELECT R.project_id AS p", None),
    "stakeholders_projectstakeholder": (
        "SELECT R.project_id AS p",
        ("project_id", "party_id", "is_customer", "power", "interest"),
    ),
    "stakeholders_outcome": ("SELECT R.project_id AS p", ("project_id", "title", "is_csf")),
    # A party's name and kind show in every matrix it is in: on the project or holding letters.
    "stakeholders_party": (
        "SELECT project_id AS p FROM stakeholders_projectstakeholder WHERE party_id = R.id "
        "UNION SELECT t.project_id FROM raci_assignment s "
        "JOIN raci_activity t ON t.id = s.activity_id WHERE s.party_id = R.id",
        ("name", "kind", "organisation"),
    ),
}
PARTY_ONLY_UPDATES = {"stakeholders_party"}  # a party is added and removed through its rows


def bump(projects_sql: str, *rows: str) -> str:
    """Add one to the version of each project the rows belong to (once, however many rows)."""
    select = " UNION ".join(projects_sql.replace("R.", f"{row}.") for row in rows)
    return (
        "INSERT INTO raci_matrixversion (project_id, version) "
        f"SELECT DISTINCT p, 1 FROM ({select}) AS changed WHERE p IS NOT NULL "
        "ON CONFLICT (project_id) DO UPDATE SET version = raci_matrixversion.version + 1;"
    )


def changed(columns, distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def sqlite_sql() -> list[str]:
    statements = []
    for table, (projects, columns) in WATCHED.items():
        name = f"raci_version_{table}"
        if table not in PARTY_ONLY_UPDATES:
            statements.append(
                f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} "
                f"BEGIN {bump(projects, 'NEW')} END"
            )
            statements.append(
                f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} "
                f"BEGIN {bump(projects, 'OLD')} END"
            )
        when = f" WHEN {changed(columns, 'IS NOT')}" if columns else ""
        statements.append(
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table}{when} "
            f"BEGIN {bump(projects, 'OLD', 'NEW')} END"
        )
    return statements


def postgresql_sql() -> list[str]:
    statements = []
    for table, (projects, columns) in WATCHED.items():
        name = f"raci_version_{table}"
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' THEN {bump(projects, 'NEW')} "
            f"ELSIF TG_OP = 'DELETE' THEN {bump(projects, 'OLD')} "
            f"ELSE {bump(projects, 'OLD', 'NEW')} END IF; "
            "RETURN NULL; END $$"
        )
        if table not in PARTY_ONLY_UPDATES:
            statements.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        when = f" WHEN ({changed(columns, 'IS DISTINCT FROM')})" if columns else ""
        statements.append(
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {name}()"
        )
    return statements


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS raci_version_{table}() CASCADE" for table in WATCHED]
    return [
        f"DROP TRIGGER IF EXISTS raci_version_{table}_{event}"
        for table in WATCHED
        for event in ("insert", "update", "delete")
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"Rapport runs on SQLite or PostgreSQL, not {vendor}")
    for statement in sqlite_sql() if vendor == "sqlite" else postgresql_sql():
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("raci", "0005_import_options"),
        ("stakeholders", "0008_saved_mapping"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatrixVersion",
            fields=[
                ("project_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
