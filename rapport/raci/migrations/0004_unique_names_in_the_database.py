"""Uniqueness rules that were checked in Python only become database constraints.

Activities get `name_key` (the name with case, accents and spacing removed, as
raci.names.normalise_name compares names), unique in the project; phase and SIPOC names become
unique whatever their case, as their services already checked. Names that break the rules (made
by requests that raced past the Python check) are told apart first: the later ones get a number,
"Go-live (2)", so nothing is lost and the project's own RACI export imports again.
"""

import unicodedata

import django.db.models.functions.text
from django.db import migrations, models


def _normalise(text: str) -> str:
    # A frozen copy of raci.names.normalise_name: a migration must not change with later code.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.split())


def _tell_apart(rows, key_of, max_length: int):
    """Rename the second and later of each group of rows whose names share a key; yields the
    renamed rows. `rows` is (pk, project_id, name) in creation order."""
    taken: dict[int, set[str]] = {}
    for row in rows:
        taken.setdefault(row.project_id, set())
    for row in rows:
        keys = taken[row.project_id]
        key = key_of(row.name)
        if key not in keys:
            keys.add(key)
            row.new_key = key
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            name = row.name[: max_length - len(suffix)] + suffix
            if key_of(name) not in keys:
                break
            number += 1
        row.name = name
        row.new_key = key_of(name)
        keys.add(row.new_key)
        yield row


def tell_apart_names(apps, schema_editor):
    Activity = apps.get_model("raci", "Activity")
    activities = list(Activity.objects.order_by("project_id", "pk").only("project_id", "name"))
    renamed = {a.pk for a in _tell_apart(activities, _normalise, 300)}
    for activity in activities:
        activity.name_key = activity.new_key
    Activity.objects.bulk_update(activities, ["name_key"], batch_size=500)
    Activity.objects.bulk_update(
        [a for a in activities if a.pk in renamed], ["name"], batch_size=500
    )
    for model_name in ("Phase", "SipocProcess"):
        model = apps.get_model("raci", model_name)
        rows = list(model.objects.order_by("project_id", "pk").only("project_id", "name"))
        changed = list(_tell_apart(rows, str.lower, 200))
        model.objects.bulk_update(changed, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("raci", "0003_consulted_input_and_sipoc_kinds"),
        ("stakeholders", "0003_party_payment_cash_or_trade"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="phase",
            name="phase_name_unique_in_project",
        ),
        migrations.RemoveConstraint(
            model_name="sipocprocess",
            name="sipoc_name_unique_in_project",
        ),
        migrations.AddField(
            model_name="activity",
            name="name_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(tell_apart_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(
                fields=("project", "name_key"), name="activity_name_unique_in_project"
            ),
        ),
        migrations.AddConstraint(
            model_name="phase",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                models.F("project"),
                name="phase_name_unique_in_project_ci",
            ),
        ),
        migrations.AddConstraint(
            model_name="sipocprocess",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                models.F("project"),
                name="sipoc_name_unique_in_project_ci",
            ),
        ),
    ]
