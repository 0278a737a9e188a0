"""Small XLSX files that cost a careless reader a lot: built from a real two-line price sheet by
rewriting its sheet XML (the rows are empty elements, so millions of them cost little to build)."""
from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

from app.solicitations.pricesheet_files import HEADERS

SHEET = "xl/worksheets/sheet1.xml"
MILLIONS = 4_000_000


def _price_sheet() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Price sheet"
    ws.append(HEADERS)
    ws.append((1, "Copy paper, 8.5 x 11, case of 10 reams", "case", 1200, 12.5))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_sheet(rewrite) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_price_sheet()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, rewrite(content) if info.filename == SHEET else content)
    return out.getvalue()


def _without_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", xml)


def declared_millions() -> bytes:
    """Two real rows, but the sheet says it spans A1:E4000000."""
    return _with_sheet(lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:E{MILLIONS}"'.encode(),
                                          xml))


def millions_of_rows() -> bytes:
    """4,000,000 empty rows and no declared dimension: about 40 KB, 24 MB unpacked."""
    return _with_sheet(lambda xml: _without_dimension(xml).replace(b"</sheetData>",
                                                                   b"<row/>" * MILLIONS + b"</sheetData>"))


def one_wide_row() -> bytes:
    """One row of 400,000 empty cells (under 2 MB unpacked) and no declared dimension."""
    return _with_sheet(lambda xml: _without_dimension(xml).replace(b"</sheetData>",
                                                                   b"<row>" + b"<c/>" * 400_000 + b"</row></sheetData>"))
