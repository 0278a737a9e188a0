from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

from app.accounts import views, admin_views  # noqa: E402,F401
