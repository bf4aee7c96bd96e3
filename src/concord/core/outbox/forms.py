"""Forms of the outbox page: the list filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.outbox.models import EventStatus


class OutboxFilterForm(forms.Form):
    """Filter the event list by status and event type."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *EventStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    event_type = forms.ChoiceField(
        label=_("Event type"),
        required=False,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, event_types: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event_type"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [("", _("All event types")), *((name, name) for name in event_types)]
