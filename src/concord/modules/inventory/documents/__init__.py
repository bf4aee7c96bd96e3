"""Inventory's printable documents: the picking list."""
