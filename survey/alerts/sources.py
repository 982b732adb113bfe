"""What raises an alert: a low score (the moment the response completes), a branch's index
that moved beyond sampling error, a hotline KPI below target, an overdue follow-up.

The low score is raised in the transaction that completes the response, after its
follow-up case is opened (``follow_alerts`` listens after ``follow_complaints``), so the
alert links to the case. The others are found by sweeps the task queue runs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.measures import headline_measures, scale_of
from ..analysis.scope import ReportScope, attribute
from ..analysis.views import trend
from ..hotline.kpis import AT_MOST, KPIS, meets, stored_calls, tally
from ..models import (
    AlertKind,
    AlertSubscription,
    Answer,
    FollowupCase,
    FollowupStatus,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    follow_completions,
    utcnow,
)
from ..stats.comparisons import adjust_p_values
from ..surveys.versions import questionnaire_of
from .delivery import Notice, Policy, raise_alert
from .subscriptions import matching

LOW_SHARE = 0.25  # by default a score in the bottom quarter of its scale is low (1–2 of 5)
DETRACTOR = 6  # a 0–10 recommendation of 6 or less


def default_rule(questionnaire) -> tuple[str | None, float | None]:
    """The question a low-score alert reads by default and the highest score that alerts:
    a detractor on the recommendation (0–6), else the bottom quarter of the overall scale."""
    roles = questionnaire.analysis
    if roles.recommend:
        return roles.recommend, float(DETRACTOR)
    if roles.overall:
        scale = scale_of(questionnaire, roles.overall)
        return roles.overall, float(int(scale.low + LOW_SHARE * (scale.high - scale.low)))
    return None, None


def low_score(session: Session, response: Response, policy: Policy, base_url: str) -> int:
    """Alerts for a complete response's low score, one per subscriber whose rule it meets."""
    branch = (response.attributes or {}).get("branch")
    reached = matching(session, AlertKind.LOW_SCORE, response.survey_id, branch)
    if not reached:
        return 0
    questionnaire = questionnaire_of(response.questionnaire_version)
    default_question, default_cut = default_rule(questionnaire)
    scores = dict(
        session.execute(
            select(Answer.question_id, Answer.value_num).where(
                Answer.response_id == response.id, Answer.item == "", Answer.value_num.is_not(None)
            )
        ).all()
    )
    case = session.scalar(
        select(FollowupCase.id)
        .where(FollowupCase.response_id == response.id)
        .order_by(FollowupCase.id)
        .limit(1)
    )
    link = (
        f"{base_url}/followups/{case}"
        if case
        else f"{base_url}/reports/{response.survey.slug}/comments"
    )
    raised = 0
    for subscription, person in reached:
        question = subscription.question_id or default_question
        cut = subscription.threshold if subscription.threshold is not None else default_cut
        if question is None or question not in scores or cut is None:
            continue
        if scores[question] > cut:
            continue
        text = questionnaire.question_of_answer(question).text.get_in(response.language)
        notice = Notice(
            AlertKind.LOW_SCORE, f"low:{response.id}:{question}", response.survey_id, branch,
            f"低分提醒 Low score · {branch or '—'} · {question} = {scores[question]:g}",
            f"{response.survey.name}: “{text}” {scores[question]:g} (≤ {cut:g})"
            + (f"；已开跟进案件 follow-up case {case} opened" if case else ""),
            link,
        )  # fmt: skip
        raised += len(raise_alert(session, notice, [(subscription, person)], policy))
    return raised


def follow_alerts(policy_of, base_url_of) -> None:
    """Raise low-score alerts in the transaction that completes a response (idempotent;
    registered after the follow-up cases' listener, so the case exists)."""
    follow_completions(
        "low-score alerts",
        lambda session, response: low_score(session, response, policy_of(), base_url_of()),
    )


def _subscribed_surveys(session: Session, kind: str) -> list[Survey]:
    """Open or recently closed surveys someone follows for this kind of alert."""
    chosen = set(
        session.scalars(select(AlertSubscription.survey_id).where(AlertSubscription.kind == kind))
    )
    if not chosen:
        return []
    query = select(Survey).where(Survey.status.in_((SurveyStatus.OPEN, SurveyStatus.CLOSED)))
    if None not in chosen:
        query = query.where(Survey.id.in_(chosen))
    return list(session.scalars(query.order_by(Survey.id)))


