"""`survey sample import`: load a sample frame from CSV or XLSX, with a report of every problem."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .database import begin_write, db_session
from .models import Survey
from .sample_import import SampleFileError, import_file

sample = AppGroup("sample", help="Sample frames: customers to invite or call.")


@sample.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--valid-only", is_flag=True, help="Import the valid rows even when others have problems."
)
def import_command(slug: str, file: str, valid_only: bool):
    """Import customers (CSV or XLSX) into a survey's sample; a file with errors imports nothing
    unless --valid-only is given."""
    session = db_session()
    begin_write(session)
    survey = session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise click.ClickException(f"No survey {slug!r}; `survey surveys` lists them.")
    region = current_app.config.get("SURVEY_PHONE_REGION", "CN")
    try:
        report = import_file(session, survey, file, accept_valid=valid_only, region=region)
    except SampleFileError as error:
        raise click.ClickException(str(error)) from None
    for problem in report.problems:
        click.echo(f"{file}: {problem}", err=True)
    session.commit()
    if report.problems and not valid_only:
        click.echo(
            f"{len(report.problems)} problem(s) in {len(report.bad_lines)} of {report.rows} rows; nothing imported "
            "(fix the file, or use --valid-only to import the other rows)",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"Imported {report.imported} of {report.rows} rows into {slug}.")
