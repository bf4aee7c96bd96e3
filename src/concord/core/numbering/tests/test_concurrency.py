"""Many transactions taking numbers at once on PostgreSQL: no duplicates, no gaps."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from concord.core.numbering.services import sequence_next

THREADS = 12
NUMBERS_PER_THREAD = 25
DAY = dt.date(2026, 11, 24)


class DocumentSaveError(Exception):
    """The caller's document failed after it took its number."""


def take_one(company, *, fail: bool) -> int:
    """Take a number in its own transaction; roll it back with DocumentSaveError when ``fail``."""
    with transaction.atomic():
        number = int(sequence_next(company=company, doc_type="INV", on_date=DAY).rsplit("/", 1)[1])
        if fail:
            raise DocumentSaveError(number)
    return number


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_gapless_unique_numbers(company):
    start = threading.Barrier(THREADS)
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            start.wait(timeout=30)  # every thread races for the not-yet-created sequence row
            for attempt in range(NUMBERS_PER_THREAD):
                fail = (index + attempt) % 4 == 0  # a quarter of the callers roll back
                try:
                    number = take_one(company, fail=fail)
                except DocumentSaveError as rollback:
                    with lock:
                        rolled_back.append(rollback.args[0])
                    continue
                with lock:
                    committed.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread, which fails the test
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert all(not thread.is_alive() for thread in threads)
    expected_commits = sum(
        1 for index in range(THREADS) for attempt in range(NUMBERS_PER_THREAD) if (index + attempt) % 4
    )
    assert len(committed) == expected_commits
    assert sorted(committed) == list(range(1, expected_commits + 1))  # no duplicates, no gaps
    assert rolled_back  # the rollbacks really happened...
    # ...and gave their numbers back: none went beyond the one after the last committed number.
    assert max(rolled_back) <= expected_commits + 1
