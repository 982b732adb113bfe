"""Exports from the report pages: the report's tables, the responses (CSV, XLSX, SPSS) and
the R script reproducing the headline figures. Every export is audited; a manager limited
to branches gets only those branches' responses."""

from __future__ import annotations

import io

from flask import Response as HttpResponse
from flask import abort, render_template

from .. import audit
from ..analysis.rscript import r_script
from ..analysis.scope import ReportScope
from ..analysis.spss import sav_bytes
from ..analysis.tables import report_tables, write_tables_csv, write_tables_xlsx
from ..database import db_session
from ..responses.export import codebook_rows, export_rows, write_csv, write_xlsx
from ..surveys.versions import questionnaire_of
from .context import allowed_branches, load_report, reportable_survey
from .routes import bp

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "R": "text/plain; charset=utf-8",
}


def _download(body, name: str, kind: str) -> HttpResponse:
    response = HttpResponse(body, mimetype=TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>/exports")
def exports(slug):
    """The downloads of this view."""
    return render_template("reports/exports.html", report=load_report(slug))


@bp.get("/<slug>/tables.<kind>")
def tables(slug, kind):
    """The report's tables (headline, by segment, touchpoints) as CSV or XLSX."""
    if kind not in ("csv", "xlsx"):
        abort(404)
    report = load_report(slug)
    session = db_session()
    rows = report_tables(session, report.survey, report.questionnaire, report.scope, report.design)
    buffer = io.StringIO() if kind == "csv" else io.BytesIO()
    (write_tables_csv if kind == "csv" else write_tables_xlsx)(buffer, rows)
    audit.record(
        "report_tables_exported", "survey", report.survey.id, format=kind, **report.scope.args()
    )
    session.commit()
    body = buffer.getvalue()
    return _download(
        body.encode("utf-8-sig") if kind == "csv" else body, f"{slug}-tables.{kind}", kind
    )


@bp.get("/<slug>/responses.<kind>")
def responses(slug, kind):
    """De-identified responses (the export contract's columns) as CSV, XLSX or SPSS .sav."""
    if kind not in ("csv", "xlsx", "sav"):
        abort(404)
    survey = reportable_survey(slug)
    session = db_session()
    branches = allowed_branches()
    conditions = ReportScope(branches=branches).conditions() if branches else ()
    header, variables, rows = export_rows(session, survey, conditions=conditions)
    if kind == "csv":
        buffer = io.StringIO()
        write_csv(buffer, header, rows)
        body = buffer.getvalue().encode("utf-8")
    elif kind == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, rows, codebook_rows(header, variables))
        body = buffer.getvalue()
    else:
        body = sav_bytes(header, variables, rows, questionnaire_of(survey.questionnaire_version))
    audit.record(
        "responses_exported",
        "survey",
        survey.id,
        format=kind,
        branches=list(branches or []) or None,
    )
    session.commit()
    return _download(body, f"{slug}-responses.{kind}", kind)


@bp.get("/<slug>/analysis.R")
def analysis_script(slug):
    """An R script rebuilding this view's headline figures from the responses CSV."""
    report = load_report(slug)
    text = r_script(
        report.survey,
        report.questionnaire,
        report.scope,
        report.design.weighted,
        f"{slug}-responses.csv",
    )
    audit.record("r_script_exported", "survey", report.survey.id, **report.scope.args())
    db_session().commit()
    return _download(text, f"{slug}-analysis.R", "R")
