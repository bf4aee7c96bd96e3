"""Document screens under /accounting/ (namespace ``accounting``): PDFs and sending by email."""

from django.urls import URLPattern, URLResolver, path

from concord.modules.accounting.documents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice-pdf"),
    path("invoices/<int:pk>/send/", views.invoice_send_view, name="invoice-send"),
    path("wht-certificates/<int:pk>/pdf/", views.wht_certificate_pdf_view, name="wht-certificate-pdf"),
]
