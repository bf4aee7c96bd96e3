"""Outbox worker: drains pending events (filled in by the outbox work)."""


def start_background_worker() -> None:
    raise NotImplementedError
