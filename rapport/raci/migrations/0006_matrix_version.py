"""The RACI's version number, kept current by triggers (see models.MatrixVersion).

Each trigger adds one to the version of every project whose matrix the changed row belongs to
(before or after the change), once per row, in the same transaction. An update bumps only when a
column the checks read changes. The triggers' SQL comes from rapport/lib/version_triggers.py.
"""

from django.db import migrations, models

from rapport.lib.version_triggers import Watched, triggers_operation

THROUGH_ACTIVITY = "SELECT project_id AS p FROM raci_activity WHERE id = R.activity_id"
WATCHED = {
    "raci_phase": Watched("SELECT R.project_id AS p"),
    "raci_activity": Watched(
        "SELECT R.project_id AS p",
        ("project_id", "phase_id", "name", "kind", "status", "position", "accountable_does_work"),
    ),
    "raci_assignment": Watched(THROUGH_ACTIVITY),
    "raci_activity_outcomes": Watched(THROUGH_ACTIVITY),
    "raci_consultedinput": Watched(THROUGH_ACTIVITY, ("activity_id", "party_id")),
    "raci_racisettings": Watched("SELECT R.project_id AS p"),
    "stakeholders_projectstakeholder": Watched(
        "SELECT R.project_id AS p", ("project_id", "party_id", "is_customer", "power", "interest")
    ),
    "stakeholders_outcome": Watched("SELECT R.project_id AS p", ("project_id", "title", "is_csf")),
    # A party's name and kind show in every matrix it is in: on the project or holding letters.
    # A party is added and removed through its rows, so only its updates are watched.
    "stakeholders_party": Watched(
        "SELECT project_id AS p FROM stakeholders_projectstakeholder WHERE party_id = R.id "
        "UNION SELECT t.project_id FROM raci_assignment s "
        "JOIN raci_activity t ON t.id = s.activity_id WHERE s.party_id = R.id",
        ("name", "kind", "organisation"),
        updates_only=True,
    ),
}
PREFIX = "raci_version"


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
        triggers_operation("raci_matrixversion", PREFIX, WATCHED),
    ]
