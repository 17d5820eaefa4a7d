"""Parsing and validation of the bureau's own files (no storage, no streamlit).

* :func:`ingest.registers.parse_register` — site registers (.xlsx/.xls/.csv) → contract GeoDataFrame;
* :func:`ingest.sheets.parse_sheet` — monitoring sheets, long or wide → contract long form;
* :func:`geo.io.read_vector` — vector files (shapefile, GeoJSON, GeoPackage, KML/KMZ) → EPSG:4490;
* :mod:`ingest.templates` — downloadable Excel templates;
* :func:`ingest.tabular.read_table` — the one reader of table files (xlsx/xls/csv, gzip CSV), bounded
  against decompression bombs; the store reads task and measurement sheets through it too.

Both table parsers return an :class:`~ingest.errors.ImportResult` (the store's committed import is the
same class, with its batch id); its ``data`` raises :class:`~ingest.errors.ImportRefusedError` while
errors exist, so nothing invalid can be stored.  Every refused file is an
:class:`~ingest.errors.ImportFileError` naming the file (and row and field where known).
"""

from __future__ import annotations

from ingest.errors import (
    IMPORT_ERRORS,
    DMSParseError,
    ImportFileError,
    ImportRefusedError,
    ImportResult,
    IngestError,
    Issue,
    TableReadError,
    UnknownUnitError,
)
from ingest.registers import parse_register
from ingest.sheets import parse_sheet
from ingest.tabular import read_table
from ingest.templates import register_template, sheet_template

__all__ = [
    "IMPORT_ERRORS",
    "DMSParseError",
    "ImportFileError",
    "ImportRefusedError",
    "ImportResult",
    "IngestError",
    "Issue",
    "TableReadError",
    "UnknownUnitError",
    "parse_register",
    "parse_sheet",
    "read_table",
    "register_template",
    "sheet_template",
]
