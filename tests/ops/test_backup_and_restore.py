"""`rapport backup`, `rapport restore` and `rapport export`, run as an operator runs them.

A laptop's SQLite database with the demo workspace is backed up, restored into PostgreSQL under a
new SECRET_KEY, backed up there and restored into SQLite again under a third key; every table's
rows are compared after each step. When the tests run without PostgreSQL (the SQLite suite), the
middle database is another SQLite file. Under `scripts/with-postgres.sh` the PostgreSQL databases
are made on that throwaway server.
"""

import email
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from email import policy
from pathlib import Path

import pytest

RAPPORT = Path(sys.prefix) / "bin" / "rapport"
PROBE = Path(__file__).with_name("backup_probe.py")
SERVER_URL = os.environ.get("DATABASE_URL", "")
POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))


class Installation:
    """One Rapport installation: its database, its own SECRET_KEY, its var directory."""

    def __init__(self, where: Path, database_url: str, secret_key: str):
        where.mkdir(parents=True, exist_ok=True)
        self.url = database_url
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
        }
        self.env.update(
            RAPPORT_ENV="test",
            RAPPORT_VAR_DIR=str(where / "var"),
            DATABASE_URL=database_url,
            SECRET_KEY=secret_key,
            RAPPORT_DEMO_PASSWORD="demo-password-for-tests",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )

    def run(self, *args, ok=True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(RAPPORT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        if ok:
            assert done.returncode == 0, f"rapport {' '.join(args)}:\n{done.stderr[-3000:]}"
        return done

    def probe(self, *args):
        done = subprocess.run(
            [sys.executable, str(PROBE), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def rows(self) -> dict:
        found = json.loads(self.probe("rows"))
        assert found["unknown_tables"] == [], "tables no model accounts for"
        return found["tables"]

    def mailed_portal_link(self) -> str:
        """Send the CRM's simple report now and deliver it; the portal link its e-mail carries."""
        self.probe("send")
        delivered = self.run("comms", "deliver").stdout
        links = set()
        for text in delivered.split("-" * 79):
            if "Subject:" not in text:
                continue
            message = email.message_from_string(text.strip(), policy=policy.default)
            body = message.get_body(("plain",)).get_content()
            links.update(re.findall(r"https?://[^/\s]+(/portal/[^\s]+)", body))
        assert links, f"no portal link in the mail:\n{delivered[-2000:]}"
        return sorted(links)[0]

    def open(self, *paths) -> dict:
        return json.loads(self.probe("open", *paths))


def _server_database(tmp_path, name) -> str:
    """A new database: on the PostgreSQL server when there is one, else a SQLite file."""
    if not POSTGRES:
        return f"sqlite:///{tmp_path / name}.sqlite3"
    import psycopg

    database = f"h6_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return SERVER_URL.rsplit("/", 1)[0] + "/" + database


def compare(before: dict, after: dict) -> int:
    """Assert both databases hold the same rows in every table; returns how many were compared."""
    assert sorted(after) == sorted(before)
    compared = 0
    for table, rows in before.items():
        if table == "django_session":
            continue  # sign-ins are not copied: everyone signs in again
        if table in ("raci_matrixversion", "status_evidenceversion"):
            # Not copied: the triggers number each project's RACI and evidence again as the
            # restore inserts its rows. Every project with either has its number, whatever its
            # value.
            assert [r["project_id"] for r in after[table]] == [r["project_id"] for r in rows]
            continue
        assert after[table] == rows, f"{table} differs after the restore"
        compared += len(rows)
    return compared


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """A laptop install: SQLite, the demo workspace, one report mailed and one calendar feed,
    and its backup. `laptop.empty` is a migrated database with nothing in it, to copy."""
    where = tmp_path_factory.mktemp("laptop")
    db = where / "rapport.sqlite3"
    laptop = Installation(where, f"sqlite:///{db}", "laptop-key-" + "a" * 40)
    laptop.run("migrate", "--no-input")
    laptop.empty = where / "empty.sqlite3"
    shutil.copy(db, laptop.empty)
    laptop.run("demo")
    laptop.portal = laptop.mailed_portal_link()
    laptop.feed = laptop.probe("feed").strip()
    assert laptop.open(laptop.portal, laptop.feed) == {laptop.portal: 200, laptop.feed: 200}
    laptop.archive = where / "laptop.backup"
    made = laptop.run("backup", "-o", str(laptop.archive))
    assert "keep it secret" in made.stdout
    laptop.original = laptop.rows()
    return laptop


def migrated_sqlite(laptop, where: Path, key: str) -> Installation:
    """Another SQLite installation, migrated and empty."""
    shutil.copy(laptop.empty, where.with_suffix(".sqlite3"))
    return Installation(where, f"sqlite:///{where.with_suffix('.sqlite3')}", key)


def test_a_laptop_moves_to_the_server_and_back_with_every_row_and_link_intact(laptop, tmp_path):
    assert oct(laptop.archive.stat().st_mode & 0o777) == "0o600"  # secret: its owner's only
    server = Installation(
        tmp_path / "server", _server_database(tmp_path, "server"), "server-key-" + "b" * 40
    )

    restored = server.run("restore", str(laptop.archive))  # into a database with no tables yet

    assert "Restored" in restored.stdout
    on_server = server.rows()
    compared = compare(laptop.original, on_server)
    # The restore wrote no history of its own: the history is the laptop's, entry for entry.
    assert on_server["auditlog_logentry"] == laptop.original["auditlog_logentry"]
    # Links already mailed, and a calendar feed already subscribed, open under the new key.
    assert server.open(laptop.portal, laptop.feed) == {laptop.portal: 200, laptop.feed: 200}

    back_archive = tmp_path / "server.backup"
    server.run("backup", "-o", str(back_archive))
    # A report sent on the server, under its own key, carries a link that opens.
    fresh_link = server.mailed_portal_link()
    assert server.open(fresh_link) == {fresh_link: 200}

    home = migrated_sqlite(laptop, tmp_path / "home", "c" * 50)
    home.run("restore", str(back_archive))  # into a migrated, empty database
    compared += compare(laptop.original, home.rows())
    assert home.open(laptop.portal, laptop.feed) == {laptop.portal: 200, laptop.feed: 200}

    print(f"\nrows compared after the round trip: {compared:,} (via {server.url.split(':')[0]})")
    assert compared > 1000


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(laptop):
    refused = laptop.run("restore", str(laptop.archive), ok=False)

    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert "Nothing was restored." in refused.stderr
    assert laptop.rows() == laptop.original


def test_restore_refuses_a_file_that_is_not_a_backup_or_is_cut_short(laptop, tmp_path):
    lines = gzip.decompress(laptop.archive.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "cut.backup"
    cut.write_bytes(gzip.compress(b"".join(lines[: len(lines) // 2])))
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    target = migrated_sqlite(laptop, tmp_path / "target", "f" * 50)

    short = target.run("restore", str(cut), ok=False)
    wrong = target.run("restore", str(not_a_backup), ok=False)

    assert "is incomplete" in short.stderr and "Nothing was restored." in short.stderr
    assert "is not a Rapport backup" in wrong.stderr
    assert target.rows()["accounts_user"] == []


def test_an_organisation_moves_alone_to_another_installation(laptop, tmp_path):
    # A second organisation on the laptop, which must stay behind.
    laptop.run(
        "createuser", "zoe@other.example", "--password", "zoe-long-passphrase", "--org", "other",
        "--as", "priya@northwind.example",
    )  # fmt: skip
    laptop.run(
        "project", "create", "SECRET", "--name", "Other's project", "--org", "other",
        "--as", "zoe@other.example",
    )  # fmt: skip
    archive = tmp_path / "demo.export"
    laptop.run("export", "--org", "demo", "-o", str(archive))
    source = laptop.rows()
    target = migrated_sqlite(laptop, tmp_path / "target", "g" * 50)

    target.run("restore", str(archive))
    moved = target.rows()

    assert [o["slug"] for o in moved["accounts_organisation"]] == ["demo"]
    demo_id = moved["accounts_organisation"][0]["id"]
    assert moved["projects_project"] == [
        p for p in source["projects_project"] if p["org_id"] == demo_id
    ]
    assert "SECRET" not in {p["code"] for p in moved["projects_project"]}
    assert "zoe@other.example" not in {u["email"] for u in moved["accounts_user"]}
    for table, rows in moved.items():
        if table in ("django_migrations", "django_content_type", "auth_permission"):
            continue
        if table in ("raci_matrixversion", "status_evidenceversion"):  # numbered again on load
            assert {r["project_id"] for r in rows} <= {p["id"] for p in moved["projects_project"]}
            continue
        assert all(row in source[table] for row in rows), f"{table}: a row that was not there"
    demo_history = [
        e
        for e in source["auditlog_logentry"]
        if (e["additional_data"] or {}).get("org_id") == demo_id
    ]
    assert all(e in moved["auditlog_logentry"] for e in demo_history)
    assert len(moved["raci_assignment"]) == len(source["raci_assignment"])
    assert target.open(laptop.portal) == {laptop.portal: 200}
