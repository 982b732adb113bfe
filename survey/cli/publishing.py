"""`survey reports render` (a report as PDF), `survey comments evaluate` (the comment
analysis against a labelled file) and `survey alerts subscribe`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..alerts.subscriptions import Rule, SubscriptionError, subscribe
from ..analysis.facts import ReportNotReady
from ..comments.readings import analyser
from ..comments.sentiment import label
from ..database import begin_write, db_session
from ..models import User
from ..publishing.render import ReportError, gather, render_pdf
from .sample import find_survey

reports = AppGroup("reports", help="Reports as PDF.")
comments = AppGroup("comments", help="What customers' comments say.")
alerts = AppGroup("alerts", help="Alert subscriptions.")


@reports.command("render")
@click.argument("slug")
@click.option("--branch", help="One branch's report (default: the whole survey).")
@click.option("--period", help="A month (2026-11), quarter (2026-Q4) or week (2026-W47).")
@click.option(
    "--language",
    type=click.Choice(["zh-Hans", "zh-Hant", "en"]),
    default="zh-Hans",
    show_default=True,
)
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False), help="The PDF file to write."
)
def render_command(slug: str, branch: str | None, period: str | None, language: str, output: str):
    """Write the survey's (or a branch's) report for a period as a PDF: the headline indices
    with intervals and bases, branches, the trend, comment topics and the method note."""
    session = db_session()
    survey = find_survey(session, slug)
    try:
        content = gather(session, survey, branch, period, language)
    except (ReportError, ReportNotReady) as error:
        raise click.ClickException(str(error)) from None
    pdf = render_pdf(content)
    Path(output).write_bytes(pdf)
    figures = ", ".join(
        f"{h.measure.key} {h.figure.estimate:.1f}"
        for h in content.headline
        if h.figure.estimate is not None
    )
    click.echo(f"Wrote {output} ({len(pdf):,} bytes): {figures}")


@comments.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def evaluate_command(file: str):
    """Measure the comment analysis on your own labelled comments: a CSV with columns text,
    sentiment (positive, neutral, negative) and topics (keys separated by ;)."""
    rows = list(csv.DictReader(io.StringIO(Path(file).read_text(encoding="utf-8-sig"))))
    missing = {"text", "sentiment", "topics"} - set(rows[0] if rows else ())
    if missing:
        raise click.ClickException(f"{file}: missing column(s) {', '.join(sorted(missing))}")
    reader, _ = analyser(db_session())
    right = found = wanted = hits = 0
    for line, row in enumerate(rows, start=2):
        reading = reader.read(row["text"])
        expected = {t.strip() for t in row["topics"].split(";") if t.strip()}
        got = set(reading.topics)
        right += label(reading.sentiment) == row["sentiment"].strip()
        hits += len(expected & got)
        found += len(got)
        wanted += len(expected)
        if expected != got:
            click.echo(f"{file}:{line}: topics {sorted(got)}, labelled {sorted(expected)}")
    n = len(rows)
    click.echo(
        f"{n} comments · sentiment accuracy {right / n:.1%} · topic precision "
        f"{hits / max(found, 1):.1%} · recall {hits / max(wanted, 1):.1%}"
    )


@alerts.command("subscribe")
@click.option("--user", "username", help="The person (user name) to alert.")
@click.option("--role", help="Or every active account with this role (manager, supervisor).")
@click.option("--kind", required=True, help="low_score, change, hotline or overdue.")
@click.option("--survey", "survey_slug", help="One survey (default: every survey).")
@click.option("--branch", help="One branch (default: every branch the person may see).")
@click.option("--question", help="Low score: the question read.")
@click.option("--threshold", type=float, help="Low score: alert at this score or lower.")
@click.option("--digest", is_flag=True, help="Once a day in a digest, not at once.")
@click.option(
    "--channels", default="email", show_default=True, help="email, sms or both (comma-separated)."
)
def subscribe_command(
    username, role, kind, survey_slug, branch, question, threshold, digest, channels
):
    """Subscribe a person or a role to a kind of alert."""
    session = db_session()
    begin_write(session)
    user = None
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user is called {username!r}")
    rule = Rule(
        kind, survey_slug, branch, question, threshold, "digest" if digest else "immediate",
        tuple(c.strip() for c in channels.split(",") if c.strip()),
    )  # fmt: skip
    try:
        subscription = subscribe(session, rule, user=user, role=role)
    except SubscriptionError as error:
        raise click.ClickException(f"--{error.field}: {error}") from None
    session.commit()
    click.echo(f"Subscription {subscription.id}: {kind} for {username or 'every ' + str(role)}.")
