"""Many price-sheet lines at once, through the staff pages: the vendors' template as XLSX or CSV,
or typed/pasted lines; after or instead of the current lines; all or nothing, with every bad row
named and what was typed kept; only while the solicitation is a draft."""
from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core import clock
from app.extensions import db
from app.solicitations.models import Solicitation
from app.solicitations.pricesheet_files import HEADERS, MAX_LINES, MAX_ROWS
from tests import xlsx_bombs
from tests.accounts.helpers import Page
from tests.solicitations.test_drafting import client_for

UTC = timezone.utc
TODAY = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
# make_solicitation's two lines
DEFAULT_LINES = [(1, "Copy paper, 8.5 x 11, case of 10 reams", "case", Decimal(1200)),
                 (2, "Toner cartridge, black", "each", Decimal(300))]


def import_url(solicitation_id: int) -> str:
    return f"/agency/solicitations/{solicitation_id}/price-sheet/import"


def lines_of(app, solicitation_id: int) -> list[tuple]:
    with app.app_context():
        s = db.session.get(Solicitation, solicitation_id)
        return [(i.position, i.description, i.unit, i.estimated_quantity) for i in s.items]


def send(client, solicitation_id: int, *, file: tuple[bytes, str] | None = None, lines: str = "",
         mode: str = "append"):
    data: dict = {"lines": lines, "mode": mode}
    if file:
        data["price_file"] = (io.BytesIO(file[0]), file[1])
    return client.submit(import_url(solicitation_id), data, content_type="multipart/form-data")


