"""Form helpers every module's screens share: Bootstrap classes and domain errors shown on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from concord.core.errors import DomainError, ValidationFailed

__all__ = ["DomainErrorsMixin", "bootstrap_fields", "mark_invalid"]


def bootstrap_fields(form: forms.BaseForm) -> None:
    """Give every widget of ``form`` its Bootstrap class (check box, select or text control)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def mark_invalid(form: forms.BaseForm) -> None:
    """Mark the widgets of fields with errors (``is-invalid``, ``aria-invalid``)."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", "").split():
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"


class DomainErrorsMixin:
    """Shows a service's ``DomainError`` next to the field it names (or above the form)."""

    fields: dict[str, forms.Field]

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]  # the mixin sits before a Django form
        mark_invalid(self)  # type: ignore[arg-type]  # self is a form

    def add_domain_error(self, exc: DomainError) -> None:
        errors = (
            exc.errors if isinstance(exc, ValidationFailed) else {exc.field or "__all__": [str(exc.message)]}
        )
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
