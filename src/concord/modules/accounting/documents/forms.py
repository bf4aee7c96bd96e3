"""The form of the "send by email" screen: it only parses; ``sending.invoice_send`` decides."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.errors import ValidationFailed

__all__ = ["InvoiceSendForm", "split_addresses"]

_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(text: str) -> list[str]:
    """The addresses typed in one box, separated by commas, semicolons, spaces or new lines."""
    return [part for part in _SEPARATORS.split(text) if part]


class InvoiceSendForm(forms.Form):
    """To, subject and message of an invoice email."""

    to = forms.CharField(
        label=_("To"),
        max_length=2000,
        help_text=_("Separate several email addresses with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def recipients(self) -> list[str]:
        return split_addresses(self.cleaned_data["to"])

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def add_domain_error(self, exc: ValidationFailed) -> None:
        """Show a service's ``ValidationFailed`` next to the field it names (or above the form)."""
        for name, messages in exc.errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
