from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.models import CompanyOwned

__all__ = ["DEFAULT_PATTERN", "Sequence"]

DEFAULT_PATTERN = "{doc_type}/{year}/{number:05d}"


class Sequence(CompanyOwned):
    """A company's gapless counter of legal document numbers for one document type and year."""

    doc_type = models.CharField(_("document type"), max_length=20, help_text=_("e.g. INV, CN, PAY"))
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("Gregorian year of the documents"))
    pattern = models.CharField(
        _("pattern"),
        max_length=100,
        default=DEFAULT_PATTERN,
        help_text=_("Placeholders: {doc_type}, {year}, {year_be} (Buddhist era), {number}"),
    )
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        ordering = ["company_id", "doc_type", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "doc_type", "year"],
                name="sequence_one_per_company_type_year",
                violation_error_message=_("This company already numbers this document type for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(next_number__gte=1),
                name="sequence_next_number_positive",
                violation_error_message=_("Document numbers start at 1."),
            ),
            models.CheckConstraint(
                condition=~models.Q(doc_type=""),
                name="sequence_doc_type_not_empty",
                violation_error_message=_("A sequence needs a document type."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.year} next {self.next_number}"
