import click
from flask.cli import AppGroup

from app.extensions import db
from app.solicitations.services import BUILTIN_CATEGORIES, import_categories

categories_cli = AppGroup("categories", help="Commodity categories.")


@categories_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8"), required=False)
def import_command(csv_file) -> None:  # noqa: ANN001
    """Import categories from CSV_FILE (header: code,name); without it, the built-in list."""
    text = csv_file.read() if csv_file else BUILTIN_CATEGORIES.read_text(encoding="utf-8")
    created, updated, problems = import_categories(text)
    db.session.commit()
    click.echo(f"categories: {created} created, {updated} renamed, {len(problems)} rows skipped")
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    if problems:
        raise SystemExit(2)
