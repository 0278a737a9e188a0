"""The one look of every CoopBid PDF: styles, page footer, tables and Markdown, on ReportLab's
built-in Helvetica (no font files to ship). Each package's pdf.py builds a story from these
and calls build_pdf(); nothing here touches the database or the request."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial
from html import escape
from html.parser import HTMLParser
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

PAGE_SIZE = letter
MARGIN = 0.75 * inch
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN

INK = colors.HexColor("#1b1f24")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5b6470")
RULE = colors.HexColor("#c9d1db")
ZEBRA = colors.HexColor("#f2f5f8")
BANNER = colors.HexColor("#e3f1e6")


def pdf_styles() -> StyleSheet1:
    """A fresh style sheet (callers may tweak their copy without affecting other PDFs)."""
    sheet = StyleSheet1()
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14, textColor=INK,
                          spaceAfter=6)
    sheet.add(base)

    def add(name: str, parent: ParagraphStyle = base, **kw: Any) -> None:
        sheet.add(ParagraphStyle(name, parent=parent, **kw))

    add("title", fontName="Helvetica-Bold", fontSize=22, leading=27, textColor=ACCENT, spaceAfter=12)
    add("subtitle", fontName="Helvetica", fontSize=13, leading=17, textColor=MUTED, spaceAfter=8)
    add("heading", fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=ACCENT,
        spaceBefore=14, spaceAfter=6, keepWithNext=1)
    add("subheading", fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=8,
        spaceAfter=4, keepWithNext=1)
    add("minorheading", fontName="Helvetica-BoldOblique", fontSize=10, leading=14, spaceBefore=6,
        spaceAfter=3, keepWithNext=1)
    add("li", spaceAfter=3)
    add("small", fontSize=8.5, leading=11, textColor=MUTED)
    add("quote", leftIndent=14, textColor=MUTED, fontName="Helvetica-Oblique")
    add("code", fontName="Courier", fontSize=8.5, leading=11, leftIndent=8, backColor=ZEBRA,
        borderPadding=4, spaceBefore=2, spaceAfter=8)
    add("banner", fontName="Helvetica-Bold", fontSize=12, leading=16, textColor=ACCENT, spaceAfter=0)
    add("th", fontName="Helvetica-Bold", fontSize=9, leading=11.5, textColor=colors.white, spaceAfter=0)
    add("td", fontSize=9, leading=11.5, spaceAfter=0)
    add("th_right", parent=sheet["th"], alignment=2)
    add("td_right", parent=sheet["td"], alignment=2)
    return sheet


def text(value: object) -> str:
    """Plain text made safe for Paragraph markup (which is XML-ish: &, < and > matter)."""
    return escape("" if value is None else str(value), quote=False)


# ----------------------------------------------------------------------------- document and footer
class _FooterCanvas(Canvas):
    """Holds every page until the end so the footer can say "page N of M"."""

    def __init__(self, *args: Any, footer_title: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer_title = footer_title
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, 0.6 * inch, PAGE_SIZE[0] - MARGIN, 0.6 * inch)
        self.setFont("Helvetica", 8)
        self.setFillColor(MUTED)
        page = f"page {self._pageNumber} of {total}"
        room = CONTENT_WIDTH - stringWidth(page, "Helvetica", 8) - 18
        self.drawString(MARGIN, 0.42 * inch, _fit(f"CoopBid · {self._footer_title}", room))
        self.drawRightString(PAGE_SIZE[0] - MARGIN, 0.42 * inch, page)
        self.restoreState()


def _fit(line: str, width: float, font: str = "Helvetica", size: float = 8) -> str:
    """Shorten `line` with an ellipsis until it fits `width` points (long titles)."""
    if stringWidth(line, font, size) <= width:
        return line
    while line and stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def build_pdf(story: list[Flowable], *, title: str, subject: str = "", author: str = "CoopBid",
              invariant: bool = False) -> bytes:
    """Lay out `story` on letter paper with the CoopBid footer and PDF metadata. `invariant`:
    the same story gives the same bytes (fixed creation date and document id), for PDFs whose
    SHA-256 is evidence that is checked again later by rendering them again."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=title, subject=subject, author=author, creator="CoopBid",
        invariant=int(invariant),
    )
    doc.build(story, canvasmaker=partial(_FooterCanvas, footer_title=title))
    return buffer.getvalue()


