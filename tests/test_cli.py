"""The `rapport` command, run as a user runs it: a real process against a real SQLite file.

Each process costs about a second, so one test walks through a whole story where that reads
naturally. The database is migrated once per module and copied for each test.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

RAPPORT = Path(sys.prefix) / "bin" / "rapport"


def environment(var_dir: Path, db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env.update(
        RAPPORT_ENV="test",
        RAPPORT_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{db}",
        RAPPORT_DEMO_PASSWORD="demo-password-for-tests",
    )
    env.pop("SECRET_KEY", None)
    return env


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RAPPORT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A database file `rapport migrate` built from nothing."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "runs `rapport` on its own SQLite file, whatever the suite's database: the SQLite suite runs it"
        )
    where = tmp_path_factory.mktemp("migrated")
    db = where / "rapport.sqlite3"
    result = run(environment(where / "var", db), "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    assert "Applying projects.0001_initial... OK" in result.stdout
    return db


@pytest.fixture
def rapport(tmp_path, migrated):
    """rapport(*args) -> the finished process, against a fresh copy of the migrated database."""
    db = tmp_path / "rapport.sqlite3"
    shutil.copy(migrated, db)
    env = environment(tmp_path / "var", db)

    def call(*args):
        return run(env, *args)

    call.db = db
    return call


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_migrate_builds_every_table_and_the_checks_pass(rapport):
    assert query(rapport.db, "SELECT count(*) FROM projects_project") == [(0,)]

    check = rapport("check")

    assert check.returncode == 0
    assert "System check identified no issues" in check.stdout


def test_the_demo_loads_once_and_prints_how_to_sign_in(rapport):
    first = rapport("demo")
    assert first.returncode == 0, first.stderr
    assert (
        "Sign in as priya@northwind.example with the password demo-password-for-tests"
        in first.stdout
    )
    # the CRM rollout, and the four completed projects its estimate is calibrated on
    assert query(rapport.db, "SELECT code FROM projects_project ORDER BY code") == [
        ("CRM",),
        ("DWH",),
        ("ERP-UP",),
        ("HR-SELF",),
        ("WEB",),
    ]
    rows_after_first = query(rapport.db, "SELECT count(*) FROM auditlog_logentry")

    again = rapport("demo")
    assert again.returncode != 0
    assert "The demo workspace is loaded already." in again.stderr

    if_empty = rapport("demo", "--if-empty")
    assert if_empty.returncode == 0
    assert "Database not empty: demo workspace not loaded." in if_empty.stdout
    assert query(rapport.db, "SELECT count(*) FROM auditlog_logentry") == rows_after_first


def test_createuser_and_projects_from_the_command_line(rapport):
    created = rapport(
        "createuser",
        "Alice@Acme.example",
        "--password",
        "alice-long-passphrase",
        "--name",
        "Alice",
        "--org",
        "acme",
    )
    assert created.returncode == 0, created.stderr
    assert "Created alice@acme.example (owner of acme)." in created.stdout

    # With one organisation, --org may be left out.
    crm = rapport(
        "project", "create", "crm", "--name", "CRM rollout", "--manager", "alice@acme.example"
    )
    assert crm.returncode == 0, crm.stderr
    assert "Created acme/CRM — CRM rollout" in crm.stdout
    assert query(
        rapport.db,
        "SELECT u.email, m.role FROM projects_projectmembership m JOIN accounts_user u ON u.id = m.user_id",
    ) == [("alice@acme.example", "manager")]

    duplicate = rapport("project", "create", "CRM", "--name", "Another CRM")
    assert duplicate.returncode != 0
    assert "acme already has a project with the code CRM." in duplicate.stderr

    unknown_org = rapport("project", "create", "ERP", "--name", "ERP", "--org", "nope")
    assert unknown_org.returncode != 0
    assert "No organisation with the slug 'nope'." in unknown_org.stderr

    assert (
        rapport(
            "createuser",
            "bob@globex.example",
            "--password",
            "bob-long-passphrase",
            "--org",
            "globex",
        ).returncode
        == 0
    )
    ambiguous = rapport("project", "create", "ERP", "--name", "ERP")
    assert ambiguous.returncode != 0
    assert "Say which organisation with --org (one of: acme, globex)." in ambiguous.stderr

    erp = rapport("project", "create", "ERP", "--name", "ERP for Globex", "--org", "globex")
    assert erp.returncode == 0, erp.stderr

    listing = rapport("project", "list")
    assert listing.returncode == 0
    assert listing.stdout.splitlines() == [
        "acme/CRM\tProposed\tCRM rollout",
        "globex/ERP\tProposed\tERP for Globex",
    ]
    assert query(rapport.db, "SELECT count(*) FROM projects_project") == [(2,)]


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(rapport):
    weak = rapport("createuser", "carol@acme.example", "--password", "123", "--org", "acme")
    no_org = rapport("project", "create", "CRM", "--name", "CRM")

    assert weak.returncode != 0
    assert "This password is too short." in weak.stderr
    assert no_org.returncode != 0
    assert (
        "There is no organisation yet: `rapport createuser EMAIL --org SLUG` makes one."
        in no_org.stderr
    )
    assert query(rapport.db, "SELECT count(*) FROM accounts_user") == [(0,)]
    assert query(rapport.db, "SELECT count(*) FROM accounts_organisation") == [(0,)]
