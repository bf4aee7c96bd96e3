"""`concord demo --no-serve` is what `make demo` runs before serving: it must work twice on a fresh var/."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def _run(args: list[str], var_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "DJANGO_"))}
    env["CONCORD_VAR_DIR"] = str(var_dir)
    env.update(extra_env)
    return subprocess.run(  # noqa: S603 - our own console entry point with fixed arguments
        [sys.executable, "-m", "concord.config.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def _admin_password(output: str) -> str:
    match = re.search(r"as admin / (\S+)", output)
    assert match, output
    return match.group(1)


def test_demo_loads_twice_without_debug_and_prints_a_fresh_admin_login(tmp_path):
    first = _run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    second = _run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert _admin_password(first.stdout) != _admin_password(second.stdout)
    assert "created 2 companies" in first.stdout
    assert "created nothing new" in second.stdout  # the second run duplicates nothing

    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    assert (tmp_path / "concord.sqlite3").exists()
    assert (tmp_path / "static" / "staticfiles.json").exists()  # production static storage, collected

    # The demo runs without debug pages: an unknown URL gets the project's own 404 page.
    probe = _run(
        [
            "shell",
            "-c",
            (
                "from django.test import Client; from django.conf import settings; "
                "r = Client().get('/no-such-page/'); print(settings.DEBUG, r.status_code, b'Concord' in r.content)"
            ),
        ],
        tmp_path,
        CONCORD_SECRET_KEY=key_file.read_text().strip(),
        CONCORD_HTTPS="0",
        CONCORD_ALLOWED_HOSTS="testserver",
    )
    assert probe.returncode == 0, probe.stderr
    assert "False 404 True" in probe.stdout


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "CONCORD_SECRET_KEY": "k" * 60,
        "CONCORD_HTTPS": "0",
        "CONCORD_ALLOWED_HOSTS": "127.0.0.1",
        "CONCORD_STATIC_ROOT": str(tmp_path / "static"),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_the_production_server_and_worker_drains_the_outbox(tmp_path):
    env = _production_env(tmp_path)
    assert _run(["migrate", "-v0"], tmp_path, **env).returncode == 0
    assert _run(["collectstatic", "--noinput", "-v0"], tmp_path, **env).returncode == 0

    port = _free_port()
    server_env = {k: v for k, v in os.environ.items() if not k.startswith(("CONCORD_", "DJANGO_"))}
    server_env.update(env, CONCORD_VAR_DIR=str(tmp_path))
    server = subprocess.Popen(  # noqa: S603 - our own console entry point with fixed arguments
        [
            sys.executable,
            "-m",
            "concord.config.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=server_env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/account/login/", timeout=5) as response:
                    assert response.status == 200
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert b'name="username"' in body, "the server never answered the login page"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    worker = _run(["worker", "--once"], tmp_path, **env)
    assert worker.returncode == 0, worker.stderr


def test_unknown_command_fails_with_django_s_message(tmp_path):
    result = _run(["no-such-command"], tmp_path, **_production_env(tmp_path))
    assert result.returncode != 0
    assert "Unknown command" in result.stderr
