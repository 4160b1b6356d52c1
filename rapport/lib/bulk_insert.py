"""Bulk inserts prepared before the write transaction, so that an import holds the write lock for
milliseconds.

SQLite lets one writer at a time change the database, for as long as its transaction lasts.
Turning 3,000 rows and their history entries into SQL parameters takes seconds of Python; done
inside the transaction, every other writer (a PM saving a RACI cell, the mail worker marking a
delivery sent) waits that long. So an import:

1. takes its new rows' ids first (`reserve_ids`: a transaction of its own that lasts a moment);
2. builds the rows and their history entries with those ids, outside any transaction
   (`PreparedInserts.add`: validation, audit diffs and SQL parameters are all done here);
3. runs only the prepared statements inside its one all-or-nothing transaction
   (`PreparedInserts.run`), with whatever small writes go with them.

A refused or failed import leaves a gap in the ids, as a PostgreSQL sequence does; nothing else.
A name that raced in meanwhile is refused by the database's unique constraint, as before.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

BATCH_ROWS = 500  # rows per executemany call


def reserve_ids(model, count: int) -> list[int]:
    """`count` primary keys for new rows of `model` that no other writer will take."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Identity columns have a sequence too; nextval() is never rolled back.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Django makes SQLite primary keys AUTOINCREMENT: a new row's id is above both the
            # largest id and the table's line in sqlite_sequence, so moving that line up by
            # `count` keeps the ids in between for us.
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT coalesce(max({quoted(column)}), 0) FROM {quoted(table)}")
            largest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            first = max(largest, found[0] if found else 0) + 1
            last = first + count - 1
            if found:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                )
            return list(range(first, last + 1))
    # Rapport runs on these two (settings.DATABASES); say so rather than guess at another.
    raise ImproperlyConfigured(
        f"Rapport runs on SQLite or PostgreSQL; this database is {connection.vendor}."
    )


class PreparedInserts:
    """INSERT statements with their parameters computed ahead, run together by `run()`."""

    def __init__(self):
        self._statements: list[tuple[str, list[tuple]]] = []
        self._objects: list = []

    def add(self, objects) -> None:
        """Prepare the rows of `objects`, model instances of one model. Either every one has its
        id (from `reserve_ids`) or none has, and the database numbers them (history entries)."""
        objects = list(objects)
        if not objects:
            return
        meta = type(objects[0])._meta
        with_ids = objects[0].pk is not None
        if any((obj.pk is not None) != with_ids for obj in objects):
            raise ValueError("Either every object has its id or none has.")
        fields = [f for f in meta.concrete_fields if with_ids or not f.primary_key]
        quoted = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quoted(meta.db_table),
            ", ".join(quoted(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        # What Django's bulk_create does per value (defaults, auto_now_add, adapting to the
        # database), only earlier.
        rows = [
            tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
            for obj in objects
        ]
        self._statements.append((sql, rows))
        self._objects.extend(objects)

    def run(self) -> None:
        """Insert every prepared row. Call inside the transaction the rows belong to."""
        with connection.cursor() as cursor:
            for sql, rows in self._statements:
                for start in range(0, len(rows), BATCH_ROWS):
                    cursor.executemany(sql, rows[start : start + BATCH_ROWS])
        for obj in self._objects:  # they are saved rows now, as after bulk_create
            obj._state.adding = False
            obj._state.db = connection.alias
        self._statements, self._objects = [], []
