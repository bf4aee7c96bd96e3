"""Per-module permissions granted by roles, and the record-level check hook.

A permission is ``"<area>.<action>"`` (``"sales.view"``, ``"accounting.post"``). Each area (core's own
areas here, a module's in its ``ready()``) registers a ``PermissionArea`` saying which roles get which
actions. ``admin`` gets everything in every company it administers. Record-level rules (payroll,
contracts) register an ``ObjectRule`` for a model; ``user_can(user, perm, obj)`` runs it after the
role check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from concord.core.identity.roles import Role
from concord.core.registry import ExtensionPoint, registry

STANDARD_ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class PermissionArea:
    """A module's permissions: its actions and which roles hold each."""

    area: str
    label: Any
    actions: tuple[str, ...] = STANDARD_ACTIONS
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict)  # role -> actions

    def codes(self) -> list[str]:
        return [f"{self.area}.{action}" for action in self.actions]


ObjectRule = Callable[[Any, str, Any], bool]  # (user, permission, obj) -> allowed
object_rules: ExtensionPoint[ObjectRule] = ExtensionPoint("object_rules")


def register_area(area: PermissionArea) -> PermissionArea:
    unknown = set(area.grants) - set(Role.values)
    if unknown:
        raise ValueError(f"{area.area}: unknown roles {sorted(unknown)}")
    for role, actions in area.grants.items():
        extra = set(actions) - set(area.actions)
        if extra:
            raise ValueError(f"{area.area}: role {role} granted undeclared actions {sorted(extra)}")
    registry.permission_areas.register(area.area, area)
    return area


def register_object_rule(model_label: str, rule: ObjectRule) -> None:
    """Add a record-level rule for a model (``"hr.payslip"``); it runs after the role check."""
    object_rules.register(model_label, rule)


def permissions_for_roles(roles: set[str]) -> set[str]:
    """Every permission code the given roles grant."""
    codes: set[str] = set()
    for area in registry.permission_areas.values():
        if Role.ADMIN in roles:
            codes.update(area.codes())
            continue
        for role in roles:
            for action in area.grants.get(role, frozenset()):
                codes.add(f"{area.area}.{action}")
    return codes


def all_permission_codes() -> list[str]:
    return sorted(code for area in registry.permission_areas.values() for code in area.codes())


_ALL = frozenset(STANDARD_ACTIONS)
_VIEW = frozenset({"view"})

# Core's own areas. Modules register theirs the same way in their AppConfig.ready().
register_area(
    PermissionArea(
        area="companies",
        label=_("Companies"),
        grants={Role.MANAGER: _VIEW | {"change"}},
    )
)
register_area(PermissionArea(area="users", label=_("Users and roles"), grants={Role.MANAGER: _VIEW}))
register_area(
    PermissionArea(
        area="audit",
        label=_("Audit trail"),
        actions=("view",),
        grants={Role.MANAGER: _VIEW, Role.ACCOUNTANT: _VIEW, Role.LEGAL: _VIEW, Role.IT: _VIEW},
    )
)
register_area(
    PermissionArea(
        area="outbox",
        label=_("Event outbox"),
        actions=("view", "replay"),
        grants={Role.IT: frozenset({"view", "replay"})},
    )
)
register_area(
    PermissionArea(
        area="currencies",
        label=_("Currencies and exchange rates"),
        grants={Role.MANAGER: _VIEW, Role.ACCOUNTANT: _ALL, Role.SALES: _VIEW},
    )
)
