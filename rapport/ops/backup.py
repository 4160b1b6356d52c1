"""Backup, restore and organisation export: one archive that moves between SQLite and PostgreSQL.

An archive is gzip-compressed JSON lines:

- a header: format, version, what it holds (everything, or one organisation), when it was made,
  the applied migrations, and a warning that it is secret;
- one line per row of every table Rapport keeps (`{"table": ..., "row": {column: value}}`),
  table after table, read in one transaction so the archive is one consistent moment;
- a trailer with the number of rows per table, so a truncated file is refused.

Rows keep their primary keys, so links between rows, audit history (which names rows by key) and
hashed tokens come back as they were. Content types and permissions are not copied: migrations
make them, and the rows that point at them name them by app and model instead of by number,
which differs between databases. Sign-in sessions are not copied: everyone signs in again.

Restore writes with raw inserts: no model code, no signals, so no audit entries (auditlog is
switched off as well, in case a migration run after the load writes).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.base import ModelState
from django.utils import timezone

from rapport.lib.audit import not_audited

FORMAT = "rapport-backup"
VERSION = 1
SECRET_WARNING = (
    "SECRET: this archive holds password hashes, the hashes of API tokens, portal links and "
    "calendar feeds, portal passwords and every organisation's data. Store and move it like a "
    "password: encrypted, readable only by the people who run Rapport."
)
# Rebuilt by `migrate` in every database; rows that point at them name them by natural key.
REBUILT = {"contenttypes.contenttype", "auth.permission"}
# Live sign-ins: copying them would copy credentials, and a restore under a new SECRET_KEY
# cannot read them anyway.
NOT_COPIED = {
    "sessions.session",
    # Numbers the database's triggers keep as RACI and evidence rows change: the restore's own
    # inserts make them again (copied, they would collide with those).
    "raci.matrixversion",
    "status.evidenceversion",
}
BATCH = 1000


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- which tables ----------------------------------------------------------------------------


def copied_models() -> list[type[models.Model]]:
    """Every model whose table holds Rapport's data, m2m link tables included, in a stable order
    (tables that others point at first)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in REBUILT | NOT_COPIED:
            continue
        found.append(model)
    return _parents_first(found)


def _parents_first(found):
    order, seen = [], set()

    def visit(model, trail=()):
        if model in seen or model in trail:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target in found and target is not model:
                visit(target, (*trail, model))
        seen.add(model)
        order.append(model)

    for model in sorted(found, key=lambda m: m._meta.label_lower):
        visit(model)
    return order


# --- values in and out --------------------------------------------------------------------------


def _natural(model) -> bool:
    return model is not None and model._meta.label_lower in REBUILT


class _Keys:
    """Content types and permissions by number (this database) and by name (any database)."""

    def __init__(self, using):
        self.using = using
        self._to_name = {}
        self._to_id = {}

    def _load(self, model):
        if model in self._to_name:
            return
        if model is ContentType:
            rows = ContentType.objects.using(self.using).values_list("pk", "app_label", "model")
            pairs = {pk: [app, name] for pk, app, name in rows}
        else:
            rows = Permission.objects.using(self.using).values_list(
                "pk", "content_type__app_label", "content_type__model", "codename"
            )
            pairs = {pk: [app, model_name, code] for pk, app, model_name, code in rows}
        self._to_name[model] = pairs
        self._to_id[model] = {tuple(name): pk for pk, name in pairs.items()}

    def name(self, model, pk):
        self._load(model)
        return self._to_name[model][pk]

    def number(self, model, name):
        self._load(model)
        try:
            return self._to_id[model][tuple(name)]
        except KeyError:
            raise BackupError(
                f"The archive names {'.'.join(name)}, which this version of Rapport does not have."
            ) from None


def _dump_value(field, obj, keys: _Keys):
    value = getattr(obj, field.attname)
    if value is None:
        return None
    if field.is_relation and _natural(field.related_model):
        return keys.name(field.related_model, value)
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.BinaryField):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, bool | int | float | str):
        return value
    return field.value_to_string(obj)  # dates, times, decimals, UUIDs, durations: full precision


