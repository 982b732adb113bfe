"""`survey staff import|league` and `survey hotline kpis` (DESIGN.md contracts)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import begin_write, db_session
from ..hotline import kpis as hotline_kpis
from ..hotline.records import read_calls
from ..staff.league import LeagueError, league
from ..staff.registry import import_staff
from .sample import VALID_ONLY, find_survey

staff = AppGroup("staff", help="The staff registry and the monthly service star.")
hotline = AppGroup("hotline", help="The call centre's KPIs.")


def _report_problems(file: str, report, valid_only: bool, what: str) -> None:
    for problem in report.problems:
        click.echo(f"{file}: {problem}", err=True)
    if report.problems and not valid_only:
        click.echo(
            f"{len(report.problems)} problem(s) in {len(report.bad_lines)} of {report.rows} rows; "
            f"nothing {what} (fix the file, or use --valid-only for the other rows)",
            err=True,
        )
        raise SystemExit(1)


@staff.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@VALID_ONLY
def import_command(file: str, valid_only: bool):
    """Add or update staff from a CSV or XLSX file: staff_number (工号), name, role
    (teller, agent, lobby_manager, ops_manager), branch, team, active_from, active_to,
    username (a sign-in account to link)."""
    session = db_session()
    begin_write(session)
    try:
        report = import_staff(
            session, Path(file).read_bytes(), Path(file).name, accept_valid=valid_only
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _report_problems(file, report, valid_only, "imported")
    session.commit()
    click.echo(f"Imported {report.imported} of {report.rows} staff rows.")


@staff.command("league")
@click.argument("slug")
@click.option("--month", required=True, help="The month, YYYY-MM.")
@click.option("--branch", help="One branch's (or team's) league.")
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON list.")
def league_command(slug: str, month: str, branch: str | None, as_json: bool):
    """The month's service-star league: composite, interval and rank group per staff member."""
    session = db_session()
    survey = find_survey(session, slug)
    try:
        result = league(
            session,
            survey,
            month,
            branch=branch,
            min_responses=current_app.config["STAR_MIN_RESPONSES"],
        )
    except LeagueError as error:
        raise click.ClickException(str(error)) from None
    for number, count in sorted(result.unknown.items()):
        click.echo(
            f"{slug}: {count} response(s) name staff number {number!r}, "
            "which is not in the staff registry",
            err=True,
        )
    if as_json:
        click.echo(json.dumps([e.as_json() for e in result.entries], ensure_ascii=False, indent=2))
        return
    if not result.entries:
        click.echo(f"No staff member is named by {slug}'s responses in {month}.")
        return
    click.echo(f"{'group':>5} {'staff':<10} {'name':<12} {'n':>4} {'composite':>9}  interval")
    for entry in result.entries:
        if entry.ranked:
            low, high = entry.ci
            click.echo(
                f"{entry.rank_group:>5} {entry.staff_id:<10} {entry.name:<12} {entry.n:>4} "
                f"{entry.composite.estimate:>9.1f}  {low:.1f}–{high:.1f}"
            )
        else:
            click.echo(
                f"{'—':>5} {entry.staff_id:<10} {entry.name:<12} {entry.n:>4} {'':>9}  "
                f"not ranked: {', '.join(entry.missing)} missing"
            )


@hotline.command("kpis")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", type=click.Choice(hotline_kpis.FILE_GROUPINGS), help="Group the calls.")
@click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=15,
    show_default=True,
    help="Seconds within which an answer counts toward the service level.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON object.")
@VALID_ONLY
def kpis_command(file: str, by: str | None, threshold: float, as_json: bool, valid_only: bool):
    """The call centre's KPIs straight from a call-record file (CSV or XLSX)."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    try:
        calls, report = read_calls(Path(file).read_bytes(), Path(file).name, zone)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _report_problems(file, report, valid_only, "computed")
    rows = hotline_kpis.kpi_rows(hotline_kpis.tally(calls, by, threshold, zone), by)
    if as_json:
        click.echo(json.dumps({"groups": rows}, ensure_ascii=False, indent=2))
    else:
        click.echo(hotline_kpis.table_text(rows, by), nl=False)
