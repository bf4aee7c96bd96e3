"""Background tasks of the import framework, written against the Django Tasks API (django-tasks).

The database backend runs them in ``concord worker`` or the demo's in-process worker
(``concord.core.dataio.worker``); tests run them inline with the immediate backend.
"""

from __future__ import annotations

from django_tasks import task

from concord.core.dataio.services import import_job_execute

__all__ = ["import_job_run"]


@task()
def import_job_run(job_id: int) -> str:
    """Run import job ``job_id``; returns its final status ("skipped" when it was not queued)."""
    job = import_job_execute(job_id=job_id)
    return job.status if job is not None else "skipped"