def _load_value(field, value, keys: _Keys):
    if value is None:
        return None
    if field.is_relation and _natural(field.related_model):
        return keys.number(field.related_model, value)
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    return field.to_python(value)


# --- what one organisation's export holds -------------------------------------------------------


def _path_to(model, target, depth=0, trail=()):
    """The lookup path from `model` to `target` along foreign keys ("activity__project__org"),
    shortest first; None when there is none."""
    if model is target:
        return ""
    if depth > 4:
        return None
    best = None
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model in (*trail, model):
            continue
        rest = _path_to(field.related_model, target, depth + 1, (*trail, model))
        if rest is None:
            continue
        path = field.name + (f"__{rest}" if rest else "")
        if best is None or path.count("__") < best.count("__"):
            best = path
    return best


def _org_filter(model, org, user_ids):
    """The rows of `model` that belong to `org` (and to its people, `user_ids`), or None when the
    model holds nothing of one organisation's (the task queue, sign-in throttling)."""
    from auditlog.models import LogEntry

    from rapport.accounts.models import Organisation

    User = apps.get_model(settings.AUTH_USER_MODEL)
    if model is LogEntry:
        return models.Q(additional_data__org_id=org.pk) | models.Q(
            content_type=ContentType.objects.get_for_model(User), object_id__in=user_ids
        )
    if model is User:
        return models.Q(pk__in=user_ids)
    paths = [
        _path_to(field.related_model, Organisation)
        if field.related_model is not Organisation
        else ""
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not model
    ]
    fields = [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not model
    ]
    if model is Organisation:
        return models.Q(pk=org.pk)
    q = models.Q()
    for field, rest in zip(fields, paths, strict=True):
        if rest is None:
            continue
        q |= models.Q(**{f"{field.name}__{rest}" if rest else field.name: org})
    if q:
        return q
    # A person's own things (API tokens, group and permission links): those of the people moved.
    for field in fields:
        if field.related_model is User:
            q |= models.Q(**{f"{field.name}__in": user_ids})
    return q or None


