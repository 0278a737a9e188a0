"""Drafting faster: a new draft copied from an earlier solicitation, and many price-sheet lines
added at once from the price-sheet template (XLSX or CSV) or from pasted text. Callers commit."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.accounts.models import User
from app.audit.services import record
from app.core.errors import DomainError, NotPermitted
from app.core.files import CheckedUpload
from app.core.numbers import NumberError, read_decimal
from app.core.storage import save_with_transaction
from app.extensions import db
from app.solicitations.forms import MAX_QUANTITY
from app.solicitations.models import (
    EvaluationCriterion,
    PriceSheetItem,
    Solicitation,
    SolicitationDocument,
    SolicitationStatus,
)
from app.solicitations.pricesheet_files import HEADERS, MAX_LINES, clean_rows, is_template_header, rows_from_text
from app.solicitations.services import DRAFT_FIELDS, _replace_positioned, next_number

# What a copy does not take: dates belong to the new round, and so do notices, addenda, questions,
# bids, approvals, demand invitations and status stamps (none of them is a draft field).
DATE_FIELDS = ("publish_at", "questions_due_at", "prebid_conference_at", "due_at")
COPIED_FIELDS = tuple(name for name in DRAFT_FIELDS if name not in DATE_FIELDS and name != "title")
TYPED_COLUMNS = ("Description", "Unit", "Estimated quantity")


# ----------------------------------------------------------------------------- copying
def copy_title(title: str) -> str:
    return f"Copy of {title}"[:200]


def copy_solicitation(actor: User, source: Solicitation) -> Solicitation:
    """A new draft of the same agency and type with the source's content (see COPIED_FIELDS,
    criteria, price sheet and categories) and a new number; whatever the source's status."""
    if not source.can_manage(actor):
        raise NotPermitted("Only the agency's procurement officers can copy its solicitations.")
    values: dict[str, Any] = {}
    for name in COPIED_FIELDS:
        value = getattr(source, name)
        values[name] = list(value) if isinstance(value, list) else value  # JSON lists: not shared
    copy = Solicitation(
        agency=source.agency, number=next_number(source.agency, source.type), type=source.type,
        title=copy_title(source.title), created_by=actor, status=SolicitationStatus.DRAFT, **values,
        categories=list(source.categories),
        criteria=[EvaluationCriterion(position=c.position, name=c.name, description=c.description,
                                      points=c.points, is_price=c.is_price, price_formula=c.price_formula)
                  for c in source.criteria],
        items=[PriceSheetItem(position=i.position, description=i.description, unit=i.unit,
                              estimated_quantity=i.estimated_quantity) for i in source.items],
    )
    db.session.add(copy)
    db.session.flush()
    record("solicitation.created", actor=actor, obj=copy,
           data={"number": copy.number, "type": copy.type.value, "title": copy.title,
                 "copied_from": source.number})
    return copy


# ----------------------------------------------------------------------------- many lines at once
@dataclass
class ParsedLines:
    lines: list[dict[str, Any]] = field(default_factory=list)  # description, unit, estimated_quantity
    errors: list[str] = field(default_factory=list)


def _quantity(text: str) -> Decimal:
    try:
        return read_decimal(text, minimum=Decimal("0.001"), maximum=MAX_QUANTITY, places=3,
                            what="estimated quantity", example="250")
    except NumberError as refused:
        if refused.kind == "format":
            raise ValueError(f"the estimated quantity “{text.strip()[:20]}” is not a number; enter one like 250") \
                from None
        if refused.kind == "high":
            raise ValueError(f"the estimated quantity may be at most {MAX_QUANTITY:,}") from None
        raise ValueError({"missing": "the estimated quantity is missing",
                          "places": "use at most three decimal places in the estimated quantity"}
                         .get(refused.kind, str(refused))) from None


def _line(description: str, unit: str, quantity: str) -> dict[str, Any]:
    if not description:
        raise ValueError("the description is missing")
    if len(description) > 300:
        raise ValueError("the description is longer than 300 characters")
    if not unit:
        raise ValueError("the unit is missing")
    if len(unit) > 40:
        raise ValueError("the unit is longer than 40 characters")
    return {"description": description, "unit": unit, "estimated_quantity": _quantity(quantity)}


