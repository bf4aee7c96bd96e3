"""The 360° view is built from panels: parties' own and those other modules register.

A module shows something on a party's page (orders, invoices, tickets) by registering a ``PartyPanel``
in its ``AppConfig.ready()``::

    from concord.core.registry import PartyPanel, registry

    registry.party_panels.register("sales.orders", PartyPanel(
        key="sales.orders", title=_("Orders"), template="sales/party_panel.html",
        context=orders_context, data=orders_data, permission="sales.view", order=30,
    ))

(``PartyPanel`` lives in ``concord.core.registry`` so registering a panel never imports parties.)

``context(request, party)`` feeds the panel's template on the page; ``data(user, party)`` is the same
information as JSON for ``/api/v1/parties/{id}/overview``; ``timeline(user, party)`` (optional) adds the
module's moments to the party's timeline; ``balance(user, party)`` (optional, accounting) gives the
amount the header shows as the balance, in the company currency. Parties imports none of these modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from concord.core.registry import PartyPanel, TimelineEntry, registry

if TYPE_CHECKING:
    from decimal import Decimal

    from concord.modules.parties.models import Party

__all__ = [
    "CONTACTS_PANEL",
    "TIMELINE_PANEL",
    "PartyPanel",
    "party_balance",
    "party_full_timeline",
    "register_party_panel",
    "visible_panels",
]


def register_party_panel(panel: PartyPanel) -> PartyPanel:
    """Add a panel to every party's page (call from ``AppConfig.ready()``)."""
    registry.party_panels.register(panel.key, panel)
    return panel


def visible_panels(user: Any, party: Party) -> list[PartyPanel]:
    """The registered panels ``user`` may see on ``party``'s page, in order."""
    panels = [
        panel
        for panel in registry.party_panels.values()
        if isinstance(panel, PartyPanel) and (not panel.permission or user.has_perm(panel.permission, party))
    ]
    return sorted(panels, key=lambda panel: (panel.order, panel.key))


# --------------------------------------------------------------------------- parties' own panels
def _contacts_context(request: HttpRequest, party: Party) -> dict[str, Any]:
    from concord.modules.parties.forms import AddressForm, ContactPointForm

    can_change = request.user.has_perm("parties.change", party)
    return {
        "party": party,
        "addresses": list(party.addresses.all()),
        "contact_points": list(party.contact_points.all()),
        "people": list(party.people.all()) if not party.is_person else [],
        "can_change": can_change,
        "address_form": AddressForm(initial={"country": party.country}) if can_change else None,
        "contact_form": ContactPointForm() if can_change else None,
    }


def _contacts_data(user: Any, party: Party) -> dict[str, Any]:
    return {
        "contact_points": [
            {
                "id": c.pk,
                "kind": c.kind,
                "value": c.value,
                "normalized": c.normalized,
                "is_primary": c.is_primary,
            }
            for c in party.contact_points.all()
        ],
        "addresses": [
            {
                "id": a.pk,
                "kind": a.kind,
                "street": a.street,
                "street2": a.street2,
                "city": a.city,
                "province": a.province,
                "postal_code": a.postal_code,
                "country": a.country,
            }
            for a in party.addresses.all()
        ],
        "people": [{"id": p.pk, "name": p.name} for p in party.people.all()] if not party.is_person else [],
    }


CONTACTS_PANEL = PartyPanel(
    key="parties.contacts",
    title=_("Contacts & addresses"),
    template="parties/panels/contacts.html",
    context=_contacts_context,
    data=_contacts_data,
    permission="parties.view",
    order=10,
)
TIMELINE_PANEL_KEY = "parties.timeline"


def party_full_timeline(user: Any, party: Party, *, limit: int = 50) -> list[TimelineEntry]:
    """The party's own history and events plus what every visible panel contributes, newest first."""
    from concord.modules.parties.queries import party_timeline

    extra: list[TimelineEntry] = []
    for panel in visible_panels(user, party):
        if panel.timeline is not None:
            extra.extend(panel.timeline(user, party))
    return party_timeline(party, extra=extra, limit=limit)


def party_balance(user: Any, party: Party) -> Decimal | None:
    """The balance a panel (accounting, later) provides; None when no module knows one."""
    for panel in visible_panels(user, party):
        if panel.balance is not None:
            value = panel.balance(user, party)
            if value is not None:
                return value
    return None


TIMELINE_PANEL = PartyPanel(
    key=TIMELINE_PANEL_KEY,
    title=_("Timeline"),
    template="parties/panels/timeline.html",
    context=lambda request, party: {"timeline": party_full_timeline(request.user, party)},
    data=lambda user, party: {"entries": [entry.as_dict() for entry in party_full_timeline(user, party)]},
    permission="parties.view",
    order=1000,
)
