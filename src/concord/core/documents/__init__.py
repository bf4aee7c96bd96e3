"""Printable documents: Django templates rendered to PDF with the shipped fonts (``rendering``)."""
