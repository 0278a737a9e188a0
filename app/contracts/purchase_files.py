"""Purchases as a CSV file: the layout an agency downloads as a template, and the import that
records every purchase order of the file that is right and reports every row that is not.

Layout (one row per item): po_number, ordered_on (YYYY-MM-DD), amount, line (of the contract's
price list), quantity, unit_price. The rows of one purchase order make one purchase: its date and
amount are given on its first row (later rows leave them empty or repeat them); line, quantity
and unit_price are empty for an order without items.

A purchase order is recorded whole or not at all: a bad row holds back the other rows of its order
(each reported, by line, with the reason), and every other order in the file is kept. Half an
order would be a wrong record that a later upload could not complete (its PO number is taken).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.accounts.models import User
from app.audit.services import record
from app.contracts.models import Contract, Purchase
from app.contracts.purchases import (ItemInput, can_record, parse_amount, parse_day, parse_price, parse_quantity,
                                     record_purchase)
from app.core.errors import DomainError, NotPermitted
from app.core.numbers import parse_id
from app.core.spreadsheets import csv_writer

CSV_HEADERS = ("po_number", "ordered_on", "amount", "line", "quantity", "unit_price")
MAX_CSV_ROWS = 5000
MAX_CSV_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class RowProblem:
    line: int  # the file's line number (the header is line 1)
    po_number: str
    reason: str


@dataclass
class ImportResult:
    imported: list[Purchase] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    po_number: str
    cells: dict[str, str]
    error: str | None = None
    item: ItemInput | None = None


def template_csv(contract: Contract) -> str:
    """The layout with one example order of two items (the first price-list lines)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    example = contract.lines[:2]
    if example:
        for index, line in enumerate(example):
            writer.writerow(("PO-1001", contract.effective_on.isoformat(), "" if index else "250.00",
                             line.position, "1", f"{line.unit_price:f}"))
    else:
        writer.writerow(("PO-1001", contract.effective_on.isoformat(), "250.00", "", "", ""))
    return out.getvalue()


def _read_csv(filename: str | None, data: bytes) -> list[tuple[int, list[str]]]:
    name = (filename or "").strip()
    if not name.lower().endswith(".csv"):
        raise DomainError("Upload the purchases as a .csv file in the layout of the template.", field="file")
    if not data.strip():
        raise DomainError(f"{name} is empty.", field="file")
    if len(data) > MAX_CSV_BYTES:
        raise DomainError(f"{name} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; split it into several files.",
                          field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("The file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.",
                          field="file") from None
    if "\x00" in text:
        raise DomainError("The file contains binary data; upload the purchases as CSV text.", field="file")
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [cell.strip() for cell in row]))
            if len(rows) > MAX_CSV_ROWS + 1:
                raise DomainError(f"The file has more than {MAX_CSV_ROWS} rows; split it into several files.",
                                  field="file")
    except csv.Error as exc:
        raise DomainError(f"The file cannot be read as CSV ({exc}).", field="file") from None
    header = [h.lower() for h in rows[0][1]] if rows else []
    while header and not header[-1]:
        header.pop()
    if tuple(header) != CSV_HEADERS:
        raise DomainError(f"{name} does not have the template's columns. Expected: {', '.join(CSV_HEADERS)}; found: "
                          f"{', '.join(header) or 'nothing'}. Download the template and use its layout.", field="file")
    return [(number, row) for number, row in rows[1:] if any(row)]


def _parse_row(number: int, cells: list[str]) -> _Row:
    values = dict(zip(CSV_HEADERS, (cells + [""] * len(CSV_HEADERS))[:len(CSV_HEADERS)], strict=True))
    row = _Row(number, values["po_number"], values)
    if not row.po_number:
        row.error = "the purchase order number is missing"
        return row
    item_cells = [values["line"], values["quantity"], values["unit_price"]]
    try:
        if values["ordered_on"]:
            parse_day(values["ordered_on"])
        if values["amount"]:
            parse_amount(values["amount"])
        if any(item_cells):
            if not all(item_cells):
                raise ValueError("give the price-list line, quantity and unit price together (or none of them)")
            line = parse_id(values["line"])
            if line is None:
                raise ValueError(f"the price-list line “{values['line'][:20]}” is not a line number")
            row.item = ItemInput(line, parse_quantity(values["quantity"]),
                                 parse_price(values["unit_price"]))
    except ValueError as exc:
        row.error = str(exc)
    return row


def _order_fields(rows: list[_Row]) -> tuple[date, Decimal]:
    """The order date and amount of one PO: given on its first row; later rows leave them empty
    or repeat them. ValueError names the row that disagrees or what is missing."""
    first = rows[0]
    for key, label in (("ordered_on", "order date"), ("amount", "amount")):
        if not first.cells[key]:
            raise ValueError(f"line {first.line}: the {label} is missing (give it on the order's first row)")
        for row in rows[1:]:
            if row.cells[key] and row.cells[key] != first.cells[key]:
                raise ValueError(f"line {row.line}: the {label} differs from line {first.line} of the same order")
    return parse_day(first.cells["ordered_on"]), parse_amount(first.cells["amount"])


def import_purchases_csv(user: User, contract: Contract, filename: str | None, data: bytes) -> ImportResult:
    """Record every purchase order of the file that is right; report every row that is not, by
    its line number, with the reason."""
    if not can_record(user, contract):
        raise NotPermitted("Only the buyers and administrators of an agency that joined this contract record "
                           "purchases against it.")
    orders: dict[str, list[_Row]] = {}
    result = ImportResult()
    for number, cells in _read_csv(filename, data):
        row = _parse_row(number, cells)
        if not row.po_number:
            result.problems.append(RowProblem(number, "", row.error or "the purchase order number is missing"))
            continue
        orders.setdefault(row.po_number, []).append(row)
    for po_number, rows in orders.items():
        bad = [r for r in rows if r.error]
        reason = None
        if not bad:
            try:
                ordered_on, amount = _order_fields(rows)
            except ValueError as exc:
                reason = str(exc)
            else:
                try:
                    recorded = record_purchase(user, contract, po_number=po_number, ordered_on=ordered_on,
                                               amount=amount, items=[r.item for r in rows if r.item is not None],
                                               source="csv")
                except DomainError as exc:
                    reason = exc.message
                else:
                    result.imported.append(recorded.purchase)
                    result.warnings.extend(recorded.warnings)
                    continue
        for row in rows:
            if row.error:
                result.problems.append(RowProblem(row.line, po_number, row.error))
            elif bad:
                lines = ", ".join(str(b.line) for b in bad)
                result.problems.append(RowProblem(row.line, po_number, f"not imported: line {lines} of the same "
                                                                       "purchase order was refused"))
            else:
                result.problems.append(RowProblem(row.line, po_number, reason or "refused"))
    result.problems.sort(key=lambda p: p.line)
    if result.imported or result.problems:
        record("purchase.imported", actor=user, obj=contract,
               data={"contract": contract.number, "filename": (filename or "")[:200],
                     "imported": [p.po_number for p in result.imported],
                     "refused_lines": [p.line for p in result.problems]})
    return result