def parse_template_rows(rows: list[list[str]]) -> ParsedLines:
    """Rows of the price-sheet template, header first (as pricesheet_files.read_template gives
    them). The line numbers and unit prices in the file are ignored: lines are numbered in the
    order of the rows."""
    result = ParsedLines()
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        _, description, unit, quantity, _ = (row + [""] * len(HEADERS))[:len(HEADERS)]
        try:
            result.lines.append(_line(description, unit, quantity))
        except ValueError as exc:
            result.errors.append(f"Row {number}: {exc}.")
    return result


def parse_typed_lines(text: str) -> ParsedLines:
    """Typed or pasted lines: description, unit and estimated quantity on each, separated by tabs
    (pasted from a spreadsheet) or commas (a description holding commas in double quotes). A first
    line naming the columns is skipped; text starting with the template's header is read as the
    template."""
    delimiter = "\t" if "\t" in text else ","
    rows = clean_rows(rows_from_text(text, field="lines", kind="text", delimiter=delimiter))
    if rows and is_template_header(rows[0]):
        return parse_template_rows(rows)
    result = ParsedLines()
    for number, row in enumerate(rows, start=1):
        while row and not row[-1]:
            row = row[:-1]
        if not row:
            continue
        if number == 1 and [c.lower() for c in row] == [c.lower() for c in TYPED_COLUMNS]:
            continue
        if len(row) != len(TYPED_COLUMNS):
            hint = (" Put a description that contains commas in double quotes, or paste the lines from a "
                    "spreadsheet." if delimiter == "," and len(row) > len(TYPED_COLUMNS) else "")
            result.errors.append(f"Line {number}: expected 3 values (description, unit, estimated quantity) "
                                 f"and found {len(row)}.{hint}")
            continue
        try:
            result.lines.append(_line(*row))
        except ValueError as exc:
            result.errors.append(f"Line {number}: {exc}.")
    return result


def add_document(actor: User, solicitation: Solicitation, upload: CheckedUpload, title: str) -> SolicitationDocument:
    """Attach a checked file before publication (afterwards documents come with an addendum). The
    file is written with the transaction: a rollback or a crash leaves no file without its row."""
    if not solicitation.can_manage(actor):
        raise NotPermitted("Only the agency's procurement officers add documents.")
    stored = save_with_transaction(db.session, upload.data)
    document = SolicitationDocument(solicitation=solicitation, title=title or upload.filename,
                                    filename=upload.filename, content_type=upload.content_type,
                                    size=stored.size, sha256=stored.sha256, storage_key=stored.key,
                                    uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    record("document.uploaded", actor=actor, obj=document, organization_id=solicitation.agency_id,
           data={"solicitation": solicitation.number, "filename": document.filename, "sha256": document.sha256})
    return document


def add_price_sheet_lines(actor: User, solicitation: Solicitation, lines: list[dict[str, Any]], *,
                          replace: bool = False, field: str = "lines", source: str = "text") -> int:
    """Add `lines` after the draft's current lines, or put them in their place (`replace`). All
    or nothing: the caller passes only lines that were all valid. Returns the new line count."""
    if not solicitation.can_edit(actor):
        raise NotPermitted("Only a draft's price sheet can be changed, by its agency's procurement officers.")
    if not lines:
        raise DomainError("There are no lines to add.", field=field)
    kept = [] if replace else list(solicitation.items)
    total = len(kept) + len(lines)
    if total > MAX_LINES:
        raise DomainError(f"A price sheet may have at most {MAX_LINES} lines; this would make "
                          f"{total}.", field=field)
    if replace:
        _replace_positioned(solicitation.items, lines, PriceSheetItem)
    else:
        for position, values in enumerate(lines, start=len(kept) + 1):
            solicitation.items.append(PriceSheetItem(position=position, **values))
    db.session.flush()
    record("solicitation.price_sheet_imported", actor=actor, obj=solicitation,
           data={"number": solicitation.number, "added": len(lines), "replaced": replace,
                 "lines": total, "source": source})
    return total
