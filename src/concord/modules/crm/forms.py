"""Forms of CRM's screens: leads, qualification, opportunities, settings, the public web form, filters.

Customers are picked through CRM's own foreign key to parties, so no form imports parties. Forms check
the shape of the input; the services decide and their ``DomainError`` is shown on the form.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import Company, User
from concord.core.money.forms import currency_choices
from concord.core.web.forms import DomainErrorsMixin, bootstrap_fields
from concord.modules.crm.models import (
    Campaign,
    CampaignChannel,
    Lead,
    LeadSource,
    LeadStatus,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Stage,
)

__all__ = [
    "CampaignEditForm",
    "DisqualifyForm",
    "LeadEditForm",
    "LeadFilter",
    "LeadFormEditForm",
    "LostForm",
    "LostReasonForm",
    "OpportunityFilter",
    "OpportunityForm",
    "PipelineForm",
    "PublicLeadForm",
    "QualifyForm",
    "StageForm",
    "customers_of",
    "members_of",
]

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def members_of(company: Company) -> QuerySet[User]:
    """The company's active members, for owner pickers."""
    return (
        User.objects.filter(memberships__company=company, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("username")
    )


def customers_of(company: Company) -> QuerySet[Any]:
    """The company's active parties, through the opportunity's foreign key (no import of parties)."""
    party_model: Any = Opportunity._meta.get_field("party").remote_field.model
    parties: QuerySet[Any] = party_model.objects.filter(company=company, is_active=True).order_by("name")
    return parties


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class LeadEditForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("What they are interested in."))
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    organization_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "campaign").queryset = Campaign.objects.filter(company=company, is_active=True)
        _choice(self, "owner").queryset = members_of(company)
        bootstrap_fields(self)


class QualifyForm(DomainErrorsMixin, forms.Form):
    party = forms.ModelChoiceField(
        label=_("Existing customer"),
        queryset=Lead.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Pick the customer this lead is, or confirm a new one below."),
    )
    create_party = forms.BooleanField(label=_("Create a new customer anyway"), required=False)
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue"), min_value=0, max_digits=20, decimal_places=6, required=False
    )

    def __init__(self, *args: Any, duplicates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "party").queryset = duplicates
        bootstrap_fields(self)
        if not duplicates.exists():
            del self.fields["party"]
            del self.fields["create_party"]


class DisqualifyForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Why is this lead disqualified?"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class OpportunityForm(DomainErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    party = forms.ModelChoiceField(label=_("Customer"), queryset=Opportunity.objects.none())
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none(), required=False)
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue"), min_value=0, max_digits=20, decimal_places=6, required=False
    )
    currency = forms.ChoiceField(label=_("Currency"))
    probability = forms.IntegerField(
        label=_("Probability %"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty to follow the stage's default."),
    )
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False, widget=_DATE)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, company: Company, stages: QuerySet[Stage] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "party").queryset = customers_of(company)
        _choice(self, "owner").queryset = members_of(company)
        self.fields["currency"].choices = currency_choices()  # type: ignore[attr-defined]  # a ChoiceField
        if stages is None:
            del self.fields["stage"]
        else:
            _choice(self, "stage").queryset = stages
        bootstrap_fields(self)


class LostForm(DomainErrorsMixin, forms.Form):
    reason_id = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=LostReason.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Details"), max_length=300, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "reason_id").queryset = LostReason.objects.filter(company=company, is_active=True)
        bootstrap_fields(self)


class PipelineForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_default = forms.BooleanField(label=_("Default pipeline"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class StageForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    probability = forms.IntegerField(label=_("Default probability %"), min_value=0, max_value=100, initial=0)
    sequence = forms.IntegerField(label=_("Sequence"), min_value=0, required=False)
    is_won = forms.BooleanField(label=_("Won stage"), required=False)
    is_folded = forms.BooleanField(label=_("Folded on the board"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class LostReasonForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Reason"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class CampaignEditForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    channel = forms.ChoiceField(label=_("Channel"), choices=CampaignChannel.choices)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)


class LeadFormEditForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    campaign = forms.ModelChoiceField(
        label=_("Default campaign"), queryset=Campaign.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(label=_("Assign leads to"), queryset=User.objects.none(), required=False)
    thank_you_message = forms.CharField(label=_("Thank-you message"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("Open (accepts submissions)"), required=False, initial=True)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "campaign").queryset = Campaign.objects.filter(company=company)
        _choice(self, "owner").queryset = members_of(company)
        bootstrap_fields(self)


class PublicLeadForm(forms.Form):
    """What a website visitor fills in. ``website`` is the honeypot: hidden from people, filled by bots."""

    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    organization_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    message = forms.CharField(
        label=_("How can we help?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors.get("email"):
            self.add_error("email", _("Give an email address or a phone number so we can reach you."))
        return cleaned


# --------------------------------------------------------------------------- list filters
class LeadFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), queryset=Campaign.objects.all())

    class Meta:
        model = Lead
        fields = ["q", "status", "source", "campaign"]

    def filter_q(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        from django.db.models import Q

        text = value.strip()
        return queryset.filter(
            Q(title__icontains=text)
            | Q(contact_name__icontains=text)
            | Q(organization_name__icontains=text)
            | Q(email__icontains=text.casefold())
            | Q(phone__icontains=text)
        )


class OpportunityFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OpportunityStatus.choices)
    stage = django_filters.ModelChoiceFilter(
        label=_("Stage"), queryset=Stage.objects.select_related("pipeline")
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=User.objects.none())

    class Meta:
        model = Opportunity
        fields = ["status", "stage", "owner"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        company_ids = (
            [company.pk for company in request.user.active_companies()] if request is not None else []
        )
        self.filters["owner"].queryset = (
            User.objects.filter(memberships__company_id__in=company_ids, memberships__is_active=True)
            .distinct()
            .order_by("username")
        )
