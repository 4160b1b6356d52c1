"""Names that reach e-mail headers become one clean line (issue 13: a party name with a line break
jammed delivery). Input refuses control characters from now on; this cleans what is stored.

It lives in comms, the app that writes the headers, so that the apps owning the names need no
migration of their own. No audit entries: historical models send no signals.
"""

from django.db import migrations
from django.db.models.functions import Lower

from rapport.lib.validation import has_control_characters, single_line

NAMES = [
    ("stakeholders", "Party", ("name", "organisation")),
    ("accounts", "Organisation", ("name",)),
    ("projects", "Project", ("name",)),
    ("accounts", "User", ("full_name",)),
]


def _party_name_free(Party, party, name) -> bool:
    # Parties are unique by name and organisation, whatever their case, in an organisation.
    return (
        not Party.objects.filter(org_id=party.org_id)
        .exclude(pk=party.pk)
        .annotate(n=Lower("name"), o=Lower("organisation"))
        .filter(n=name.lower(), o=party.organisation.lower())
        .exists()
    )


def clean_names(apps, schema_editor):
    for app_label, model_name, fields in NAMES:
        Model = apps.get_model(app_label, model_name)
        for obj in Model.objects.all().iterator():
            changed = [f for f in fields if has_control_characters(getattr(obj, f))]
            if not changed:
                continue
            for field in changed:
                setattr(obj, field, single_line(getattr(obj, field)))
            if model_name == "Party":
                base, n = obj.name, 1
                while not _party_name_free(Model, obj, obj.name):
                    n += 1
                    obj.name = f"{base} ({n})"
                changed = sorted({*changed, "name"})
            Model.objects.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in changed})


class Migration(migrations.Migration):
    dependencies = [
        ("comms", "0002_portal_unlock_throttle"),
        ("stakeholders", "0002_seed_categories"),
        ("accounts", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
