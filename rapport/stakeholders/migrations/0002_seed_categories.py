"""Organisations that existed before the customers feature get the default categories too."""

from django.db import migrations

# A snapshot, so this migration does the same thing whatever the taxonomy becomes later.
DEFAULT_CATEGORIES = [
    ("Sponsor", "Who funds the project and holds it together?"),
    ("Executive", "Which executives' areas does it change?"),
    ("Business partner", "Which business leads work with the project?"),
    ("Board member", "Does the board need to know or decide?"),
    ("End user", "Who will use what the project delivers, day to day?"),
    ("Senior user", "Who speaks for the users and signs off that it works for them?"),
    ("IT executive", "Which IT leaders run or fund the systems touched?"),
    ("Business analyst", "Who analyses and documents the requirements?"),
    ("Subject-matter expert", "Whose expertise does the project need?"),
    ("Contractor", "Which contractors do part of the work?"),
    ("Supplier", "Which suppliers' products or contracts change?"),
    ("Union", "Do staff representatives need to be consulted on changed work?"),
    ("Shareholder", "Do owners or shareholders care about the result?"),
    ("Financier", "Does a bank, investor or grant giver fund part of it?"),
    ("Government/regulator", "Which laws or regulators apply (data protection, safety, ...)?"),
    ("Special-interest group", "Which associations or pressure groups care?"),
    ("Community", "Is a local community affected?"),
    ("General public", "Will the public notice or be affected?"),
    ("Future generations", "Does it leave costs or benefits for those who come later?"),
]


def seed(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Category = apps.get_model("stakeholders", "Category")
    for org in Organisation.objects.all():
        have = {n.lower() for n in Category.objects.filter(org=org).values_list("name", flat=True)}
        Category.objects.bulk_create(
            [
                Category(org=org, name=name, hint=hint, position=position)
                for position, (name, hint) in enumerate(DEFAULT_CATEGORIES)
                if name.lower() not in have
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
