"""The picking list of a transfer as PDF: number, partner, from/to, and each line with a box to tick.

Rendered by ``concord.core.documents`` with the shipped Noto fonts, so Thai and Khmer product names
print the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from concord.modules.catalog import facade as catalog
from concord.modules.inventory.models import Move, MoveLine, Transfer

__all__ = ["PickingDocument", "PickingLine", "picking_document", "picking_pdf", "picking_pdf_filename"]

TEMPLATE = "inventory/documents/picking.html"


@dataclass(frozen=True)
class PickingLine:
    number: int
    product: str
    internal_ref: str
    lot: str
    quantity: str
    uom: str
    source: str


@dataclass(frozen=True)
class PickingDocument:
    number: str
    kind_label: str
    state_label: str
    partner: str
    source: str
    dest: str
    scheduled_date: dt.date
    origin: str
    note: str
    company_name: str
    lines: tuple[PickingLine, ...]


def _plain(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def picking_document(transfer: Transfer) -> PickingDocument:
    """What the picking list prints: done moves with the lots they moved, open ones with what to take."""
    moves = list(
        Move.all_companies.filter(transfer=transfer).exclude(state="cancelled").order_by("sequence", "pk")
    )
    products = catalog.products_get({m.product_id for m in moves})
    lots: dict[int, list[tuple[str, Decimal, str]]] = {}
    for row in MoveLine.all_companies.filter(move__transfer=transfer).values(
        "move_id", "lot__name", "quantity", "source_location__full_name"
    ):
        lots.setdefault(row["move_id"], []).append(
            (row["lot__name"] or "", row["quantity"], row["source_location__full_name"])
        )
    lines: list[PickingLine] = []
    for move in moves:
        info = products.get(move.product_id)
        parts = lots.get(move.pk) or [(move.lot_name, move.quantity_open or move.quantity, "")]
        for lot, quantity, source in parts:
            lines.append(
                PickingLine(
                    number=len(lines) + 1,
                    product=info.name if info else str(move.product_id),
                    internal_ref=info.internal_ref if info else "",
                    lot=lot,
                    quantity=_plain(quantity),
                    uom=info.uom_code if info else "",
                    source=source or transfer.source_location.full_name,
                )
            )
    company = transfer.company
    return PickingDocument(
        number=transfer.number,
        kind_label=str(transfer.get_kind_display()),
        state_label=str(transfer.get_state_display()),
        partner=transfer.partner.name if transfer.partner_id and transfer.partner is not None else "",
        source=transfer.source_location.full_name,
        dest=transfer.dest_location.full_name,
        scheduled_date=transfer.scheduled_date,
        origin=transfer.origin,
        note=transfer.note,
        company_name=getattr(company, "legal_name", "") or company.name,
        lines=tuple(lines),
    )


def picking_pdf(transfer: Transfer, *, language: str = "en") -> bytes:
    from concord.core.documents.rendering import render_pdf

    return render_pdf(TEMPLATE, {"doc": picking_document(transfer)}, language=language)


def picking_pdf_filename(transfer: Transfer) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", transfer.number).strip("-") + ".pdf"
