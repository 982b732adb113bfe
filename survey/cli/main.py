"""The `survey` console script: Flask's commands (run, shell, routes) and the application's."""

import sys

import click

from .pls import index_weights_command
from .stats import stats_command


def _create_app():
    """Build the application only for commands that need it."""
    from ..app import create_app  # noqa: PLC0415 (deferred: `survey stats` never needs the web app)

    return create_app()


def _group() -> click.Group:
    from flask.cli import FlaskGroup  # noqa: PLC0415 (deferred with the app, see main)

    @click.group(cls=FlaskGroup, create_app=_create_app)
    def cli():
        """Customer-satisfaction surveys for banks: web, CATI and reports."""

    cli.add_command(stats_command)
    cli.add_command(index_weights_command)
    from .worker import run_with_worker  # noqa: PLC0415 (deferred with the app, see main)

    cli.add_command(run_with_worker)  # Flask's own `run`, with the development worker
    return cli


def main() -> None:
    """Entry point. `survey stats` and `survey index-weights` work on a CSV alone (the first
    is timed against R), so they run without importing Flask or the application; every other verb goes through FlaskGroup."""
    if len(sys.argv) > 1 and sys.argv[1] == "stats":
        stats_command.main(sys.argv[2:], prog_name="survey stats")
        return
    if len(sys.argv) > 1 and sys.argv[1] == "index-weights":
        index_weights_command.main(sys.argv[2:], prog_name="survey index-weights")
        return
    from sqlalchemy.exc import OperationalError  # noqa: PLC0415 (deferred with the app)

    try:
        _group()()
    except OperationalError as error:
        first_line = str(error.orig).splitlines()[0] if error.orig else str(error)
        click.echo(
            f"Error: the database cannot be reached or opened ({first_line}). "
            "Check SURVEY_DATABASE_URL and that the database server is running.",
            err=True,
        )
        sys.exit(1)
