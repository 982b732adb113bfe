"""The manager's reports: overview, segments, trends, attributes, cross-tabs and comments.

Views only read the filters, call ``survey.analysis`` and render; the numbers come from
database aggregates handed to the statistics engine.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..aapor.rates import report_rates
from ..accounts.sessions import protect
from ..analysis import attributes as attribute_report
from ..analysis.charts import axis_of, interval_chart, paired_chart, quadrant_chart, trend_chart
from ..analysis.crosstab import cross_tab
from ..analysis.facts import ReportNotReady
from ..analysis.measures import headline_measures, servqual_axis
from ..analysis.scope import ReportScope
from ..analysis.segments import segment_choices
from ..analysis.topics import topic_table
from ..analysis.verbatims import PAGE_SIZE, verbatims
from ..analysis.views import headline_and_counts, measure_named, segment_figures, trend
from ..comments.readings import current_dictionary
from ..database import db_session
from ..models import REPORTABLE, Role
from ..surveys.listing import list_surveys
from ..validators import page_number
from .context import allowed_branches, label, load_report

bp = Blueprint("reports", __name__, url_prefix="/reports")
protect(bp, [Role.MANAGER])
for helper in (
    axis_of,
    interval_chart,
    paired_chart,
    quadrant_chart,
    trend_chart,
    label,
):
    bp.add_app_template_global(helper)


@bp.get("/")
def index():
    """Surveys that have been fielded, with their responses so far."""
    limit = ReportScope(branches=allowed_branches()).conditions()
    surveys = list_surveys(db_session(), REPORTABLE, limit)
    return render_template("reports/index.html", surveys=surveys)


@bp.get("/<slug>/")
def overview(slug):
    """Where satisfaction stands: the headline indices with intervals, and the fieldwork."""
    report = load_report(slug)
    session = db_session()
    indices, counts = headline_and_counts(session, report.survey, report.scope, report.design)
    return render_template(
        "reports/overview.html",
        report=report,
        headline=indices,
        counts=counts,
        rates=report_rates(
            session, report.survey, report.scope.segments.get("branch"), report.scope.branches
        ),
    )


@bp.get("/<slug>/segments")
def segments(slug):
    """One index by a segment, each segment tested against the rest."""
    report = load_report(slug)
    choices = segment_choices(report.questionnaire, report.attributes)
    by = request.args.get("by") or (choices[0] if choices else None)
    if by not in choices:
        abort(404)
    measure = measure_named(report.questionnaire, request.args.get("measure"))
    overall, figures = segment_figures(
        db_session(), report.survey, report.scope, report.design, measure, by
    )
    return render_template(
        "reports/segments.html",
        report=report,
        choices=choices,
        by=by,
        measure=measure,
        measures=headline_measures(report.questionnaire),
        overall=overall,
        figures=figures,
    )


@bp.get("/<slug>/trends")
def trends(slug):
    """The index per month or quarter across the questionnaire's surveys."""
    report = load_report(slug)
    measure = measure_named(report.questionnaire, request.args.get("measure"))
    grain = "quarter" if request.args.get("grain") == "quarter" else "month"
    return render_template(
        "reports/trends.html",
        report=report,
        measure=measure,
        measures=headline_measures(report.questionnaire),
        grain=grain,
        points=trend(db_session(), report.survey, report.scope, measure.key, grain),
    )


@bp.get("/<slug>/attributes")
def attributes(slug):
    """Touchpoints and attributes, key drivers, the quadrant and SERVQUAL."""
    report = load_report(slug)
    session = db_session()
    args = (session, report.questionnaire, report.scope, report.design)
    drivers, driver_rows, driver_problem = attribute_report.key_drivers(*args)
    servqual = attribute_report.servqual_rows(*args)
    touchpoints = attribute_report.touchpoint_figures(*args)
    return render_template(
        "reports/attributes.html",
        report=report,
        touchpoints=touchpoints,
        touchpoint_rows=[
            (f, label(name) if i == 0 else "· " + report.text(f.label))
            for name, figures in touchpoints.items()
            for i, f in enumerate(figures)
        ],
        drivers=drivers,
        driver_rows=driver_rows,
        driver_problem=driver_problem,
        quadrant_points=[
            (report.text(r.attribute), r.relative_weight, r.performance, r.quadrant)
            for r in driver_rows
        ],
        servqual=servqual,
        servqual_pairs=[(r.expectation, r.perception) for r in servqual],
        servqual_axis=servqual_axis(report.questionnaire),
        servqual_names=[label(r.dimension) for r in servqual],
    )


@bp.get("/<slug>/crosstab")
def crosstab(slug):
    """Any two questions or segments against each other, with the Rao–Scott test."""
    report = load_report(slug)
    choices = segment_choices(report.questionnaire, report.attributes, every_question=True)
    rows = request.args.get("rows") or (choices[0] if choices else None)
    columns = request.args.get("columns") or (choices[1] if len(choices) > 1 else None)
    if rows not in choices or columns not in choices:
        abort(404)
    table = None
    if rows != columns:
        table = cross_tab(
            db_session(), report.questionnaire, report.scope, report.design, rows, columns
        )
    return render_template(
        "reports/crosstab.html",
        report=report,
        choices=choices,
        rows=rows,
        columns=columns,
        table=table,
    )


@bp.get("/<slug>/comments")
def comments(slug):
    """What comments are about (topic shares with intervals, by a segment) and the
    comments themselves with their topics and sentiment; searched, filtered, paged."""
    report = load_report(slug)
    session = db_session()
    dictionary, _version = current_dictionary(session)
    search = (request.args.get("q") or "")[:100]
    topic = request.args.get("topic") or None
    if topic is not None and topic not in dictionary.keys:
        abort(404)
    by = request.args.get("by") or None
    if by is not None and by not in (*report.attributes, "month"):
        abort(404)
    page = page_number(request.args.get("page"))
    found, total = verbatims(
        session, report.questionnaire, report.survey.id, report.scope, search, page, topic
    )
    return render_template(
        "reports/comments.html",
        report=report,
        dictionary=dictionary,
        table=topic_table(session, report.design, report.scope, dictionary.keys, by),
        by=by,
        topic=topic,
        verbatims=found,
        total=total,
        search=search,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@bp.errorhandler(ReportNotReady)
def preparing(error):
    """Completes loaded in bulk and not yet prepared: say how far the preparation got."""
    command = f"survey prepare-reports {request.view_args.get('slug', '')}".strip()
    response = render_template(
        "reports/preparing.html", copied=error.copied, total=error.total, command=command
    )
    return response, 503, {"Retry-After": "3"}
