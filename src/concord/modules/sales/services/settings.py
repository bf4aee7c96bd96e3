"""A company's sales settings and the invoice policy of each product."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import ValidationFailed
from concord.core.identity.models import Company
from concord.modules.sales.models import InvoicePolicy, Pricelist, ProductSalesPolicy, SalesSettings
from concord.modules.sales.services._support import product_of

__all__ = [
    "SETTINGS_FIELDS",
    "invoice_policies",
    "product_invoice_policy_set",
    "sales_settings_of",
    "sales_settings_update",
]

SETTINGS_FIELDS = (
    "default_pricelist_id",
    "quote_validity_days",
    "default_terms",
    "auto_post_invoices",
    "credit_control",
    "policy_goods",
    "policy_services",
)


def sales_settings_of(company: Company) -> SalesSettings:
    """The company's settings (unsaved defaults when it never changed them)."""
    found = SalesSettings.all_companies.filter(company_id=company.pk).first()
    return found if found is not None else SalesSettings(company=company)


def invoice_policies(company: Company, products: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Product id -> "order" or "delivery": its own policy, else the company's default for its kind
    (goods on delivery, services and consumables on order). One query (two without saved settings)."""
    pairs = list(products)
    own = dict(
        ProductSalesPolicy.all_companies.filter(
            company_id=company.pk, product_id__in={pk for pk, _kind in pairs}
        ).values_list("product_id", "invoice_policy")
    )
    missing = [pair for pair in pairs if pair[0] not in own]
    if missing:
        settings = sales_settings_of(company)
        for product_id, kind in missing:
            own[product_id] = settings.policy_goods if kind == "goods" else settings.policy_services
    return own


def product_invoice_policy_set(*, company: Company, product_id: int, policy: str | None, by: Any) -> None:
    """Invoice the product on "order" or "delivery"; None: back to the company's default."""
    product_of(company, product_id)
    if policy is not None and policy not in InvoicePolicy.values:
        raise ValidationFailed(_("The invoice policy is “order” or “delivery”."), field="invoice_policy")
    with transaction.atomic():
        row = ProductSalesPolicy.all_companies.filter(company_id=company.pk, product_id=product_id).first()
        old = row.invoice_policy if row is not None else None
        if policy is None:
            if row is not None:
                audit_record(actor=by, action=AuditAction.DELETE, obj=row)
                row.delete()
            return
        if row is None:
            row = ProductSalesPolicy.all_companies.create(
                company=company, product_id=product_id, invoice_policy=policy
            )
            audit_record(actor=by, action=AuditAction.CREATE, obj=row)
        elif old != policy:
            row.invoice_policy = policy
            row.save(update_fields=["invoice_policy"])
            audit_record(
                actor=by, action=AuditAction.UPDATE, obj=row, changes={"invoice_policy": [old, policy]}
            )


def sales_settings_update(*, company: Company, by: Any, **values: Any) -> SalesSettings:
    """Change the settings given (see ``SETTINGS_FIELDS``)."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    if "quote_validity_days" in values and (
        values["quote_validity_days"] is None or int(values["quote_validity_days"]) < 0
    ):
        raise ValidationFailed(_("The validity cannot be negative."), field="quote_validity_days")
    for name in ("policy_goods", "policy_services"):
        if name in values and values[name] not in InvoicePolicy.values:
            raise ValidationFailed(_("The invoice policy is “order” or “delivery”."), field=name)
    pricelist_id = values.get("default_pricelist_id")
    if (
        pricelist_id is not None
        and not Pricelist.all_companies.filter(
            pk=pricelist_id, company_id=company.pk, is_active=True
        ).exists()
    ):
        raise ValidationFailed(_("Choose an active price list of the company."), field="default_pricelist_id")
    with transaction.atomic():
        settings, created = SalesSettings.all_companies.select_for_update().get_or_create(company=company)
        changes: dict[str, list[Any]] = {}
        for name, raw in values.items():
            value = raw.strip() if isinstance(raw, str) else raw
            if getattr(settings, name) != value:
                changes[name] = [str(getattr(settings, name)), str(value)]
                setattr(settings, name, value)
        settings.save()
        if changes or created:
            audit_record(
                actor=by,
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                obj=settings,
                changes=changes,
            )
    return settings
