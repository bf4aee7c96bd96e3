"""Forms of the knowledge base's screens: the article editor, categories, the list filters, votes.

Forms check the shape of the input; the services decide and their ``DomainError`` is shown on the form.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleLanguage,
    ArticleState,
    ArticleVisibility,
)

__all__ = ["ArticleFilter", "ArticleForm", "CategoryForm"]


class ArticleForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Blank lines separate paragraphs. # heading, - list item, 1. numbered item, **bold**, "
            "*italic*, `code`, [link text](https://…)."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ArticleCategory.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=ArticleVisibility.choices)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=120,
        required=False,
        help_text=_("The end of the help-centre address; made from the title when empty."),
    )
    change_note = forms.CharField(label=_("Change note"), max_length=300, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast("forms.ModelChoiceField[Any]", self.fields["category"])
        category.queryset = ArticleCategory.all_companies.filter(company_id=company.pk).order_by(
            "sequence", "name"
        )
        bootstrap_fields(self)


class CategoryForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    name_th = forms.CharField(label=_("Name in Thai"), max_length=120, required=False)
    name_km = forms.CharField(label=_("Name in Khmer"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent category"), queryset=ArticleCategory.objects.none(), required=False
    )
    sequence = forms.IntegerField(label=_("Sequence"), min_value=0, initial=10)

    def __init__(self, *args: Any, company: Company, exclude_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = cast("forms.ModelChoiceField[Any]", self.fields["parent"])
        rows = ArticleCategory.all_companies.filter(company_id=company.pk)
        if exclude_id is not None:
            rows = rows.exclude(pk=exclude_id)
        parent.queryset = rows.order_by("sequence", "name")
        bootstrap_fields(self)


class ArticleFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title contains"))
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=lambda request: ArticleCategory.objects.all().order_by("name")
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=ArticleLanguage.choices)
    state = django_filters.ChoiceFilter(label=_("Status"), choices=ArticleState.choices)
    visibility = django_filters.ChoiceFilter(label=_("Visibility"), choices=ArticleVisibility.choices)

    class Meta:
        model = Article
        fields = ["q", "category", "language", "state", "visibility"]
