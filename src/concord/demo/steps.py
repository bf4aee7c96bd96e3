"""The demo steps: how each area adds its own demo data without the loader importing it.

An area's demo code lives in ``concord/demo/<app label>.py`` (``concord/demo/identity.py`` for companies
and users, ``concord/demo/money.py`` for exchange rates, later ``concord/demo/sales.py`` and so on). It
registers one or more functions with ``@demo_step(order=...)``; each takes the ``DemoContext`` and must be
idempotent (look records up by their natural key, create only what is missing), because ``make demo`` runs
on every start. ``discover_steps()`` imports ``concord.demo.<label>`` for every installed Concord app that
has such a file, so the loader never names a module. The demo package sits above the modules in the
layers, so a step may call module facades and services.

Orders: identity 10-19, core kernel 20-99, master data (parties, catalog) 100-199, transactions 200+.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from django.apps import apps

if TYPE_CHECKING:
    from concord.core.identity.models import Company, User

__all__ = [
    "SIZES",
    "DemoContext",
    "DemoLogin",
    "DemoSize",
    "DemoStep",
    "OutputStream",
    "RegisteredStep",
    "demo_step",
    "discover_steps",
    "registered_steps",
    "temporary_step",
]


class OutputStream(Protocol):
    """Where the demo reports what it did: ``sys.stdout``, a ``StringIO`` or a command's ``self.stdout``."""

    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class DemoSize:
    """How much demo data to make: ``small`` for trying Concord, ``large`` for benchmarks.

    Later modules read their own count here (``ctx.size.parties``) instead of inventing a flag.
    """

    name: str
    rate_history_days: int  # days of daily exchange rates, ending today
    extra_staff_per_company: int  # staff without a login, spread across roles
    parties: int  # customers and suppliers per company
    products: int  # catalog items per company
    sales_orders: int  # per company
    tickets: int  # helpdesk tickets per company


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(
        name="small",
        rate_history_days=30,
        extra_staff_per_company=0,
        parties=50,
        products=40,
        sales_orders=60,
        tickets=30,
    ),
    "large": DemoSize(
        name="large",
        rate_history_days=365,
        extra_staff_per_company=20,
        parties=5000,
        products=2000,
        sales_orders=50000,
        tickets=20000,
    ),
}


@dataclass(frozen=True)
class DemoLogin:
    """A demo sign-in printed to the terminal: who, with which role, in which company, and the password."""

    username: str
    password: str
    role: str
    company_code: str
    display_name: str
    other_company_codes: tuple[str, ...] = ()

    @property
    def company_codes(self) -> tuple[str, ...]:
        return (self.company_code, *self.other_company_codes)


@dataclass
class DemoContext:
    """What a demo step works with: the size, the seed, and what earlier steps made."""

    size: DemoSize
    seed: int
    today: date
    stdout: OutputStream | None = None
    by: User | None = None  # the demo administrator, the author of every audited write after step 10
    companies: dict[str, Company] = field(default_factory=dict)  # by company code
    users: dict[str, User] = field(default_factory=dict)  # by username
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # what each step made, for the summary line

    def rng(self, key: str) -> random.Random:
        """A random generator for one step, seeded from the demo seed and the step's key.

        Each step has its own stream, so adding a step (or changing how much another step draws) never
        changes the data an existing step makes for the same seed.
        """
        return random.Random(f"{self.seed}:{key}")

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")


DemoStep = Callable[[DemoContext], None]


@dataclass(frozen=True)
class RegisteredStep:
    """A demo step with its place in the run."""

    key: str
    order: int
    run: DemoStep


_steps: dict[str, RegisteredStep] = {}


def demo_step(*, order: int, key: str | None = None) -> Callable[[DemoStep], DemoStep]:
    """Register the decorated function as a demo step, run in ascending ``order`` (then key)."""

    def register(function: DemoStep) -> DemoStep:
        step_key = key or f"{function.__module__}.{function.__qualname__}"
        if step_key in _steps:
            raise KeyError(f"demo step {step_key!r} is already registered")
        _steps[step_key] = RegisteredStep(key=step_key, order=order, run=function)
        return function

    return register


def registered_steps() -> list[RegisteredStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.key))


def discover_steps() -> None:
    """Import ``concord.demo.<label>`` for every installed Concord app that has one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("concord.") or config.name == "concord.demo":
            continue
        module_name = f"{__package__}.{config.label}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name)


@contextmanager
def temporary_step(order: int, run: DemoStep, key: str = "test.temporary") -> Iterator[RegisteredStep]:
    """Register a step for the duration of a test."""
    demo_step(order=order, key=key)(run)
    try:
        yield _steps[key]
    finally:
        _steps.pop(key, None)
