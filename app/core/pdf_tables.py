"""Long tables for PDFs of thousands of rows (the evaluation report: a row per bid and criterion).

data_table() makes a Paragraph of every cell: right for short tables, but at 200,000 cells
ReportLab spends most of a minute parsing, wrapping and drawing them. Here the body cells are
plain strings, wrapped once in Python (a name repeated on a thousand rows is measured once),
drawn by the table itself with one font and one alignment per column, and the rows go into
tables of a few hundred each (ReportLab splits one huge table across pages in quadratic time).
The look is data_table's: the same header, stripes, rules and padding.

Only new PDFs use this: a PDF whose SHA-256 is evidence (the solicitation PDF) must keep
rendering byte for byte as it did, so data_table() is left as it is."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.styles import StyleSheet1
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.core.pdf import ACCENT, CONTENT_WIDTH, INK, RULE, ZEBRA, pdf_styles, text

ROWS_PER_TABLE = 200
FONT, SIZE, LEADING = "Helvetica", 9, 11.5
PADDING = 6  # ReportLab's default left and right cell padding


@lru_cache(maxsize=65536)
def _word_width(word: str) -> float:
    return stringWidth(word, FONT, SIZE)


@lru_cache(maxsize=65536)
def wrap_cell(value: str, width: float) -> str | None:
    """`value` broken into lines of at most `width` points (newline-separated), whitespace
    collapsed as a Paragraph would; None when a single word is wider than the column (the
    caller falls back to a Paragraph, which breaks long words)."""
    words = value.split()
    if not words:
        return ""
    space = _word_width(" ")
    lines: list[list[str]] = []
    used = 0.0
    for word in words:
        w = _word_width(word)
        if w > width:
            return None
        if lines and used + space + w <= width:
            lines[-1].append(word)
            used += space + w
        else:
            lines.append([word])
            used = w
    return "\n".join(" ".join(line) for line in lines)


class _PlainTable(Table):
    """A Table that draws its plain-text cells through one text object per table (ReportLab's
    drawString measures the text and opens and closes a text object for every cell), measuring
    right-aligned text once per distinct value. Flowable cells draw as in any Table."""

    def draw(self) -> None:
        self._text = self.canv.beginText()
        self._text.setFont(FONT, SIZE, LEADING)
        self._text.setFillColor(INK)
        super().draw()
        self.canv.drawText(self._text)

    def _drawCell(self, cellval, cellstyle, pos, size) -> None:  # noqa: ANN001 (ReportLab's signature)
        if not isinstance(cellval, str) or cellstyle.fontname != FONT or cellstyle.href or cellstyle.destination:
            return super()._drawCell(cellval, cellstyle, pos, size)
        (colpos, rowpos), (colwidth, rowheight) = pos, size
        y = rowpos + rowheight - cellstyle.topPadding - SIZE  # VALIGN TOP, as long_table sets
        right = colpos + colwidth - cellstyle.rightPadding if cellstyle.alignment == "RIGHT" else None
        for line in cellval.split("\n"):
            if line:
                x = colpos + cellstyle.leftPadding if right is None else right - _word_width(line)
                # What setTextOrigin() and textOut() write, without their float formatting and
                # measuring (ReportLab's pure-Python accelerators are the cost at this scale).
                self._text._code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {self._text._formatText(line)}")
            y -= LEADING
        return None


def long_table(header: Sequence[object], rows: Sequence[Sequence[object]], *,
               col_widths: Sequence[float] | None = None, numeric: Collection[int] = (),
               styles: StyleSheet1 | None = None, rows_per_table: int = ROWS_PER_TABLE) -> list[Flowable]:
    """Tables (header repeated on every page, striped rows) for `rows` of any length; body cells
    are text (str() of the value), `numeric` columns right-aligned."""
    styles = styles or pdf_styles()
    count = len(header)
    widths = list(col_widths) if col_widths else [CONTENT_WIDTH / count] * count
    room = [w - 2 * PADDING for w in widths]
    fallback = [styles["td_right" if i in numeric else "td"] for i in range(count)]

    def head() -> list[object]:  # a header of its own for each table (flowables keep layout state)
        return [v if isinstance(v, Flowable) else Paragraph(text(v), styles["th_right" if i in numeric else "th"])
                for i, v in enumerate(header)]

    def cell(value: object, column: int) -> object:
        if isinstance(value, Flowable):
            return value
        plain = "" if value is None else str(value)
        wrapped = wrap_cell(plain, room[column])
        return Paragraph(text(plain), fallback[column]) if wrapped is None else wrapped

    style = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("FONT", (0, 1), (-1, -1), FONT, SIZE, LEADING),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        *[("ALIGN", (i, 1), (i, -1), "RIGHT") for i in sorted(numeric)],
    ]
    tables: list[Flowable] = []
    for start in range(0, max(len(rows), 1), rows_per_table):
        body = [[cell(v, i) for i, v in enumerate(row)] for row in rows[start:start + rows_per_table]]
        table = _PlainTable([head(), *body], colWidths=widths, repeatRows=1, hAlign="LEFT", spaceAfter=8)
        table.setStyle(TableStyle(style))
        tables.append(table)
    return tables
