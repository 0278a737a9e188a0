"""Small helpers shared by views."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, flash, send_file, url_for
from flask_wtf import FlaskForm

from app.core.errors import DomainError
from app.core.http_cache import Scope, cache_file
from app.core.storage import RecordedFile, read_verified


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link on the site's configured address (PUBLIC_BASE_URL), for what leaves the
    request (files people save and share): never the request's Host header, which the sender
    chooses."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values, _external=False)


def send_verified(file: RecordedFile, data: bytes | None = None, *, content_type: str, scope: Scope) -> Response:
    """A stored file as a download, only once its bytes are checked against the recorded SHA-256
    (read_verified; `data`: the bytes a caller already read that way, e.g. a sealed bid file).
    The checked bytes are what is sent, never a second read of the disk; the recorded SHA-256 is
    its ETag, and `scope` says who may keep a copy (app.core.http_cache)."""
    data = read_verified(file) if data is None else data
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True,
                         download_name=file.filename, etag=False, conditional=False)
    return cache_file(response, file.sha256, scope)


def show_domain_error(form: FlaskForm | None, exc: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or at the top of the page."""
    field = getattr(form, exc.field, None) if form is not None and exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")


@dataclass(frozen=True)
class Outcome:
    """What a service call at the request boundary came to: its result, or the refusal."""

    value: Any = None
    refusal: DomainError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def commit_or_flash(action: Callable[[], Any], success: str | Callable[[Any], str] | None = None, *,
                    form: FlaskForm | None = None, show_refusal: bool = True,
                    on_conflict: DomainError | None = None) -> Outcome:
    """Run a service at the request boundary, the one place a view commits.

    Done: commit, and flash `success` (a sentence, or one made from the service's result).
    Refused: roll back and show why, beside the form's field it concerns or at the top of the page;
    `show_refusal=False` when the page shows `Outcome.refusal` itself, with what was typed.
    `on_conflict`: the refusal when a unique constraint fails anyway (two requests taking the same
    value at once, past the service's own check)."""
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db

    try:
        value = action()
        if on_conflict is not None:
            try:
                db.session.flush()
                db.session.commit()
            except IntegrityError:
                raise on_conflict from None
    except DomainError as exc:
        db.session.rollback()
        if show_refusal:
            show_domain_error(form, exc)
        return Outcome(refusal=exc)
    db.session.commit()
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(value)


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # control characters (CR/LF) would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
