from concord.core.identity.models.company import (
    Company,
    CompanyOwned,
    CompanyScopedManager,
    CompanyScopedQuerySet,
)
from concord.core.identity.models.membership import Membership
from concord.core.identity.models.token import AccessToken
from concord.core.identity.models.user import User

__all__ = [
    "AccessToken",
    "Company",
    "CompanyOwned",
    "CompanyScopedManager",
    "CompanyScopedQuerySet",
    "Membership",
    "User",
]
