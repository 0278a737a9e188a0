"""Helpers for the accounts tests: a tiny stdlib HTML tree (no extra dependencies), form-error
assertions, and look-ups of queued e-mail and audit events."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: Element | None):
        self.tag = tag
        self.attrs = {k: (v if v is not None else "") for k, v in attrs}
        self.parent = parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [], None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, attrs, self.stack[-1]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


class Page:
    def __init__(self, html: str):
        self.html = html
        builder = _Builder()
        builder.feed(html)
        builder.close()
        self.root = builder.root

    @classmethod
    def of(cls, response) -> Page:
        return cls(response.get_data(as_text=True))

    def by_id(self, ident: str) -> Element | None:
        return next((e for e in self.root.iter() if e.attrs.get("id") == ident), None)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.root.iter()
                if (tag is None or e.tag == tag)
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def controls(self, name: str) -> list[Element]:
        return [e for e in self.root.iter()
                if e.tag in ("input", "select", "textarea") and e.attrs.get("name") == name]

    def value(self, name: str) -> str | None:
        """What a browser would show in the (first) control called `name`."""
        controls = self.controls(name)
        assert controls, f"no control named {name!r}"
        control = controls[0]
        if control.tag == "textarea":
            return control.text
        if control.tag == "select":
            selected = [o for o in control.iter() if o.tag == "option" and "selected" in o.attrs]
            return selected[0].attrs.get("value") if selected else None
        return control.attrs.get("value")

    def alert_text(self, kind: str = "danger") -> str:
        alerts = [e for e in self.root.iter() if {"alert", f"alert-{kind}"} <= e.classes]
        return " | ".join(a.text for a in alerts)


def page(response) -> Page:
    return Page.of(response)


def assert_field_error(response_or_page, field_id: str, message: str) -> Page:
    """The control `field_id` is marked invalid and `message` is shown next to it, tied to the
    control with aria-describedby."""
    p = response_or_page if isinstance(response_or_page, Page) else Page.of(response_or_page)
    control = p.by_id(field_id)
    assert control is not None, f"no element with id {field_id!r}"
    assert "is-invalid" in control.classes, f"{field_id} not marked is-invalid: {control}"
    assert control.attrs.get("aria-invalid") == "true", f"{field_id} lacks aria-invalid: {control}"
    assert f"{field_id}-error" in control.attrs.get("aria-describedby", "").split(), control
    error = p.by_id(f"{field_id}-error")
    assert error is not None, f"no error element for {field_id}"
    assert message in error.text, f"{message!r} not in error of {field_id}: {error.text!r}"
    return p


def assert_choices_error(response_or_page, name: str, message: str) -> Page:
    """A group of checkboxes called `name`: every box marked invalid, the message next to the
    group and tied to its fieldset."""
    p = response_or_page if isinstance(response_or_page, Page) else Page.of(response_or_page)
    boxes = [c for c in p.controls(name) if c.attrs.get("type") == "checkbox"]
    assert boxes, f"no checkboxes named {name!r}"
    for box in boxes:
        assert "is-invalid" in box.classes, box
        assert box.attrs.get("aria-invalid") == "true", box
    fieldset = next(a for a in boxes[0].ancestors() if a.tag == "fieldset")
    assert f"{name}-error" in fieldset.attrs.get("aria-describedby", "").split(), fieldset
    error = p.by_id(f"{name}-error")
    assert error is not None and message in error.text, (message, error and error.text)
    return p


def assert_rerendered_invalid(response, *messages: str, typed: dict[str, str] | None = None,
                              secrets: tuple[str, ...] = ()) -> Page:
    """A refused form: HTTP 200 (not a redirect), invalid markers, the messages, what was typed
    into text fields still in their value attributes, and no password echoed back."""
    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
    html = response.get_data(as_text=True)
    assert "is-invalid" in html
    assert 'aria-invalid="true"' in html
    for message in messages:
        assert message in html, f"{message!r} not on the page"
    p = Page(html)
    for name, value in (typed or {}).items():
        assert p.value(name) == value, f"{name}: {p.value(name)!r} != {value!r}"
    for secret in secrets:
        assert secret not in html, "a password was echoed back into the page"
    return p


def location_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def location(response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_token(body: str, prefix: str) -> str:
    """The token of the first link `prefix`<token> in an e-mail body."""
    match = re.search(re.escape(prefix) + r"([A-Za-z0-9_\-]+)", body)
    assert match, f"no link {prefix}<token> in:\n{body}"
    return match.group(1)


CSRF_VALUE = re.compile(r'((?:value|content)=")[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(")')


def without_csrf(html: str) -> str:
    return CSRF_VALUE.sub(r"\1CSRF\2", html)
