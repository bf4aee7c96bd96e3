"""Sales pipelines, their stages (the kanban columns) and the reasons an opportunity is lost."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned, CompanyScopedManager

__all__ = ["LostReason", "Pipeline", "Stage"]


class Pipeline(CompanyOwned):
    """A sales pipeline: the ordered stages a company's opportunities go through."""

    objects: CompanyScopedManager[Pipeline]  # typed view of the inherited managers
    all_companies: models.Manager[Pipeline]

    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default pipeline"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="crm_pipeline_name_unique",
                violation_error_message=_("Another pipeline of this company has this name."),
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(is_default=True),
                name="crm_pipeline_one_default",
                violation_error_message=_("A company has one default pipeline."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(CompanyOwned):
    """A step of a pipeline (a kanban column), with the probability an opportunity in it has by default."""

    objects: CompanyScopedManager[Stage]  # typed view of the inherited managers
    all_companies: models.Manager[Stage]

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability %"), default=0, help_text=_("From 0 to 100.")
    )
    is_won = models.BooleanField(
        _("won stage"), default=False, help_text=_("Moving an opportunity here marks it won.")
    )
    is_folded = models.BooleanField(_("folded on the board"), default=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline_id", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100),
                name="crm_stage_probability_range",
                violation_error_message=_("A probability is between 0 and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LostReason(CompanyOwned):
    """Why opportunities are lost (price, competitor, no budget...), for the won/lost analysis."""

    objects: CompanyScopedManager[LostReason]  # typed view of the inherited managers
    all_companies: models.Manager[LostReason]

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="crm_lost_reason_name_unique",
                violation_error_message=_("This lost reason exists already."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
