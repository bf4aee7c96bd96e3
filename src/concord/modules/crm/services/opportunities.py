"""Opportunities: create, edit, move on the board, win, lose and reopen.

Status: ``open`` -> ``won`` (marked won, or moved into a stage flagged ``is_won``) or ``lost`` (marked
lost with a reason; a lost opportunity keeps its stage but leaves the board); ``reopen`` brings either back
to open. The probability follows the stage's default unless someone set it by hand; a won opportunity is
100%. Every change locks the opportunity's row first, so two people dragging the same card do not fight.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_changes, audit_record, created_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company, User
from concord.core.money.currencies import is_valid_currency
from concord.modules.crm.events import OpportunityLost, OpportunityStageChanged, OpportunityWon
from concord.modules.crm.models import Lead, LostReason, Opportunity, OpportunityStatus, Pipeline, Stage
from concord.modules.crm.services._support import (
    FieldErrors,
    actor,
    clean_text,
    member_of,
    party_of,
    publish_crm,
)
from concord.modules.crm.services.pipelines import pipeline_default

__all__ = [
    "OPPORTUNITY_UPDATABLE",
    "opportunity_create",
    "opportunity_mark_lost",
    "opportunity_mark_won",
    "opportunity_move",
    "opportunity_reopen",
    "opportunity_update",
]

OPPORTUNITY_UPDATABLE = frozenset(
    {
        "title",
        "party_id",
        "expected_revenue",
        "currency",
        "probability",
        "expected_close_date",
        "owner",
        "notes",
    }
)
_AUDITED = [
    "title",
    "party",
    "pipeline",
    "stage",
    "position",
    "expected_revenue",
    "currency",
    "probability",
    "probability_manual",
    "expected_close_date",
    "owner",
    "status",
    "lost_reason",
    "lost_note",
    "notes",
    "closed_at",
]


def _revenue(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else Decimal(0)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("The expected revenue is an amount of 0 or more."), field="expected_revenue"
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 14:
        raise ValidationFailed(_("The expected revenue is an amount of 0 or more."), field="expected_revenue")
    return amount


def _probability(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 100:
        raise ValidationFailed(_("A probability is a whole number from 0 to 100."), field="probability")
    return number


def _currency(value: Any, company: Company) -> str:
    code = str(value or "").strip().upper() or company.currency
    if not is_valid_currency(code):
        raise ValidationFailed(
            _("%(value)s is not an ISO 4217 currency code (for example THB, KHR or USD).") % {"value": value},
            field="currency",
        )
    return code


def _close_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("Write the date as YYYY-MM-DD."), field="expected_close_date") from None


def _stage_of(company: Company, stage_id: Any, *, pipeline: Pipeline | None = None) -> Stage:
    stage = (
        Stage.all_companies.select_related("pipeline").filter(company=company, pk=stage_id).first()
        if stage_id not in (None, "")
        else None
    )
    if stage is None or (pipeline is not None and stage.pipeline_id != pipeline.pk):
        raise ValidationFailed(_("Choose a stage of the opportunity's pipeline."), field="stage_id")
    return stage


def _column_end(stage: Stage) -> int:
    last = Opportunity.all_companies.filter(stage=stage).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _won_event(opportunity: Opportunity) -> OpportunityWon:
    return OpportunityWon(
        opportunity_id=opportunity.pk,
        company_id=opportunity.company_id,
        party_id=opportunity.party_id,
        title=opportunity.title,
        expected_revenue=str(opportunity.expected_revenue),
        currency=opportunity.currency,
    )


def _publish(opportunity: Opportunity, event: Any, *, by: Any) -> None:
    publish_crm(event, by=by, company_id=opportunity.company_id, party_id=opportunity.party_id)


def opportunity_create(
    *,
    company: Company,
    by: User | None,
    title: str,
    party_id: int | None,
    pipeline_id: int | str | None = None,
    stage_id: int | str | None = None,
    expected_revenue: Decimal | str | int = 0,
    currency: str = "",
    probability: int | str | None = None,
    expected_close_date: dt.date | str | None = None,
    owner: User | None = None,
    notes: str = "",
    lead: Lead | None = None,
) -> Opportunity:
    """A new open opportunity at the end of its stage's column.

    Without a pipeline it goes to the company's default one (seeded on first use), without a stage to
    the pipeline's first. Currency defaults to the company's; owner to whoever creates it. Raises
    ``ValidationFailed`` naming every bad field, with nothing saved.
    """
    errors = FieldErrors()
    cleaned_title = clean_text(title, max_length=200)
    if not cleaned_title:
        errors.add("title", _("Enter a title for the opportunity."))
    party = errors.check(lambda: party_of(company, party_id), field="party_id", default=None)
    revenue = errors.check(lambda: _revenue(expected_revenue), field="expected_revenue", default=Decimal(0))
    code = errors.check(lambda: _currency(currency, company), field="currency", default=company.currency)
    manual = probability not in (None, "")
    chance = errors.check(lambda: _probability(probability), field="probability", default=0) if manual else 0
    close = errors.check(lambda: _close_date(expected_close_date), field="expected_close_date", default=None)
    owner = errors.check(lambda: member_of(company, owner, field="owner"), field="owner", default=None)
    if pipeline_id not in (None, ""):
        pipeline = Pipeline.all_companies.filter(company=company, pk=pipeline_id).first()
        if pipeline is None:
            errors.add("pipeline_id", _("Choose a pipeline of this company."))
    else:
        pipeline = pipeline_default(company, by=by)
    stage: Stage | None = None
    if pipeline is not None:
        if stage_id not in (None, ""):
            stage = errors.check(
                lambda: _stage_of(company, stage_id, pipeline=pipeline), field="stage_id", default=None
            )
        else:
            stage = Stage.all_companies.filter(pipeline=pipeline).order_by("sequence", "pk").first()
            if stage is None:
                errors.add("stage_id", _("The pipeline has no stage yet: add one in the CRM settings."))
    errors.raise_if_any()
    if (
        pipeline is None or stage is None or party is None
    ):  # raise_if_any has raised already; this narrows the types
        raise ValidationFailed(_("Choose a stage of the opportunity's pipeline."), field="stage_id")
    with transaction.atomic():
        opportunity = Opportunity(
            company=company,
            title=cleaned_title,
            party_id=party.id,
            pipeline=pipeline,
            stage=stage,
            position=_column_end(stage),
            expected_revenue=revenue,
            currency=code,
            probability=chance if manual else stage.probability,
            probability_manual=manual,
            expected_close_date=close,
            owner=owner if owner is not None else actor(by),
            notes=str(notes or "").strip(),
            lead=lead,
        )
        if stage.is_won:
            opportunity.status = OpportunityStatus.WON
            opportunity.probability = 100
            opportunity.closed_at = timezone.now()
        opportunity.save(force_insert=True)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=opportunity,
            changes=created_changes(opportunity, _AUDITED),
        )
        if opportunity.status == OpportunityStatus.WON:
            _publish(opportunity, _won_event(opportunity), by=by)
    return opportunity


def _locked(opportunity: Opportunity) -> Opportunity:
    """The opportunity re-read under a row lock (inside the caller's transaction)."""
    return (
        Opportunity.all_companies.select_for_update()
        .select_related("stage", "pipeline")
        .get(pk=opportunity.pk)
    )


def _refresh(target: Opportunity, source: Opportunity) -> Opportunity:
    """Copy ``source``'s state into the caller's instance so it sees the change."""
    for field in Opportunity._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = {}  # related objects are re-read on access
    return target


def _clean_details(changes: dict[str, Any], *, company: Company, errors: FieldErrors) -> dict[str, Any]:
    """Title, customer, amount and currency among ``changes``, checked."""
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = clean_text(changes["title"], max_length=200)
        if not values["title"]:
            errors.add("title", _("Enter a title for the opportunity."))
    if "party_id" in changes:
        errors.check(lambda: party_of(company, changes["party_id"]), field="party_id", default=None)
        values["party_id"] = changes["party_id"]
    if "expected_revenue" in changes:
        values["expected_revenue"] = errors.check(
            lambda: _revenue(changes["expected_revenue"]), field="expected_revenue", default=Decimal(0)
        )
    if "currency" in changes:
        values["currency"] = errors.check(
            lambda: _currency(changes["currency"], company), field="currency", default=company.currency
        )
    return values


def _clean_terms(changes: dict[str, Any], *, company: Company, errors: FieldErrors) -> dict[str, Any]:
    """Probability (pinned or following the stage), close date, owner and notes among ``changes``."""
    values: dict[str, Any] = {}
    if "probability" in changes:
        if changes["probability"] in (None, ""):
            values["probability_manual"] = False
        else:
            values["probability"] = errors.check(
                lambda: _probability(changes["probability"]), field="probability", default=0
            )
            values["probability_manual"] = True
    if "expected_close_date" in changes:
        values["expected_close_date"] = errors.check(
            lambda: _close_date(changes["expected_close_date"]), field="expected_close_date", default=None
        )
    if "owner" in changes:
        values["owner"] = errors.check(
            lambda: member_of(company, changes["owner"], field="owner"), field="owner", default=None
        )
    if "notes" in changes:
        values["notes"] = str(changes["notes"] or "").strip()
    return values


def opportunity_update(*, opportunity: Opportunity, by: User | None, **changes: Any) -> Opportunity:
    """Change an opportunity's details (stage and status have their own actions).

    ``probability`` set to a number pins it (it no longer follows the stage); ``None`` or ``""`` lets it
    follow the stage's default again.
    """
    unknown = sorted(set(changes) - OPPORTUNITY_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    errors = FieldErrors()
    values = _clean_details(changes, company=opportunity.company, errors=errors)
    values.update(_clean_terms(changes, company=opportunity.company, errors=errors))
    errors.raise_if_any()
    with transaction.atomic():
        locked = _locked(opportunity)
        with audit_changes(locked, by=by, fields=_AUDITED):
            for name, value in values.items():
                setattr(locked, name, value)
            if not locked.probability_manual:
                locked.probability = (
                    100 if locked.status == OpportunityStatus.WON else locked.stage.probability
                )
            locked.save()
    return _refresh(opportunity, locked)


def _place(locked: Opportunity, stage: Stage, position: int | None) -> None:
    """Put ``locked`` at ``position`` (0-based; None: the end) of ``stage``'s column and renumber it."""
    column = list(
        Opportunity.all_companies.filter(stage=stage)
        .exclude(status=OpportunityStatus.LOST)
        .exclude(pk=locked.pk)
        .order_by("position", "pk")
        .only("pk", "position")
    )
    index = len(column) if position is None else max(0, min(int(position), len(column)))
    column.insert(index, locked)
    changed = []
    for number, row in enumerate(column):
        if row.pk == locked.pk:
            locked.position = number
        elif row.position != number:
            row.position = number
            changed.append(row)
    if changed:
        Opportunity.all_companies.bulk_update(changed, ["position"])


def _apply_won(locked: Opportunity) -> None:
    locked.status = OpportunityStatus.WON
    locked.probability = 100
    locked.lost_reason = None
    locked.lost_note = ""
    locked.closed_at = timezone.now()


def opportunity_move(
    *, opportunity: Opportunity, stage_id: int, position: int | None = None, by: User | None
) -> Opportunity:
    """Move an opportunity to a stage of its pipeline, at ``position`` in that column (None: at the end).

    Into a won stage it is won; out of a won stage into another it is open again. A lost opportunity
    must be reopened first (409). Publishes ``OpportunityStageChanged`` (and ``OpportunityWon``).
    """
    if position is not None and (not isinstance(position, int) or position < 0):
        raise ValidationFailed(_("The position is a whole number, 0 or more."), field="position")
    with transaction.atomic():
        locked = _locked(opportunity)
        if locked.status == OpportunityStatus.LOST:
            raise Conflict(_("This opportunity is lost: reopen it before moving it."))
        stage = _stage_of(locked.company, stage_id, pipeline=locked.pipeline)
        previous = locked.stage
        was_won = locked.status == OpportunityStatus.WON
        with audit_changes(locked, by=by, fields=_AUDITED):
            _place(locked, stage, position)
            locked.stage = stage
            if stage.is_won and not was_won:
                _apply_won(locked)
            elif not stage.is_won and was_won:
                locked.status = OpportunityStatus.OPEN
                locked.closed_at = None
            if not locked.probability_manual and locked.status == OpportunityStatus.OPEN:
                locked.probability = stage.probability
            locked.save()
        if previous.pk != stage.pk:
            _publish(
                locked,
                OpportunityStageChanged(
                    opportunity_id=locked.pk,
                    company_id=locked.company_id,
                    party_id=locked.party_id,
                    title=locked.title,
                    from_stage_id=previous.pk,
                    from_stage=previous.name,
                    to_stage_id=stage.pk,
                    to_stage=stage.name,
                ),
                by=by,
            )
        if locked.status == OpportunityStatus.WON and not was_won:
            _publish(locked, _won_event(locked), by=by)
    return _refresh(opportunity, locked)


def opportunity_mark_won(*, opportunity: Opportunity, by: User | None) -> Opportunity:
    """Mark an opportunity won (idempotent: a won one is returned as it is).

    It moves into its pipeline's won stage when the pipeline has one; a lost opportunity can be won too
    (the customer came back). Publishes ``OpportunityWon``. Joins the caller's transaction.
    """
    with transaction.atomic():
        locked = _locked(opportunity)
        if locked.status == OpportunityStatus.WON:
            return _refresh(opportunity, locked)
        won_stage = (
            Stage.all_companies.filter(pipeline_id=locked.pipeline_id, is_won=True)
            .order_by("sequence", "pk")
            .first()
        )
        with audit_changes(locked, by=by, fields=_AUDITED):
            if won_stage is not None and won_stage.pk != locked.stage_id:
                locked.stage = won_stage
                locked.position = _column_end(won_stage)
            _apply_won(locked)
            locked.save()
        _publish(locked, _won_event(locked), by=by)
    return _refresh(opportunity, locked)


def opportunity_mark_lost(
    *, opportunity: Opportunity, by: User | None, reason_id: int | str | None = None, reason: str = ""
) -> Opportunity:
    """Mark an open opportunity lost, with a reason: one of the company's lost reasons or a text.

    A won opportunity must be reopened first (409); a lost one is returned as it is.
    """
    note = clean_text(reason, max_length=300)
    lost_reason: LostReason | None = None
    if reason_id not in (None, ""):
        lost_reason = LostReason.all_companies.filter(company_id=opportunity.company_id, pk=reason_id).first()
        if lost_reason is None:
            raise ValidationFailed(_("Choose one of the lost reasons."), field="reason_id")
    if lost_reason is None and not note:
        raise ValidationFailed(_("Say why the opportunity was lost."), field="reason")
    with transaction.atomic():
        locked = _locked(opportunity)
        if locked.status == OpportunityStatus.LOST:
            return _refresh(opportunity, locked)
        if locked.status == OpportunityStatus.WON:
            raise Conflict(_("This opportunity is won: reopen it before marking it lost."))
        with audit_changes(locked, by=by, fields=_AUDITED):
            locked.status = OpportunityStatus.LOST
            locked.lost_reason = lost_reason
            locked.lost_note = note
            locked.probability = 0
            locked.closed_at = timezone.now()
            locked.save()
        _publish(
            locked,
            OpportunityLost(
                opportunity_id=locked.pk,
                company_id=locked.company_id,
                party_id=locked.party_id,
                title=locked.title,
                reason=" · ".join(part for part in (lost_reason.name if lost_reason else "", note) if part),
                expected_revenue=str(locked.expected_revenue),
                currency=locked.currency,
            ),
            by=by,
        )
    return _refresh(opportunity, locked)


def opportunity_reopen(*, opportunity: Opportunity, by: User | None) -> Opportunity:
    """Bring a won or lost opportunity back to open (an open one is returned as it is).

    One in a won stage goes back to the last stage before it, at the end of that column.
    """
    with transaction.atomic():
        locked = _locked(opportunity)
        if locked.status == OpportunityStatus.OPEN:
            return _refresh(opportunity, locked)
        with audit_changes(locked, by=by, fields=_AUDITED):
            if locked.stage.is_won:
                back = (
                    Stage.all_companies.filter(pipeline_id=locked.pipeline_id, is_won=False)
                    .order_by("-sequence", "-pk")
                    .first()
                )
                if back is not None:
                    locked.stage = back
                    locked.position = _column_end(back)
            else:
                _place(locked, locked.stage, None)
            locked.status = OpportunityStatus.OPEN
            locked.lost_reason = None
            locked.lost_note = ""
            locked.closed_at = None
            if not locked.probability_manual:
                locked.probability = locked.stage.probability
            locked.save()
    return _refresh(opportunity, locked)
