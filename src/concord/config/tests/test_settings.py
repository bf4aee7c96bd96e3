"""Configuration comes from environment variables only; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler

from concord.config.settings import database_from_url, env_bool

REPO = Path(__file__).resolve().parents[4]


def _concord(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "DJANGO_"))}
    base.update(env)
    return subprocess.run(  # noqa: S603 - runs our own console entry point with fixed arguments
        [sys.executable, "-m", "concord.config.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _concord(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "CONCORD_SECRET_KEY": secrets.token_urlsafe(50),
            "CONCORD_ALLOWED_HOSTS": "erp.example.com",
            "CONCORD_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _concord(["check"], {"CONCORD_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "CONCORD_SECRET_KEY is not set" in result.stderr


def test_sqlite_url_gets_wal_busy_timeout_and_immediate_transactions(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=20000" in config["OPTIONS"]["init_command"]


def test_postgresql_url_uses_the_same_form():
    config = database_from_url("postgresql://concord:s3cret@db.internal:5433/erp")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "erp",
        "concord",
    )


def test_unsupported_database_engine_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unsupported engine"):
        database_from_url("mysql://root@127.0.0.1/concord")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("0", False)])
def test_env_bool_parses_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("CONCORD_SOME_FLAG", raw)
    assert env_bool("CONCORD_SOME_FLAG", not expected) is expected


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("CONCORD_SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="must be a boolean"):
        env_bool("CONCORD_SOME_FLAG", False)


def test_django_sqlite_connection_really_runs_in_wal_mode(tmp_path, django_db_blocker):
    # The test database is in memory (no WAL there): open a file database through Django's own backend.
    handler = ConnectionHandler({"default": database_from_url(f"sqlite:///{tmp_path / 'wal.sqlite3'}")})
    conn = handler["default"]
    try:
        with django_db_blocker.unblock(), conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        conn.close()
