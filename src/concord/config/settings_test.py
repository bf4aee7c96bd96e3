"""Settings for the test suite: the normal settings with CONCORD_TESTING on (fast hashing, no HTTPS)."""

import os

os.environ["CONCORD_TESTING"] = "1"
os.environ.setdefault("CONCORD_OUTBOX_DISPATCH_ON_COMMIT", "1")

from concord.config.settings import *  # noqa: F403 - the test settings are the settings, plus a flag

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True

# WhiteNoise warns (an error under pytest) when STATIC_ROOT is missing; tests serve through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - defined by the star import above

# Background tasks run inline in tests unless a test opts into the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# SQLite's in-memory test database runs in shared-cache mode, whose table locks ignore busy_timeout: a
# worker thread (outbox, background tasks) racing the test thread fails with "database table is
# locked". A file database (WAL, busy timeout) behaves as production does. One file per process, so
# parallel runs never share it; pytest-django deletes it at the end.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405 - from the star import
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"concord-test-{os.getpid()}.sqlite3")
    }
