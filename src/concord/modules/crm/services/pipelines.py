"""Pipelines and their stages: the default "Sales" pipeline seeded on first use, CRUD, ordering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from concord.core.audit.models import AuditAction
from concord.core.audit.services import audit_record, audited_update, created_changes, deleted_changes
from concord.core.errors import Conflict, ValidationFailed
from concord.core.identity.models import Company, User
from concord.modules.crm.models import LostReason, Opportunity, Pipeline, Stage
from concord.modules.crm.services._support import FieldErrors, clean_text

__all__ = [
    "DEFAULT_STAGES",
    "lost_reason_create",
    "lost_reason_delete",
    "lost_reason_update",
    "pipeline_create",
    "pipeline_default",
    "pipeline_delete",
    "pipeline_update",
    "stage_create",
    "stage_delete",
    "stage_update",
    "stages_reorder",
]

# (name, probability %, is_won): what a company's first pipeline starts with.
DEFAULT_STAGES: tuple[tuple[str, int, bool], ...] = (
    ("New", 10, False),
    ("Qualified", 30, False),
    ("Proposition", 60, False),
    ("Negotiation", 80, False),
    ("Won", 100, True),
)


def _stage_name(name: str) -> str:
    """The seeded stage names, translated when the pipeline is made (they are the company's data after)."""
    labels = {
        "New": _("New"),
        "Qualified": _("Qualified"),
        "Proposition": _("Proposition"),
        "Negotiation": _("Negotiation"),
        "Won": _("Won"),
    }
    return labels.get(name, name)


def pipeline_default(company: Company, *, by: User | None = None) -> Pipeline:
    """The company's default pipeline, creating "Sales" with its five stages when it has none at all.

    Seeding happens here, on first use, rather than in a migration (companies are data, created later).
    The company row is locked while seeding, so two first requests make one pipeline.
    """
    existing = Pipeline.all_companies.filter(company=company).order_by("-is_default", "pk").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        existing = Pipeline.all_companies.filter(company=company).order_by("-is_default", "pk").first()
        if existing is not None:
            return existing
        pipeline = Pipeline.all_companies.create(company=company, name=_("Sales"), is_default=True)
        audit_record(actor=by, action=AuditAction.CREATE, obj=pipeline, changes=created_changes(pipeline))
        Stage.all_companies.bulk_create(
            Stage(
                company=company,
                pipeline=pipeline,
                name=_stage_name(name),
                sequence=(index + 1) * 10,
                probability=probability,
                is_won=is_won,
            )
            for index, (name, probability, is_won) in enumerate(DEFAULT_STAGES)
        )
    return pipeline


def _clean_pipeline_name(company: Company, name: Any, *, pipeline: Pipeline | None) -> str:
    cleaned = clean_text(name, max_length=100)
    if not cleaned:
        raise ValidationFailed(_("Enter the pipeline's name."), field="name")
    taken = Pipeline.all_companies.filter(company=company, name__iexact=cleaned)
    if pipeline is not None:
        taken = taken.exclude(pk=pipeline.pk)
    if taken.exists():
        raise ValidationFailed(_("Another pipeline has this name."), field="name")
    return cleaned


def _make_default(pipeline: Pipeline, *, by: User | None) -> None:
    for other in Pipeline.all_companies.filter(company_id=pipeline.company_id, is_default=True).exclude(
        pk=pipeline.pk
    ):
        audited_update(other, by=by, is_default=False)


def pipeline_create(*, company: Company, by: User | None, name: str, is_default: bool = False) -> Pipeline:
    """A new, empty pipeline (add its stages next); the company's first one is its default."""
    cleaned = _clean_pipeline_name(company, name, pipeline=None)
    with transaction.atomic():
        first = not Pipeline.all_companies.filter(company=company).exists()
        pipeline = Pipeline(company=company, name=cleaned, is_default=False)
        pipeline.save(force_insert=True)
        if is_default or first:
            _make_default(pipeline, by=by)
            pipeline.is_default = True
            pipeline.save(update_fields=["is_default"])
        audit_record(actor=by, action=AuditAction.CREATE, obj=pipeline, changes=created_changes(pipeline))
    return pipeline


def pipeline_update(
    *, pipeline: Pipeline, by: User | None, name: str | None = None, is_default: bool | None = None
) -> Pipeline:
    """Rename a pipeline or make it the default (the former default stops being it)."""
    with transaction.atomic():
        if name is not None:
            audited_update(
                pipeline, by=by, name=_clean_pipeline_name(pipeline.company, name, pipeline=pipeline)
            )
        if is_default and not pipeline.is_default:
            _make_default(pipeline, by=by)
            audited_update(pipeline, by=by, is_default=True)
        elif is_default is False and pipeline.is_default:
            raise ValidationFailed(
                _("Make another pipeline the default instead: a company always has one."), field="is_default"
            )
    return pipeline


def pipeline_delete(*, pipeline: Pipeline, by: User | None) -> None:
    """Delete a pipeline without opportunities (its stages go with it); the default one stays."""
    if pipeline.is_default:
        raise Conflict(_("The default pipeline cannot be deleted: make another one the default first."))
    if Opportunity.all_companies.filter(pipeline=pipeline).exists():
        raise Conflict(_("This pipeline holds opportunities: move them to another pipeline first."))
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=pipeline, changes=deleted_changes(pipeline))
        pipeline.delete()


