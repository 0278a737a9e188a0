"""Bad input on the bid form, through the real pages (multipart POST as a signed-in vendor).

Acceptance: wrong CSV/XLSX layout, negative or non-numeric prices, oversized files, a file whose
content does not match its extension, a file name with path separators — each is refused with a
message naming the problem, beside its field and in the error summary; the typed value stays in
its input; nothing invalid is stored; and what was valid in the same request IS saved into the
sealed draft (checked by reloading the form and with drafts.read_draft)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core import clock
from app.extensions import db
from tests.bids.conftest import make_pdf
from tests.conftest import login

NOTES = "Delivery in 10 days from the order"
HEADERS = ("Line", "Description", "Unit", "Estimated quantity", "Unit price")
MB = 1024 * 1024


# ----------------------------------------------------------------------------- page helpers
def _text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def field_error(page: str, field_id: str) -> str:
    """The text of the error element tied to a field (id="<field>-error")."""
    match = re.search(rf'<div id="{re.escape(field_id)}-error" class="invalid-feedback d-block">(.*?)</div>',
                      page, re.S)
    assert match, f"no error element for {field_id}"
    return _text(match.group(1))


def has_field_error(page: str, field_id: str) -> bool:
    return f'id="{field_id}-error"' in page


def summary_errors(page: str) -> list[tuple[str, str]]:
    """(field id, message) for each entry of the error summary at the top of the form."""
    match = re.search(r'<div class="alert alert-danger" role="alert" tabindex="-1" id="error-summary">(.*?)</div>',
                      page, re.S)
    assert match, "no error summary"
    return [(field_id, _text(message)) for field_id, message in
            re.findall(r'<li><a href="#([^"]+)" class="alert-link">.*?</a>:(.*?)</li>', match.group(1), re.S)]


def assert_refused(page: str, field_id: str, *fragments: str) -> None:
    """Every fragment is in the field's own error element and in the summary entry for it."""
    beside = field_error(page, field_id)
    summary = " ".join(message for fid, message in summary_errors(page) if fid == field_id)
    for fragment in fragments:
        assert fragment in beside, (fragment, beside)
        assert fragment in summary, (fragment, summary)
    control = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in control and "is-invalid" in control, control
    assert f"{field_id}-error" in control  # aria-describedby points at the message


def input_value(page: str, field_id: str) -> str:
    control = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    assert control, f"no input {field_id}"
    value = re.search(r'\bvalue="([^"]*)"', control.group(0))
    return unescape(value.group(1)) if value else ""


