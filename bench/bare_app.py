"""The bare Flask app bench/pages.py measures the real pages against, in the same run: one route
answering 20 rows of JSON, no database, no extensions. `gunicorn bench.bare_app:app`."""
from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)

ROWS = [{"id": n, "number": f"BARE-{n:06d}", "title": f"Contract {n}", "vendor": f"Vendor {n}",
         "amount": f"{n * 1234.5:.2f}"} for n in range(1, 21)]


@app.route("/")
def rows():
    return jsonify(rows=ROWS)
