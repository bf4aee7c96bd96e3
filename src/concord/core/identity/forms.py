"""Forms of the sign-in and account screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import User

__all__ = [
    "AccessTokenCreateForm",
    "LanguageForm",
    "LoginForm",
    "NewPasswordForm",
    "OneTimeCodeForm",
    "PasswordChangeStyledForm",
    "PasswordConfirmForm",
    "TranslatedPasswordResetForm",
]

TOKEN_MAX_EXPIRY_DAYS = 3650


class LoginForm(AuthenticationForm):
    """Username and password; a wrong pair never says which of the two was wrong."""

    error_messages = {
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("The username or password is not correct."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )


def _add_input_class(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")


class PasswordChangeStyledForm(PasswordChangeForm):
    """Django's password change (current password, new one twice), with Bootstrap inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_input_class(self)


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg] # generic only in the stubs; Django 5.2 cannot subscript it
    """Django's new-password form of the reset link, with Bootstrap inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_input_class(self)


class OneTimeCodeForm(forms.Form):
    """The 6-digit code from the authenticator app, or one backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
            }
        ),
    )


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a sensitive change (turning 2FA off)."""

    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password_incorrect")
        return password


class LanguageForm(forms.Form):
    """The language the user reads Concord in."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class AccessTokenCreateForm(forms.Form):
    """Name and optional lifetime of a new personal access token."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Accounting export script”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_EXPIRY_DAYS,
        help_text=_("Leave empty for a token that does not expire."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class TranslatedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending each email in the language its recipient chose."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_input_class(self)

    def send_mail(  # noqa: PLR0917 - Django's signature, called positionally by PasswordResetForm.save
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
