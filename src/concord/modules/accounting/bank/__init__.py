"""Accounting: bank statements, their import (CSV, OFX, camt.053) and the reconciliation of their lines."""
