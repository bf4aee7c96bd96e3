"""At most one daemon thread per process running a worker loop, for the embedded (demo) deployment.

The outbox worker and the background-task worker both run in a web process this way when there is no
separate ``concord worker``: started on demand (twice is harmless), stopped on request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

W = TypeVar("W")


class BackgroundThread(Generic[W]):
    """One named daemon thread and the worker object it runs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._current: tuple[threading.Thread, W] | None = None

    def start(
        self, make_worker: Callable[[], W], run: Callable[[W], None]
    ) -> tuple[threading.Thread, W, bool]:
        """Start ``run(worker)`` unless a live thread exists; return it, its worker and whether it is new."""
        with self._lock:
            if self._current is not None and self._current[0].is_alive():
                thread, worker = self._current
                return thread, worker, False
            worker = make_worker()
            thread = threading.Thread(target=run, args=(worker,), name=self.name, daemon=True)
            self._current = (thread, worker)
            thread.start()
            return thread, worker, True

    def stop(self, ask_to_stop: Callable[[W], None], *, timeout: float) -> None:
        """Ask the worker to stop, if one runs, and wait up to ``timeout`` seconds for its thread."""
        with self._lock:
            if self._current is None:
                return
            thread, worker = self._current
            self._current = None
        ask_to_stop(worker)
        thread.join(timeout)


class PeriodicRunner:
    """Runs the registered periodic tasks (``registry.periodic_tasks``) that are due.

    Core has no scheduler: the worker loop calls ``tick()`` on every pass; a task runs on the first tick
    and again once ``interval_seconds`` have passed since it last ran in this process. A task that raises
    is logged and tried again at its next interval; it never stops the loop.
    """

    def __init__(self, *, clock: Callable[[], float] | None = None) -> None:
        import time

        self._clock = clock or time.monotonic
        self._last_run: dict[str, float] = {}

    def tick(self) -> list[str]:
        """Run every due task; return the names of those that ran."""
        import logging

        from concord.core.registry import registry

        now = self._clock()
        ran: list[str] = []
        for name, task in registry.periodic_tasks.items():
            last = self._last_run.get(name)
            if last is not None and now - last < task.interval_seconds:
                continue
            self._last_run[name] = now
            try:
                task.run()
            except Exception:  # one failing task must not stop the worker or the other tasks
                logging.getLogger(__name__).exception("periodic task %s failed", name)
            ran.append(name)
        return ran
