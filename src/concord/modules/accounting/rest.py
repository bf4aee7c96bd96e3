"""REST endpoints of accounting, mounted at /api/v1/accounting/."""

# No `from __future__ import annotations`: ninja builds its schemas from the live annotations.
from ninja import Router

from concord.modules.accounting.bank.rest import router as bank_router
from concord.modules.accounting.documents.rest import router as documents_router
from concord.modules.accounting.reports.rest import router as reports_router
from concord.modules.accounting.rest_ledger import router as ledger_router

router = Router(tags=["accounting"])
router.add_router("", ledger_router)
router.add_router("/reports", reports_router)
router.add_router("/bank", bank_router)
router.add_router("/documents", documents_router)