def _org_user_ids(org, chosen: dict) -> set[int]:
    """The organisation's members, and everyone its rows name (who made a change, who invited
    whom, who owns a promise), so that history keeps its names."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    user_ids = set(User.objects.filter(org_memberships__org=org).values_list("pk", flat=True))
    for model, queryset in chosen.items():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                user_ids.update(
                    v
                    for v in queryset.order_by().values_list(field.attname, flat=True).distinct()
                    if v is not None
                )
    return user_ids


# --- backup ----------------------------------------------------------------------------------------


def applied_migrations(using=DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied = defaultdict(list)
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied[app].append(name)
    return dict(applied)


def _querysets(org, using) -> list[tuple[type[models.Model], models.QuerySet]]:
    chosen = []
    if org is None:
        return [(m, m._base_manager.using(using).all()) for m in copied_models()]
    from auditlog.models import LogEntry

    User = apps.get_model(settings.AUTH_USER_MODEL)
    org_rows = {}
    for model in copied_models():
        if model in (LogEntry, User):
            continue
        q = _org_filter(model, org, set())
        if q is not None and not _is_personal(model, User):
            org_rows[model] = model._base_manager.using(using).filter(q)
    user_ids = _org_user_ids(org, {**org_rows, LogEntry: _log_of(org, using)})
    for model in copied_models():
        if model in org_rows:
            chosen.append((model, org_rows[model]))
            continue
        q = _org_filter(model, org, user_ids)
        if q is not None:
            chosen.append((model, model._base_manager.using(using).filter(q)))
    return chosen


def _log_of(org, using):
    from auditlog.models import LogEntry

    return LogEntry.objects.using(using).filter(additional_data__org_id=org.pk)


def _is_personal(model, User) -> bool:
    """A model that reaches an organisation only through a person (an API token, a user's
    group): it follows the people exported, not every organisation they belong to."""
    from rapport.accounts.models import Organisation

    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model not in (User, model):
            if _path_to(field.related_model, Organisation) is not None:
                return False
    return True


def backup_write(path: str, *, org_slug: str | None = None, using=DEFAULT_DB_ALIAS) -> Counter:
    """Write an archive of everything (or of one organisation) to `path`; returns rows per table.

    The file is created readable by its owner only: it is secret."""
    org = None
    if org_slug is not None:
        from rapport.accounts.models import Organisation

        org = Organisation.objects.using(using).filter(slug=org_slug).first()
        if org is None:
            raise BackupError(f"No organisation with the slug {org_slug!r}.")
    counts: Counter = Counter()
    keys = _Keys(using)
    connection = connections[using]
    temporary = f"{path}.partial"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8") as out:
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql":
                    # One snapshot for every table, whatever is written meanwhile.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                header = {
                    "format": FORMAT,
                    "version": VERSION,
                    "secret": SECRET_WARNING,
                    "scope": {"organisation": org.slug} if org else "everything",
                    "created_at": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "migrations": applied_migrations(using),
                }
                out.write(json.dumps(header) + "\n")
                for model, queryset in _querysets(org, using):
                    label = model._meta.db_table
                    fields = model._meta.concrete_fields
                    for obj in queryset.order_by("pk").iterator(chunk_size=BATCH):
                        row = {f.attname: _dump_value(f, obj, keys) for f in fields}
                        out.write(json.dumps({"table": label, "row": row}) + "\n")
                        counts[label] += 1
                out.write(json.dumps({"end": True, "rows": dict(counts)}) + "\n")
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return counts


# --- restore ---------------------------------------------------------------------------------------


@dataclass
class Archive:
    header: dict
    path: str

    @property
    def scope(self) -> str:
        scope = self.header["scope"]
        return "everything" if scope == "everything" else f"organisation {scope['organisation']}"


def _lines(path) -> Iterator[dict]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                try:
                    yield json.loads(line)
                except ValueError:
                    raise BackupError(
                        f"{path}: line {number} is not JSON: the file is damaged."
                    ) from None
    except (OSError, EOFError) as error:
        raise BackupError(f"{path} is not a Rapport backup (or is damaged): {error}.") from None


def archive_open(path: str) -> Archive:
    if not os.path.isfile(path):
        raise BackupError(f"No file {path}.")
    header = next(_lines(path), None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Rapport backup (made by `rapport backup`).")
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path} is a version {header.get('version')} backup; this Rapport reads version "
            f"{VERSION}."
        )
    return Archive(header=header, path=path)


def archive_check(archive: Archive) -> None:
    """Read the whole archive once before touching the database: a damaged or cut file is
    refused before anything is built or written."""
    counts: Counter = Counter()
    lines = _lines(archive.path)
    next(lines)
    for item in lines:
        if item.get("end"):
            if item.get("rows") == dict(counts):
                return
            break
        counts[item.get("table")] += 1
    raise BackupError(
        f"{archive.path} is incomplete (it ends before its last line): the file is damaged."
    )


def _has_data(using) -> str | None:
    """What makes the database not empty, or None."""
    from rapport.accounts.models import Organisation

    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = User.objects.using(using).count()
    orgs = Organisation.objects.using(using).count()
    if users or orgs:
        return f"{users} user(s) and {orgs} organisation(s)"
    return None


def _schema(using, archive: Archive) -> bool:
    """Bring an empty database's tables to the archive's migrations. Returns True when the
    database had no tables (then `migrate` runs again after the load, to today's version)."""
    connection = connections[using]
    wanted = {(app, name) for app, names in archive.header["migrations"].items() for name in names}
    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    unknown = sorted(wanted - known)
    if unknown:
        raise BackupError(
            "The backup was made by a newer Rapport (migrations this one does not have: "
            + ", ".join(f"{a}.{n}" for a, n in unknown[:5])
            + "). Restore it with that version or later."
        )
    applied = set(MigrationRecorder(connection).applied_migrations())
    if not applied:
        graph = executor.loader.graph
        parents = {p.key for node in wanted for p in graph.node_map[node].parents}
        targets = sorted(node for node in wanted if node not in parents)
        executor.migrate(targets)
        # Content types and permissions, which the archive's rows name.
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(0, False, using)
        return True
    if applied != wanted:
        missing = sorted(wanted - applied)
        extra = sorted(applied - wanted)
        detail = "; ".join(
            part
            for part in (
                f"not applied here: {', '.join(f'{a}.{n}' for a, n in missing[:5])}"
                if missing
                else "",
                f"applied here, not in the backup: {', '.join(f'{a}.{n}' for a, n in extra[:5])}"
                if extra
                else "",
            )
            if part
        )
        raise BackupError(
            "This database's tables are at another version than the backup's "
            f"({detail}). Restore into a new, empty database (no tables): restore builds "
            "the backup's tables, loads it, then migrates to this version."
        )
    return False


def restore(path: str, *, using=DEFAULT_DB_ALIAS) -> Counter:
    """Load an archive into an empty database, all or nothing; returns rows per table.

    Writes no audit entries: the archive's history comes back as it was, and nothing is added.
    """
    archive = archive_open(path)
    archive_check(archive)
    occupied = _has_data(using) if _tables_exist(using) else None
    if occupied:
        raise BackupError(
            f"The database is not empty ({occupied}): restore only into an empty database, "
            "so that nothing is overwritten or mixed. Create a new database (or delete this "
            "one's data) and run the restore again."
        )
    built = _schema(using, archive)
    # A table the archive's version did not have yet is made by the `migrate` after the load.
    existing = set(connections[using].introspection.table_names())
    by_table = {m._meta.db_table: m for m in copied_models() if m._meta.db_table in existing}
    keys = _Keys(using)
    counts: Counter = Counter()
    trailer = None
    pending: dict[type[models.Model], list] = defaultdict(list)
    with not_audited(), transaction.atomic(using=using):
        # Leftovers of an unused database (anonymous sessions, the task queue) would collide.
        for model in reversed(list(by_table.values())):
            model._base_manager.using(using).all()._raw_delete(using)
        lines = _lines(path)
        next(lines)  # the header
        for item in lines:
            if item.get("end"):
                trailer = item
                break
            model = by_table.get(item.get("table"))
            if model is None:
                raise BackupError(
                    f"The archive has a table {item.get('table')!r} this Rapport does not know."
                )
            pending[model].append(_instance(model, item["row"], keys))
            counts[item["table"]] += 1
            if len(pending[model]) >= BATCH:
                _insert(model, pending.pop(model), using)
        for model, objs in pending.items():
            _insert(model, objs, using)
        if trailer is None or trailer.get("rows") != dict(counts):
            raise BackupError(f"{path} changed while it was being restored.")
        _reset_sequences(using, by_table.values())
    if built:
        with not_audited():
            call_command("migrate", database=using, verbosity=0, interactive=False)
    return counts


def _tables_exist(using) -> bool:
    from rapport.accounts.models import Organisation

    return Organisation._meta.db_table in connections[using].introspection.table_names()


def _instance(model, row: dict, keys: _Keys):
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in row:
            values[field.attname] = _load_value(field, row[field.attname], keys)
    unknown = set(row) - {f.attname for f in model._meta.concrete_fields}
    if unknown:
        raise BackupError(
            f"The archive's {model._meta.db_table} has columns this Rapport does not know: "
            f"{', '.join(sorted(unknown))}."
        )
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding = True
    obj._state.db = None
    for field in model._meta.concrete_fields:
        setattr(
            obj,
            field.attname,
            values[field.attname] if field.attname in values else field.get_default(),
        )
    return obj


def _insert(model, objs, using) -> None:
    """INSERT as the rows were, with their keys and timestamps (raw: no auto_now, no save())."""
    fields = list(model._meta.concrete_fields)
    size = connections[using].ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        model._base_manager.using(using)._insert(
            objs[start : start + size], fields=fields, raw=True, using=using
        )


def _reset_sequences(using, models_) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
