"""`survey sample import`: load a sample frame from CSV or XLSX, with a report of every problem."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from . import messaging, sampling
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


def _survey(session, slug: str) -> Survey:
    survey = session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise click.ClickException(f"No survey {slug!r}; `survey surveys` lists them.")
    return survey


@sample.command("draw")
@click.argument("slug")
@click.option("--size", required=True, type=click.IntRange(1))
@click.option(
    "--method", type=click.Choice(sampling.DRAW_METHODS), default="proportional", show_default=True
)
@click.option(
    "--minimum", default=0, show_default=True, type=click.IntRange(0), help="Floor per stratum."
)
@click.option("--seed", type=int, help="For a reproducible draw (recorded either way).")
@click.option(
    "--replicates",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Batches to release one by one.",
)
def draw_command(
    slug: str, size: int, method: str, minimum: int, seed: int | None, replicates: int
):
    """Draw a (stratified) random sample from the imported frame; the draw is recorded."""
    session = db_session()
    begin_write(session)
    survey = _survey(session, slug)
    try:
        record = sampling.draw(session, survey, size, method, minimum, seed, replicates)
    except sampling.DrawError as error:
        raise click.ClickException(str(error)) from None
    session.commit()
    click.echo(
        f"Drew {record.size} ({record.method}, seed {record.seed}) in {record.replicates} replicate(s):"
    )
    for stratum, count in record.allocation.items():
        click.echo(f"  {stratum or '(all)'}: {count}")


@sample.command("release")
@click.argument("slug")
@click.option("--replicate", required=True, type=click.IntRange(1))
def release_command(slug: str, replicate: int):
    """Release a replicate of the drawn sample for fieldwork."""
    session = db_session()
    begin_write(session)
    released = sampling.release(session, _survey(session, slug), replicate)
    session.commit()
    click.echo(f"Released {released} customer(s) of replicate {replicate}.")


invitations = AppGroup("invitations", help="Personal links by SMS and e-mail.")


@invitations.command("send")
@click.argument("slug")
def send_command(slug: str):
    """Invite every released customer not yet invited, then deliver the queued messages."""
    session = db_session()
    begin_write(session)
    survey = _survey(session, slug)
    queued = messaging.queue_invitations(session, survey, current_app.config["SURVEY_BASE_URL"])
    session.commit()  # queued before delivery: a crash never loses or repeats a message
    sent, failed = messaging.deliver(
        session, messaging.adapter_from_config(current_app.config, current_app.instance_path)
    )
    session.commit()
    click.echo(f"Queued {queued} invitation(s); sent {sent}, failed {failed}.")


@invitations.command("remind")
@click.argument("slug")
@click.option("--after-days", default=3, show_default=True, type=click.IntRange(0))
def remind_command(slug: str, after_days: int):
    """Remind those invited at least --after-days ago who have not finished."""
    session = db_session()
    begin_write(session)
    survey = _survey(session, slug)
    queued = messaging.queue_reminders(
        session, survey, current_app.config["SURVEY_BASE_URL"], after_days
    )
    session.commit()
    sent, failed = messaging.deliver(
        session, messaging.adapter_from_config(current_app.config, current_app.instance_path)
    )
    session.commit()
    click.echo(f"Queued {queued} reminder(s); sent {sent}, failed {failed}.")
