"""`survey surveys …` and `survey links open`: run waves from scripts, as the pages do."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .. import audit
from ..database import begin_write, db_session
from ..models import SurveyStatus
from ..questionnaire import Mode
from ..staff.registry import RegistryError, check_known
from ..surveys import links, waves
from ..surveys.listing import list_surveys
from .sample import find_survey

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _date(value):
    return value.date() if value else None


@click.group("surveys", cls=AppGroup, invoke_without_command=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list (the documented contract)."
)
@click.pass_context
@with_appcontext
def surveys(context, as_json: bool):
    """List surveys with their questionnaire, status and responses; or run a wave."""
    if context.invoked_subcommand is not None:
        return
    rows = list_surveys(db_session())
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No surveys yet.")
        return
    click.echo(
        f"{'slug':<28} {'questionnaire':<24} {'v':>3} {'status':<7} {'modes':<9} {'complete':>8} {'partial':>8}"
    )
    for row in rows:
        click.echo(
            f"{row.slug:<28} {row.questionnaire:<24} {row.version:>3} {row.status:<7} "
            f"{'+'.join(row.modes):<9} {row.complete:>8} {row.partial:>8}"
        )


def _modes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in set(Mode)]
    if unknown or not modes:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'}: use web, cati or web,cati.", param_hint="--modes"
        )
    return modes


def _saved(change) -> None:
    """Run a change in a write transaction: all of it stored, or (on a refusal) nothing."""
    session = db_session()
    begin_write(session)
    try:
        result = change(session)
    except waves.WaveError as error:
        session.rollback()
        raise click.ClickException(str(error)) from None
    session.commit()
    return result


@surveys.command("create")
@click.argument("slug")
@click.option("--questionnaire", "key", required=True, help="The questionnaire's id.")
@click.option("--version", type=int, help="Its version number (default: the newest).")
@click.option("--modes", help="web, cati or web,cati (default: the questionnaire's).")
@click.option("--opens", type=DATE, help="Opening date, YYYY-MM-DD (opened by the worker).")
@click.option("--closes", type=DATE, help="Last day, YYYY-MM-DD (closed after it).")
@click.option("--link-valid-days", type=int, default=30, show_default=True)
def create(slug, key, version, modes, opens, closes, link_valid_days):
    """A new survey (wave) in draft."""
    spec = waves.WaveSpec(
        slug=slug, questionnaire=key, version=version, modes=_modes(modes),
        opens_on=_date(opens), closes_on=_date(closes), link_valid_days=link_valid_days,
    )  # fmt: skip
    survey = _saved(lambda session: waves.create_wave(session, spec))
    click.echo(
        f"Created {survey.slug} (draft): {key} v{survey.questionnaire_version.number}, "
        f"{'+'.join(survey.modes)}, opens {survey.opens_on or 'when opened'}, "
        f"closes {survey.closes_on or 'when closed'}."
    )


def _status_command(action: str, past: str):
    @surveys.command(action, help=f"{past.capitalize()} a survey (audited).")
    @click.argument("slug")
    def command(slug):
        def change(session):
            return waves.change_status(session, find_survey(session, slug), action, by="cli")

        survey = _saved(change)
        click.echo(f"{survey.slug} is {survey.status}.")

    return command


open_command = _status_command("open", "open")
pause_command = _status_command("pause", "pause")
close_command = _status_command("close", "close")


@surveys.command("clone")
@click.argument("slug")
@click.argument("new_slug")
@click.option("--opens", type=DATE, help="Opening date, YYYY-MM-DD.")
@click.option("--closes", type=DATE, help="Last day, YYYY-MM-DD.")
def clone(slug, new_slug, opens, closes):
    """The next wave: the same settings under a new slug and dates, in draft."""

    def change(session):
        source = find_survey(session, slug)
        return waves.clone_wave(session, source, new_slug, _date(opens), _date(closes))

    survey = _saved(change)
    click.echo(
        f"Created {survey.slug} (draft) from {slug}: opens {survey.opens_on or 'when opened'}, "
        f"closes {survey.closes_on or 'when closed'}."
    )


links_group = AppGroup("links", help="A survey's open link and its QR codes.")


@links_group.command("open")
@click.argument("slug")
@click.option("--branch", default="", help="Branch code, signed into the link.")
@click.option("--counter", default="", help="Counter, signed into the link.")
@click.option("--staff", default="", help="Staff number (工号), signed into the link.")
@click.option("--kiosk", is_flag=True, help="A counter kiosk's link (one device).")
@click.option("--format", "kind", type=click.Choice(links.FORMATS), help="QR code format.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write the QR code here.")
def open_link(slug, branch, counter, staff, kiosk, kind, output):
    """Turn the survey's open link on, print its address and write its QR code."""
    if output and kind is None:
        kind = Path(output).suffix.lstrip(".").lower()
        if kind not in links.FORMATS:
            raise click.BadParameter(
                f"cannot tell the format of {output!r}: name it .svg, .png or .pdf, or give "
                "--format",
                param_hint="--output",
            )
    try:
        where = links.place(branch, counter, staff, kiosk=kiosk)
    except links.PlaceError as error:
        raise click.ClickException(str(error)) from None
    session = db_session()
    begin_write(session)
    survey = find_survey(session, slug)
    try:
        check_known(session, where.staff)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    if survey.status == SurveyStatus.CLOSED:
        raise click.ClickException(
            f"{slug} is closed: its link would show customers the closed page. Clone it into "
            f"a new wave (`survey surveys clone {slug} NEW_SLUG`) and open that one's link."
        )
    if not survey.open_link:
        survey.open_link = True
        audit.record("open_link_on", "survey", survey.id, by="cli")
    if where.as_dict():
        links.add_place(survey, where)
        audit.record("open_link_place_added", "survey", survey.id, by="cli", **where.as_dict())
    config = current_app.config
    url = links.public_url(survey, where, config["SECRET_KEY"], config["SURVEY_BASE_URL"])
    if kind:
        target = Path(output or links.file_name(survey, where, kind))
        image = links.qr_code(url, kind)
        try:
            target.write_bytes(image)
        except OSError as error:
            session.rollback()
            raise click.ClickException(f"cannot write {target}: {error.strerror}") from None
    session.commit()
    click.echo(url)
    if kind:
        click.echo(f"QR code ({kind}) written to {target}", err=True)
    if survey.status != SurveyStatus.OPEN:
        click.echo(
            f"Note: {slug} is {survey.status}; customers can answer once it is open.", err=True
        )
