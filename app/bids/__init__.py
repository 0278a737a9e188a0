from flask import Blueprint

bp = Blueprint("bids", __name__)

from app.bids import sealing, staff_views, views  # noqa: E402,F401
