"""The roles a membership can grant. Which permissions each role carries lives in ``permissions.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A job a person does in a company; grants per-module permissions."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES = "sales", _("Sales")
    SUPPORT = "support", _("Customer support")
    MARKETING = "marketing", _("Marketing")
    ACCOUNTANT = "accountant", _("Accountant")
    HR = "hr", _("Human resources")
    WAREHOUSE = "warehouse", _("Warehouse")
    IT = "it", _("IT")
    LEGAL = "legal", _("Legal")
    PORTAL = "portal", _("Portal customer")
