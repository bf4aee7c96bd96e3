"""Portal forms: the staff's invitation, the customer's password, ticket and reply."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields

__all__ = ["InviteForm", "PasswordForm", "ReplyForm", "TicketForm"]


class _Form(DomainErrorsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class InviteForm(_Form):
    party_id = forms.IntegerField(label=_("Customer ID"), min_value=1)
    email = forms.EmailField(label=_("Email of the contact"))


class PasswordForm(_Form):
    password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password_again = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class TicketForm(_Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)


class ReplyForm(_Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
