"""Vendor bills from purchase orders, held to the 3-way match (ordered, received, billed).

"Create bill" drafts a vendor bill in accounting for what was received and not yet billed (stocked
goods) or ordered and not yet billed (services, consumables). Billing more than that is refused unless
``force``: a vendor may bill before delivering, but someone has to say so. Stocked goods are billed on
the interim "received, not billed" account, which the receipt credited; the bill clears it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record
from concord.core.errors import Conflict, ValidationFailed
from concord.modules.accounting.facade import InvoiceLineInput, default_account_id, invoice_create_from_lines
from concord.modules.purchasing.events import VendorBillCreated
from concord.modules.purchasing.models import (
    OrderState,
    PurchaseBill,
    PurchaseBillLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from concord.modules.purchasing.queries import order_lines, order_match
from concord.modules.purchasing.services._support import actor, publish_for_vendor
from concord.modules.purchasing.services.orders import order_check_done

__all__ = ["INTERIM_ACCOUNT_ROLE", "order_bill_create"]

INTERIM_ACCOUNT_ROLE = "stock_interim_received"


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _quantities_to_bill(
    order: PurchaseOrder,
    lines: list[PurchaseOrderLine],
    quantities: Mapping[int, Decimal] | None,
    force: bool,
) -> dict[int, Decimal]:
    match = order_match(order, lines)
    by_id = {line.pk: line for line in lines}
    chosen: dict[int, Decimal] = {}
    if quantities is None:
        for line_match in match.lines:
            left = (line_match.ordered - line_match.billed) if force else line_match.to_bill
            if left > 0:
                chosen[line_match.line_id] = left
        if not chosen:
            raise ValidationFailed(
                _("Nothing to bill on %(number)s: everything received is billed.") % {"number": order.number}
                if not force
                else _("Nothing to bill on %(number)s: everything ordered is billed.")
                % {"number": order.number},
                field="quantities",
            )
        return chosen
    for line_id, raw in quantities.items():
        if line_id not in by_id:
            raise ValidationFailed(
                _("Line %(line)s is not a line of %(number)s.") % {"line": line_id, "number": order.number},
                field="quantities",
            )
        quantity = Decimal(raw)
        if quantity < 0:
            raise ValidationFailed(_("A quantity to bill cannot be negative."), field="quantities")
        if quantity == 0:
            continue
        line_match = match.line(line_id)
        if quantity > line_match.to_bill and not force:
            raise ValidationFailed(
                _(
                    "%(line)s: only %(left)s %(uom)s received and not yet billed; billing %(quantity)s "
                    "needs to be forced."
                )
                % {
                    "line": by_id[line_id].description,
                    "left": _plain(line_match.to_bill),
                    "uom": line_match.uom_code,
                    "quantity": _plain(quantity),
                },
                field="quantities",
            )
        chosen[line_id] = quantity
    if not chosen:
        raise ValidationFailed(_("Give at least one quantity to bill."), field="quantities")
    return chosen


def order_bill_create(
    *,
    order: PurchaseOrder,
    by: Any,
    quantities: Mapping[int, Decimal] | None = None,
    force: bool = False,
    date: dt.date | None = None,
) -> PurchaseBill:
    """Draft the vendor bill of what ``order`` received and did not bill yet (see the module docstring).

    ``quantities`` (line id -> quantity in the line's unit) bills those instead; more than received and
    not billed needs ``force``. The bill's key is ``purchasing.order:<id>:bill:<n>``, so accounting never
    makes the same bill twice.
    """
    with transaction.atomic():
        locked = PurchaseOrder.all_companies.select_for_update().select_related("company").get(pk=order.pk)
        if locked.state != OrderState.PURCHASE:
            raise Conflict(
                _("%(number)s is %(state)s: only a confirmed purchase order can be billed.")
                % {"number": locked.number, "state": locked.get_state_display()}
            )
        lines = order_lines(locked)
        chosen = _quantities_to_bill(locked, lines, quantities, force)
        sequence = PurchaseBill.all_companies.filter(order_id=locked.pk).count() + 1
        source_key = f"{locked.source_key}:bill:{sequence}"
        interim_account = None
        if any(line.is_stocked for line in lines if line.pk in chosen):
            interim_account = default_account_id(locked.company_id, INTERIM_ACCOUNT_ROLE)
        bill_lines = [
            InvoiceLineInput(
                description=line.description,
                quantity=chosen[line.pk],
                unit_price=line.unit_price,
                product_id=line.product_id,
                account_id=interim_account if line.is_stocked else None,
                discount_percent=line.discount_percent,
                tax_ids=tuple(line.tax_ids) if line.tax_ids is not None else None,
            )
            for line in lines
            if line.pk in chosen
        ]
        invoice = invoice_create_from_lines(
            company_id=locked.company_id,
            kind="in_invoice",
            partner_id=locked.vendor_id,
            lines=bill_lines,
            by=by,
            date=date or timezone.localdate(),
            currency=locked.currency,
            origin=locked.number,
            source_key=source_key,
        )
        bill = PurchaseBill.all_companies.create(
            company_id=locked.company_id,
            order=locked,
            sequence=sequence,
            invoice_id=invoice.id,
            source_key=source_key,
            forced=force,
            created_by=actor(by),
        )
        PurchaseBillLine.all_companies.bulk_create(
            [
                PurchaseBillLine(
                    company_id=locked.company_id, bill=bill, order_line_id=line_id, quantity=quantity
                )
                for line_id, quantity in chosen.items()
            ]
        )
        for line in lines:
            if line.pk in chosen:
                line.billed_quantity += chosen[line.pk]
                line.save(update_fields=["billed_quantity"])
        publish_for_vendor(
            VendorBillCreated(
                order_id=locked.pk,
                company_id=locked.company_id,
                vendor_id=locked.vendor_id,
                number=locked.number,
                invoice_id=invoice.id,
                source_key=source_key,
                currency=invoice.currency,
                amount_total=str(invoice.amount_total),
            ),
            by=by,
            company_id=locked.company_id,
            vendor_id=locked.vendor_id,
        )
        audit_record(
            actor=by,
            action=AuditAction.OTHER,
            obj=locked,
            changes={
                "billed": [None, {str(k): _plain(v) for k, v in chosen.items()}],
                "forced": [None, force],
            },
        )
        order_check_done(order=locked, by=by)
    return bill
