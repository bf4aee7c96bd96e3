"""A company's purchasing settings: the approval amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.purchasing.models import PurchasingSettings

__all__ = ["approval_amount_of", "purchasing_settings_update"]


def approval_amount_of(company: Company) -> Decimal | None:
    """The untaxed total (company currency) above which an order needs approval; None: no approval."""
    amount: Decimal | None = (
        PurchasingSettings.all_companies.filter(company_id=company.pk)
        .values_list("approval_amount", flat=True)
        .first()
    )
    return amount if amount else None


def purchasing_settings_update(
    *, company: Company, approval_amount: Decimal | None, by: Any
) -> PurchasingSettings:
    """Set the approval amount (None or 0: orders never need approval)."""
    if approval_amount is not None and approval_amount < 0:
        raise ValidationFailed(_("The approval amount cannot be negative."), field="approval_amount")
    with transaction.atomic():
        settings, created = PurchasingSettings.all_companies.select_for_update().get_or_create(
            company=company
        )
        old = settings.approval_amount
        settings.approval_amount = approval_amount or None
        settings.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=settings,
            changes={
                "approval_amount": [str(old) if old is not None else None, str(settings.approval_amount)]
            },
        )
    return settings
