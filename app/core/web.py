"""Small helpers shared by views."""
from __future__ import annotations

from urllib.parse import urlsplit

from collections.abc import Callable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from app.core.errors import DomainError


def show_domain_error(form: FlaskForm | None, exc: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or at the top of the page."""
    field = getattr(form, exc.field, None) if form is not None and exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")


def commit_or_flash(action: Callable[[], Any], success: str) -> bool:
    """Run a service at the request boundary: commit and flash `success`, or roll back and flash
    the refusal. For one-button forms whose page is shown again by a redirect."""
    from app.extensions import db

    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
