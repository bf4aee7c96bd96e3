"""A test-only list screen over companies, used by the tests through ``tests/urls.py``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from concord.core.identity.models import Company
from concord.core.lists.views import Column, ListScreen


class CompanyFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    country = django_filters.ChoiceFilter(
        choices=[("TH", "Thailand"), ("KH", "Cambodia")], label="Country", empty_label="Any"
    )
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="From")

    class Meta:
        model = Company
        fields = ["name", "country"]


class CompanyList(ListScreen):
    list_key = "tests.company"
    title = "Companies"
    permission = "companies.view"
    filterset_class = CompanyFilter
    ordering_fields = {"name": "Name", "code": "Code", "created_at": "Created"}
    default_ordering = "name"
    columns = [
        Column(key="name", label="Name", link=True),
        Column(key="code", label="Code"),
        Column(key="country", label="Country"),
        Column(key="is_active", label="Active"),
        Column(key="shout", label="Shout", accessor=lambda company: company.code.upper(), align="end"),
    ]
    export_columns = [
        Column(key="name", label="Name"),
        Column(key="code", label="Code"),
        Column(key="country", label="Country"),
        Column(key="created_at", label="Created"),
    ]
    per_page = 3
    create_url_name = "web:home"

    def get_queryset(self) -> QuerySet[Any]:
        return self.request.user.companies()  # type: ignore[union-attr]  # the mixin ensures a signed-in user

    def row_url(self, obj: Any) -> str:
        return f"/companies/{obj.pk}/"


class SmallExportCompanyList(CompanyList):
    max_export_rows = 2