# ----------------------------------------------------------------------------- tables
def data_table(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    *,
    col_widths: Sequence[float] | None = None,
    numeric: Collection[int] = (),
    styles: StyleSheet1 | None = None,
) -> Table:
    """A table whose header repeats on every page and whose rows are striped. Strings are
    escaped and wrapped; Flowables (e.g. a Paragraph with markup) pass through as they are.
    `numeric` lists column indexes to right-align."""
    styles = styles or pdf_styles()
    width = len(header)
    col_widths = list(col_widths) if col_widths else [CONTENT_WIDTH / width] * width

    def cell(value: object, column: int, head: bool) -> Flowable:
        if isinstance(value, Flowable):
            return value
        name = ("th" if head else "td") + ("_right" if column in numeric else "")
        return Paragraph(text(value), styles[name])

    data = [[cell(v, i, True) for i, v in enumerate(header)]]
    data += [[cell(v, i, False) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT", spaceAfter=8)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def banner(markup: str, styles: StyleSheet1 | None = None) -> Table:
    """A shaded full-width box for a notice that must not be missed."""
    styles = styles or pdf_styles()
    box = Table([[Paragraph(markup, styles["banner"])]], colWidths=[CONTENT_WIDTH], spaceAfter=12)
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), BANNER),
        ("BOX", (0, 0), (-1, -1), 0.75, ACCENT),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
    ]))
    return box


def bullet_list(items: Sequence[str], styles: StyleSheet1 | None = None) -> ListFlowable:
    """A bulleted list of plain-text items (escaped), styled like Markdown lists."""
    styles = styles or pdf_styles()
    return ListFlowable([ListItem(Paragraph(text(item), styles["li"])) for item in items],
                        bulletType="bullet", start="•", leftIndent=16, bulletFontName="Helvetica",
                        bulletFontSize=9, spaceAfter=6)


# ----------------------------------------------------------------------------- Markdown
_INLINE_OPEN = {"strong": "<b>", "b": "<b>", "em": "<i>", "i": "<i>", "code": '<font face="Courier">'}
_INLINE_CLOSE = {"strong": "</b>", "b": "</b>", "em": "</i>", "i": "</i>", "code": "</font>"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "pre", "ul", "ol", "li",
           "table", "tr", "th", "td"}


