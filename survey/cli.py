"""The `survey` console script: Flask's commands (run, shell, routes) and the application's."""

import click
from flask.cli import FlaskGroup

from .stats_command import stats_command


def _create_app():
    """Build the application only for commands that need it.

    `survey stats` works on a CSV alone, so it is registered on the group itself and
    never pays for importing the web application (it is timed against R).
    """
    from .app import create_app  # noqa: PLC0415 (deferred on purpose, see above)

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def cli():
    """Customer-satisfaction surveys for banks: web, CATI and reports."""


cli.add_command(stats_command)
