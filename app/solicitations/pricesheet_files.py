"""The price sheet as a file, one row per line in a fixed layout: the template (XLSX or CSV) that
vendors download and fill in with prices and that staff use to build the sheet, and the reading
of such a file back into rows of text. What the rows mean is up to the caller: unit prices for a
bid (app.bids.pricefiles), lines for a draft's price sheet (app.solicitations.drafting).
A file that cannot be read, has the wrong layout or is too long is refused as a whole, with a
DomainError on the caller's field. Text cells are written neutralised (app.core.spreadsheets), so a
line named "=HYPERLINK(…)" is not a formula in the vendor's spreadsheet, and read back as typed."""
from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection

from app.core.errors import DomainError
from app.core.spreadsheets import csv_writer, neutralised, read_xlsx_rows, text_rows
from app.solicitations.models import Solicitation

HEADERS = ("Line", "Description", "Unit", "Estimated quantity", "Unit price")
EXTENSIONS = ("xlsx", "csv")
# Rows read from one file at most (header included): beyond it the file is refused unread.
MAX_ROWS = 10_000
# Columns read from an XLSX (the template's and a few more, so that a shifted layout is named).
MAX_COLUMNS = len(HEADERS) + 5
# Lines one price sheet may have. The bid form carries a price field per line in one multipart
# request, which Flask limits to MAX_FORM_PARTS (1,000) parts.
MAX_LINES = 500


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


# ----------------------------------------------------------------------------- the template
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
        ws.append(neutralised((line, description, unit, float(quantity), None)))
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
    notes.append(neutralised([f"{s.number} — {s.title}"]))
    notes.append(["Enter a unit price (US dollars, up to 4 decimals) for each line in column E, "
                  "leave it empty for a line you do not offer, and upload this file on the bid form."])
    notes.append(["Do not add, remove or reorder rows or columns."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(s: Solicitation) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(HEADERS)
    for line, description, unit, quantity, _ in template_rows(s):
        writer.writerow((line, description, unit, _number(quantity), ""))
    return out.getvalue()


# ----------------------------------------------------------------------------- reading
def _too_many(kind: str, field: str) -> DomainError:
    return DomainError(f"The {kind} has too many rows for a price sheet (at most {MAX_ROWS - 1:,} lines).",
                       field=field)


def rows_from_text(text: str, *, field: str = "price_file", kind: str = "CSV file",
                   delimiter: str = ",") -> list[list[str]]:
    """CSV text (or tab-separated, as pasted from a spreadsheet) as rows of cells."""
    if "\x00" in text:
        raise DomainError(f"The {kind} contains binary data; upload the price sheet as CSV text.", field=field)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise _too_many(kind, field)
    except csv.Error as exc:
        raise DomainError(f"The {kind} cannot be read ({exc}).", field=field) from None
    return rows


def rows_from_csv(data: bytes, *, field: str = "price_file") -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("The CSV file is not UTF-8 text; save it as “CSV UTF-8” and upload it "
                          "again.", field=field) from None
    return rows_from_text(text, field=field)


def rows_from_xlsx(data: bytes, *, field: str = "price_file") -> list[list[str]]:
    rows = read_xlsx_rows(data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, what="price sheet",
                          sheet="Price sheet", field=field, too_many_rows=_too_many("XLSX file", field).message)
    return [["" if v is None else _cell_text(v) for v in row] for row in rows]


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        # Spreadsheets store 12.5 as a float; repr gives its shortest exact decimal form.
        if not math.isfinite(value):
            return repr(value)  # "inf", "nan": refused as not a number, by row
        return repr(value) if value != int(value) else str(int(value))
    return str(value)


def file_extension(filename: str | None, *, field: str = "price_file") -> str:
    """The extension of an uploaded price sheet (xlsx or csv), or a refusal naming the reason."""
    name = (filename or "").strip()
    if "/" in name or "\\" in name:
        raise DomainError("The file name must be a plain name without folders (no / or \\).", field=field)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise DomainError("Upload the price sheet as .xlsx or .csv, in the layout of the template.", field=field)
    return extension


def clean_rows(rows: list[list[str]]) -> list[list[str]]:
    """Cells stripped, trailing empty rows dropped."""
    rows = [[cell.strip() for cell in row] for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def is_template_header(row: list[str]) -> bool:
    header = list(row)
    while header and not header[-1]:
        header.pop()
    return [h.lower() for h in header] == [h.lower() for h in HEADERS]


def read_template(filename: str | None, data: bytes, *, field: str = "price_file") -> list[list[str]]:
    """The rows of a price sheet file in the template's layout, header included (row 1), cells
    stripped and trailing empty rows dropped. Refuses the whole file when it is not .xlsx or .csv,
    cannot be read, is empty, has too many rows or does not start with the template's header."""
    name = (filename or "").strip()
    if file_extension(name, field=field) == "csv":
        rows = rows_from_csv(data, field=field)
    else:
        if not data.startswith(b"PK"):
            raise DomainError(f"{name} does not contain what a .xlsx file should; it may be damaged "
                              "or renamed.", field=field)
        rows = rows_from_xlsx(data, field=field)
    rows = clean_rows(text_rows(rows))
    if not rows:
        raise DomainError(f"{name} is empty.", field=field)
    if not is_template_header(rows[0]):
        header = list(rows[0])
        while header and not header[-1]:
            header.pop()
        found = ", ".join(header) or "nothing"
        raise DomainError(f"{name} does not have the template's columns. Expected: "
                          f"{', '.join(HEADERS)}; found: {found}. Download the template and use its layout.",
                          field=field)
    return rows
