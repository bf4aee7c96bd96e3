"""Accounting's screens under /accounting/: the ledger's own, then reports, bank and documents."""

from django.urls import URLPattern, URLResolver

from concord.modules.accounting import views
from concord.modules.accounting.bank import urls as bank_urls
from concord.modules.accounting.documents import urls as documents_urls
from concord.modules.accounting.reports import urls as reports_urls

app_name = "accounting"
urlpatterns: list[URLPattern | URLResolver] = [
    *views.urlpatterns,
    *reports_urls.urlpatterns,
    *bank_urls.urlpatterns,
    *documents_urls.urlpatterns,
]
