"""Accounting: reports."""
