"""Spreadsheets in and out: every CSV and XLSX the platform writes goes through `neutralise`
(a cell starting with =, +, -, @, a tab or a carriage return is prefixed with a quote, so a
spreadsheet shows it as text instead of running it as a formula), and every XLSX it reads goes
through `read_xlsx_rows`, which answers quickly whatever the upload holds.

Reading an XLSX costs in proportion to what the ZIP unpacks to, not to the upload's size (4
million empty rows fit in 40 KB), and openpyxl parses a whole sheet at load when the sheet does
not declare its dimension. So before openpyxl sees the file, the ZIP's declared unpacked sizes are
added up against a cap and each part is scanned (expat, stopping at the first excess) for too many
rows, cells or other elements; then the sheet's declared dimension is checked and its rows are
streamed, stopping one past the limit."""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.core.errors import DomainError
from app.core.files import describe_size
from app.core.numbers import parse_whole

# ----------------------------------------------------------------------------- writing
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(…)", "@SUM(…)"), as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def neutralised(row: Iterable[object]) -> list[object]:
    return [neutralise(value) for value in row]


def restore(text: str) -> str:
    """A cell read back from a file the platform wrote: the quote `neutralise` added is dropped."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class SafeCsvWriter:
    """csv.writer whose rows are neutralised."""

    def __init__(self, out: io.StringIO, **options: object):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow(neutralised(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: io.StringIO, **options: object) -> SafeCsvWriter:
    return SafeCsvWriter(out, **options)


# ----------------------------------------------------------------------------- reading
# What all the parts of one XLSX may unpack to. A sheet of 10,000 rows in the price-sheet layout
# unpacks to under 3 MB; the platform's own template of 500 lines to about 150 KB.
MAX_UNPACKED_BYTES = 5 * 1024 * 1024
# Elements in the parts that are neither sheets nor shared strings (workbook, styles, theme, …):
# a heavily styled workbook has a few thousand.
MAX_OTHER_ELEMENTS = 50_000
_CHUNK = 64 * 1024
_ROW_NUMBER = re.compile(r"[A-Z]*([0-9]+)$")


class _Stop(Exception):
    """A part holds more than allowed: the refusal to raise."""

    def __init__(self, refusal: DomainError):
        super().__init__(refusal.message)
        self.refusal = refusal


def _unreadable(field: str | None) -> DomainError:
    return DomainError("The XLSX file cannot be read; it may be damaged or not an Excel workbook.", field=field)


def _scan_part(source, *, max_rows: int, max_cells: int, other_budget: list[int],
               refusals: dict[str, DomainError]) -> None:
    """Count a part's elements while expat reads it, refusing at the first excess. A worksheet
    (root <worksheet>) may have max_rows rows (by count and by number) and max_cells cells; the
    shared strings (root <sst>) max_cells strings; other parts share other_budget. A part that is
    not XML is left to openpyxl, which does not parse it either or refuses it."""
    parser = expat.ParserCreate()
    state = {"root": None, "rows": 0, "cells": 0, "strings": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        root = state["root"]
        if root is None:
            state["root"] = root = local
        if root == "worksheet":
            if local == "row":
                state["rows"] += 1
                number = attributes.get("r", "")
                if state["rows"] > max_rows or (parse_whole(number, maximum=10**30) or 0) > max_rows:
                    raise _Stop(refusals["rows"])
            elif local == "c":
                state["cells"] += 1
                if state["cells"] > max_cells:
                    raise _Stop(refusals["cells"])
            elif local == "dimension":
                match = _ROW_NUMBER.search(attributes.get("ref", "").upper())
                if match and (len(match.group(1)) > 9 or int(match.group(1)) > max_rows):
                    raise _Stop(refusals["rows"])
        elif root == "sst":
            if local == "si":
                state["strings"] += 1
                if state["strings"] > max_cells:
                    raise _Stop(refusals["other"])
        else:
            other_budget[0] -= 1
            if other_budget[0] < 0:
                raise _Stop(refusals["other"])

    def doctype(*_: object) -> None:
        raise _Stop(refusals["unreadable"])  # an Office file never has one; entities can expand

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return


def read_xlsx_rows(data: bytes, *, max_rows: int, max_columns: int, what: str, sheet: str | None = None,
                   field: str | None = None, too_many_rows: str | None = None) -> list[tuple[object, ...]]:
    """The rows (values, max_columns wide) of the sheet named `sheet`, or of the first one, of an
    XLSX file. Refused as a whole, quickly, when it unpacks to more than MAX_UNPACKED_BYTES, when a
    sheet declares or has more than max_rows rows or more than max_rows × max_columns cells, when
    it has too many other elements, or when it cannot be read. `what` names the document for
    people ("price sheet"); `too_many_rows` replaces the message about rows."""
    max_cells = max_rows * max_columns
    refusals = {
        "rows": DomainError(too_many_rows or f"The XLSX file has more than {max_rows:,} rows.", field=field),
        "cells": DomainError(f"The XLSX file has more cells than a {what} can have (at most {max_cells:,}).",
                             field=field),
        "other": DomainError(f"The XLSX file holds more than a {what} can (too many styles, texts or other "
                             f"parts); copy the {what} into a new workbook and upload that.", field=field),
        "unreadable": _unreadable(field),
    }
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Declared sizes can be trusted: zipfile stops at them and checks the CRC.
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise DomainError(f"The XLSX file unpacks to {describe_size(unpacked)}, more than a {what} can "
                                  f"need (at most {describe_size(MAX_UNPACKED_BYTES)}).", field=field)
            other_budget = [MAX_OTHER_ELEMENTS]
            for info in archive.infolist():
                with archive.open(info) as source:
                    _scan_part(source, max_rows=max_rows, max_cells=max_cells, other_budget=other_budget,
                               refusals=refusals)
    except _Stop as stop:
        raise stop.refusal from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, ValueError, OSError):
        raise refusals["unreadable"] from None
    return _stream_rows(data, max_rows=max_rows, max_columns=max_columns, sheet=sheet, refusals=refusals)


def _stream_rows(data: bytes, *, max_rows: int, max_columns: int, sheet: str | None,
                 refusals: dict[str, DomainError]) -> list[tuple[object, ...]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, zlib.error):
        raise refusals["unreadable"] from None
    try:
        ws = wb[sheet] if sheet is not None and sheet in wb.sheetnames else wb.worksheets[0]
        if ws.max_row is not None and ws.max_row > max_rows:  # the sheet's declared dimension
            raise refusals["rows"]
        # Read what is there, not what the dimension says (a sheet may understate it).
        ws.reset_dimensions()
        rows: list[tuple[object, ...]] = []
        for row in ws.iter_rows(values_only=True, max_col=max_columns):
            rows.append(row)
            if len(rows) > max_rows:
                raise refusals["rows"]
        return rows
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, TypeError, ValueError, OSError,
            zlib.error):
        # A damaged or hand-made sheet, e.g. a number cell holding text, fails while it is read.
        raise refusals["unreadable"] from None
    finally:
        wb.close()


def text_rows(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Cells read back from a file the platform wrote, with `neutralise`'s quotes dropped."""
    return [[restore(cell) for cell in row] for row in rows]
