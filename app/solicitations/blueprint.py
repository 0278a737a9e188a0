"""The solicitations blueprint; its pages are in public_views.py, staff_views.py and
participant_views.py. create_app imports them before registering it."""
from flask import Blueprint

bp = Blueprint("solicitations", __name__)
