"""The bank screens, under /accounting/bank/ in the ``accounting`` namespace."""

from django.urls import URLPattern, URLResolver, path

from concord.modules.accounting.bank import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bank/", views.StatementList.as_view(), name="bank-statements"),
    path("bank/import/", views.statement_import_view, name="bank-statement-import"),
    path("bank/statements/<int:pk>/", views.statement_detail, name="bank-statement-detail"),
    path("bank/lines/<int:pk>/reconcile/", views.line_reconcile, name="bank-line-reconcile"),
    path("bank/lines/<int:pk>/unreconcile/", views.line_unreconcile, name="bank-line-unreconcile"),
]
