from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concord.core.identity.roles import Role

__all__ = ["Membership"]


class Membership(models.Model):
    """A user's role in a company; a user may hold several roles in several companies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    company = models.ForeignKey(
        "identity.Company", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["company_id", "user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "role"],
                name="membership_unique_role",
                violation_error_message=_("This user already has this role in this company."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.company_id}:{self.role}"