def significant_changes(session: Session, policy: Policy, base_url: str) -> int:
    """Each branch's headline index this period against the one before, across the
    questionnaire's waves (the trend page's test); the p-values Holm-adjusted across the
    branches, as the segment tests are; an alert for each significant change."""
    raised = 0
    for survey in _subscribed_surveys(session, AlertKind.CHANGE):
        measure = headline_measures(questionnaire_of(survey.questionnaire_version))[0]
        branches = sorted(
            b for b in session.scalars(
                select(attribute("branch")).where(
                    Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE
                ).distinct()
            ) if b
        )  # fmt: skip
        changes = []
        for branch in branches:
            points = trend(
                session, survey, ReportScope(segments={"branch": branch}), measure.key, "month"
            )
            last = points[-1] if points else None
            if last and last.change is not None and last.survey == survey.slug:
                changes.append((branch, last))
        if not changes:
            continue
        adjusted = adjust_p_values([p.change.p_value for _, p in changes], "holm")
        for (branch, point), p_value in zip(changes, adjusted, strict=True):
            if p_value >= 0.05:
                continue
            change = replace(point.change, p_value=float(p_value))
            direction = "上升 up" if change.estimate > 0 else "下降 down"
            notice = Notice(
                AlertKind.CHANGE, f"change:{survey.id}:{branch}:{point.period}:{measure.key}",
                survey.id, branch,
                f"显著变化 Significant change · {branch} · {measure.key} {direction}",
                f"{survey.name}, {branch}, {point.period}: {measure.key} {point.figure.estimate:.1f}, "
                f"{change.estimate:+.1f} from {change.label} "
                f"(95% interval {change.low:+.1f} to {change.high:+.1f}; Holm-adjusted p {p_value:.3f})",
                f"{base_url}/reports/{survey.slug}/trends?branch={branch}&measure={measure.key}",
            )  # fmt: skip
            raised += len(
                raise_alert(
                    session, notice, matching(session, AlertKind.CHANGE, survey.id, branch), policy
                )
            )
    return raised


def hotline_misses(
    session: Session, policy: Policy, base_url: str, targets: dict, threshold: float,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """Yesterday's hotline KPIs (bank time) against their targets: an alert per KPI missed."""
    now = now or utcnow()
    zone = ZoneInfo(policy.zone)
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=1), today
    raised = 0
    for survey in _subscribed_surveys(session, AlertKind.HOTLINE):
        calls = list(stored_calls(session, [survey.id], start, end))  # yesterday's only
        if not calls:
            continue
        figures = tally(calls, None, threshold, policy.zone)[None].figures()
        day = f"{start:%Y-%m-%d}"
        for kpi in KPIS:
            value = figures.get(kpi)
            if meets(kpi, value, targets[kpi]) is not False:
                continue
            bound = "≤" if kpi in AT_MOST else "≥"
            notice = Notice(
                AlertKind.HOTLINE, f"hotline:{survey.id}:{kpi}:{day}", survey.id, None,
                f"热线指标未达标 Hotline KPI below target · {kpi} {day}",
                f"{survey.name}, {day}: {kpi} {value:.1%} against a target of {bound} {targets[kpi]:.0%} "
                f"({figures['offered']} calls offered)",
                f"{base_url}/reports/{survey.slug}/hotline",
            )  # fmt: skip
            raised += len(
                raise_alert(
                    session,
                    notice,
                    matching(session, AlertKind.HOTLINE, survey.id, None),
                    policy,
                    now,
                )
            )
    return raised


def overdue_followups(
    session: Session, policy: Policy, base_url: str, now: datetime | None = None
) -> int:
    """An alert for each open follow-up case past its deadline, once per case and person."""
    now = now or utcnow()
    raised = 0
    for case in session.scalars(
        select(FollowupCase).where(
            FollowupCase.status != FollowupStatus.CLOSED, FollowupCase.due_at < now
        )
    ):
        reached = matching(session, AlertKind.OVERDUE, case.survey_id, case.branch)
        if not reached:
            continue
        notice = Notice(
            AlertKind.OVERDUE, f"overdue:{case.id}", case.survey_id, case.branch,
            f"跟进超时 Follow-up overdue · {case.branch or '—'} · case {case.id}",
            f"Case {case.id} ({case.category}) was due {case.due_at:%Y-%m-%d %H:%M} UTC and is still {case.status}.",
            f"{base_url}/followups/{case.id}",
        )  # fmt: skip
        raised += len(raise_alert(session, notice, reached, policy, now))
    return raised