def xlsx(rows: list[tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Price sheet"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[tuple], header=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def checked(page: Page, name: str) -> list[str]:
    return [c.attrs["value"] for c in page.controls(name) if "checked" in c.attrs]


def assert_error_beside(page: Page, field_id: str, *messages: str) -> None:
    control = page.by_id(field_id)
    assert control is not None and control.attrs.get("aria-invalid") == "true", control
    described = [page.by_id(i) for i in control.attrs.get("aria-describedby", "").split()]
    text = " ".join(e.text for e in described if e is not None)
    for message in messages:
        assert message in text, (message, text)


# ----------------------------------------------------------------------------- files
def test_the_vendors_csv_template_of_one_solicitation_builds_another_draft(app, agency, categories,
                                                                          make_solicitation, audit_events):
    clock.freeze(TODAY)
    earlier = make_solicitation("published")
    officer = client_for(app, agency.officer)
    assert officer.submit("/agency/solicitations/new", {"type": "ifb", "title": "Paper"}).status_code == 302
    with app.app_context():
        draft_id = db.session.scalar(select(func.max(Solicitation.id)))

    # The same file vendors download for the earlier solicitation (public once published).
    template = officer.get(f"/solicitations/{earlier.number}/bid/price-sheet.csv")
    assert template.status_code == 200
    page = Page.of(officer.get(import_url(draft_id)))
    assert checked(page, "mode") == ["append"] and "The price sheet has 0 lines now" in page.root.text

    response = send(officer, draft_id, file=(template.data, "earlier.csv"))
    assert response.status_code == 302, Page.of(response).alert_text()
    assert response.headers["Location"].endswith(f"/agency/solicitations/{draft_id}/edit#items")
    assert lines_of(app, draft_id) == DEFAULT_LINES
    edit = Page.of(officer.get(response.headers["Location"]))
    assert "2 lines added to the price sheet; it now has 2." in edit.root.text
    assert edit.value("items-1-description") == "Toner cartridge, black"
    [event] = [e for e in audit_events(draft_id) if e.action == "solicitation.price_sheet_imported"]
    assert event.actor_id == agency.officer.id
    assert event.data["added"] == 2 and event.data["lines"] == 2 and event.data["replaced"] is False

    # The draft's own sheet downloads in the same template, from its staff page.
    staff_csv = officer.get(f"/agency/solicitations/{draft_id}/price-sheet.csv")
    assert staff_csv.status_code == 200
    assert staff_csv.data == template.data


def test_an_xlsx_file_adds_lines_after_the_current_ones(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    # Floats and integers as Excel stores them; the Line and Unit price columns are ignored.
    content = xlsx([(7, "Stapler, full strip", "each", 110.5, 9.99),
                    (None, None, None, None, None),
                    (8, "Staples, box of 5,000", "box", 2400, None)])
    response = send(officer, draft.id, file=(content, "more.xlsx"))
    assert response.status_code == 302, Page.of(response).alert_text()
    assert lines_of(app, draft.id) == [*DEFAULT_LINES, (3, "Stapler, full strip", "each", Decimal("110.5")),
                                       (4, "Staples, box of 5,000", "box", Decimal(2400))]

    # The staff template of the draft is the vendors' layout, with every line.
    data = officer.get(f"/agency/solicitations/{draft.id}/price-sheet.xlsx").data
    rows = list(load_workbook(io.BytesIO(data))["Price sheet"].iter_rows(values_only=True))
    assert rows[0] == HEADERS and [r[:3] for r in rows[1:]] == [
        (1, "Copy paper, 8.5 x 11, case of 10 reams", "case"), (2, "Toner cartridge, black", "each"),
        (3, "Stapler, full strip", "each"), (4, "Staples, box of 5,000", "box")]


def test_typed_lines_replace_the_price_sheet(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    pasted = "Description\tUnit\tEstimated quantity\r\nLaptop, 14-inch\teach\t4,000\r\n\r\nCharging cart\teach\t110\r\n"
    response = send(officer, draft.id, lines=pasted, mode="replace")
    assert response.status_code == 302, Page.of(response).alert_text()
    assert lines_of(app, draft.id) == [(1, "Laptop, 14-inch", "each", Decimal(4000)),
                                       (2, "Charging cart", "each", Decimal(110))]
    # Commas, with a description that holds commas in quotes.
    response = send(officer, draft.id, lines='"Mouse, wireless", each, 500\nDocking station,each,12.5')
    assert response.status_code == 302, Page.of(response).alert_text()
    assert lines_of(app, draft.id)[2:] == [(3, "Mouse, wireless", "each", Decimal(500)),
                                           (4, "Docking station", "each", Decimal("12.5"))]


BAD_FILES = {
    "wrong_type": (b"%PDF-1.4\n", "prices.pdf", "Upload the price sheet as .xlsx or .csv"),
    "renamed": (b"Line,Description\n", "prices.xlsx", "prices.xlsx does not contain what a .xlsx file should"),
    "broken_xlsx": (b"PK\x03\x04broken", "prices.xlsx", "The XLSX file cannot be read"),
    "too_big": (b"Line,Description,Unit,Estimated quantity,Unit price\n" + b"1,x,each,1,\n" * 200_000,
                "big.csv", "big.csv is too large (2.3 MB); the limit is 2 MB."),
    "too_many_rows": (csv_bytes([("", f"Item {n}", "each", 1, "") for n in range(MAX_ROWS)]), "long.csv",
                      "The CSV file has too many rows for a price sheet"),
    "not_the_template": (csv_bytes([("Paper", "case", 3)], header=("Item", "Unit", "Qty")), "mine.csv",
                         "mine.csv does not have the template's columns"),
    "empty": (b"", "empty.csv", "empty.csv is empty."),
    "header_only": (csv_bytes([]), "blank.csv", "There are no lines below the header."),
    "not_utf8": ("Line,Déscription\n".encode("cp1252"), "old.csv", "not UTF-8 text"),
    "bad_rows": (csv_bytes([("", "Stapler", "each", "12", ""), ("", "Staples", "", "3", ""),
                            ("", "Tape", "roll", "lots", ""), ("", "", "", "", ""), ("", "Glue", "each", "-1", "")]),
                 "rows.csv", "Row 3: the unit is missing."),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_the_reason_beside_the_field(app, agency, categories, make_solicitation,
                                                                audit_events, case):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    events = audit_events(draft.id)
    content, filename, message = BAD_FILES[case]
    response = send(officer, draft.id, file=(content, filename), mode="replace")
    assert response.status_code == 422
    page = Page.of(response)
    assert_error_beside(page, "price_file", message)
    if case == "bad_rows":  # every bad row is named, by its row in the file
        assert_error_beside(page, "price_file", "Row 4: the estimated quantity “lots” is not a number",
                            "Row 6: the estimated quantity must be more than zero.",
                            "Nothing was added; correct these and try again.")
    assert checked(page, "mode") == ["replace"]  # the choice made is kept
    assert lines_of(app, draft.id) == DEFAULT_LINES
    assert audit_events(draft.id) == events


def test_bad_typed_lines_are_all_named_and_kept_with_nothing_saved(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    typed = ("Stapler, full strip, each, 12\n"        # four values: a comma in the description
             "Staples,box,3\n"
             "Tape,,2\n"
             "Glue,each,1.2345\n"
             f"{'L' * 301},each,1\n"
             "Paper clips,box,99999999999999\n")
    response = send(officer, draft.id, lines=typed)
    assert response.status_code == 422
    page = Page.of(response)
    assert_error_beside(page, "lines",
                        "Line 1: expected 3 values (description, unit, estimated quantity) and found 4. Put a "
                        "description that contains commas in double quotes",
                        "Line 3: the unit is missing.",
                        "Line 4: use at most three decimal places in the estimated quantity.",
                        "Line 5: the description is longer than 300 characters.",
                        "Line 6: the estimated quantity may be at most 99,999,999,999.")
    assert "Line 2" not in page.by_id("lines-error").text
    assert page.value("lines").split() == typed.split()  # what was typed is still there
    assert lines_of(app, draft.id) == DEFAULT_LINES


def test_the_price_sheet_has_a_ceiling(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    typed = "\n".join(f"Item {n},each,1" for n in range(MAX_LINES - 1))
    response = send(officer, draft.id, lines=typed)
    assert response.status_code == 422
    assert_error_beside(Page.of(response), "lines",
                        f"A price sheet may have at most {MAX_LINES} lines; this would make {MAX_LINES + 1}.")
    assert lines_of(app, draft.id) == DEFAULT_LINES
    # Instead of the current lines, they fit.
    assert send(officer, draft.id, lines=typed, mode="replace").status_code == 302
    assert len(lines_of(app, draft.id)) == MAX_LINES - 1


def test_a_file_or_lines_but_not_both_nor_neither(app, agency, categories, make_solicitation):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    response = send(officer, draft.id)
    assert response.status_code == 422
    assert_error_beside(Page.of(response), "price_file", "Choose a price-sheet file, or type the lines below.")
    response = send(officer, draft.id, file=(csv_bytes([("", "Tape", "roll", "2", "")]), "a.csv"),
                    lines="Glue,each,1")
    assert response.status_code == 422
    page = Page.of(response)
    assert_error_beside(page, "lines", "Use either a file or typed lines, not both.")
    assert page.value("lines") == "Glue,each,1"
    assert lines_of(app, draft.id) == DEFAULT_LINES


# ----------------------------------------------------------------------------- who and when
@pytest.mark.parametrize("status", ["pending_approval", "approved", "published"])
def test_only_a_draft_takes_new_lines(app, agency, categories, make_solicitation, status):
    clock.freeze(TODAY)
    info = make_solicitation(status)
    officer = client_for(app, agency.officer)
    assert "Add many lines at once" not in officer.get(f"/agency/solicitations/{info.id}").get_data(as_text=True)
    for response in (officer.get(import_url(info.id)), send(officer, info.id, lines="Glue,each,1")):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/agency/solicitations/{info.id}")
    assert "Only a draft's price sheet can be changed." in Page.of(officer.get(f"/agency/solicitations/{info.id}")).root.text
    assert lines_of(app, info.id) == DEFAULT_LINES


@pytest.mark.parametrize("who", ["other_officer", "evaluator", "approver", "vendor"])
def test_only_the_agencys_officers_import(app, agency, other_agency, vendor, categories, make_solicitation, who):
    clock.freeze(TODAY)
    draft = make_solicitation()
    user = {"other_officer": other_agency.officer, "evaluator": agency.evaluator, "approver": agency.approver,
            "vendor": vendor}[who]
    client = client_for(app, user)
    refused = 404 if who == "other_officer" else 403  # another agency's ids answer as missing ones
    assert client.get(import_url(draft.id)).status_code == refused
    assert send(client, draft.id, lines="Glue,each,1").status_code == refused
    if who in ("evaluator", "approver"):  # staff may read the sheet in the template, not change it
        assert client.get(f"/agency/solicitations/{draft.id}/price-sheet.csv").status_code == 200
    else:
        assert client.get(f"/agency/solicitations/{draft.id}/price-sheet.csv").status_code == refused
    assert lines_of(app, draft.id) == DEFAULT_LINES
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "solicitation.price_sheet_imported")) == 0


# ----------------------------------------------------------------------------- costly files
COSTLY_FILES = {
    "declared_millions": (xlsx_bombs.declared_millions,
                          f"The XLSX file has too many rows for a price sheet (at most {MAX_ROWS - 1:,} lines)."),
    "millions_of_rows": (xlsx_bombs.millions_of_rows, "The XLSX file unpacks to 22.9 MB, more than a price sheet "
                                                      "can need (at most 5 MB)"),
    "one_wide_row": (xlsx_bombs.one_wide_row, "The XLSX file has more cells than a price sheet can have "
                                              f"(at most {MAX_ROWS * 10:,})."),
}


@pytest.mark.parametrize("case", list(COSTLY_FILES))
def test_a_costly_xlsx_is_refused_at_once(app, agency, categories, make_solicitation, case):
    clock.freeze(TODAY)
    draft = make_solicitation()
    officer = client_for(app, agency.officer)
    build, message = COSTLY_FILES[case]
    content = build()
    started = time.perf_counter()
    response = send(officer, draft.id, file=(content, "prices.xlsx"), mode="replace")
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert_error_beside(Page.of(response), "price_file", message)
    assert elapsed < 2, f"{case}: {elapsed:.1f} s"  # a bound, not a benchmark
    assert lines_of(app, draft.id) == DEFAULT_LINES


# ----------------------------------------------------------------------------- formulas
EVIL = '=HYPERLINK("http://evil.example/steal","Click for details")'
EVIL_UNIT = "@SUM(A1)"


def test_every_price_sheet_export_neutralises_formulas_and_reads_them_back(app, agency, categories,
                                                                           make_solicitation):
    clock.freeze(TODAY)
    items = [{"description": EVIL, "unit": EVIL_UNIT, "estimated_quantity": Decimal(3)},
             {"description": "-5 degree freezer", "unit": "each", "estimated_quantity": Decimal(1)}]
    published = make_solicitation("published", items=items)
    draft = make_solicitation(items=items)
    officer = client_for(app, agency.officer)
    exports = {"public": f"/solicitations/{published.number}/bid/price-sheet",
               "staff": f"/agency/solicitations/{draft.id}/price-sheet"}
    expected = [("'" + EVIL, "'" + EVIL_UNIT), ("'-5 degree freezer", "each")]
    for who, url in exports.items():
        response = officer.get(f"{url}.csv")
        assert response.status_code == 200, who
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert [tuple(r[1:3]) for r in rows[1:]] == expected, who

        response = officer.get(f"{url}.xlsx")
        assert response.status_code == 200, who
        ws = load_workbook(io.BytesIO(response.data))["Price sheet"]
        assert [(ws.cell(r, 2).value, ws.cell(r, 3).value) for r in (2, 3)] == expected, who
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"], who

        # Uploaded again, the template gives the lines as they were typed.
        target = make_solicitation()
        for fmt, content in (("csv", officer.get(f"{url}.csv").data), ("xlsx", officer.get(f"{url}.xlsx").data)):
            response = send(officer, target.id, file=(content, f"template.{fmt}"), mode="replace")
            assert response.status_code == 302, Page.of(response).alert_text()
            assert [line[1:3] for line in lines_of(app, target.id)] == [(EVIL, EVIL_UNIT), ("-5 degree freezer", "each")]
