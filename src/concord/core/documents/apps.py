from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Printable documents: HTML templates rendered to PDF with the fonts shipped in ``fonts/``."""

    name = "concord.core.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_print_fonts_shipped)


def check_print_fonts_shipped(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start without the print fonts: WeasyPrint would quietly fall back to system fonts."""
    from concord.core.documents.rendering import FONTS_DIR, SHIPPED_FONT_FILES

    missing = [name for name in SHIPPED_FONT_FILES if not (FONTS_DIR / name).is_file()]
    if not missing:
        return []
    return [
        checks.Error(
            f"Print fonts missing from {FONTS_DIR}: {', '.join(missing)}",
            hint="Ship concord/core/documents/fonts/ with the package (package data 'fonts/**/*').",
            id="documents.E001",
        )
    ]
