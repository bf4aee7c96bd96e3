"""Gapless document numbers per company, document type and year (``services.sequence_next``)."""
