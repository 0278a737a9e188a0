from flask import Blueprint

bp = Blueprint("solicitations", __name__)

from app.solicitations import drafting_views, notifications, participant_views, public_views, staff_views  # noqa: E402,F401,I001
