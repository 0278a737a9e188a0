"""Flask's signed-cookie sessions with less work per request: no signer is built for a visitor who
has no session cookie (most anonymous requests), and the signer is built once per secret key
instead of on every request."""
from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LeanCookieSessionInterface(SecureCookieSessionInterface):
    _signer: tuple[Any, Any] | None = None  # (the keys it was built with, the signer)

    def get_signing_serializer(self, app: Flask):  # noqa: ANN201
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._signer
        if cached is None or cached[0] != keys:
            cached = self._signer = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # nothing to read: a new, empty session
        return super().open_session(app, request)
