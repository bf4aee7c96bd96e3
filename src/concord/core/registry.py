"""Extension points, filled by apps in ``AppConfig.ready()`` and frozen once start-up is over.

A module that wants to show something in another module's screen (a 360° panel, a dashboard widget, a
search provider, an assistant skill, a permission set) registers it here, so the screen's owner never
imports the contributor. After ``freeze()`` (called by ``WebConfig.ready()``, the last core app) a
registration raises: the set of extensions is fixed for the life of the process, as in NetBox.
Tests use ``temporary_registration`` to add an item for one test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RegistryFrozenError(RuntimeError):
    """Raised when something registers after start-up."""


class DuplicateRegistrationError(KeyError):
    """Raised when a key is registered twice in the same extension point."""


class ExtensionPoint(Generic[T]):
    """One named extension point: an ordered mapping from a unique key to a registered item."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}
        self._frozen = False

    def register(self, key: str, item: T) -> T:
        if self._frozen:
            raise RegistryFrozenError(f"{self.name}: cannot register {key!r} after start-up")
        if key in self._items:
            raise DuplicateRegistrationError(f"{self.name}: {key!r} is already registered")
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"{self.name}: nothing registered as {key!r}") from None

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def values(self) -> list[T]:
        return list(self._items.values())

    def keys(self) -> list[str]:
        return list(self._items.keys())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        self._frozen = True


EventDescriber = Callable[[dict[str, Any]], tuple[str, str]]


@dataclass(frozen=True)
class NavItem:
    """A link in the left navigation of the front or back office."""

    office: str  # "front" or "back"
    label: Any  # a lazy translated string
    url_name: str
    icon: str = ""
    permission: str = ""  # e.g. "sales.view"; empty means every signed-in user
    order: int = 100


@dataclass(frozen=True)
class DashboardWidget:
    """A card on the home dashboard; ``render(request)`` returns context for its template."""

    title: Any
    template: str
    context: Callable[..., dict[str, Any]]
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class TimelineEntry:
    """One moment in a party's history: an audit entry, an event, or a module panel's entry."""

    when: dt.datetime
    source: str  # "audit", "event", or the panel key that contributed it
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "when": self.when.isoformat(),
            "source": self.source,
            "title": self.title,
            "detail": self.detail,
            "actor": self.actor,
            "url": self.url,
        }


@dataclass(frozen=True)
class PartyPanel:
    """One card on a party's 360° page and one section of its overview API.

    It lives in core so that any module (sales, accounting, helpdesk) can show its part of a customer
    without importing ``parties``: ``context(request, party)`` feeds ``template`` on the page,
    ``data(user, party)`` is the same information as JSON for ``/api/v1/parties/{id}/overview``,
    ``timeline(user, party)`` (optional) adds the module's moments to the party's timeline and
    ``balance(user, party)`` (optional, accounting) the amount the header shows as the balance.
    """

    key: str
    title: Any
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    data: Callable[[Any, Any], dict[str, Any]]
    permission: str = ""
    order: int = 100
    timeline: Callable[[Any, Any], list[TimelineEntry]] | None = None
    balance: Callable[[Any, Any], Decimal | None] | None = None


@dataclass(frozen=True)
class ProductPanel:
    """One card on a catalog product's page, contributed by another module (stock, sales, purchases).

    It lives in core so that inventory (say) can show a product's stock without catalog importing
    inventory: ``context(request, product_id)`` feeds ``template``; the card shows only to users who
    hold ``permission`` in the product's company.
    """

    key: str
    title: Any
    template: str
    context: Callable[[Any, int], dict[str, Any]]
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class ActivityTarget:
    """A kind of record that accepts activities and notes (``{% chatter obj %}``), with who may see them.

    ``model_label`` is ``"<app_label>.<model>"`` (``"crm.opportunity"``). ``view_permission`` lets a user
    see the record's activities and notes, ``change_permission`` schedule, complete and write them; both
    are checked with ``user.has_perm(perm, record)``, so the record's company and any record-level rule
    apply. A record may link back through ``get_absolute_url()``.
    """

    model_label: str
    view_permission: str
    change_permission: str


