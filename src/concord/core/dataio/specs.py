"""What a module implements to make one of its records importable from CSV or XLSX.

A module subclasses ``ImportSpec`` (``PartyImport``, ``ProductImport``), lists its columns, and
registers an instance from its ``AppConfig.ready()`` with ``importer_register``. The import framework
(parsing, preview, background job, batching, undo) is the same for every spec:

    class RateImport(ImportSpec):
        key = "money.exchangerate"
        label = _("Exchange rates")
        permission = "currencies.add"
        columns = [ImportColumn("currency", _("Currency"), required=True), ...]

        def validate_row(self, row, *, company, seen): ...   # clean one row or raise RowError; no writes
        def write_batch(self, rows, *, company, by, job_id): ...  # create through the services; ids
        def undo(self, ids, *, company, by): ...               # remove what a failed job created
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from concord.core.registry import registry

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ImportColumn",
    "ImportSpec",
    "RowError",
    "importer_get",
    "importer_register",
    "importers_all",
]

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class ImportColumn:
    """One column an importer reads; the file's header may use its ``name`` or its ``label``."""

    name: str
    label: Any
    required: bool = False
    help: Any = ""


class RowError(Exception):
    """A row of an import file is invalid: ``column`` names the offending column (None: the whole row)."""

    def __init__(self, column: str | None, message: Any) -> None:
        super().__init__(message)
        self.column = column
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class ImportSpec(ABC):
    """How one kind of record is imported: its columns, how a row is checked, and how rows are written."""

    key: ClassVar[str]  # "parties.party": also the URL of its upload screen, /imports/<key>/
    label: ClassVar[Any]  # lazy translated, e.g. _("Customers and suppliers")
    permission: ClassVar[str]  # needed at every step, in the job's company, e.g. "parties.add"
    columns: ClassVar[list[ImportColumn]]
    description: ClassVar[Any] = ""  # optional text shown on the upload screen
    batch_size: ClassVar[int] = DEFAULT_BATCH_SIZE  # rows written per transaction

    @abstractmethod
    def validate_row(self, row: dict[str, str], *, company: Any, seen: dict[str, Any]) -> dict[str, Any]:
        """Return the cleaned row, or raise ``RowError`` (or a ``ValidationFailed``). Never write.

        ``row`` maps every column name to its stripped text ("" when absent or empty). ``seen`` is
        shared by every row of one file, to catch duplicates inside the file (codes, tax IDs).
        """

    @abstractmethod
    def write_batch(self, rows: list[dict[str, Any]], *, company: Any, by: Any, job_id: int) -> list[int]:
        """Create the rows through the module's services and return the new records' ids.

        Runs inside the transaction the framework opens for the batch; raising rolls the batch back
        and makes the framework undo the batches written before (all or nothing).
        """

    @abstractmethod
    def undo(self, ids: list[int], *, company: Any, by: Any) -> None:
        """Remove the records a failed job created (called in chunks, each in its own transaction)."""

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def required_columns(self) -> list[ImportColumn]:
        return [column for column in self.columns if column.required]


def importer_register(spec: ImportSpec) -> ImportSpec:
    """Make ``spec`` available at /imports/<spec.key>/; call from ``AppConfig.ready()``."""
    if not spec.columns:
        raise ValueError(f"{spec.key}: an import spec needs at least one column")
    names = spec.column_names()
    if len(set(names)) != len(names):
        raise ValueError(f"{spec.key}: column names must be unique")
    registry.importers.register(spec.key, spec)
    return spec


def importer_get(key: str) -> ImportSpec:
    """The spec registered as ``key``; raises ``KeyError`` when there is none."""
    spec: ImportSpec = registry.importers.get(key)
    return spec


def importers_all() -> list[ImportSpec]:
    """Every registered spec, in registration order."""
    return list(registry.importers.values())
