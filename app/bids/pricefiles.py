"""Price sheets as files: the template a vendor downloads (XLSX or CSV) and the parser for the
filled-in copy. The layout is fixed, one row per price-sheet line; anything else is refused
with a message that names the row and the problem."""
from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException

from app.core.errors import DomainError
from app.solicitations.models import Solicitation

HEADERS = ("Line", "Description", "Unit", "Estimated quantity", "Unit price")
MAX_UNIT_PRICE = Decimal("999999999.9999")


@dataclass
class ParsedPrices:
    prices: dict[int, Decimal | None] = field(default_factory=dict)  # item id -> unit price
    errors: list[str] = field(default_factory=list)


def parse_unit_price(text: str) -> Decimal | None:
    """'' -> None (no price offered); '1,234.50' or '$1234.5' -> Decimal. Raises ValueError with
    the reason in plain words."""
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():  # NaN and Infinity parse, but are no price
        raise ValueError(f"“{text.strip()[:40]}” is not a number; enter a price like 1234.50")
    if value < 0:
        raise ValueError("a price cannot be negative")
    if value > MAX_UNIT_PRICE:
        raise ValueError("the price is too large")
    if value.as_tuple().exponent < -4:
        raise ValueError("use at most 4 decimal places")
    return value


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


def template_rows(s: Solicitation) -> list[tuple[object, ...]]:
    return [(item.position, item.description, item.unit, item.estimated_quantity, None) for item in s.items]


def template_xlsx(s: Solicitation) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Price sheet"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line, description, unit, quantity, _ in template_rows(s):
        ws.append((line, description, unit, float(quantity), None))
    entry = PatternFill("solid", fgColor="FFF2CC")
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.fill = entry
            cell.number_format = "#,##0.00##"
            cell.protection = Protection(locked=False)
    for column, width in zip("ABCDE", (6, 60, 12, 18, 14), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    ws.protection.sheet = True  # only the unit price column is editable
    notes = wb.create_sheet("Instructions")
    notes.append([f"{s.number} — {s.title}"])
    notes.append(["Enter a unit price (US dollars, up to 4 decimals) for each line in column E, "
                  "leave it empty for a line you do not offer, and upload this file on the bid form."])
    notes.append(["Do not add, remove or reorder rows or columns."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(s: Solicitation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for line, description, unit, quantity, _ in template_rows(s):
        writer.writerow((line, description, unit, _number(quantity), ""))
    return out.getvalue()


def _rows_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("The CSV file is not UTF-8 text; save it as “CSV UTF-8” and upload it "
                          "again.", field="price_file") from None
    if "\x00" in text:
        raise DomainError("The CSV file contains binary data; upload the price sheet as CSV text.",
                          field="price_file")
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise DomainError(f"The CSV file cannot be read ({exc}).", field="price_file") from None


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise DomainError("The XLSX file cannot be read; it may be damaged or not an Excel "
                          "workbook.", field="price_file") from None
    try:
        ws = wb["Price sheet"] if "Price sheet" in wb.sheetnames else wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True, max_col=len(HEADERS) + 5):
            rows.append(["" if v is None else _cell_text(v) for v in row])
            if len(rows) > 10_000:
                raise DomainError("The XLSX file has too many rows for a price sheet.", field="price_file")
        return rows
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, TypeError, ValueError, OSError):
        # A damaged or hand-made sheet, e.g. a number cell holding text, fails while it is read.
        raise DomainError("The XLSX file cannot be read; it may be damaged or not an Excel "
                          "workbook.", field="price_file") from None
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        # Spreadsheets store 12.5 as a float; repr gives its shortest exact decimal form.
        if not math.isfinite(value):
            return repr(value)  # "inf", "nan": refused as not a number, by row
        return repr(value) if value != int(value) else str(int(value))
    return str(value)


def parse_price_file(s: Solicitation, filename: str, data: bytes) -> ParsedPrices:
    """Read a filled-in template. A wrong layout refuses the whole file; a bad row is reported by
    its row number and the good rows are kept."""
    name = (filename or "").strip()
    if "/" in name or "\\" in name:
        raise DomainError("The file name must be a plain name without folders (no / or \\).", field="price_file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        rows = _rows_from_csv(data)
    elif extension == "xlsx":
        if not data.startswith(b"PK"):
            raise DomainError(f"{name} does not contain what a .xlsx file should; it may be damaged "
                              "or renamed.", field="price_file")
        rows = _rows_from_xlsx(data)
    else:
        raise DomainError("Upload the price sheet as .xlsx or .csv, in the layout of the template.",
                          field="price_file")

    rows = [[cell.strip() for cell in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise DomainError(f"{name} is empty.", field="price_file")
    header = [cell for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    if [h.lower() for h in header] != [h.lower() for h in HEADERS]:
        found = ", ".join(header) or "nothing"
        raise DomainError(f"{name} does not have the template's columns. Expected: "
                          f"{', '.join(HEADERS)}; found: {found}. Download the template and use its layout.",
                          field="price_file")

    items = {item.position: item for item in s.items}
    result = ParsedPrices()
    seen: set[int] = set()
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        row = (row + [""] * len(HEADERS))[:len(HEADERS)]
        line_text = row[0].removesuffix(".0")
        if not line_text.isdigit() or int(line_text) not in items:
            result.errors.append(f"Row {row_number}: line “{row[0][:20]}” is not a line of this price sheet.")
            continue
        line = int(line_text)
        if line in seen:
            result.errors.append(f"Row {row_number}: line {line} appears twice.")
            continue
        seen.add(line)
        try:
            result.prices[items[line].id] = parse_unit_price(row[4])
        except ValueError as exc:
            result.errors.append(f"Row {row_number} (line {line}): {exc}.")
    missing = sorted(set(items) - seen)
    if missing:
        result.errors.append("Lines missing from the file: " + ", ".join(map(str, missing))
                             + " (their prices on the form are unchanged).")
    return result
