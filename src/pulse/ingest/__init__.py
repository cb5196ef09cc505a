"""Getting a company's files into a workspace: read, map, type, validate, write — all or nothing.

Public API::

    from pulse.ingest import import_file, import_records, ImportResult

``import_file(ws, "opportunities", Path("opps.csv"), mapping="salesforce")`` reads CSV, XLSX,
Parquet, JSON or JSON lines; ``import_records`` takes an Arrow table or a list of dicts. Both
raise :class:`~pulse.errors.ImportValidationError` (as :class:`ImportRefused`, with every
problem found) and then write nothing.
"""

from __future__ import annotations

from pulse.ingest.importer import import_file, import_records
from pulse.ingest.result import ImportRefused, ImportResult

__all__ = ["ImportRefused", "ImportResult", "import_file", "import_records"]
