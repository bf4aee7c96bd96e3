"""``concord createadmin``: the first administrator of a company, created through the identity services."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from concord.core.errors import DomainError
from concord.core.identity.models import Company
from concord.core.identity.roles import Role
from concord.core.identity.services import membership_grant, user_create, user_update

PASSWORD_LENGTH = 20
_ALPHABET = string.ascii_letters + string.digits + "-_.!@#%"


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password with letters of both cases, digits and a symbol."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(not c.isalnum() for c in password)
        ):
            return password


class Command(BaseCommand):
    help = "Create a superuser who administers a company. Prints a generated password when none is given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--company", required=True, help="code of an existing company")
        parser.add_argument("--password", default=None, help="omit to generate a strong one")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["company"].strip()
        company = Company.objects.filter(code__iexact=code).first()
        if company is None:
            raise CommandError(f"No company with the code {code!r}.")
        generated = options["password"] is None
        password = generate_password() if generated else options["password"]
        try:
            with transaction.atomic():
                user = user_create(
                    by=None,
                    username=options["username"],
                    email=options["email"],
                    password=password,
                    is_superuser=True,
                    is_staff=True,
                )
                membership_grant(user=user, company=company, role=Role.ADMIN, by=None)
                user_update(user=user, by=None, default_company=company)
        except DomainError as exc:
            field = f"{exc.field}: " if exc.field else ""
            raise CommandError(f"{field}{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created administrator {user.username!r} of {company.code} ({company.name}).")
        )
        if generated:
            self.stdout.write(f"Password: {password}")
            self.stdout.write("Store it now: it is not shown again.")
