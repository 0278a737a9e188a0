"""What the route fuzz reads from the application: the rules of its URL map filled with ids a role
can reach (found by following the links of its pages), the query arguments a view reads (recorded
while it answers a clean GET) and the POST forms of a page with their rendered defaults."""
from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, Rule

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}
HTML = "text/html"


@dataclass
class Form:
    page: str  # the page the form was found on
    action: str
    endpoint: str
    multipart: bool
    defaults: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends untouched
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type (the fuzz targets)

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        return self.endpoint, tuple(sorted(self.fields))


class _PageParser(HTMLParser):
    """Links and POST forms of one page (the nesting HTML allows: no form inside a form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, list[str], list[str], bool] | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "multipart": "multipart" in a.get("enctype", ""), "defaults": [], "fields": {},
                          "button": None}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if self._form["button"] is None and kind == "submit":
                    self._form["button"] = (a["name"], a.get("value", ""))
                return
            self._form["fields"].setdefault(a["name"], kind)
            if kind not in ("checkbox", "radio", "file") or "checked" in a:
                if kind != "file":
                    self._form["defaults"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            if self._form["button"] is None:
                self._form["button"] = (a["name"], a.get("value", ""))
        elif tag == "select":
            self._form["fields"].setdefault(a["name"], "select")
            self._select = (a["name"], [], [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea":
            self._form["fields"].setdefault(a["name"], "textarea")
            self._textarea = [a["name"], ""]

    def handle_data(self, data):  # noqa: ANN001
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "form":
            if self._form and self._form["button"]:
                self._form["defaults"].append(self._form["button"])
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected, multiple = self._select
            chosen = selected if multiple else (selected[-1:] or options[:1])
            self._form["defaults"] += [(name, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["defaults"].append(tuple(self._textarea))
            self._textarea = None


class RecordingArgs(ImmutableMultiDict):
    """request.args that notes every key a view asks for (installed only while a page is read)."""

    read: set[str] = set()

    def __getitem__(self, key):  # noqa: ANN001
        RecordingArgs.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: ANN001, A002
        RecordingArgs.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: ANN001, A002
        RecordingArgs.read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):  # noqa: ANN001
        RecordingArgs.read.add(key)
        return super().__contains__(key)


@dataclass
class Page:
    url: str
    endpoint: str
    status: int
    args_read: set[str]


@dataclass
class Site:
    """What one role reaches: pages by endpoint, the POST forms, and the path values seen."""

    pages: dict[str, list[Page]] = field(default_factory=lambda: defaultdict(list))
    forms: list[Form] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def endpoint_of(app, url: str, method: str = "GET") -> tuple[str, dict] | None:
    """The endpoint and path values an app URL routes to, or None (not ours, or no such rule)."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        return app.url_map.bind("localhost").match(parts.path, method=method)
    except HTTPException:
        return None
    except Exception:  # a redirect to the slash form  # noqa: BLE001
        return None


def crawl(app, client, start: list[str], per_endpoint: int) -> Site:
    """Follow the links of the role's pages, reading at most `per_endpoint` URLs of each endpoint."""
    site = Site()
    queue, seen = deque(start), set(start)
    request_class = app.request_class
    while queue:
        url = queue.popleft()
        found = endpoint_of(app, url)
        if found is None or found[0] in SKIPPED_ENDPOINTS or len(site.pages[found[0]]) >= per_endpoint:
            continue
        endpoint, values = found
        RecordingArgs.read = set()
        storage, request_class.parameter_storage_class = request_class.parameter_storage_class, RecordingArgs
        try:
            response = client.get(url)
        finally:
            request_class.parameter_storage_class = storage
        site.pages[endpoint].append(Page(url, endpoint, response.status_code, set(RecordingArgs.read)))
        for name, value in values.items():
            if str(value) not in site.values[name]:
                site.values[name].append(str(value))
        if response.status_code != 200 or response.mimetype != HTML:
            continue
        parser = _PageParser()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            target = urljoin(url, link).replace("http://localhost", "")
            if target not in seen and target.startswith("/"):
                seen.add(target)
                queue.append(target)
        for raw in parser.forms:
            action = urljoin(url, raw["action"] or url).replace("http://localhost", "")
            routed = endpoint_of(app, action, "POST")
            if raw["method"] != "post" or routed is None:
                continue
            site.forms.append(Form(url, action, routed[0], raw["multipart"], raw["defaults"], raw["fields"]))
    return site


def fill(rule: Rule, values: dict[str, list[str]]) -> dict[str, str] | None:
    """Path values for a rule: ones seen on the role's pages, an any() converter's first choice."""
    filled = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            filled[name] = sorted(converter.items)[0]
        elif values.get(name):
            filled[name] = values[name][0]
        else:
            filled[name] = "1"
    return filled


def build(rule: Rule, filled: dict[str, str]) -> str:
    """The path of a rule with raw (already quoted) values, without the converters' checks."""
    path = rule.rule
    for name, value in filled.items():
        path = re.sub(rf"<(?:[^<>]*:)?{name}>", lambda _m, v=value: v, path)
    return path
