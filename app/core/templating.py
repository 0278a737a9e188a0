"""Jinja filters and globals: time in the viewer's zone, money, navigation by role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_login import current_user

from app.core import clock
from app.core.roles import AGENCY_STAFF, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role] | None = None  # None: every signed-in user
    public: bool = False  # shown to anonymous visitors too


NAV_ITEMS = (
    NavItem("Solicitations", "solicitations.index", public=True),
    NavItem("Contracts", "registry.index", public=True),
    NavItem("Dashboard", "core.dashboard"),
    NavItem("Our solicitations", "solicitations.staff_index", AGENCY_STAFF),
    NavItem("My bids", "bids.my_bids", frozenset({Role.VENDOR_ADMIN, Role.VENDOR_USER})),
    NavItem("Following", "solicitations.follows", frozenset({Role.VENDOR_ADMIN, Role.VENDOR_USER})),
    NavItem("Team", "accounts.team", frozenset({Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
    NavItem("Organization", "accounts.organization_settings",
            frozenset({Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
    NavItem("Agencies & vendors", "accounts.organizations", frozenset({Role.ADMIN})),
    NavItem("Audit trail", "audit.index",
            frozenset({Role.ADMIN, Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
)


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return [item for item in NAV_ITEMS if item.public]
    return [item for item in NAV_ITEMS if item.public or item.roles is None
            or current_user.has_any_role(*item.roles)]


def viewer_timezone() -> str:
    if current_user.is_authenticated:
        return current_user.organization.timezone or "UTC"
    return "America/New_York"


def format_datetime(value: datetime | None, tz: str | None = None, fmt: str = "%b %-d, %Y %-I:%M %p %Z") -> str:
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(tz or viewer_timezone())).strftime(fmt)


def format_money(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    return f"${Decimal(value):,.2f}"


def _price_decimals(number: Decimal) -> int:
    """Cents at least, up to 4 decimals when the price has them (0.0375 per sheet)."""
    return max(2, min(4, -number.normalize().as_tuple().exponent))


def format_unit_price(value: Decimal | None) -> str:
    """$1,234.50, $0.0375."""
    if value is None:
        return "—"
    number = Decimal(value)
    return f"${number:,.{_price_decimals(number)}f}"


def price_input(value: Decimal | None) -> str:
    """A unit price as typed into a form field: 1234.50, 0.0375 (no $ or commas)."""
    if value is None:
        return ""
    number = Decimal(value)
    return f"{number:.{_price_decimals(number)}f}"


def format_number(value: Decimal | int | float | None) -> str:
    """1234.500 -> 1,234.5; whole numbers without decimals."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    text = f"{number:,.3f}".rstrip("0").rstrip(".")
    return text


def time_left(deadline: datetime | None) -> str:
    """A plain-English countdown computed from the clock, e.g. "3 days, 4 hours"."""
    if deadline is None:
        return "—"
    seconds = int((deadline - clock.now()).total_seconds())
    if seconds <= 0:
        return "no time (closed)"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n][:2]
    return ", ".join(shown) or "under a minute"


def register_template_helpers(app: Flask) -> None:
    from app.accounts.models import AgencyType
    from app.core.markdown import render_markdown
    from app.solicitations.models import REQUIRED_DOCUMENT_TYPES, ProcurementCategory

    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["unit_price"] = format_unit_price
    app.jinja_env.filters["time_left"] = time_left
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["document_types"] = REQUIRED_DOCUMENT_TYPES
    app.jinja_env.globals["agency_types"] = {t.value: t.label for t in AgencyType}
    app.jinja_env.globals["purchase_categories"] = {c.value: c.label for c in ProcurementCategory}
    app.jinja_env.globals.update(nav_items=nav_items, Role=Role)

    @app.context_processor
    def _context() -> dict:
        return {"now": clock.now(), "current_endpoint": request.endpoint}
