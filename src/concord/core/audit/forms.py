"""The filter form of the audit screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.audit.models import AuditAction
from concord.core.identity.models import User


class AuditFilterForm(forms.Form):
    """Filters of the audit trail: object type, user, action, date range."""

    model = forms.ChoiceField(label=_("Object type"), required=False)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, model_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        if isinstance(model_field, forms.ChoiceField):  # always true; narrows the type for mypy
            model_field.choices = [("", _("Any type")), *model_choices]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_user(self) -> int | None:
        username = self.cleaned_data.get("user", "").strip()
        if not username:
            return None
        actor_id = User.objects.filter(username__iexact=username).values_list("id", flat=True).first()
        if actor_id is None:
            raise forms.ValidationError(_("No user with this username."))
        return actor_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def selector_filters(self) -> dict[str, Any]:
        """Keyword arguments for ``audit_entries`` from the valid form."""
        data = self.cleaned_data
        return {
            "model": data.get("model") or None,
            "actor_id": data.get("user"),
            "action": data.get("action") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }
