"""The small form that saves the current filters of a list under a name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.lists.models.saved_filter import NAME_MAX_LENGTH, QUERY_STRING_MAX_LENGTH


class SavedFilterForm(forms.Form):
    """Name plus the hidden list key, query string and page to return to."""

    name = forms.CharField(
        label=_("Name"), max_length=NAME_MAX_LENGTH, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    list_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    query_string = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=QUERY_STRING_MAX_LENGTH * 2
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=QUERY_STRING_MAX_LENGTH * 2)
