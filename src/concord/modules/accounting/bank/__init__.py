"""Accounting: bank."""