def _clean_stage_name(name: Any, *, pipeline: Pipeline, stage: Stage | None) -> str:
    cleaned = clean_text(name, max_length=100)
    if not cleaned:
        raise ValidationFailed(_("Enter the stage's name."), field="name")
    taken = Stage.all_companies.filter(pipeline=pipeline, name__iexact=cleaned)
    if stage is not None:
        taken = taken.exclude(pk=stage.pk)
    if taken.exists():
        raise ValidationFailed(_("This pipeline already has a stage with this name."), field="name")
    return cleaned


def _clean_stage(
    values: dict[str, Any], *, errors: FieldErrors, pipeline: Pipeline, stage: Stage | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = errors.check(
            lambda: _clean_stage_name(values["name"], pipeline=pipeline, stage=stage),
            field="name",
            default="",
        )
    if "probability" in values:
        try:
            out["probability"] = int(values["probability"])
        except (TypeError, ValueError):
            out["probability"] = -1
        if not 0 <= out["probability"] <= 100:
            errors.add("probability", _("A probability is a whole number from 0 to 100."))
    if "sequence" in values and values["sequence"] is not None:
        try:
            out["sequence"] = int(values["sequence"])
        except (TypeError, ValueError):
            out["sequence"] = -1
        if out["sequence"] < 0:
            errors.add("sequence", _("The sequence is a whole number, 0 or more."))
    for flag in ("is_won", "is_folded"):
        if flag in values:
            out[flag] = bool(values[flag])
    return out


def stage_create(
    *,
    pipeline: Pipeline,
    by: User | None,
    name: str,
    probability: int = 0,
    sequence: int | None = None,
    is_won: bool = False,
    is_folded: bool = False,
) -> Stage:
    """Add a stage to a pipeline (at the end unless ``sequence`` says where)."""
    errors = FieldErrors()
    values = _clean_stage(
        {
            "name": name,
            "probability": probability,
            "sequence": sequence,
            "is_won": is_won,
            "is_folded": is_folded,
        },
        errors=errors,
        pipeline=pipeline,
        stage=None,
    )
    errors.raise_if_any()
    with transaction.atomic():
        if "sequence" not in values:
            last = Stage.all_companies.filter(pipeline=pipeline).aggregate(last=Max("sequence"))["last"]
            values["sequence"] = (last or 0) + 10
        stage = Stage(company_id=pipeline.company_id, pipeline=pipeline, **values)
        stage.save(force_insert=True)
        audit_record(actor=by, action=AuditAction.CREATE, obj=stage, changes=created_changes(stage))
    return stage


def stage_update(*, stage: Stage, by: User | None, **changes: Any) -> Stage:
    """Rename a stage, change its default probability, sequence, won or folded flag.

    Open opportunities whose probability follows the stage take its new default.
    """
    unknown = sorted(set(changes) - {"name", "probability", "sequence", "is_won", "is_folded"})
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field: %(name)s") % {"name": unknown[0]}, field=unknown[0]
        )
    errors = FieldErrors()
    values = _clean_stage(changes, errors=errors, pipeline=stage.pipeline, stage=stage)
    errors.raise_if_any()
    with transaction.atomic():
        recorded = audited_update(stage, by=by, **values)
        if "probability" in recorded:
            Opportunity.all_companies.filter(stage=stage, status="open", probability_manual=False).update(
                probability=stage.probability
            )
    return stage