@dataclass(frozen=True)
class Notification:
    """One line of the notification bell: what, where to go, since when, and how urgent."""

    title: str
    url: str
    when: dt.datetime | dt.date
    level: str = "info"  # "info", "warning" or "danger" (Bootstrap colours)
    detail: str = ""


@dataclass(frozen=True)
class NotificationSource:
    """What feeds the bell: ``count(user, company_ids)`` for the badge on every page (at most one query),
    ``items(user, company_ids)`` for the dropdown, loaded only when it opens."""

    count: Callable[[Any, list[int]], int]
    items: Callable[[Any, list[int]], list[Notification]]
    order: int = 100


@dataclass(frozen=True)
class PeriodicTask:
    """Work the worker runs every ``interval_seconds`` (core has no scheduler): ``run()`` takes no argument."""

    interval_seconds: float
    run: Callable[[], Any]


class Registry:
    """All of Concord's extension points."""

    def __init__(self) -> None:
        self.permission_areas: ExtensionPoint[Any] = ExtensionPoint("permission_areas")
        self.nav_items: ExtensionPoint[NavItem] = ExtensionPoint("nav_items")
        self.dashboard_widgets: ExtensionPoint[DashboardWidget] = ExtensionPoint("dashboard_widgets")
        self.party_panels: ExtensionPoint[PartyPanel] = ExtensionPoint("party_panels")
        self.product_panels: ExtensionPoint[ProductPanel] = ExtensionPoint("product_panels")
        self.search_providers: ExtensionPoint[Any] = ExtensionPoint("search_providers")
        self.assistant_skills: ExtensionPoint[Any] = ExtensionPoint("assistant_skills")
        self.event_handlers: ExtensionPoint[Any] = ExtensionPoint("event_handlers")
        # key: URL prefix under /api/v1/ (e.g. "parties"); value: a ninja Router
        self.api_routers: ExtensionPoint[Any] = ExtensionPoint("api_routers")
        # key: "<app_label>.<model>"; value: a concord.core.dataio import spec
        self.importers: ExtensionPoint[Any] = ExtensionPoint("importers")
        # key: an event type ("accounting.InvoicePosted"); value: payload -> (title, detail) for people,
        # so a timeline shows "Invoice posted · INV/2026/00015 · 3,777.10 THB", not the raw payload
        self.event_describers: ExtensionPoint[EventDescriber] = ExtensionPoint("event_describers")
        # key: "<app_label>.<model>" ("crm.opportunity"); the records that take activities and notes
        self.activity_targets: ExtensionPoint[ActivityTarget] = ExtensionPoint("activity_targets")
        # key: the source's name ("activities.reminders"); what the top bar's bell counts and lists
        self.notification_sources: ExtensionPoint[NotificationSource] = ExtensionPoint("notification_sources")
        # key: the task's name ("helpdesk.sla_check"); what ``concord worker`` runs when due
        self.periodic_tasks: ExtensionPoint[PeriodicTask] = ExtensionPoint("periodic_tasks")
        # key: a role ("portal"); the URL name where a user holding only that role lands instead of the
        # staff home (a customer signing in goes to the portal)
        self.role_homes: ExtensionPoint[str] = ExtensionPoint("role_homes")

    def points(self) -> list[ExtensionPoint[Any]]:
        return [value for value in vars(self).values() if isinstance(value, ExtensionPoint)]

    def freeze(self) -> None:
        for point in self.points():
            point.freeze()

    @property
    def frozen(self) -> bool:
        return all(point.frozen for point in self.points())


registry = Registry()


@contextmanager
def temporary_registration(point: ExtensionPoint[T], key: str, item: T) -> Iterator[T]:
    """Register ``item`` under ``key`` for the duration of a test, even when the registry is frozen."""
    if key in point:
        raise DuplicateRegistrationError(f"{point.name}: {key!r} is already registered")
    point._items[key] = item  # the test helper is the one sanctioned bypass of freezing
    try:
        yield item
    finally:
        point._items.pop(key, None)
