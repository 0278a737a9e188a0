"""Load-then-authorise helpers used by every view."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user

from app.core.roles import Role
from app.extensions import db, login_manager

M = TypeVar("M")


def roles_required(*roles: Role) -> Callable:
    """Signed-in users holding any of `roles`; others get 403 (anonymous: the login page)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            forbid_unless(current_user.has_any_role(*roles))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def forbid_unless(condition: bool) -> None:
    if not condition:
        abort(403)


def get_or_404(model: type[M], ident: Any) -> M:
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj
