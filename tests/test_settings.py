"""Settings come from the environment, with safe defaults; production refuses to start unsafe."""

import os
import runpy
import secrets
import stat
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import rapport.settings

RAPPORT = Path(sys.prefix) / "bin" / "rapport"
SETTINGS_FILE = rapport.settings.__file__


def clean_environment(tmp_path: Path, **values) -> dict:
    """The process environment without any Rapport or Django knob, plus `values`."""
    knobs = {
        "DJANGO_SETTINGS_MODULE",
        "PYTHONPATH",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "EMAIL_HOST",
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in knobs and not k.startswith(("RAPPORT_", "SECURE_"))
    }
    env.update(
        RAPPORT_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    env.update(values)
    return env


def rapport(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RAPPORT), *args], env=env, capture_output=True, text=True, timeout=120
    )


def random_secret(length=60) -> str:
    alphabet = string.ascii_letters + string.digits + "-_!@#%^*"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_a_production_configuration_passes_the_deployment_checks(tmp_path):
    env = clean_environment(
        tmp_path,
        RAPPORT_ENV="production",
        SECRET_KEY=random_secret(),
        ALLOWED_HOSTS="rapport.example.com",
    )

    result = rapport(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = clean_environment(tmp_path, RAPPORT_ENV="production", ALLOWED_HOSTS="rapport.example.com")

    result = rapport(env, "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when RAPPORT_ENV=production" in result.stderr
    # One clear line for the operator, not a traceback.
    assert "Traceback" not in result.stderr
    assert result.stderr.count("SECRET_KEY must be set") == 1
    assert not (tmp_path / "var" / "secret_key").exists()


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    env = clean_environment(tmp_path, RAPPORT_ENV="development")
    show_key = (
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    )

    first = rapport(env, *show_key)
    key_file = tmp_path / "var" / "secret_key"
    second = rapport(env, *show_key)

    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by its owner only
    assert second.stdout.strip() == key  # sessions survive a restart


# --- the settings file itself, executed with a given environment (no process needed) -------------------


def load_settings(monkeypatch, tmp_path, **values) -> dict:
    for name in list(os.environ):
        if name.startswith(("RAPPORT_", "SECURE_")) or name in (
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "EMAIL_HOST",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RAPPORT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def test_production_is_strict_by_default(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch,
        tmp_path,
        RAPPORT_ENV="production",
        SECRET_KEY=random_secret(),
        ALLOWED_HOSTS="a.example",
    )

    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["ALLOWED_HOSTS"] == ["a.example"]


def test_development_is_convenient_by_default(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path, RAPPORT_ENV="development")

    assert s["DEBUG"] is True
    assert s["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert s["EMAIL_BACKEND"] == "rapport.ops.outbox.OutboxBackend"  # mail kept in the outbox page
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_production_needs_its_host_names(monkeypatch, tmp_path):
    with pytest.raises(
        ImproperlyConfigured, match="ALLOWED_HOSTS must be set when RAPPORT_ENV=production"
    ):
        load_settings(monkeypatch, tmp_path, RAPPORT_ENV="production", SECRET_KEY=random_secret())


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("RAPPORT_ENV", "staging", "RAPPORT_ENV must be development, production or test"),
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'"),
        ("PAGE_SIZE", "fifty", "PAGE_SIZE must be a whole number, not 'fifty'"),
        ("LOGIN_FAILURE_LIMIT", "5.5", "LOGIN_FAILURE_LIMIT must be a whole number, not '5.5'"),
    ],
)
def test_a_malformed_value_stops_startup_with_its_name(monkeypatch, tmp_path, name, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, tmp_path, **{name: value})


def test_knobs_are_read_from_the_environment(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch,
        tmp_path,
        RAPPORT_ENV="development",
        DEBUG="off",
        PAGE_SIZE="25",
        LOGIN_FAILURE_LIMIT="3",
        ALLOWED_HOSTS=" a.example , b.example ,",
        SITE_URL="https://rapport.example.com/",
        EMAIL_HOST="mail.example.com",
    )

    assert s["DEBUG"] is False
    assert s["PAGE_SIZE"] == 25
    assert s["AXES_FAILURE_LIMIT"] == 3
    assert s["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert s["SITE_URL"] == "https://rapport.example.com"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_postgresql_url_selects_postgresql(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch,
        tmp_path,
        RAPPORT_ENV="development",
        DATABASE_URL="postgres://rapport:pw@db.example:5433/rapport",
    )

    database = s["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 5433, "rapport")
    assert database["CONN_MAX_AGE"] == 60
