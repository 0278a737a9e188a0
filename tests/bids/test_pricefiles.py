"""Price sheets as files: the XLSX and CSV templates, the parser of a filled-in copy, the unit
price reader, the template download, and a filled template uploaded through the bid form."""
from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.bids import pricefiles
from app.bids.pricefiles import HEADERS, parse_price_file, parse_unit_price
from app.core.errors import DomainError
from app.extensions import db
from app.solicitations.pricesheet_files import MAX_ROWS
from tests import xlsx_bombs
from tests.bids.test_bad_input import draft_state, field_error, has_field_error, input_value, price_id
from tests.conftest import login

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sheet(app, bidding):
    """Run `fn(solicitation)` inside an app context (the parser reads the items)."""
    from app.solicitations.models import Solicitation

    def run(fn):
        with app.app_context():
            return fn(db.session.get(Solicitation, bidding.id))

    return run


def filled_xlsx(template: bytes, prices: dict[int, object]) -> bytes:
    """The template as a vendor fills it in: values typed into column E of the price rows."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["Price sheet"]
    for row in range(2, ws.max_row + 1):
        line = ws.cell(row, 1).value
        if line in prices:
            ws.cell(row, 5).value = prices[line]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled_csv(template: str, prices: dict[int, str]) -> bytes:
    rows = list(csv.reader(io.StringIO(template)))
    for row in rows[1:]:
        row[4] = prices.get(int(row[0]), row[4])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


# ----------------------------------------------------------------------------- templates
def test_template_xlsx_layout(sheet, bidding):
    data = sheet(pricefiles.template_xlsx)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Price sheet", "Instructions"]
    ws = wb["Price sheet"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == [1, 2]  # one row per item, in line order
    assert rows[1][1:4] == ("Copy paper, 8.5 x 11, case of 10 reams", "case", 1200)
    assert rows[2][1:4] == ("Toner cartridge, black", "each", 300)
    assert all(row[4] is None for row in rows[1:])  # no prices in the template
    assert ws.max_row == 1 + len(bidding.item_ids) and ws.max_column == len(HEADERS)

    # Only the unit price column is editable.
    assert ws.protection.sheet is True
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in row:
            expected_locked = not (cell.column == 5 and cell.row >= 2)
            assert cell.protection.locked is expected_locked, cell.coordinate
    assert "Do not add, remove or reorder rows or columns." in [r[0] for r in wb["Instructions"].iter_rows(values_only=True)]
    assert bidding.number in wb["Instructions"]["A1"].value


def test_template_csv_layout(sheet, bidding):
    text = sheet(pricefiles.template_csv)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == HEADERS
    assert rows[1:] == [["1", "Copy paper, 8.5 x 11, case of 10 reams", "case", "1200", ""],
                        ["2", "Toner cartridge, black", "each", "300", ""]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_blank_template_parses_to_no_prices(sheet, bidding, fmt):
    def parse(s):
        data = pricefiles.template_xlsx(s) if fmt == "xlsx" else pricefiles.template_csv(s).encode()
        return parse_price_file(s, f"prices.{fmt}", data)

    parsed = sheet(parse)
    assert parsed.errors == []
    assert parsed.prices == {item_id: None for item_id in bidding.item_ids.values()}


# ----------------------------------------------------------------------------- parsing
def test_parse_filled_xlsx_floats_ints_and_text(sheet, bidding):
    def parse(s):
        data = filled_xlsx(pricefiles.template_xlsx(s), {1: 12.5, 2: 80})
        return parse_price_file(s, "prices.xlsx", data)

    parsed = sheet(parse)
    assert parsed.errors == []
    assert parsed.prices == {bidding.item_ids[1]: Decimal("12.5"), bidding.item_ids[2]: Decimal("80")}
    assert str(parsed.prices[bidding.item_ids[1]]) == "12.5"  # exact, not 12.4999999…


@pytest.mark.parametrize("cell, expected", [
    (0.0375, Decimal("0.0375")),
    (0.1, Decimal("0.1")),
    (1234.5, Decimal("1234.5")),
    (7, Decimal("7")),
    (7.0, Decimal("7")),
    ("$1,234.50", Decimal("1234.50")),
    (" 19.99 ", Decimal("19.99")),
    (None, None),
    ("", None),
])
def test_parse_xlsx_cell_values(sheet, bidding, cell, expected):
    def parse(s):
        return parse_price_file(s, "prices.xlsx", filled_xlsx(pricefiles.template_xlsx(s), {1: cell, 2: 3}))

    parsed = sheet(parse)
    assert parsed.errors == []
    assert parsed.prices[bidding.item_ids[1]] == expected


def test_parse_xlsx_bad_cells_reported_by_row(sheet, bidding):
    def parse(s):
        return parse_price_file(s, "prices.xlsx", filled_xlsx(pricefiles.template_xlsx(s), {1: -4, 2: "call us"}))

    parsed = sheet(parse)
    assert parsed.prices == {}
    assert parsed.errors == ["Row 2 (line 1): a price cannot be negative.",
                             "Row 3 (line 2): “call us” is not a number; enter a price like 1234.50."]


def test_parse_csv_with_dollars_commas_and_blanks(sheet, bidding):
    def parse(s):
        data = filled_csv(pricefiles.template_csv(s), {1: "$1,234.50", 2: ""})
        return parse_price_file(s, "Prices.CSV", data)

    parsed = sheet(parse)
    assert parsed.errors == []
    assert parsed.prices == {bidding.item_ids[1]: Decimal("1234.50"), bidding.item_ids[2]: None}


def test_parse_csv_tolerates_bom_header_case_trailing_blanks_and_line_1_0(sheet, bidding):
    content = ("\ufeffline,DESCRIPTION,unit,Estimated Quantity,unit price,,\r\n"
               "1.0,Copy paper,case,1200,12.50,,\r\n"
               ",,,,,,\r\n"
               "2,Toner,each,300,80\r\n\r\n").encode()
    parsed = sheet(lambda s: parse_price_file(s, "prices.csv", content))
    assert parsed.errors == []
    assert parsed.prices == {bidding.item_ids[1]: Decimal("12.50"), bidding.item_ids[2]: Decimal("80")}


def test_parse_csv_row_errors(sheet, bidding):
    content = (f"{','.join(HEADERS)}\n"
               "1,a,case,1200,12.123456\n"
               "1,a,case,1200,5\n"
               "3,x,each,1,5\n").encode()
    parsed = sheet(lambda s: parse_price_file(s, "prices.csv", content))
    assert parsed.prices == {}
    assert parsed.errors == ["Row 2 (line 1): use at most 4 decimal places.",
                             "Row 3: line 1 appears twice.",
                             "Row 4: line “3” is not a line of this price sheet.",
                             "Lines missing from the file: 2 (their prices on the form are unchanged)."]


@pytest.mark.parametrize("filename, data, message", [
    ("prices.csv", b"Item,Price\n1,2\n", "prices.csv does not have the template's columns"),
    ("prices.csv", b"", "prices.csv is empty."),
    ("prices.csv", "Line,Déscription\n".encode("cp1252"), "not UTF-8 text"),
    ("prices.xlsx", b"Line,Description\n", "prices.xlsx does not contain what a .xlsx file should"),
    ("prices.xlsx", b"PK\x03\x04broken", "The XLSX file cannot be read"),
    ("prices.ods", b"PK\x03\x04", "Upload the price sheet as .xlsx or .csv"),
    ("dir/prices.csv", b"Line\n", "without folders"),
    ("dir\\prices.csv", b"Line\n", "without folders"),
])
def test_parse_refuses_the_whole_file(sheet, filename, data, message):
    def parse(s):
        with pytest.raises(DomainError) as refused:
            parse_price_file(s, filename, data)
        return refused.value

    error = sheet(parse)
    assert message in error.message and error.field == "price_file"


# ----------------------------------------------------------------------------- unit prices
@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("   ", None),
    ("$", None),
    ("0", Decimal("0")),
    ("12", Decimal("12")),
    ("12.5", Decimal("12.5")),
    (" 12.50 ", Decimal("12.50")),
    ("1,234.50", Decimal("1234.50")),
    ("$1234.5", Decimal("1234.5")),
    ("$ 1,234", Decimal("1234")),
    ("0.0001", Decimal("0.0001")),
    ("999999999.9999", Decimal("999999999.9999")),
    (".5", Decimal("0.5")),
])
def test_parse_unit_price_accepts(text, expected):
    value = parse_unit_price(text)
    assert value == expected
    if expected is not None:
        assert str(value) == str(expected)  # decimals as typed, no float rounding


@pytest.mark.parametrize("text, message", [
    ("-1", "a price cannot be negative"),
    ("$-0.50", "a price cannot be negative"),
    ("abc", "“abc” is not a number"),
    ("12..5", "“12..5” is not a number"),
    ("1.2.3", "“1.2.3” is not a number"),
    ("12 50", "“12 50” is not a number"),
    ("NaN", "“NaN” is not a number"),
    ("nan", "“nan” is not a number"),
    ("sNaN", "“sNaN” is not a number"),
    ("Infinity", "“Infinity” is not a number"),
    ("-inf", "“-inf” is not a number"),
    ("1e400", "“1e400” is not a number"),
    ("1000000000", "the price is too large"),
    ("999999999.99989", "use at most 4 decimal places"),
    ("0.00001", "use at most 4 decimal places"),
    ("1e-5", "“1e-5” is not a number"),
    ("12.34567", "use at most 4 decimal places"),
])
def test_parse_unit_price_refuses(text, message):
    with pytest.raises(ValueError) as refused:
        parse_unit_price(text)
    assert message in str(refused.value)


def test_parse_unit_price_quotes_at_most_40_characters():
    with pytest.raises(ValueError) as refused:
        parse_unit_price("x" * 500)
    assert f"“{'x' * 40}”" in str(refused.value) and "x" * 41 not in str(refused.value)


# ----------------------------------------------------------------------------- download
@pytest.mark.parametrize("signed_in", [False, True])
def test_template_download_for_published_solicitation(app, client, bidding, vendor, signed_in):
    if signed_in:
        login(client, vendor)
    xlsx = client.get(f"/solicitations/{bidding.number}/bid/price-sheet.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.mimetype == XLSX_TYPE
    assert xlsx.headers["Content-Disposition"] == f'attachment; filename="{bidding.number}-price-sheet.xlsx"'
    assert next(load_workbook(io.BytesIO(xlsx.data))["Price sheet"].iter_rows(values_only=True)) == HEADERS

    csv_response = client.get(f"/solicitations/{bidding.number}/bid/price-sheet.csv")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert csv_response.headers["Content-Disposition"] == f'attachment; filename="{bidding.number}-price-sheet.csv"'
    assert csv_response.get_data(as_text=True).splitlines()[0] == ",".join(HEADERS)
    assert client.get(f"/solicitations/{bidding.number}/bid/price-sheet.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download_404_for_draft_solicitation(app, client, make_solicitation, vendor, fmt):
    draft = make_solicitation("draft")
    assert client.get(f"/solicitations/{draft.number}/bid/price-sheet.{fmt}").status_code == 404
    login(client, vendor)
    assert client.get(f"/solicitations/{draft.number}/bid/price-sheet.{fmt}").status_code == 404


# ----------------------------------------------------------------------------- through the form
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_filled_template_uploaded_through_the_form_sets_prices(app, client, bidding, vendor, post_bid, fmt):
    login(client, vendor)
    template = client.get(f"/solicitations/{bidding.number}/bid/price-sheet.{fmt}").data
    if fmt == "xlsx":
        content = filled_xlsx(template, {1: 12.5, 2: 80})
    else:
        content = filled_csv(template.decode(), {1: "12.5", 2: "$1,080.00"})
    # A typed mistake for line 1 is replaced by the file's price (no error left for it).
    response = post_bid(client, prices={1: "oops", 2: "5"}, notes="From the template",
                        price_file=(content, f"prices.{fmt}"))
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "price_file") \
        if response.status_code == 422 else response.status_code
    expected_2 = Decimal("80") if fmt == "xlsx" else Decimal("1080.00")
    state = draft_state(app, bidding, vendor)
    assert state.prices == {1: Decimal("12.5"), 2: expected_2}
    assert state.notes == "From the template"
    assert state.document_rows == 0  # the price sheet is read, not kept as a document

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert input_value(page, price_id(bidding, 1)) == "12.50"
    assert input_value(page, price_id(bidding, 2)) == ("80.00" if fmt == "xlsx" else "1080.00")
    assert not has_field_error(page, "price_file")


def test_filled_template_blank_line_clears_typed_price(app, client, bidding, vendor, post_bid):
    login(client, vendor)
    assert post_bid(client, prices={1: "10", 2: "20"}).status_code == 302
    template = client.get(f"/solicitations/{bidding.number}/bid/price-sheet.csv").get_data(as_text=True)
    response = post_bid(client, price_file=(filled_csv(template, {1: "11"}), "prices.csv"))
    assert response.status_code == 302
    # The file is the whole price sheet: a blank unit price means no price for that line.
    assert draft_state(app, bidding, vendor).prices == {1: Decimal("11"), 2: None}


# ----------------------------------------------------------------------------- costly files
TOO_MANY_ROWS = f"The XLSX file has too many rows for a price sheet (at most {MAX_ROWS - 1:,} lines)."
COSTLY_FILES = {
    "declared_millions": (xlsx_bombs.declared_millions, TOO_MANY_ROWS),
    "millions_of_rows": (xlsx_bombs.millions_of_rows, "The XLSX file unpacks to 22.9 MB, more than a price sheet "
                                                      "can need (at most 5 MB)"),
    "one_wide_row": (xlsx_bombs.one_wide_row, "The XLSX file has more cells than a price sheet can have "
                                              f"(at most {MAX_ROWS * 10:,})."),
}


@pytest.mark.parametrize("case", list(COSTLY_FILES))
def test_a_costly_xlsx_is_refused_at_once_through_the_form(app, client, bidding, vendor, post_bid, case):
    build, message = COSTLY_FILES[case]
    content = build()
    login(client, vendor)
    started = time.perf_counter()
    response = post_bid(client, prices={1: "10"}, price_file=(content, "prices.xlsx"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "price_file")
    assert elapsed < 2, f"{case}: {elapsed:.1f} s"  # a bound, not a benchmark
    assert draft_state(app, bidding, vendor).prices == {1: Decimal("10"), 2: None}  # the typed price is kept
