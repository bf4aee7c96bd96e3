"""The ``concord`` command: demo, serve, worker, migrate, createadmin, and any Django command.

concord demo [--size small|large] [--no-serve] [--port 8000]
concord serve [--bind 127.0.0.1:8000] [--workers N] [--with-worker]
concord worker [--once]
concord migrate | createadmin | <any manage.py command>
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from typing import Any

from concord.config.paths import var_dir

SHORTCUTS = {"demo-load": "demo_load", "mail-in": "mail_in"}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.config.settings")
    import django

    django.setup()


def serve(*, bind: str, workers: int, threads: int, with_worker: bool) -> int:
    """Run the production WSGI server (gunicorn), optionally draining the outbox in a thread."""
    from gunicorn.app.base import BaseApplication

    _setup_django()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    inprocess = with_worker or settings.CONCORD_INPROCESS_WORKER

    def post_worker_init(_worker: Any) -> None:
        if inprocess:
            from concord.core.dataio.worker import start_background_task_worker
            from concord.core.outbox.worker import start_background_worker

            start_background_worker()
            start_background_task_worker()

    class ConcordServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            self.cfg.set("post_worker_init", post_worker_init)

        def load(self) -> Any:
            return application

    ConcordServer().run()
    return 0


def _demo_environment() -> None:
    """Run the demo as production runs (no debug pages), minus HTTPS, on this machine only.

    The secret key is generated once and kept in ``var/secret_key`` (mode 0600), so sessions survive a
    restart; any ``CONCORD_*`` variable already set wins.
    """
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    key_file = var / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    os.environ.setdefault("CONCORD_SECRET_KEY", key_file.read_text().strip())
    os.environ.setdefault("CONCORD_HTTPS", "0")
    os.environ.setdefault("CONCORD_ALLOWED_HOSTS", "127.0.0.1,localhost")
    # The demo has no mail server: password resets, quotations and replies it sends are written as files
    # to var/sent-mail/ (printing them would bury the logins under the PDFs they carry).
    os.environ.setdefault("CONCORD_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    os.environ.setdefault("CONCORD_INPROCESS_WORKER", "1")


def demo(argv: Sequence[str]) -> int:
    """Migrate, load the demo company (idempotent), print the logins, serve with the in-process worker."""
    parser = argparse.ArgumentParser(prog="concord demo")
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-serve", action="store_true", help="load the data and exit")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    _demo_environment()
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo_load", size=args.size, seed=args.seed, port=args.port)
    if args.no_serve:
        return 0
    print(f"\nConcord is running on http://127.0.0.1:{args.port}/  (Ctrl+C stops it)\n", flush=True)
    return serve(bind=f"127.0.0.1:{args.port}", workers=1, threads=8, with_worker=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not args:
            return 0
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.config.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["concord", "help"])
        return 0
    command, rest = args[0], args[1:]
    if command == "demo":
        return demo(rest)
    if command == "serve":
        parser = argparse.ArgumentParser(prog="concord serve")
        parser.add_argument("--bind", default=os.environ.get("CONCORD_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("CONCORD_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("CONCORD_WEB_THREADS", "4")))
        parser.add_argument("--with-worker", action="store_true", help="also drain the outbox in-process")
        ns = parser.parse_args(rest)
        return serve(bind=ns.bind, workers=ns.workers, threads=ns.threads, with_worker=ns.with_worker)
    if command == "worker":
        return worker(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["concord", SHORTCUTS.get(command, command), *rest])
    return 0


def worker(argv: Sequence[str]) -> int:
    """Drain the event outbox and run background tasks (imports, reports) until stopped.

    With ``--once`` both are drained once and the command exits (cron, tests).
    """
    _setup_django()
    from django.core.management import call_command

    from concord.core.dataio.worker import (
        run_pending_tasks,
        start_background_task_worker,
        stop_background_task_worker,
        uses_database_backend,
    )

    once = "--once" in argv
    if not once:
        start_background_task_worker()
    try:
        call_command("outbox_worker", *argv)
        if once and uses_database_backend():
            run_pending_tasks()
    finally:
        stop_background_task_worker()
    return 0


if __name__ == "__main__":
    sys.exit(main())
