"""Browser-facing security: CSRF, headers, cookies, CSP-compatible markup, error pages, escaping."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import Organization, User
from app.audit.models import AuditEvent
from app.core.roles import OrganizationKind, Role
from app.extensions import db
from config import TestConfig
from tests.conftest import PASSWORD, login


def _events(app, action: str | None = None) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.action).order_by(AuditEvent.seq)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(db.session.scalars(query))


def _signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


# ----------------------------------------------------------------------------- CSRF
def test_login_post_without_csrf_token_is_refused(app, client, make_user):
    user = make_user()
    client.get("/accounts/login")  # a session exists, so only the token is missing
    response = client.post("/accounts/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert _events(app) == []
    with app.app_context():
        assert db.session.get(User, user.id).last_login_at is None


def test_login_post_with_wrong_csrf_token_is_refused(app, client, make_user):
    user = make_user()
    client.get("/accounts/login")
    response = client.post("/accounts/login", data={"email": user.email, "password": user.password,
                                                    "csrf_token": "forged"})
    assert response.status_code == 400
    assert not _signed_in(client)
    assert _events(app) == []


def _post_rules(app) -> list[str]:
    from werkzeug.routing import IntegerConverter

    """Every URL that takes a POST from a browser, its arguments filled (the API is exempt: it
    reads no cookies)."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        values = {}
        for name, converter in rule._converters.items():
            choices = getattr(converter, "items", None)  # any(...): one of its words
            values[name] = (1 if isinstance(converter, IntegerConverter)
                            else next(iter(choices)) if choices else "X")
        urls.append(adapter.build(rule.endpoint, values, method="POST"))
    return urls


@pytest.mark.parametrize("roles", [(Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER), (Role.VENDOR_ADMIN,), (Role.ADMIN,)],
                         ids=["agency", "vendor", "platform"])
def test_every_form_needs_the_csrf_token(app, client, login_as, roles):
    """CSRF on every form: a POST without the token is refused before any view runs."""
    login_as(*roles)
    urls = _post_rules(app)
    assert len(urls) > 50
    before = _events(app)
    for url in urls:
        response = client.post(url, data={"title": "forged"})
        assert response.status_code == 400, url
    assert _events(app) == before and _signed_in(client)


def test_logout_without_csrf_token_is_refused(app, client, login_as):
    login_as(Role.PROCUREMENT_OFFICER)
    response = client.post("/accounts/logout")
    assert response.status_code == 400
    assert _signed_in(client)
    assert _events(app, "auth.logout") == []
    # With the token the same request works.
    assert client.submit("/accounts/logout").status_code == 302
    assert not _signed_in(client)


