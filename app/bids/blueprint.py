"""The bids blueprint; its pages are in views.py (vendors, receipts) and staff_views.py (the
opening and tabulation). create_app imports both before registering it."""
from flask import Blueprint

bp = Blueprint("bids", __name__)
