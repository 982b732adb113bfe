"""The commands the application adds to `survey` (DESIGN.md, command line)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .. import audit
from ..aapor import rates
from ..accounts.staff import (
    AccountError,
    StaffDetails,
    add_account,
    apply_details,
    check_details,
    parse_branches,
)
from ..analysis.facts import refresh_facts
from ..database import begin_write, db_session, get_db
from ..demo import alerts as demo_alerts
from ..demo import fieldwork as demo_fieldwork
from ..demo import followups as demo_followups
from ..demo import reports as demo_reports
from ..demo import staff as demo_staff
from ..demo import surveys as demo
from ..demo import waves as demo_waves
from ..models import Role, Survey, User
from ..responses import export
from ..responses.invitations import invite_many, personal_link
from . import backup, schema
from .followups import followups
from .pls import index_weights_command
from .publishing import alerts, comments, reports
from .questionnaires import questionnaires
from .sample import calls, find_survey, invitations, sample
from .staff import hotline, staff
from .stats import stats_command
from .waves import links_group, surveys
from .worker import worker_command


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the database, or upgrade it to the newest migration."""
    before, after = schema.upgrade(get_db().engine)
    if before == after:
        click.echo(f"The database is up to date (migration {after}).")
        return
    click.echo(f"The database was upgraded from {before or 'empty'} to migration {after}.")
    session = db_session()
    prepared = sum(refresh_facts(session, s) for s in session.scalars(select(Survey)).all())
    if prepared:
        click.echo(f"{prepared} complete responses prepared for reporting.")


@click.group(cls=AppGroup)
def user():
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--display-name", default="", help="The name shown in the interface and read in scripts."
)
@click.option(
    "--staff-number", default=None, help="The staff number (工号); interviewers need one."
)
@click.option("--branches", default=None, help="A manager's branches, comma-separated.")
@click.option("--email", default=None, help="Where follow-up notices reach them.")
@click.option("--phone", default=None, help="A mobile for follow-up notices (+86…).")
def user_add(name: str, role: str, display_name: str, staff_number, branches, email, phone):
    """Add a user; the password is read from standard input."""
    details = StaffDetails(
        role, display_name.strip(), staff_number, parse_branches(branches), email, phone
    )
    try:
        check_details(details)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    session = db_session()
    begin_write(session)
    try:
        added = add_account(session, name, password, details)
        session.flush()
        audit.record("user_created", "user", added.id, role=role)
        session.commit()
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added {role} {name}.")


@user.command("edit")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--display-name")
@click.option("--staff-number")
@click.option("--branches", help="A manager's branches, comma-separated; an empty value: all.")
@click.option("--email", help="Where follow-up notices reach them; an empty value: none.")
@click.option("--phone", help="A mobile for follow-up notices; an empty value: none.")
def user_edit(name: str, role, display_name, staff_number, branches, email, phone):
    """Change an account's role, display name, staff number or branches (audited)."""
    session = db_session()
    begin_write(session)
    account = session.scalar(select(User).where(User.username == name))
    if account is None:
        raise click.ClickException(f"No user named {name!r}.")
    before = StaffDetails.of(account)
    after = StaffDetails(
        role or before.role,
        before.display_name if display_name is None else display_name.strip(),
        before.staff_number if staff_number is None else staff_number.strip() or None,
        before.branches if branches is None else parse_branches(branches),
        before.email if email is None else email.strip() or None,
        before.phone if phone is None else phone.strip() or None,
    )
    try:
        changed = apply_details(account, after)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    audit.record("user_updated", "user", account.id, **changed)
    session.commit()
    click.echo(f"Updated {name}: {', '.join(changed) or 'nothing changed'}.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Make a complete demo on the configured database and print the sign-in details."""
    schema.upgrade(get_db().engine)
    session = db_session()
    begin_write(session)
    credentials = demo.build(session, Path(current_app.config["QUESTIONNAIRE_DIR"]))
    demo_staff.build_registry(session, date.today())
    demo_fieldwork.build(session, current_app.config, current_app.instance_path)
    demo_reports.build(session)
    demo_staff.build_after_reports(session, date.today(), current_app.secret_key)
    demo_waves.build(session, date.today())
    demo_followups.build(session)
    demo_alerts.build(session, current_app.config, current_app.instance_path)
    base_url = current_app.config["SURVEY_BASE_URL"]
    click.echo(f"Demo ready at {base_url}/login — sign in as:")
    for username, role, password in credentials:
        click.echo(f"  {role:<12} {username:<12} {password}")
    click.echo("Answer a survey as a customer would (personal links):")
    for slug, token in demo.sample_links(session):
        click.echo(f"  {slug:<30} {personal_link(base_url, token)}")
    click.echo("Staff (the service star, the hotline's KPIs):")
    for what, path in demo_staff.staff_links(session, date.today()):
        click.echo(f"  {what:<30} {base_url}{path}")
    click.echo("In the lobby (open links with signed branch and teller; a counter kiosk):")
    for what, address in demo_waves.lobby_links(
        session, current_app.config["SECRET_KEY"], base_url
    ):
        click.echo(f"  {what:<30} {address}")
    click.echo("Results that reach people (alerts, report archive; manager and branchhead):")
    for what, path in demo_alerts.links(session):
        click.echo(f"  {what:<30} {base_url}{path}")


@click.command("invite")
@click.argument("slug")
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def invite_command(slug: str, count: int):
    """Print personal web links for a survey, one a line (contacts not yet invited first)."""
    session = db_session()
    begin_write(session)
    survey = find_survey(session, slug)
    tokens = invite_many(session, survey, count)
    session.commit()
    base_url = current_app.config["SURVEY_BASE_URL"]
    for token in tokens:
        click.echo(personal_link(base_url, token))


@click.command("export")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", type=click.Path(dir_okay=False), help="A file; standard output when absent."
)
@with_appcontext
def export_command(slug: str, fmt: str, output: str | None):
    """Export responses (one row each, answer codes, no personal data) with a codebook."""
    session = db_session()
    survey = find_survey(session, slug)
    if fmt == "xlsx" and not output:
        raise click.ClickException("--format xlsx needs --output FILE.xlsx")
    header, variables, rows = export.export_rows(session, survey)
    codebook = export.codebook_rows(header, variables)
    audit.record("export", "survey", survey.id, format=fmt, via="cli")
    if fmt == "xlsx":
        export.write_xlsx(output, header, rows, codebook)
    elif output:
        with open(output, "w", encoding="utf-8", newline="") as stream:
            if fmt == "csv":
                export.write_csv(stream, header, rows)
            else:
                export.write_json(stream, survey, header, rows, codebook)
        if fmt == "csv":
            codebook_path = Path(output).with_suffix(".codebook.csv")
            with open(codebook_path, "w", encoding="utf-8", newline="") as stream:
                export.write_csv(stream, ["variable", "label", "values"], codebook)
            click.echo(f"Codebook written to {codebook_path}", err=True)
    elif fmt == "csv":
        export.write_csv(sys.stdout, header, rows)
    else:
        export.write_json(sys.stdout, survey, header, rows, codebook)
    session.commit()


