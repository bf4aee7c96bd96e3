"""Checks of catalog values that need no database: barcodes and image files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

__all__ = [
    "BARCODE_LENGTHS",
    "PRODUCT_IMAGE_EXTENSIONS",
    "PRODUCT_IMAGE_MAX_BYTES",
    "clean_image",
    "normalize_barcode",
    "validate_barcode",
    "validate_image_size",
]

# EAN-8, UPC-A (12) and EAN-13: what shop scanners print. GTIN-14 marks cartons, not products we sell.
BARCODE_LENGTHS = (8, 12, 13)
PRODUCT_IMAGE_MAX_BYTES = 5 * 1024 * 1024
PRODUCT_IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")


def normalize_barcode(value: str) -> str:
    """The digits of a barcode as typed (spaces and dashes removed); empty stays empty."""
    return ean.compact(value or "") if (value or "").strip() else ""


def validate_barcode(value: str) -> None:
    """Refuse anything but a valid EAN-8, UPC-A or EAN-13 (digits, length and check digit)."""
    if not value:
        return
    try:
        number = ean.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("The barcode %(value)s has a wrong check digit: check the last digit."),
            code="barcode_checksum",
            params={"value": value},
        ) from None
    except (InvalidFormat, InvalidLength):
        number = ""
    if len(number) not in BARCODE_LENGTHS:
        raise ValidationError(
            _("%(value)s is not a barcode: use the 8, 12 or 13 digits of an EAN-8, UPC-A or EAN-13."),
            code="barcode_invalid",
            params={"value": value},
        )


def validate_image_size(file: Any) -> None:
    """Refuse product images over ``PRODUCT_IMAGE_MAX_BYTES`` (a photo for a catalog, not a poster)."""
    size = getattr(file, "size", None)
    if size is not None and size > PRODUCT_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB."),
            code="image_too_large",
            params={
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": f"{PRODUCT_IMAGE_MAX_BYTES // 1024 // 1024}",
            },
        )


def clean_image(file: Any) -> Any:
    """An uploaded image, refused unless Pillow can read it and it is small enough and of a known type.

    The model field checks only the name and size; this opens the file, so a text file renamed
    ``photo.jpg`` is refused too.
    """
    field = forms.ImageField(
        validators=[FileExtensionValidator(list(PRODUCT_IMAGE_EXTENSIONS)), validate_image_size]
    )
    return field.clean(file)
