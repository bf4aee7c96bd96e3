"""Accounting's write functions, one file per aggregate; each owns its transaction."""