def textarea_value(page: str, field_id: str) -> str:
    match = re.search(rf'<textarea[^>]*\bid="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {field_id}"
    return unescape(match.group(1)).strip()


def flashes(page: str) -> str:
    return " ".join(_text(m) for m in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', page, re.S))


def wire_name(name: str) -> str:
    """The file name as a client that escapes backslashes (RFC 7578 quoted-string) sends it;
    Werkzeug's test client writes names raw and its parser drops a lone backslash."""
    return name.replace("\\", "\\\\")


# ----------------------------------------------------------------------------- state helpers
@dataclass(frozen=True)
class State:
    prices: dict[int, Decimal | None]  # line -> unit price in the sealed draft
    notes: str
    attestations: dict[str, bool]
    documents: dict[str, tuple[str, bytes]]  # requirement -> (filename, plain content), working set
    document_rows: int
    versions: int
    status: str | None
    draft_updated_at: object


def draft_state(app, bidding, vendor) -> State:
    from app.bids import drafts, receipts
    from app.bids.models import BidDocument
    from app.solicitations.models import Solicitation

    with app.app_context():
        s = db.session.get(Solicitation, bidding.id)
        bid = drafts.find_bid(vendor.organization_id, s)
        draft = drafts.read_draft(bid)
        documents = {d.requirement: (d.filename, receipts.read_document(d))
                     for d in bid.working_documents} if bid else {}
        rows = db.session.scalar(select(func.count(BidDocument.id))) or 0
        return State(prices={line: draft.prices.get(item_id) for line, item_id in bidding.item_ids.items()},
                     notes=draft.notes, attestations=dict(draft.attestations), documents=documents,
                     document_rows=rows, versions=len(bid.versions) if bid else 0,
                     status=bid.status.value if bid else None,
                     draft_updated_at=bid.draft_updated_at if bid else None)


def version_count(app) -> int:
    from app.bids.models import BidVersion

    with app.app_context():
        return db.session.scalar(select(func.count(BidVersion.id))) or 0


def stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()}


def form_url(bidding) -> str:
    return f"/solicitations/{bidding.number}/bid"


def price_id(bidding, line: int) -> str:
    return f"price_{bidding.item_ids[line]}"


def reload_form(client, bidding) -> str:
    response = client.get(form_url(bidding))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def bidder(client, vendor):
    login(client, vendor)
    return vendor


# ----------------------------------------------------------------------------- price files
def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Price sheet"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_with_raw_price(raw: str) -> bytes:
    """A template-shaped workbook whose E2 cell holds `raw` as its stored number, as a
    hand-made or damaged file may."""
    data = xlsx_bytes([HEADERS, (1, "Copy paper", "case", 1200, 424242.5), (2, "Toner", "each", 300, 80)])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>424242.5</v>" in content
                content = content.replace(b"<v>424242.5</v>", f"<v>{raw}</v>".encode())
            target.writestr(info, content)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<x/>")
    return out.getvalue()


WHOLE_FILE_REFUSALS = {
    "csv-wrong-headers": (csv_bytes([("Item", "Price"), (1, "10.00"), (2, "80")]), "prices.csv",
                          ["prices.csv does not have the template's columns",
                           "Expected: Line, Description, Unit, Estimated quantity, Unit price; found: Item, Price"]),
    "csv-missing-price-column": (csv_bytes([HEADERS[:4], (1, "a", "case", 1200)]), "prices.csv",
                                 ["does not have the template's columns",
                                  "found: Line, Description, Unit, Estimated quantity"]),
    "xlsx-wrong-headers": (xlsx_bytes([("Line", "Item", "Price"), (1, "Copy paper", 10)]), "prices.xlsx",
                           ["prices.xlsx does not have the template's columns", "found: Line, Item, Price"]),
    "xlsx-headers-not-first-row": (xlsx_bytes([("My price sheet",), HEADERS, (1, "a", "case", 1200, 10)]),
                                   "prices.xlsx", ["does not have the template's columns",
                                                   "found: My price sheet"]),
    "csv-named-xlsx": (csv_bytes([HEADERS, (1, "a", "case", 1200, "10")]), "prices.xlsx",
                       ["prices.xlsx does not contain what a .xlsx file should"]),
    "xlsx-not-a-zip": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "prices.xlsx",
                       ["prices.xlsx does not contain what a .xlsx file should"]),
    "xlsx-damaged-zip": (b"PK\x03\x04" + b"\x00garbage" * 50, "prices.xlsx",
                         ["The XLSX file cannot be read"]),
    "xlsx-is-a-docx": (_docx(), "prices.xlsx", ["The XLSX file cannot be read"]),
    "xlsx-named-csv": (xlsx_bytes([HEADERS, (1, "a", "case", 1200, 10)]), "prices.csv",
                       ["not UTF-8 text"]),
    "csv-not-utf8": ("Line,Description,Unit,Estimated quantity,Unit price\n1,Café crème,case,1200,10\n"
                     .encode("latin-1"), "prices.csv", ["The CSV file is not UTF-8 text", "CSV UTF-8"]),
    "csv-binary": (b"Line,Description\x00,Unit\n", "prices.csv", ["The CSV file contains binary data"]),
    "csv-empty": (b"", "prices.csv", ["prices.csv is empty"]),
    "csv-blank-lines": (b"\n\n,,,\n", "prices.csv", ["prices.csv is empty"]),
    "wrong-type": (b"Line\tUnit price\n1\t10\n", "prices.txt", ["Upload the price sheet as .xlsx or .csv"]),
    "path-in-name": (csv_bytes([HEADERS, (1, "a", "case", 1200, "10")]), "../../tmp/prices.csv",
                     ["The file name must be a plain name without folders"]),
    "backslash-in-name": (csv_bytes([HEADERS, (1, "a", "case", 1200, "10")]), wire_name("C:\\bids\\prices.csv"),
                          ["The file name must be a plain name without folders"]),
}


