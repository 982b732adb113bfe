"""`survey questionnaires check|load`: validate definition files and store their versions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import begin_write, db_session
from ..questionnaire import QuestionnaireError, load_file
from ..surveys.versions import VersionConflict, store

questionnaires = AppGroup("questionnaires", help="Questionnaire definition files.")


def _files(paths: tuple[str, ...]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    return sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml"))


def _check_all(paths):
    """Load every file; print each warning and error; return the loaded (path, result) pairs."""
    loaded, failed = [], 0
    for path in _files(paths):
        try:
            result = load_file(path)
        except QuestionnaireError as error:
            failed += 1
            for issue in error.issues:
                click.echo(str(issue), err=True)
            click.echo(f"{path.name}: refused, {len(error.issues)} error(s)", err=True)
            continue
        for warning in result.warnings:
            click.echo(str(warning))
        loaded.append((path, result))
    return loaded, failed


@questionnaires.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check(files):
    """Validate questionnaire files: exit 1 with every error located."""
    loaded, failed = _check_all(files)
    for path, result in loaded:
        q = result.questionnaire
        count = sum(1 for _ in q.questions())
        click.echo(
            f"{path.name}: ok — {q.id} version {q.version}, {len(q.pages)} pages, {count} questions, {len(result.warnings)} warning(s)"
        )
    if failed or not (loaded or failed):
        raise SystemExit(1)


@questionnaires.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def load(files):
    """Validate and store files: a new version where the content changed."""
    loaded, failed = _check_all(files)
    session = db_session()
    begin_write(session)
    for path, result in loaded:
        try:
            outcome = store(session, result, path.read_text(encoding="utf-8"))
        except VersionConflict as error:
            failed += 1
            click.echo(f"{path.name}: {error}", err=True)
            continue
        version = outcome.version
        click.echo(
            f"{path.name}: {outcome.action} — {result.questionnaire.id} v{version.number} (version {version.label})"
        )
        for answer_id in outcome.changed_meaning:
            click.echo(
                f"{path.name}: question {answer_id}: its codes mean something else than in the previous version; its answers are not pooled across versions"
            )
    session.commit()
    if failed:
        raise SystemExit(1)
