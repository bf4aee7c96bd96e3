"""Accounting: documents."""