class _MarkdownHtmlParser(HTMLParser):
    """Turns the small tag set render_markdown() allows into flowables. Text is re-escaped, so
    nothing from the author reaches ReportLab's markup parser except the tags mapped here."""

    def __init__(self, styles: StyleSheet1) -> None:
        super().__init__(convert_charrefs=True)
        self.styles = styles
        self.containers: list[list[Flowable]] = [[]]  # innermost: where flowables go
        self.lists: list[tuple[bool, list[ListItem]]] = []  # (ordered, items) per open list
        self.inline: list[str] = []
        self.closers: dict[str, list[str]] = {}
        self.heading: str | None = None
        self.quote_depth = 0
        self.pre: list[str] | None = None
        self.rows: list[list[str]] | None = None  # cell markup of the open table
        self.has_header = False

    # Inline text is gathered until a block boundary turns it into a Paragraph.
    def take_inline(self) -> str:
        markup, self.inline = "".join(self.inline).strip(), []
        return markup

    def flush(self) -> None:
        markup = self.take_inline()
        if markup and markup != "<br/>":
            in_list = len(self.containers) > 1
            style = self.heading or ("quote" if self.quote_depth else "li" if in_list else "body")
            self.containers[-1].append(Paragraph(markup, self.styles[style]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre is not None:
            return
        if tag in _BLOCKS:
            self.flush()
        if tag in {"h1", "h2"}:
            self.heading = "subheading"
        elif tag in {"h3", "h4", "h5", "h6"}:
            self.heading = "minorheading"
        elif tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre = []
        elif tag == "hr":
            self.containers[-1].append(HRFlowable(width="100%", color=RULE, spaceBefore=4, spaceAfter=8))
        elif tag in {"ul", "ol"}:
            self.lists.append((tag == "ol", []))
        elif tag == "li":
            self.containers.append([])
        elif tag == "table":
            self.rows, self.has_header = [], False
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag == "th" and self.rows is not None and len(self.rows) == 1:
            self.has_header = True
        elif tag == "br":
            self.inline.append("<br/>")
        elif tag == "a":
            href = dict(attrs).get("href")
            opener = f'<a href="{escape(href, quote=True)}" color="#1f3a5f"><u>' if href else ""
            self.inline.append(opener)
            self.closers.setdefault(tag, []).append("</u></a>" if href else "")
        elif tag in _INLINE_OPEN:
            self.inline.append(_INLINE_OPEN[tag])
            self.closers.setdefault(tag, []).append(_INLINE_CLOSE[tag])

    def handle_endtag(self, tag: str) -> None:
        if self.pre is not None:
            if tag == "pre":
                code = "".join(self.pre).rstrip("\n")
                self.pre = None
                self.containers[-1].append(Preformatted(code, self.styles["code"]))
            return
        if tag in self.closers and self.closers[tag]:
            self.inline.append(self.closers[tag].pop())
            return
        if tag in {"th", "td"} and self.rows:
            self.rows[-1].append(self.take_inline())  # even when empty, to keep columns aligned
            return
        if tag in _BLOCKS:
            self.flush()
        if tag.startswith("h") and tag[1:].isdigit():
            self.heading = None
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "li" and len(self.containers) > 1:
            content = self.containers.pop() or [Spacer(0, 0)]
            if self.lists:
                self.lists[-1][1].append(ListItem(content))
            else:  # a stray <li>: keep its text
                self.containers[-1].extend(content)
        elif tag in {"ul", "ol"} and self.lists:
            ordered, items = self.lists.pop()
            if items:
                depth = len(self.lists)
                kind = dict(bulletType="1", bulletFormat="%s.") if ordered else dict(
                    bulletType="bullet", start="•" if depth == 0 else "–")
                self.containers[-1].append(ListFlowable(
                    items, leftIndent=16, bulletFontName="Helvetica", bulletFontSize=9,
                    spaceAfter=6 if depth == 0 else 0, **kind))
        elif tag == "table" and self.rows is not None:
            self.containers[-1].extend(self._table())
            self.rows = None

    def handle_data(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(data)
        else:
            self.inline.append(text(data))

    def _table(self) -> list[Flowable]:
        rows = [r for r in self.rows or [] if r]
        if not rows:
            return []
        width = max(len(r) for r in rows)
        cells = [[Paragraph(m, self.styles["th" if self.has_header and i == 0 else "td"])
                  for m in r + [""] * (width - len(r))] for i, r in enumerate(rows)]
        if self.has_header:
            header, body = cells[0], cells[1:]
        else:  # no header row: a blank one keeps data_table's look
            header, body = [Paragraph("", self.styles["th"]) for _ in range(width)], cells
        return [data_table(header, body, styles=self.styles)]

    def result(self) -> list[Flowable]:
        self.close()
        self.flush()
        while len(self.containers) > 1:  # unclosed <li> (should not happen after nh3)
            self.containers[-2].extend(self.containers.pop())
        return self.containers[0]


def html_flowables(html: str, styles: StyleSheet1 | None = None) -> list[Flowable]:
    """Flowables for sanitised Markdown HTML (the output of render_markdown)."""
    parser = _MarkdownHtmlParser(styles or pdf_styles())
    parser.feed(str(html))
    return parser.result()


def markdown_flowables(source: str | None, styles: StyleSheet1 | None = None) -> list[Flowable]:
    """Flowables for Markdown text, through the same sanitiser as the web pages."""
    from app.core.markdown import render_markdown

    return html_flowables(render_markdown(source), styles)
