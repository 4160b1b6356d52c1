"""Looks into the database at $DATABASE_URL for the backup tests, in its own process.

python backup_probe.py rows            every table's rows as JSON, independent of the backup code
python backup_probe.py send            "send now" the CRM's simple report (deliver it with
                                       `rapport comms deliver`)
python backup_probe.py feed            a new calendar feed of CRM: prints its address
python backup_probe.py open PATH...    GET each path as an anonymous visitor: prints statuses
"""

import base64
import json
import os
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | timedelta):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def rows() -> dict:
    """{table: [row, ...]} for every table Django manages, plus the applied migrations.

    Content types and permissions have other numbers in another database: they are compared by
    name, and so are the columns that point at them."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    permissions = {
        p.pk: f"{types[p.content_type_id]}.{p.codename}" for p in Permission.objects.all()
    }
    by_name = {ContentType: types, Permission: permissions}
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = meta.concrete_fields
        found = []
        for values in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            row = {}
            for field, value in zip(fields, values, strict=True):
                names = by_name.get(field.related_model) if field.is_relation else None
                if model in by_name and field.primary_key:
                    value = None  # the number itself differs; the name says which
                elif names is not None and value is not None:
                    value = names[value]
                row[field.attname] = _plain(value)
            found.append(row)
        if model in by_name:
            found.sort(key=lambda r: json.dumps(r, sort_keys=True, default=str))
        tables[meta.db_table] = found
    from django.db.migrations.recorder import MigrationRecorder

    tables["django_migrations"] = sorted(
        f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations()
    )
    unknown = set(connection.introspection.table_names()) - set(tables)
    return {"tables": tables, "unknown_tables": sorted(unknown)}


def send() -> None:
    from datetime import timedelta

    from django.db.models import F

    from rapport.accounts.models import User
    from rapport.comms import services
    from rapport.comms.models import PlanRow
    from rapport.demo.services import DEMO_PM_EMAIL

    row = PlanRow.objects.filter(project__code="CRM", comm_type="simple").first()
    pm = User.objects.get(email=DEMO_PM_EMAIL)
    # On a fast machine the laptop's "Send now" is seconds old when the server sends again; the
    # once-a-minute guard is not what this probe is about, so the earlier send is made older.
    row.deliveries.filter(manual=True).update(created_at=F("created_at") - timedelta(minutes=2))
    deliveries = services.report_send_now(actor=pm, row=row)
    print(len(deliveries))


def feed() -> None:
    from rapport.accounts.models import User
    from rapport.comms import services
    from rapport.demo.services import DEMO_PM_EMAIL
    from rapport.projects.models import Project

    pm = User.objects.get(email=DEMO_PM_EMAIL)
    made = services.calendar_feed_create(actor=pm, project=Project.objects.get(code="CRM"))
    # The raw token is shown once when the feed is made (or derived by the feed itself).
    feed, token = made if isinstance(made, tuple) else (made, made.raw_token)
    print(f"/calendar/{token}.ics")


def open_paths(paths) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    print(json.dumps({path: client.get(path).status_code for path in paths}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "rows":
        print(json.dumps(rows(), default=str))
    elif command == "send":
        send()
    elif command == "feed":
        feed()
    elif command == "open":
        open_paths(sys.argv[2:])
