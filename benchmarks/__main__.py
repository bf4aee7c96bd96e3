"""Run every ``benchmarks/bench_*.py`` workload and print one ratio line per workload and database.

    python -m benchmarks                 # SQLite (temporary file), plus PostgreSQL if CONCORD_DATABASE_URL
    python -m benchmarks --only outbox   # workloads whose module name contains "outbox"

Each database runs in a child process (Django is configured once per process) on a throw-away
database: a temporary SQLite file, or a ``concord_bench_<pid>`` database created next to the one in
CONCORD_DATABASE_URL and dropped afterwards. Exits 1 when a ratio exceeds its limit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

BACKENDS = ("sqlite", "postgresql")


def _run_children(only: str) -> int:
    backends = ["sqlite"]
    url = os.environ.get("CONCORD_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        backends.append("postgresql")
    status = 0
    for backend in backends:
        command = [sys.executable, "-m", "benchmarks", "--backend", backend, "--only", only]
        completed = subprocess.run(command, check=False)  # noqa: S603 - our own module, fixed arguments
        status = status or completed.returncode
    return status


def _workloads(only: str) -> list[str]:
    import benchmarks

    names = [
        info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.startswith("bench_")
    ]
    return sorted(name for name in names if only in name)


def _run_here(backend: str, only: str) -> int:
    with tempfile.TemporaryDirectory(prefix="concord-bench-") as tmp:
        if backend == "sqlite":
            os.environ["CONCORD_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            os.environ["CONCORD_TEST_DATABASE_NAME"] = str(Path(tmp) / "bench-test.sqlite3")
        else:
            os.environ["CONCORD_TEST_DATABASE_NAME"] = f"concord_bench_{os.getpid()}"
        os.environ["CONCORD_VAR_DIR"] = tmp
        os.environ["CONCORD_OUTBOX_DISPATCH_ON_COMMIT"] = "0"  # workloads deliver explicitly
        os.environ["DJANGO_SETTINGS_MODULE"] = "concord.config.settings_test"
        import django

        django.setup()
        from django.db import connection

        original_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            status = 0
            for name in _workloads(only):
                module = importlib.import_module(f"benchmarks.{name}")
                results = module.run()
                for result in results if isinstance(results, list) else [results]:
                    print(result.line(connection.vendor), flush=True)
                    if not result.ok:
                        status = 1
            return status
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--backend", choices=BACKENDS, help="run in this process on one database")
    parser.add_argument("--only", default="", help="run the workloads whose module name contains this")
    args = parser.parse_args()
    if args.backend is None:
        return _run_children(args.only)
    return _run_here(args.backend, args.only)


if __name__ == "__main__":
    sys.exit(main())
