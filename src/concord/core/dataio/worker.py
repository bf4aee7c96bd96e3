"""Running background tasks (imports, later campaign sends and reports) with django-tasks-db's worker.

``concord worker`` runs it in the foreground beside the outbox worker; the demo (``concord demo``,
``concord serve --with-worker``) runs it in a daemon thread of the web process through
``start_background_task_worker()``. It reuses ``django_tasks_db``'s own ``Worker`` loop (the one
``manage.py db_worker`` runs), so claiming with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL
and an exclusive transaction on SQLite work the same; on PostgreSQL any number may run at once.
"""

from __future__ import annotations

import logging
import threading

from django.db import connection
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from concord.core.background import BackgroundThread

__all__ = [
    "new_task_worker",
    "recover_interrupted_jobs",
    "run_pending_tasks",
    "start_background_task_worker",
    "stop_background_task_worker",
    "uses_database_backend",
]

logger = logging.getLogger(__name__)


def uses_database_backend(backend_name: str = DEFAULT_TASK_BACKEND_ALIAS) -> bool:
    """True when tasks go to the database (and so need a worker to run them)."""
    return isinstance(task_backends[backend_name], DatabaseBackend)


def new_task_worker(
    *, interval: float = 1.0, batch: bool = False, backend_name: str = DEFAULT_TASK_BACKEND_ALIAS
) -> Worker:
    """django-tasks-db's worker loop over every queue, without its signal handling (threads have none)."""
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"concord-{get_random_string(16)}",
        excluded_queue_names=[],
    )


def recover_interrupted_jobs() -> None:
    """Roll back the imports a previous worker left half-done when it was killed."""
    from concord.core.dataio.services import import_jobs_recover

    try:
        import_jobs_recover()
    except Exception:  # recovery is retried at the next start; it must not keep the worker down
        logger.exception("could not recover interrupted import jobs")


def run_pending_tasks(*, backend_name: str = DEFAULT_TASK_BACKEND_ALIAS) -> None:
    """Run every task that is ready now, then return (tests, and ``concord worker --once``)."""
    recover_interrupted_jobs()
    new_task_worker(batch=True, interval=0, backend_name=backend_name).run()


_background: BackgroundThread[Worker] = BackgroundThread("concord-task-worker")


def _run_in_thread(worker: Worker) -> None:
    try:
        recover_interrupted_jobs()
        while worker.running:
            try:
                worker.run()
            except Exception:  # a lost database must not end the demo's only worker; retry
                logger.exception("task worker %s: pass failed, retrying", worker.worker_id)
                threading.Event().wait(worker.interval or 1.0)
    finally:
        connection.close()  # this thread's own connection


def start_background_task_worker(*, interval: float = 1.0) -> threading.Thread | None:
    """Start (once per process) a daemon thread running background tasks; None if tasks need no worker."""
    if not uses_database_backend():
        logger.info("background tasks do not use the database backend: no in-process task worker")
        return None
    thread, worker, started = _background.start(lambda: new_task_worker(interval=interval), _run_in_thread)
    if started:
        logger.info("task worker %s started in-process", worker.worker_id)
    return thread


def stop_background_task_worker(*, timeout: float = 10.0) -> None:
    """Ask the background task worker to stop after its current task and wait up to ``timeout`` s."""
    _background.stop(_ask_to_stop, timeout=timeout)


def _ask_to_stop(worker: Worker) -> None:
    worker.running = False  # django-tasks-db's loop checks it between tasks