@pytest.mark.parametrize("case", list(WHOLE_FILE_REFUSALS))
def test_price_file_refused_whole_typed_prices_notes_and_documents_saved(app, client, bidding, bidder, post_bid,
                                                                        files, case):
    content, filename, messages = WHOLE_FILE_REFUSALS[case]
    before = stored_files(app)
    response = post_bid(client, prices={1: "12.50", 2: "80"}, notes=NOTES, price_file=(content, filename),
                        documents={0: (files["pdf"], "w9.pdf")})
    assert response.status_code == 422, response.get_data(as_text=True)[:400]
    page = response.get_data(as_text=True)
    assert_refused(page, "price_file", *messages)
    assert "Saved what was valid" in flashes(page)
    # The typed prices stay in their inputs, without errors of their own.
    assert input_value(page, price_id(bidding, 1)) == "12.50"
    assert input_value(page, price_id(bidding, 2)) == "80.00"
    assert not has_field_error(page, price_id(bidding, 1))

    state = draft_state(app, bidding, bidder)
    assert state.prices == {1: Decimal("12.50"), 2: Decimal("80")}
    assert state.notes == NOTES
    assert state.documents == {"w9": ("w9.pdf", files["pdf"])}
    assert state.versions == 0 and state.status == "draft"
    assert len(stored_files(app) - before) == 1  # the W-9 only: a price file is never stored

    again = reload_form(client, bidding)
    assert input_value(again, price_id(bidding, 1)) == "12.50"
    assert input_value(again, price_id(bidding, 2)) == "80.00"
    assert textarea_value(again, "notes") == NOTES
    assert ">w9.pdf</a>" in again
    assert not has_field_error(again, "price_file")


