"""The `survey` console script: Flask's commands (run, shell, routes) and the application's."""

import click
from flask.cli import FlaskGroup

from .app import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def cli():
    """Customer-satisfaction surveys for banks: web, CATI and reports."""
