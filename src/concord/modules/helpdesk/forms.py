"""Forms of the helpdesk's screens. They check the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.helpdesk.models import Channel, Escalation, Priority, TeamKind, TicketStatus

__all__ = [
    "WEEKDAYS",
    "AssignForm",
    "CannedReplyForm",
    "CategoryForm",
    "HolidayForm",
    "InboxFilterForm",
    "MergeForm",
    "RatingForm",
    "ReplyForm",
    "SlaPolicyForm",
    "StatusForm",
    "TeamForm",
    "TicketForm",
    "WebForm",
]

WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):  # every caller names a choice field
        field.choices = choices


class _Form(DomainErrorsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


_ANY = _("Any")


def _choices(pairs: list[tuple[Any, Any]], empty: Any = _ANY) -> list[tuple[Any, Any]]:
    return [("", empty), *pairs]


class InboxFilterForm(_Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (new, open, waiting)")), *TicketStatus.choices, ("all", _("All"))],
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_choices(Priority.choices))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_choices(Channel.choices))
    tag = forms.TypedChoiceField(label=_("Tag"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any = (), agents: Any = (), tags: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", _choices([(t.pk, t.name) for t in teams]))
        _set_choices(
            self,
            "assignee",
            _choices(
                [("me", _("My tickets")), ("none", _("Unassigned"))]
                + [(str(u.pk), u.get_full_name() or u.get_username()) for u in agents]
            ),
        )
        _set_choices(self, "tag", _choices([(t.pk, t.name) for t in tags]))


class TicketForm(_Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    name = forms.CharField(label=_("Contact name"), required=False, max_length=200)
    email = forms.EmailField(label=_("Contact email"), required=False)
    phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    party = forms.IntegerField(label=_("Customer id"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", _choices([(t.pk, t.name) for t in teams], _("Default team")))


class ReplyForm(_Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)


class AssignForm(_Form):
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, agents: Any = (), teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "assignee",
            _choices([(u.pk, u.get_full_name() or u.get_username()) for u in agents], _("Nobody")),
        )
        _set_choices(self, "team", _choices([(t.pk, t.name) for t in teams], _("Keep the team")))


class StatusForm(_Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class MergeForm(_Form):
    survivor = forms.CharField(
        label=_("Merge into ticket number"),
        max_length=40,
        help_text=_("This ticket is closed and its messages move there."),
    )


class TeamForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    email_address = forms.EmailField(label=_("Email address"), required=False)
    timezone = forms.CharField(label=_("Time zone"), max_length=64, initial="Asia/Bangkok")
    manager = forms.TypedChoiceField(label=_("Manager"), required=False, coerce=int, empty_value=None)
    members = forms.TypedMultipleChoiceField(label=_("Members"), required=False, coerce=int)
    form_enabled = forms.BooleanField(label=_("Web form enabled"), required=False, initial=True)
    auto_reply = forms.BooleanField(label=_("Auto-reply to new email tickets"), required=False, initial=True)

    def __init__(self, *args: Any, users: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.get_full_name() or u.get_username()) for u in users]
        _set_choices(self, "manager", _choices(people, _("Nobody")))
        _set_choices(self, "members", people)
        for index, day in enumerate(WEEKDAYS):
            self.fields[f"hours_{index}"] = forms.CharField(
                label=day,
                required=False,
                help_text=_("e.g. 09:00-12:00, 13:00-18:00; empty: closed"),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def hours_fields(self) -> list[Any]:
        return [self[f"hours_{index}"] for index in range(7)]


class HolidayForm(_Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), required=False, max_length=120)


class SlaPolicyForm(_Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    first_response_minutes = forms.IntegerField(label=_("First response (minutes)"), min_value=1)
    resolution_minutes = forms.IntegerField(label=_("Resolution (minutes)"), min_value=1)
    business_hours = forms.BooleanField(label=_("In business hours"), required=False, initial=True)
    warn_before_minutes = forms.IntegerField(label=_("Warn before (minutes)"), min_value=0, initial=30)
    escalation = forms.ChoiceField(label=_("On breach"), choices=Escalation.choices)


class CategoryForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", _choices([(t.pk, t.name) for t in teams], _("No team")))


class CannedReplyForm(_Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Placeholders: {{ customer_name }}, {{ ticket_number }}, {{ ticket_subject }}, {{ agent_name }}, {{ company_name }}."
        ),
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", _choices([(t.pk, t.name) for t in teams], _("Every team")))


class WebForm(_Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=40)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    # the honeypot: hidden from people, filled by bots
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class RatingForm(_Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
