"""The filters of the party list screens (django-filter; the list screen renders their form)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from concord.modules.parties.models import ContactPoint, Party, PartyKind

_YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class PartyFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Text, kind, roles, tag and archived state."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyKind.choices, empty_label=_("Any"))
    is_customer = django_filters.BooleanFilter(label=_("Customer"), widget=forms.Select(choices=_YES_NO))
    is_supplier = django_filters.BooleanFilter(label=_("Supplier"), widget=forms.Select(choices=_YES_NO))
    tag = django_filters.CharFilter(
        label=_("Tag"), field_name="tags__name", lookup_expr="iexact", distinct=True
    )
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=forms.Select(choices=_YES_NO))

    class Meta:
        model = Party
        fields = ["q", "kind", "is_customer", "is_supplier", "tag", "is_active"]

    def filter_text(self, queryset: QuerySet[Party], name: str, value: Any) -> QuerySet[Party]:
        text = str(value).strip()
        if not text:
            return queryset
        contacts = ContactPoint.objects.filter(
            Q(value__icontains=text) | Q(normalized__icontains=text.casefold())
        ).values("party_id")
        return queryset.filter(
            Q(name__icontains=text) | Q(code__icontains=text) | Q(tax_id__icontains=text) | Q(pk__in=contacts)
        )
