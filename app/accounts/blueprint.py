"""The accounts blueprint; its pages are in views.py (sign-in, profile) and admin_views.py
(organization administration). create_app imports both before registering it."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