@click.command("rates")
@click.argument("slug")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the JSON object of the documented contract."
)
@click.option(
    "--e",
    "eligible_share",
    type=click.FloatRange(0, 1),
    default=None,
    help="The eligible share of unknown-eligibility cases (default: AAPOR's proportional estimate).",
)
@click.option(
    "--by",
    type=click.Choice(rates.GROUPINGS),
    help="Rates per stratum, branch, interviewer or week.",
)
@with_appcontext
def rates_command(slug: str, as_json: bool, eligible_share: float | None, by: str | None):
    """AAPOR outcome rates (RR1–RR6, COOP1–4, REF1–3, CON1–3) from the survey's dispositions."""
    session = db_session()
    survey = find_survey(session, slug)
    if by:
        groups = rates.rates_by(session, survey, by, eligible_share)
        if as_json:
            click.echo(
                json.dumps(
                    {"by": by, "groups": [{by: g, **r.as_json()} for g, r in groups.items()]}
                )
            )
            return
        first = next(iter(groups.values()), None)
        if first:
            click.echo(f"e = {first.e:.4f} (the survey's, for every {by})")
        click.echo(
            f"{by:<16} {'cases':>6} {'RR1':>7} {'RR3':>7} {'COOP1':>7} {'REF1':>7} {'CON1':>7}"
        )
        for group, result in groups.items():
            cells = [result.values[k] for k in ("RR1", "RR3", "COOP1", "REF1", "CON1")]
            shown = " ".join(f"{'—' if v is None else f'{v:.1%}':>7}" for v in cells)
            click.echo(f"{group:<16} {sum(result.counts.values()):>6} {shown}")
        return
    result = rates.survey_rates(session, survey, eligible_share)
    if as_json:
        click.echo(json.dumps(result.as_json()))
        return
    click.echo("  ".join(f"{k}={result.counts[k]}" for k in result.counts))
    source = "AAPOR proportional estimate" if result.e_source == "proportional" else "given"
    click.echo(f"e = {result.e:.4f} ({source})")
    for name, value in result.values.items():
        click.echo(f"{name:<6} {'—' if value is None else f'{value:.1%}'}")


@click.command("prepare-reports")
@click.argument("slug")
@with_appcontext
def prepare_reports_command(slug: str):
    """Copy a survey's completes into the reports' table now (after a bulk load), so the
    first manager to open its report does not wait for it."""
    session = db_session()
    survey = find_survey(session, slug)
    added = refresh_facts(session, survey)
    click.echo(f"{added} complete responses prepared for reporting.")


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(destination: str):
    """Write a consistent copy of the SQLite database to DESTINATION while the app runs."""
    try:
        result = backup.backup(get_db().engine, destination)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {result.path} (migration {result.revision}).")
    click.echo(_row_summary(result))


@click.command("restore")
@click.argument("origin", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@with_appcontext
def restore_command(origin: str, yes: bool):
    """Replace the SQLite database's data with the backup ORIGIN (stop the app first)."""
    if not yes:
        click.confirm(
            "Every answer, case and account now in the database will be replaced by the "
            "backup's. Continue?",
            abort=True,
        )
    try:
        result = backup.restore(get_db().engine, origin)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {origin} into {result.path} (now at migration {result.revision}).")
    click.echo(_row_summary(result))


def _row_summary(result: backup.BackupResult) -> str:
    shown = ("surveys", "responses", "answers", "contacts", "cati_cases", "users")
    return ", ".join(f"{result.tables[t]} {t}" for t in shown if t in result.tables)


def init_app(app) -> None:
    for command in (
        init_db,
        user,
        surveys,
        demo_command,
        questionnaires,
        invite_command,
        export_command,
        stats_command,
        index_weights_command,
        rates_command,
        sample,
        invitations,
        calls,
        prepare_reports_command,
        backup_command,
        restore_command,
        worker_command,
        links_group,
        followups,
        staff,
        hotline,
        reports,
        comments,
        alerts,
    ):
        app.cli.add_command(command)
