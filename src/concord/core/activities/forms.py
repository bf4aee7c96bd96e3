"""Forms of the chatter card and the "My activities" page. They check the shape; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concord.core.activities.models import ActivityKind
from concord.core.identity.roles import Role
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields

__all__ = ["ActivityDoneForm", "ActivityForm", "KindFilterForm", "NoteForm", "members_of"]


def members_of(company_id: int) -> QuerySet[Any]:
    """The active staff of the company (any role but portal customer): who an activity may be for."""
    users: QuerySet[Any] = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__company_id=company_id,
            memberships__is_active=True,
            memberships__role__in=[role for role in Role.values if role != Role.PORTAL],
        )
        .distinct()
        .order_by("username")
    )
    return users


class _UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # the user model is swappable
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class ActivityForm(DomainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.TODO)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    assigned_to = _UserChoiceField(label=_("Assigned to"), queryset=get_user_model().objects.none())
    note = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = cast("forms.ModelChoiceField[Any]", self.fields["assigned_to"])
        assignee.queryset = members_of(company_id)
        bootstrap_fields(self)


class ActivityDoneForm(DomainErrorsMixin, forms.Form):
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class NoteForm(DomainErrorsMixin, forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)

    def chosen_kind(self) -> str | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["kind"] or None
        return None
