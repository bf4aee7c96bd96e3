"""The report screens' URLs, included in accounting's ``urlpatterns`` (namespace ``accounting``)."""

from django.urls import URLPattern, URLResolver, path

from concord.modules.accounting.reports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", views.reports_index, name="reports"),
    path("reports/trial-balance/", views.trial_balance, name="report-trial-balance"),
    path("reports/general-ledger/", views.general_ledger, name="report-general-ledger"),
    path("reports/profit-and-loss/", views.profit_and_loss, name="report-pnl"),
    path("reports/balance-sheet/", views.balance_sheet, name="report-balance-sheet"),
    path("reports/aged-receivable/", views.aged_receivable, name="report-aged-receivable"),
    path("reports/aged-payable/", views.aged_payable, name="report-aged-payable"),
    path("reports/partner-ledger/", views.partner_ledger, name="report-partner-ledger"),
    path("reports/vat/", views.vat_report, name="report-vat"),
    path("reports/cash-flow/", views.cash_flow, name="report-cash-flow"),
    path("reports/fx-revaluation/", views.fx_revaluation, name="report-fx-revaluation"),
]
