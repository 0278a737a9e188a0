"""Markdown for scopes, terms, addenda and answers: CommonMark without raw HTML, then sanitised."""
from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import ValidationError

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}

# Raw HTML is never rendered; we refuse it outright so authors know their text will not work.
_RAW_HTML = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|form|input|img|svg|link|meta)\b|"
                       r"\bon[a-z]+\s*=|javascript\s*:", re.IGNORECASE)


def render_markdown(text: str | None, *, heading_offset: int = 2) -> Markup:
    """Render author Markdown; its headings sit below the page's own (# becomes h3)."""
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    html = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def safe_markdown(form: object, field: Field) -> None:
    """WTForms validator: refuse scripts, event handlers and embedded HTML."""
    match = _RAW_HTML.search(field.data or "")
    if match:
        raise ValidationError(
            f"Remove “{match.group(0).strip()}”: scripts, embedded HTML and event handlers are not "
            "allowed. Use Markdown for formatting (for example **bold** or a - list)."
        )
