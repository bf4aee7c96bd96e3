"""Registrations of accounting's documents, called from ``AccountingConfig.ready()``."""

from __future__ import annotations


def register() -> None:
    """Subscribe the handler that emails an invoice once ``InvoiceEmailQueued`` is committed."""
    from concord.core.outbox.facade import register_handler
    from concord.modules.accounting.documents.events import InvoiceEmailQueued
    from concord.modules.accounting.documents.sending import SEND_HANDLER_NAME, send_invoice_email

    register_handler(InvoiceEmailQueued, SEND_HANDLER_NAME, send_invoice_email)