def stage_delete(*, stage: Stage, by: User | None) -> None:
    """Delete a stage that holds no opportunity (open, won or lost): refused with a 409 otherwise."""
    count = Opportunity.all_companies.filter(stage=stage).count()
    if count:
        raise Conflict(
            _("The stage %(stage)s holds %(count)d opportunities: move them to another stage first.")
            % {"stage": stage.name, "count": count}
        )
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=stage, changes=deleted_changes(stage))
        stage.delete()


def stages_reorder(*, pipeline: Pipeline, stage_ids: Sequence[int], by: User | None) -> list[Stage]:
    """Put the pipeline's stages in this order (sequences 10, 20, 30...); every stage must be named once."""
    stages = {stage.pk: stage for stage in Stage.all_companies.filter(pipeline=pipeline)}
    if sorted(stage_ids) != sorted(stages):
        raise ValidationFailed(_("List every stage of the pipeline exactly once."), field="stage_ids")
    with transaction.atomic():
        for index, stage_id in enumerate(stage_ids):
            if stages[stage_id].sequence != (index + 1) * 10:
                audited_update(stages[stage_id], by=by, sequence=(index + 1) * 10)
    return [stages[stage_id] for stage_id in stage_ids]


# --------------------------------------------------------------------------- lost reasons
def _clean_reason_name(company: Company, name: Any, *, reason: LostReason | None) -> str:
    cleaned = clean_text(name, max_length=100)
    if not cleaned:
        raise ValidationFailed(_("Enter the reason."), field="name")
    taken = LostReason.all_companies.filter(company=company, name__iexact=cleaned)
    if reason is not None:
        taken = taken.exclude(pk=reason.pk)
    if taken.exists():
        raise ValidationFailed(_("This lost reason exists already."), field="name")
    return cleaned


def lost_reason_create(*, company: Company, by: User | None, name: str) -> LostReason:
    """A reason opportunities are lost for, offered when one is marked lost."""
    cleaned = _clean_reason_name(company, name, reason=None)
    with transaction.atomic():
        reason = LostReason.all_companies.create(company=company, name=cleaned)
        audit_record(actor=by, action=AuditAction.CREATE, obj=reason, changes=created_changes(reason))
    return reason


def lost_reason_update(
    *, reason: LostReason, by: User | None, name: str | None = None, is_active: bool | None = None
) -> LostReason:
    """Rename a lost reason or stop offering it."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_reason_name(reason.company, name, reason=reason)
    if is_active is not None:
        changes["is_active"] = is_active
    with transaction.atomic():
        audited_update(reason, by=by, **changes)
    return reason


def lost_reason_delete(*, reason: LostReason, by: User | None) -> bool:
    """Delete an unused lost reason; one that lost opportunities cite is only deactivated (False)."""
    if Opportunity.all_companies.filter(lost_reason=reason).exists():
        lost_reason_update(reason=reason, by=by, is_active=False)
        return False
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.DELETE, obj=reason, changes=deleted_changes(reason))
        reason.delete()
    return True