def test_price_file_bad_rows_reported_by_row_good_rows_applied(app, client, bidding, bidder, post_bid, files):
    content = csv_bytes([HEADERS,
                         (1, "Copy paper", "case", "1200", "$1,234.50"),
                         (2, "Toner", "each", "300", "abc")])
    response = post_bid(client, prices={1: "5", 2: "80"}, notes=NOTES, price_file=(content, "prices.csv"),
                        documents={0: (files["pdf"], "w9.pdf")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert_refused(page, "price_file", "Row 3 (line 2): “abc” is not a number")
    assert "Row 2" not in field_error(page, "price_file")
    # The good row replaced what was typed for line 1; line 2 keeps its typed (valid) price.
    assert input_value(page, price_id(bidding, 1)) == "1234.50"
    assert input_value(page, price_id(bidding, 2)) == "80.00"

    state = draft_state(app, bidding, bidder)
    assert state.prices == {1: Decimal("1234.50"), 2: Decimal("80")}
    assert state.notes == NOTES and set(state.documents) == {"w9"}
    again = reload_form(client, bidding)
    assert input_value(again, price_id(bidding, 1)) == "1234.50"
    assert input_value(again, price_id(bidding, 2)) == "80.00"


@pytest.mark.parametrize("bad, message", [
    ("-3", "Row 3 (line 2): a price cannot be negative"),
    ("12..5", "Row 3 (line 2): “12..5” is not a number"),
    ("NaN", "Row 3 (line 2): “NaN” is not a number"),
    ("1.23456", "Row 3 (line 2): use at most 4 decimal places"),
    ("1e400", "Row 3 (line 2): “1e400” is not a number"),  # exponents are not typed prices
])
def test_price_file_bad_price_in_row(app, client, bidding, bidder, post_bid, bad, message):
    content = csv_bytes([HEADERS, (1, "Copy paper", "case", "1200", "12.5"), (2, "Toner", "each", "300", bad)])
    response = post_bid(client, notes=NOTES, price_file=(content, "prices.csv"))
    assert response.status_code == 422
    assert_refused(response.get_data(as_text=True), "price_file", message)
    assert draft_state(app, bidding, bidder).prices == {1: Decimal("12.5"), 2: None}


def test_price_file_unknown_and_duplicate_lines(app, client, bidding, bidder, post_bid):
    content = csv_bytes([HEADERS,
                         (1, "Copy paper", "case", "1200", "12.50"),
                         (1, "Copy paper again", "case", "1200", "11.00"),
                         (9, "Not ours", "each", "1", "5"),
                         ("two", "Toner", "each", "300", "7"),
                         (2, "Toner", "each", "300", "80")])
    response = post_bid(client, notes=NOTES, price_file=(content, "prices.csv"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert_refused(page, "price_file",
                   "Row 3: line 1 appears twice.",
                   "Row 4: line “9” is not a line of this price sheet.",
                   "Row 5: line “two” is not a line of this price sheet.")
    state = draft_state(app, bidding, bidder)
    assert state.prices == {1: Decimal("12.50"), 2: Decimal("80")}  # the duplicate did not win
    assert state.notes == NOTES
    assert input_value(page, price_id(bidding, 1)) == "12.50"


def test_price_file_missing_lines_leave_form_prices_unchanged(app, client, bidding, bidder, post_bid):
    content = csv_bytes([HEADERS, (1, "Copy paper", "case", "1200", "12.50")])
    response = post_bid(client, prices={2: "80"}, price_file=(content, "prices.csv"))
    assert response.status_code == 422
    assert_refused(response.get_data(as_text=True), "price_file", "Lines missing from the file: 2")
    assert draft_state(app, bidding, bidder).prices == {1: Decimal("12.50"), 2: Decimal("80")}


@pytest.mark.parametrize("raw, message", [
    ("1E400", "Row 2 (line 1)"),          # a float overflow: infinity
    ("NaN", None),                         # not a number at all
    ("abc", None),
])
def test_price_xlsx_with_damaged_number_cell(app, client, bidding, bidder, post_bid, raw, message):
    response = post_bid(client, prices={2: "80"}, notes=NOTES, price_file=(xlsx_with_raw_price(raw), "prices.xlsx"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = field_error(page, "price_file")
    assert (message or "") in text
    assert "Row 2 (line 1)" in text or "cannot be read" in text, text
    state = draft_state(app, bidding, bidder)
    assert state.prices[1] is None and state.prices[2] == Decimal("80") and state.notes == NOTES


def test_price_file_too_large(app, client, bidding, bidder, post_bid):
    big = csv_bytes([HEADERS]) + b"#" * (2 * MB + 10)
    response = post_bid(client, prices={1: "12.50"}, notes=NOTES, price_file=(big, "prices.csv"))
    assert response.status_code == 422
    assert_refused(response.get_data(as_text=True), "price_file", "prices.csv is too large")
    state = draft_state(app, bidding, bidder)
    assert state.prices == {1: Decimal("12.50"), 2: None} and state.notes == NOTES


# ----------------------------------------------------------------------------- typed prices
@pytest.mark.parametrize("typed, message", [
    ("-5", "A price cannot be negative."),
    ("-0.01", "A price cannot be negative."),
    ("abc", "“abc” is not a number; enter a price like 1234.50."),
    ("12..5", "“12..5” is not a number"),
    ("12,50.3.1", "is not a number"),
    ("1e400", "“1e400” is not a number"),
    ("1000000000", "The price is too large."),
    ("NaN", "“NaN” is not a number"),
    ("Infinity", "“Infinity” is not a number"),
    ("-Infinity", "“-Infinity” is not a number"),
    ("12.34567", "Use at most 4 decimal places."),
    ("0.00001", "Use at most 4 decimal places."),
])
def test_invalid_typed_price_refused_rest_saved(app, client, bidding, bidder, post_bid, files, typed, message):
    before = stored_files(app)
    response = post_bid(client, prices={1: typed, 2: "80"}, notes=NOTES, documents={0: (files["pdf"], "w9.pdf")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert_refused(page, price_id(bidding, 1), message)
    assert input_value(page, price_id(bidding, 1)) == typed  # what was typed stays, to correct it
    assert input_value(page, price_id(bidding, 2)) == "80.00"
    assert not has_field_error(page, price_id(bidding, 2))

    state = draft_state(app, bidding, bidder)
    assert state.prices == {1: None, 2: Decimal("80")}
    assert state.notes == NOTES
    assert state.attestations == {"non_collusion": True, "not_debarred": True}
    assert state.documents == {"w9": ("w9.pdf", files["pdf"])}
    assert len(stored_files(app) - before) == 1

    again = reload_form(client, bidding)
    assert input_value(again, price_id(bidding, 1)) == ""
    assert input_value(again, price_id(bidding, 2)) == "80.00"
    assert textarea_value(again, "notes") == NOTES
    assert ">w9.pdf</a>" in again


def test_invalid_typed_price_keeps_the_earlier_valid_one(app, client, bidding, bidder, post_bid):
    assert post_bid(client, prices={1: "10", 2: "20"}).status_code == 302
    response = post_bid(client, prices={1: "ten dollars", 2: "21"}, notes=NOTES)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert_refused(page, price_id(bidding, 1), "“ten dollars” is not a number")
    assert input_value(page, price_id(bidding, 1)) == "ten dollars"
    assert draft_state(app, bidding, bidder).prices == {1: Decimal("10"), 2: Decimal("21")}
    assert input_value(reload_form(client, bidding), price_id(bidding, 1)) == "10.00"


def test_notes_too_long_not_stored(app, client, bidding, bidder, post_bid):
    assert post_bid(client, prices={1: "10"}, notes="First notes").status_code == 302
    long_notes = "x" * 5001
    response = post_bid(client, prices={1: "11"}, notes=long_notes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "5000" in field_error(page, "notes")
    assert any(fid == "notes" for fid, _ in summary_errors(page))
    assert textarea_value(page, "notes") == long_notes
    state = draft_state(app, bidding, bidder)
    assert state.notes == "First notes" and state.prices[1] == Decimal("11")


# ----------------------------------------------------------------------------- documents
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOCUMENT_REFUSALS = {
    "oversized": (make_pdf() + b"%" * (2 * MB), "w9.pdf", ["w9.pdf is too large", "the limit is 2 MB"]),
    "pdf-is-png": (PNG, "w9.pdf", ["w9.pdf does not contain what a .pdf file should"]),
    "pdf-is-text": (b"Just some text, not a PDF\n", "w9.pdf", ["w9.pdf does not contain what a .pdf file should"]),
    "png-is-pdf": (make_pdf(), "w9.png", ["w9.png does not contain what a .png file should"]),
    "docx-is-zip-of-other": (b"PK\x03\x04" + b"\x00" * 40, "w9.docx",
                             ["w9.docx does not contain what a .docx file should"]),
    "exe": (b"MZ\x90\x00" + b"\x00" * 60, "w9.exe", ["w9.exe: this type of file is not accepted",
                                                     "DOCX, JPEG, JPG, PDF, PNG, XLSX"]),
    "html": (b"<html><script>alert(1)</script></html>", "w9.html", ["w9.html: this type of file is not accepted"]),
    "no-extension": (make_pdf(), "w9", ["this type of file is not accepted"]),
    "double-extension": (b"MZ\x90\x00", "w9.pdf.exe", ["w9.pdf.exe: this type of file is not accepted"]),
    "dot-dot-slash": (make_pdf(), "../../etc/passwd.pdf", ["The file name must be a plain name without folders"]),
    "absolute-path": (make_pdf(), "/etc/w9.pdf", ["The file name must be a plain name without folders"]),
    "backslash": (make_pdf(), wire_name("a\\b.pdf"), ["The file name must be a plain name without folders"]),
    "windows-path": (make_pdf(), wire_name("..\\..\\w9.pdf"), ["The file name must be a plain name without folders"]),
    "empty": (b"", "w9.pdf", ["w9.pdf is empty"]),
}


@pytest.mark.parametrize("case", list(DOCUMENT_REFUSALS))
def test_bad_document_refused_rest_saved(app, client, bidding, bidder, post_bid, files, case):
    content, filename, messages = DOCUMENT_REFUSALS[case]
    before = stored_files(app)
    response = post_bid(client, prices={1: "12.50", 2: "80"}, notes=NOTES,
                        documents={0: (content, filename), 1: (files["pdf"], "bond.pdf")})
    assert response.status_code == 422, response.get_data(as_text=True)[:400]
    page = response.get_data(as_text=True)
    assert_refused(page, "document_0", *messages)
    assert not has_field_error(page, "document_1")
    assert input_value(page, price_id(bidding, 1)) == "12.50"

    state = draft_state(app, bidding, bidder)
    assert state.documents == {"bid_bond": ("bond.pdf", files["pdf"])}  # the valid file only
    assert state.document_rows == 1
    assert len(stored_files(app) - before) == 1
    assert state.prices == {1: Decimal("12.50"), 2: Decimal("80")} and state.notes == NOTES

    again = reload_form(client, bidding)
    assert ">bond.pdf</a>" in again and filename not in again
    assert input_value(again, price_id(bidding, 2)) == "80.00"
    assert textarea_value(again, "notes") == NOTES


def test_oversized_document_message_gives_real_size(app, client, bidding, bidder, post_bid):
    response = post_bid(client, documents={0: (make_pdf() + b"%" * (3 * MB), "w9.pdf")})
    assert response.status_code == 422
    assert_refused(response.get_data(as_text=True), "document_0", "w9.pdf is too large (3 MB); the limit is 2 MB.")


def test_document_just_under_limit_accepted(app, client, bidding, bidder, post_bid):
    content = make_pdf() + b"%" * (2 * MB - len(make_pdf()))
    assert len(content) == 2 * MB
    assert post_bid(client, documents={0: (content, "w9.pdf")}).status_code == 302
    assert draft_state(app, bidding, bidder).documents["w9"][1] == content


def test_bad_replacement_keeps_earlier_document(app, client, bidding, bidder, post_bid, files):
    assert post_bid(client, documents={0: (files["pdf"], "w9.pdf")}).status_code == 302
    response = post_bid(client, documents={0: (PNG, "new-w9.pdf")})
    assert response.status_code == 422
    assert draft_state(app, bidding, bidder).documents == {"w9": ("w9.pdf", files["pdf"])}
    assert ">w9.pdf</a>" in reload_form(client, bidding)


# ----------------------------------------------------------------------------- submitting
def test_submit_with_invalid_fields_saves_valid_parts_but_does_not_submit(app, client, bidding, bidder,
                                                                          post_bid, files):
    before = stored_files(app)
    response = post_bid(client, prices={1: "abc", 2: "80"}, notes=NOTES, action="submit",
                        documents={0: (files["pdf"], "w9.pdf"), 1: (PNG, "bond.pdf")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "the bid was not submitted" in flashes(page)
    assert_refused(page, price_id(bidding, 1), "“abc” is not a number")
    assert_refused(page, "document_1", "bond.pdf does not contain what a .pdf file should")
    assert input_value(page, price_id(bidding, 1)) == "abc"
    assert version_count(app) == 0
    state = draft_state(app, bidding, bidder)
    assert state.status == "draft" and state.versions == 0
    assert state.prices == {1: None, 2: Decimal("80")} and state.notes == NOTES
    assert set(state.documents) == {"w9"} and len(stored_files(app) - before) == 1


def test_submit_without_attestations_refused_naming_them(app, client, bidding, bidder, post_bid, files):
    before = stored_files(app)
    response = post_bid(client, prices={1: "12.50", 2: "80"}, notes=NOTES, attest=False, action="submit",
                        documents={0: (files["pdf"], "w9.pdf")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    message = flashes(page)
    assert "The bid cannot be submitted yet" in message
    assert "Confirm the attestation: non-collusion." in message
    assert "Confirm the attestation: not debarred." in message
    assert "Your draft is saved." in message
    assert version_count(app) == 0
    state = draft_state(app, bidding, bidder)
    assert state.status == "draft"
    assert state.prices == {1: Decimal("12.50"), 2: Decimal("80")} and state.notes == NOTES
    assert state.attestations == {"non_collusion": False, "not_debarred": False}
    assert state.documents == {"w9": ("w9.pdf", files["pdf"])} and state.document_rows == 1
    assert len(stored_files(app) - before) == 1  # the rolled-back attempt left no stray file
    assert input_value(page, price_id(bidding, 1)) == "12.50" and ">w9.pdf</a>" in page


def test_submit_with_one_attestation_names_the_other(app, client, bidding, bidder, post_bid):
    response = client.submit(form_url(bidding), {price_id(bidding, 1): "12.50", "attest_non_collusion": "y",
                                                 "submit": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302
    message = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Confirm the attestation: not debarred." in message
    assert "non-collusion" not in message
    assert version_count(app) == 0
    assert draft_state(app, bidding, bidder).attestations == {"non_collusion": True, "not_debarred": False}


def _issue_addendum(app, bidding, title="Revised delivery schedule"):
    from app.accounts.models import User
    from app.solicitations.models import Solicitation
    from app.solicitations.services import issue_addendum

    with app.test_request_context():
        s = db.session.get(Solicitation, bidding.id)
        officer = db.session.get(User, bidding.agency.officer.id)
        addendum = issue_addendum(officer, s, title=title, body_md="Deliveries move to Mondays.")
        db.session.commit()
        return addendum.number


def test_submit_with_unacknowledged_addendum_refused_naming_it(app, client, bidding, bidder, post_bid, files):
    number = _issue_addendum(app, bidding)
    response = post_bid(client, prices={1: "12.50", 2: "80"}, notes=NOTES, action="submit",
                        documents={0: (files["pdf"], "w9.pdf")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Acknowledge addendum {number} (Revised delivery schedule)." in flashes(page)
    assert "Your draft is saved." in flashes(page)
    assert version_count(app) == 0
    state = draft_state(app, bidding, bidder)
    assert state.status == "draft" and state.prices == {1: Decimal("12.50"), 2: Decimal("80")}
    assert set(state.documents) == {"w9"}

    # Acknowledging it on the form lets the same bid through.
    response = post_bid(client, prices={1: "12.50", 2: "80"}, notes=NOTES, action="submit", acknowledge=(number,))
    assert response.status_code == 302 and "/bids/receipts/" in response.headers["Location"]
    assert version_count(app) == 1


@pytest.mark.parametrize("action", ["save", "submit"])
def test_late_post_refused_nothing_stored(app, client, bidding, bidder, post_bid, files, audit_events, action):
    assert post_bid(client, prices={1: "10", 2: "20"}, notes="On time",
                    documents={0: (files["pdf"], "w9.pdf")}).status_code == 302
    before = draft_state(app, bidding, bidder)
    files_before = stored_files(app)

    clock.freeze(bidding.due_at + timedelta(seconds=1))
    response = post_bid(client, prices={1: "9", 2: "abc"}, notes="Too late", action=action,
                        documents={0: (make_pdf("late"), "late-w9.pdf"), 1: (files["pdf"], "bond.pdf")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Late bids are not accepted; nothing was saved or submitted." in flashes(page)
    assert f"Bids for {bidding.number} closed at" in flashes(page)

    after = draft_state(app, bidding, bidder)
    assert after == before  # same prices, notes, documents, versions and draft_updated_at
    assert version_count(app) == 0
    assert stored_files(app) == files_before
    refusals = [e for e in audit_events(bidding.id) if e.action == "bid.refused_late"]
    assert len(refusals) == 1
    assert refusals[0].actor_id == bidder.id and refusals[0].data["attempted"] == action
    assert refusals[0].data["solicitation"] == bidding.number


def test_post_at_exactly_due_at_is_late(app, client, bidding, bidder, post_bid, audit_events):
    clock.freeze(bidding.due_at)
    response = post_bid(client, prices={1: "10"}, action="submit")
    assert response.status_code == 302
    assert "Late bids are not accepted" in flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert draft_state(app, bidding, bidder).status is None and version_count(app) == 0
    assert [e.data["attempted"] for e in audit_events(bidding.id) if e.action == "bid.refused_late"] == ["submit"]


# ----------------------------------------------------------------------------- the request itself
def test_missing_csrf_token_refused_nothing_stored(app, client, bidding, bidder, files):
    before = stored_files(app)
    response = client.post(form_url(bidding), data={
        price_id(bidding, 1): "12.50", "notes": NOTES, "attest_non_collusion": "y", "attest_not_debarred": "y",
        "submit": "1", "document_0": (io.BytesIO(files["pdf"]), "w9.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The form expired or did not come from this site" in response.get_data(as_text=True)
    assert draft_state(app, bidding, bidder).status is None
    assert version_count(app) == 0 and stored_files(app) == before


def test_wrong_csrf_token_refused(app, client, bidding, bidder):
    response = client.post(form_url(bidding), data={"csrf_token": "forged", price_id(bidding, 1): "1",
                                                    "save": "1"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert draft_state(app, bidding, bidder).status is None


def test_request_over_max_content_length_is_413(app, client, bidding, bidder, post_bid):
    before = stored_files(app)
    huge = make_pdf() + b"%" * app.config["MAX_CONTENT_LENGTH"]
    response = post_bid(client, prices={1: "12.50"}, notes=NOTES, documents={0: (huge, "w9.pdf")})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)
    assert draft_state(app, bidding, bidder).status is None
    assert stored_files(app) == before
