"""Jinja filters and globals: time in the viewer's zone, money, navigation by role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_login import current_user

from app.core import clock
from app.core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role] | None = None  # None: every signed-in user


NAV_ITEMS = (
    NavItem("Dashboard", "core.dashboard"),
    NavItem("Team", "accounts.team", frozenset({Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
    NavItem("Organization", "accounts.organization_settings",
            frozenset({Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
    NavItem("Agencies & vendors", "accounts.organizations", frozenset({Role.ADMIN})),
    NavItem("Audit trail", "audit.index",
            frozenset({Role.ADMIN, Role.AGENCY_ADMIN, Role.VENDOR_ADMIN})),
)


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.roles is None or current_user.has_any_role(*item.roles)]


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


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals.update(nav_items=nav_items, Role=Role)

    @app.context_processor
    def _context() -> dict:
        return {"now": clock.now(), "current_endpoint": request.endpoint}