def test_profile_post_without_csrf_token_changes_nothing(app, client, login_as):
    user = login_as(Role.PROCUREMENT_OFFICER, name="Original Name")
    response = client.post("/accounts/profile", data={"profile-name": "Changed Name",
                                                      "profile-title": "Chief", "profile-submit": "Save"})
    assert response.status_code == 400
    with app.app_context():
        row = db.session.get(User, user.id)
        assert (row.name, row.title) == ("Original Name", None)
    assert _events(app, "user.profile_updated") == []
    # Sanity check: the same form with the token is accepted.
    response = client.submit("/accounts/profile", {"profile-name": "Changed Name",
                                                   "profile-title": "Chief", "profile-submit": "Save"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).name == "Changed Name"


def test_password_change_without_csrf_token_changes_nothing(app, client, login_as):
    user = login_as(Role.VENDOR_ADMIN)
    response = client.post("/accounts/profile", data={
        "password-current_password": PASSWORD, "password-password": "a-brand-new-passphrase",
        "password-confirm": "a-brand-new-passphrase", "password-submit": "Change password"})
    assert response.status_code == 400
    client.submit("/accounts/logout")
    assert login(client, user).status_code == 302  # the old password still works


# ----------------------------------------------------------------------------- headers and cookies
def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


@pytest.mark.parametrize("path", ["/", "/accounts/login", "/no-such-page"])
def test_security_headers_on_html_pages(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    header = response.headers["Content-Security-Policy"]
    csp = _csp(response)
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("Referrer-Policy")
    assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_on_signed_in_page(client, login_as):
    login_as(Role.AGENCY_ADMIN)
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert _csp(response)["script-src"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _set_cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}")


def _attributes(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_session_cookie_after_login_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()
    response = login(client, user)
    assert response.status_code == 302
    attributes = _attributes(_set_cookie(response, "session"))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_remember_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()
    response = client.submit("/accounts/login", {"email": user.email, "password": user.password,
                                                 "remember": "y"})
    assert response.status_code == 302
    attributes = _attributes(_set_cookie(response, "remember_token"))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


# ----------------------------------------------------------------------------- CSP-compatible markup
class _InlineCodeFinder(HTMLParser):
    """Collects everything a strict CSP (no 'unsafe-inline') would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> (inline event handler)")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> (javascript: URL)")
        if tag == "script":
            self._in_script = True
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script body: {data.strip()[:80]!r}")


def _inline_code(html: str) -> list[str]:
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def _static_get_paths(app) -> list[str]:
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "core.healthz"
    )


def _assert_pages_clean(client, paths) -> int:
    checked = 0
    for path in paths:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        assert _inline_code(response.get_data(as_text=True)) == [], path
        checked += 1
    return checked


def test_parser_catches_inline_code():
    html = ('<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
            '<a href="javascript:void(0)">x</a><style>p{}</style><script src="/ok.js"></script>')
    problems = _inline_code(html)
    assert len(problems) == 5, problems
    assert _inline_code('<script src="/ok.js"></script><p class="x">fine</p>') == []


def test_anonymous_pages_have_no_inline_script_or_style(app, client):
    paths = _static_get_paths(app) + ["/no-such-page", "/accounts/password-reset/not-a-token",
                                      "/accounts/invitations/not-a-token"]
    assert _assert_pages_clean(client, paths) >= 5
    # A form re-rendered with errors
    response = client.submit("/accounts/login", {"email": "nobody@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert _inline_code(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_pages_have_no_inline_script_or_style(app, client, login_as, role):
    user = login_as(role)
    paths = _static_get_paths(app)
    if role == Role.ADMIN:
        paths.append(f"/accounts/admin/organizations/{user.organization_id}")
    if role in (Role.AGENCY_ADMIN, Role.VENDOR_ADMIN):
        paths.append(f"/accounts/members/{user.id}/roles")
    client.submit("/accounts/profile", {"profile-name": "Renamed", "profile-submit": "Save"})  # a flash
    assert _assert_pages_clean(client, paths) >= 4


# ----------------------------------------------------------------------------- error responses
TRACE_MARKERS = ("Traceback", "File \"", "werkzeug", "sqlalchemy", "Exception", "Error:")


def test_404_page_is_html_without_internals(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Page not found" in body
    assert "<html" in body
    for marker in TRACE_MARKERS:
        assert marker not in body


def test_api_404_is_json(client):
    response = client.get("/api/anything")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    payload = response.get_json()
    assert payload["error"] == "Page not found"
    assert payload["status"] == 404


def test_json_clients_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_get_on_logout_is_405(client, login_as):
    assert client.get("/accounts/logout").status_code == 405
    login_as(Role.BUYER)
    response = client.get("/accounts/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)
    assert _signed_in(client)


def test_forbidden_page_is_generic(client, login_as):
    login_as(Role.PROCUREMENT_OFFICER)
    response = client.get("/accounts/admin/organizations")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


SECRET = "s3cret-internal-detail-42"


@pytest.fixture
def crashing_app(app):
    """A second app on the session's database with routes that raise."""

    class CrashConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    crashing = create_app(CrashConfig)

    @crashing.route("/boom")
    def boom():
        raise RuntimeError(f"database password is {SECRET}")

    @crashing.route("/api/boom")
    def api_boom():
        raise KeyError(SECRET)

    yield crashing
    with crashing.app_context():
        db.engine.dispose()


def test_500_is_the_generic_error_page(crashing_app):
    client = crashing_app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert SECRET not in body
    assert "RuntimeError" not in body
    for marker in TRACE_MARKERS:
        assert marker not in body
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_api_500_is_json_without_details(crashing_app):
    response = crashing_app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json()["error"] == "Something went wrong"
    body = response.get_data(as_text=True)
    assert SECRET not in body
    assert "KeyError" not in body


# ----------------------------------------------------------------------------- escaping
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_user_supplied_name_is_escaped(app, client, login_as):
    login_as(Role.AGENCY_ADMIN)
    response = client.submit("/accounts/profile", {"profile-name": XSS, "profile-submit": "Save"})
    assert response.status_code == 302
    for path in ("/accounts/profile", "/dashboard", "/accounts/team"):
        body = client.get(path).get_data(as_text=True)
        assert XSS not in body, path
        assert "&lt;script&gt;alert(" in body, path
        assert _inline_code(body) == [], path


def test_audit_filter_value_is_escaped(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/audit/", query_string={"action": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&#34;&gt;&lt;script&gt;" in body or "&quot;&gt;&lt;script&gt;" in body
    assert _inline_code(body) == []


def test_organization_name_is_escaped(app, client, make_org, login_as):
    org_id = make_org(OrganizationKind.VENDOR, name="<b>Acme</b> & Sons")
    login_as(Role.VENDOR_USER, org_id=org_id)
    body = client.get("/dashboard").get_data(as_text=True)
    assert "<b>Acme</b>" not in body
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; Sons" in body
    assert re.search(r"<b>Acme", body) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 1
