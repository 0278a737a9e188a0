"""`flask compliance check FACTS.json`: the report on standard output; bad input exits 2."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from app.compliance.engine import check, parse_facts
from app.compliance.facts import FactsError, decode_json

compliance_cli = AppGroup("compliance", help="Procurement compliance checks against bid_rules/.")

USAGE_ERROR = 2


@compliance_cli.command("check")
@click.argument("facts_file", metavar="FACTS.json", type=click.File("r", encoding="utf-8"))
def check_command(facts_file) -> None:  # noqa: ANN001
    """Check the facts in FACTS.json (or - for standard input) and print the JSON report."""
    name = "standard input" if facts_file.name == "<stdin>" else facts_file.name
    try:
        report = check(parse_facts(decode_json(facts_file.read(), name)))
    except UnicodeDecodeError:
        _refuse(f"{name}: not UTF-8 text")
    except FactsError as exc:
        _refuse(exc.message)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))


def _refuse(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(USAGE_ERROR)
