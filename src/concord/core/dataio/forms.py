"""The upload form of an importer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from concord.core.dataio.parsing import CSV_EXTENSIONS, XLSX_EXTENSIONS

ACCEPTED = ",".join(sorted(CSV_EXTENSIONS | XLSX_EXTENSIONS))


class ImportUploadForm(forms.Form):
    """One file: CSV or XLSX, first row naming the columns."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8; comma, semicolon or tab separated) or Excel .xlsx. The first row names the "
            "columns; the first worksheet is read."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPTED}),
    )
