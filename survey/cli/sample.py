"""`survey sample import`: load a sample frame from CSV or XLSX, with a report of every problem."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import begin_write, db_session
from ..models import Survey
from ..questionnaire import Mode
from ..sample import draws as sampling
from ..sample import messaging, post_call
from ..sample.frame_import import import_sample
from ..surveys.listing import by_slug

sample = AppGroup("sample", help="Sample frames: customers to invite or call.")


def find_survey(session, slug: str) -> Survey:
    survey = by_slug(session, slug)
    if survey is None:
        raise click.ClickException(f"No survey {slug!r}; `survey surveys` lists them.")
    return survey


def _import(slug: str, file: str, valid_only: bool, importer, what: str) -> None:
    """Run an importer on a file: every problem printed with its line; all or nothing unless
    --valid-only."""
    session = db_session()
    begin_write(session)
    survey = find_survey(session, slug)
    config = current_app.config
    try:
        report = importer(
            session,
            survey,
            Path(file).read_bytes(),
            Path(file).name,
            accept_valid=valid_only,
            region=config.get("SURVEY_PHONE_REGION", "CN"),
            **({"zone": config["BABEL_DEFAULT_TIMEZONE"]} if what == "calls" else {}),
        )
    except ValueError as error:  # the file itself cannot be read
        raise click.ClickException(str(error)) from None
    for problem in report.problems:
        click.echo(f"{file}: {problem}", err=True)
    session.commit()
    if report.problems and not valid_only:
        click.echo(
            f"{len(report.problems)} problem(s) in {len(report.bad_lines)} of {report.rows} rows; "
            "nothing imported (fix the file, or use --valid-only to import the other rows)",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"Imported {report.imported} of {report.rows} rows into {slug}.")


VALID_ONLY = click.option(
    "--valid-only", is_flag=True, help="Import the valid rows even when others have problems."
)


@sample.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@VALID_ONLY
def import_command(slug: str, file: str, valid_only: bool):
    """Import customers (CSV or XLSX) into a survey's sample; a file with errors imports nothing
    unless --valid-only is given."""
    _import(slug, file, valid_only, import_sample, "sample")


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
    survey = find_survey(session, slug)
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
    released = sampling.release(session, find_survey(session, slug), replicate)
    session.commit()
    click.echo(f"Released {released} customer(s) of replicate {replicate}.")


invitations = AppGroup("invitations", help="Personal links by SMS and e-mail.")


def _send(session, survey: Survey, after_days: int | None = None) -> None:
    kind = "invitation" if after_days is None else "reminder"
    queued, sent, failed = messaging.queue_and_deliver(
        session, survey, current_app.config, current_app.instance_path, after_days
    )
    click.echo(f"Queued {queued} {kind}(s); sent {sent}, failed {failed}.")


@invitations.command("send")
@click.argument("slug")
def send_command(slug: str):
    """Invite every released customer not yet invited, then deliver the queued messages."""
    session = db_session()
    begin_write(session)
    _send(session, find_survey(session, slug))


@invitations.command("remind")
@click.argument("slug")
@click.option("--after-days", default=3, show_default=True, type=click.IntRange(0))
def remind_command(slug: str, after_days: int):
    """Remind those invited at least --after-days ago who have not finished."""
    session = db_session()
    begin_write(session)
    _send(session, find_survey(session, slug), after_days)


calls = AppGroup("calls", help="Post-call sampling of the hotline's calls.")


@calls.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@VALID_ONLY
def calls_import_command(slug: str, file: str, valid_only: bool):
    """Import the day's call records (CSV or XLSX): call_id, customer_ref, phone, queue,
    agent_id, start_time, talk_seconds, transferred."""
    _import(slug, file, valid_only, post_call.import_calls, "calls")


def _queue_rate(_ctx, _param, values) -> dict[str, float]:
    rates = {}
    for value in values:
        queue, _, rate = value.rpartition("=")
        try:
            rates[queue] = float(rate)
        except ValueError:
            raise click.BadParameter(f"{value!r}: write QUEUE=RATE, such as cards=0.1") from None
        if not queue:
            raise click.BadParameter(f"{value!r}: write QUEUE=RATE, such as cards=0.1")
    return rates


@calls.command("draw")
@click.argument("slug")
@click.option("--rate", type=click.FloatRange(0, 1), help="Share of each queue's calls (0.05).")
@click.option(
    "--queue-rate", multiple=True, callback=_queue_rate, help="A queue's own rate: QUEUE=RATE."
)
@click.option("--min-talk", type=click.IntRange(0), help="Minimum talk time in seconds (30).")
@click.option("--due-hours", type=click.IntRange(1), help="Hours after the call to reach them.")
@click.option(
    "--mode",
    type=click.Choice([Mode.CATI.value, Mode.WEB.value]),
    help="A phone case or a web link.",
)
@click.option("--seed", type=int, help="For a reproducible draw (recorded either way).")
def calls_draw_command(slug, rate, queue_rate, min_talk, due_hours, mode, seed):
    """Draw the post-call sample from the calls not yet drawn from; the draw is recorded."""
    session = db_session()
    begin_write(session)
    survey = find_survey(session, slug)
    try:
        rules = post_call.PostCallRules.for_survey(
            survey,
            rate=rate,
            queue_rates=queue_rate or None,
            min_talk_seconds=min_talk,
            due_hours=due_hours,
            mode=mode,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    record = post_call.draw_calls(
        session, survey, rules, seed, zone=current_app.config["BABEL_DEFAULT_TIMEZONE"]
    )
    session.commit()
    click.echo(
        f"Drew {record.size} of {record.parameters['calls']} calls (seed {record.seed}); "
        f"excluded: {record.parameters['excluded'] or 'none'}"
    )
    for queue, count in record.allocation.items():
        click.echo(f"  {queue}: {count} of {record.parameters['eligible'][queue]}")
    if rules.mode == Mode.WEB:
        _send(session, survey)
