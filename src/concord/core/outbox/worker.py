"""The outbox worker: drain due events, sleep, repeat, until told to stop.

``concord worker`` (the ``outbox_worker`` command) runs it in the foreground; ``concord serve
--with-worker`` and ``concord demo`` run it in a daemon thread (``start_background_worker``). On
PostgreSQL any number of workers may run at once (claims use ``FOR UPDATE SKIP LOCKED``); on SQLite
run one.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from concord.core.background import BackgroundThread, PeriodicRunner
from concord.core.outbox.dispatch import DEFAULT_BATCH_SIZE, DispatchReport, dispatch_pending, new_worker_id

logger = logging.getLogger(__name__)


class OutboxWorker:
    """A loop that drains the outbox every ``poll_seconds`` until ``stop()`` is called."""

    def __init__(
        self,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        poll_seconds: float | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.poll_seconds = (
            float(settings.CONCORD_OUTBOX_POLL_SECONDS) if poll_seconds is None else poll_seconds
        )
        self.worker_id = worker_id or new_worker_id()
        self.periodic = PeriodicRunner()  # registry.periodic_tasks, run when due on each pass
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the batch in hand, then leave the loop."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def drain(self) -> DispatchReport:
        """Deliver batches until nothing is due (or a stop is requested)."""
        total = DispatchReport()
        while not self._stop.is_set():
            report = dispatch_pending(batch_size=self.batch_size, worker_id=self.worker_id)
            total.add(report)
            if report.claimed == 0:
                break
        return total

    @staticmethod
    def _refresh_connection() -> None:
        """Drop a connection that broke or outlived CONN_MAX_AGE since the last pass, as requests do.

        Skipped inside an atomic block (a test, or a caller's transaction), where Django would close
        the connection because autocommit is off.
        """
        if not connection.in_atomic_block:
            close_old_connections()

    def run(self, *, once: bool = False) -> DispatchReport:
        """Drain and sleep in a loop; with ``once``, drain and return (errors then propagate)."""
        total = DispatchReport()
        while not self._stop.is_set():
            self._refresh_connection()
            try:
                total.add(self.drain())
                self.periodic.tick()
            except Exception:  # a long-running worker survives a lost database and retries
                if once:
                    raise
                logger.exception(
                    "outbox worker %s: pass failed, retrying in %ss", self.worker_id, self.poll_seconds
                )
            if once:
                break
            self._stop.wait(self.poll_seconds)
        return total


_background: BackgroundThread[OutboxWorker] = BackgroundThread("concord-outbox-worker")


def _run_in_thread(worker: OutboxWorker) -> None:
    try:
        worker.run()
    finally:
        connection.close()  # this thread's connection; Django opens one per thread


def start_background_worker(*, poll_seconds: float | None = None) -> threading.Thread:
    """Start (once per process) a daemon thread draining the outbox; return the thread."""
    thread, worker, started = _background.start(
        lambda: OutboxWorker(poll_seconds=poll_seconds), _run_in_thread
    )
    if started:
        logger.info("outbox worker %s started in-process", worker.worker_id)
    return thread


def stop_background_worker(*, timeout: float = 10.0) -> None:
    """Stop the background worker, if any, and wait up to ``timeout`` seconds for it to finish."""
    _background.stop(OutboxWorker.stop, timeout=timeout)
