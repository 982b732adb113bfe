"""Questionnaires in the browser: upload a definition file (validated exactly as
`survey questionnaires check` does, nothing stored while an error remains) and compare two
stored versions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select

from .. import audit
from ..database import db_session
from ..models import Questionnaire as QuestionnaireRow
from ..questionnaire import Issue, QuestionnaireError, load_text
from ..surveys.versions import VersionConflict, compare, store
from .routes import bp


class UploadForm(FlaskForm):
    file = FileField(
        _l("Definition file (YAML)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["yaml", "yml"], _l("Use a .yaml or .yml file.")),
        ],
    )


def _read(upload) -> tuple[str | None, list[Issue]]:
    """The uploaded text, or the problem of a file that is not UTF-8 text."""
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (byte {error.start})"
        return None, [Issue("not-utf8", message, upload.filename)]


@bp.route("/questionnaires/upload", methods=["GET", "POST"])
def upload_questionnaire():
    """Validate an uploaded file; store it (a new version where the content changed) only
    when it has no error, and list every error where it is."""
    form = UploadForm()
    issues, warnings, outcome = [], [], None
    if form.validate_on_submit():
        upload = form.file.data
        upload.filename = (upload.filename or "upload.yaml")[-120:]
        text, issues = _read(upload)
        if text is not None:
            try:
                result = load_text(text, upload.filename)
            except QuestionnaireError as error:
                issues = [i for i in error.issues if i.severity == "error"]
                warnings = [i for i in error.issues if i.severity != "error"]
            else:
                warnings = list(result.warnings)
                session = db_session()  # a POST: its write transaction is already begun
                try:
                    outcome = store(session, result, text)
                except VersionConflict as error:
                    session.rollback()
                    issues = [Issue("version-conflict", str(error), upload.filename)]
                else:
                    audit.record(
                        "questionnaire_uploaded", "questionnaire", result.questionnaire.id,
                        outcome=outcome.action, version=outcome.version.number,
                    )  # fmt: skip
                    session.commit()
                    flash(_upload_message(outcome), "success")
                    return redirect(url_for(".questionnaires") + f"#q-{result.questionnaire.id}")
    status = 422 if issues or form.errors else 200
    return render_template(
        "admin/upload.html", form=form, issues=issues, warnings=warnings, outcome=outcome
    ), status


def _upload_message(outcome) -> str:
    key, number = outcome.version.questionnaire.key, outcome.version.number
    if outcome.action == "unchanged":
        return _("%(key)s is unchanged: the file is version %(n)d as stored.", key=key, n=number)
    if outcome.action == "replaced":
        return _("%(key)s v%(n)d replaced (it had no responses yet).", key=key, n=number)
    return _("%(key)s v%(n)d stored.", key=key, n=number)


@bp.get("/questionnaires/<key>/diff")
def questionnaire_diff(key: str):
    """Two versions side by side: the questions added, removed, reworded and recoded, and
    the file's changed lines."""
    row = db_session().scalar(select(QuestionnaireRow).where(QuestionnaireRow.key == key))
    if row is None or not row.versions:
        abort(404)
    by_number = {v.number: v for v in row.versions}
    newest = row.versions[-1].number
    new = by_number.get(request.args.get("to", newest, type=int))
    old = by_number.get(request.args.get("from", max(1, newest - 1), type=int))
    if old is None or new is None:
        abort(404)
    return render_template(
        "admin/diff.html",
        row=row,
        old=old,
        new=new,
        diff=compare(old, new),
        numbers=sorted(by_number),
    )
