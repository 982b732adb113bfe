"""Managers' staff pages: the service-star league with rank groups, the printable honour
board, and the hotline's KPIs against target with what waiting does to satisfaction."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from sqlalchemy import select

from ..analysis.figures import Figure, figure
from ..database import db_session
from ..hotline import kpis as hotline_kpis
from ..hotline.satisfaction import wait_effect
from ..models import REPORTABLE, QuestionnaireVersion, StaffMember, Survey
from ..staff.league import LeagueError, current_month, league
from ..surveys.listing import survey_or_404
from ..surveys.versions import questionnaire_of
from .context import allowed_branches
from .routes import bp


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _league_of(slug: str):
    survey = survey_or_404(slug, REPORTABLE)
    if questionnaire_of(survey.questionnaire_version).staff_score is None:
        abort(404)
    branches = allowed_branches()
    branch = (request.args.get("branch") or "").strip() or None
    if branches is not None and branch is not None and branch not in branches:
        abort(403)
    month = (request.args.get("month") or "").strip() or current_month(_zone())
    try:
        result = league(
            db_session(),
            survey,
            month,
            branch=branch,
            branches=branches,
            min_responses=current_app.config["STAR_MIN_RESPONSES"],
        )
    except LeagueError as error:
        abort(400, description=str(error))
    units = sorted(
        {
            m.unit
            for m in db_session().scalars(select(StaffMember))
            if m.unit and (branches is None or m.unit in branches)
        }
    )
    return survey, result, units


def _figures(entries) -> list[Figure]:
    return [
        Figure(e.name or e.staff_id, e.n, e.composite.estimate, e.ci[0], e.ci[1])
        for e in entries
        if e.ranked
    ]


@bp.get("/<slug>/league")
def league_page(slug):
    """The month's league: each member's parts, composite, interval and rank group."""
    survey, result, units = _league_of(slug)
    top, bottom = result.quartiles()
    return render_template(
        "reports/league.html",
        survey=survey,
        league=result,
        units=units,
        figures=_figures(result.entries),
        top=top,
        bottom=bottom,
    )


@bp.get("/<slug>/board")
def honour_board(slug):
    """The printable honour board: the month's top three of one branch."""
    survey, result, units = _league_of(slug)
    return render_template(
        "reports/board.html",
        survey=survey,
        league=result,
        units=units,
        board=result.honour_board(),
        tied=result.tied_beyond_board(),
    )


def _series(survey: Survey) -> list[int]:
    """The waves on the same questionnaire (a month's survey each): the hotline's calls are
    read across them, so the KPIs have a trend."""
    questionnaire_id = survey.questionnaire_version.questionnaire_id
    return list(
        db_session().scalars(
            select(Survey.id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == Survey.questionnaire_version_id)
            .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        )
    )


@bp.get("/<slug>/hotline")
def hotline(slug):
    """The hotline's KPIs for a month against target, by day, week, queue or agent, the
    monthly trend, and post-call satisfaction by wait."""
    survey = survey_or_404(slug, REPORTABLE)
    session = db_session()
    series = _series(survey)
    zone = _zone()
    months = hotline_kpis.call_months(session, series, zone)
    if not months:
        abort(404)
    month = request.args.get("month") or months[0]
    if month not in months:
        abort(400, description=f"no call records in {month!r}")
    by = request.args.get("by") or "day"
    if by not in hotline_kpis.GROUPINGS:
        abort(400, description=f"group by one of {', '.join(hotline_kpis.GROUPINGS)}")
    threshold = current_app.config["HOTLINE_THRESHOLD_SECONDS"]
    targets = current_app.config["HOTLINE_TARGETS"]
    start, end = hotline_kpis.month_bounds(month, zone)
    in_month = []

    def keeping_the_month(calls):
        """One read of the calls: every month for the trend, the chosen one kept for its table."""
        for call in calls:
            if start <= call.started_at < end:
                in_month.append(call)
            yield call

    by_month = hotline_kpis.tally(
        keeping_the_month(hotline_kpis.stored_calls(session, series)), "month", threshold, zone
    )
    overall = by_month.get(month, hotline_kpis.Tally()).figures()
    rows = hotline_kpis.kpi_rows(hotline_kpis.tally(in_month, by, threshold, zone), by)
    trend = hotline_kpis.kpi_rows(by_month, "month")[-12:]
    effect = wait_effect(session, survey)
    agents = None
    if questionnaire_of(survey.questionnaire_version).staff_score is not None:
        try:
            agents = league(
                session,
                survey,
                month,
                branches=allowed_branches(),
                min_responses=current_app.config["STAR_MIN_RESPONSES"],
            )
        except LeagueError:
            agents = None
    return render_template(
        "reports/hotline.html",
        survey=survey,
        months=months,
        month=month,
        by=by,
        groupings=hotline_kpis.GROUPINGS,
        overall=overall,
        rows=rows,
        trend=trend,
        kpis=hotline_kpis.KPIS,
        targets=targets,
        threshold=threshold,
        meets=hotline_kpis.meets,
        effect=effect,
        agents=agents,
        band_figures=[
            figure(b.label, b.result) if b.result else Figure(b.label, b.n)
            for b in (effect.bands if effect else [])
        ],
        trend_figures={
            kpi: [
                Figure(
                    next(iter(row["by"].values())),
                    row["offered"],
                    None if row[kpi] is None else 100 * row[kpi],
                    None if row[kpi] is None else 100 * row[kpi],
                    None if row[kpi] is None else 100 * row[kpi],
                    flag=None
                    if hotline_kpis.meets(kpi, row[kpi], targets[kpi]) is not False
                    else "below",
                )
                for row in trend
            ]
            for kpi in hotline_kpis.KPIS
        },
    )
