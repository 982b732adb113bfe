"""The demo's alerts and scheduled reports: every manager subscribed, alerts raised from the
demo's own data (low scores, overdue follow-ups, branches that moved, the hotline's misses)
in their inboxes and the outbox, and last months' reports archived as they were sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..alerts.delivery import Policy
from ..alerts.sources import hotline_misses, low_score, overdue_followups, significant_changes
from ..alerts.subscriptions import Rule, subscribe
from ..models import (
    HotlineCall,
    ReportSubscription,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    User,
    utcnow,
)
from ..publishing.schedule import send_report
from ..sample import messaging

LOW_SCORES = 40  # the open counter survey's latest completes looked at for low scores


def _subscriptions(session: Session, users: dict, counter: Survey) -> None:
    rules = [
        (users["manager"], Rule("low_score", delivery="digest")),
        (users["manager"], Rule("change")),
        (users["manager"], Rule("hotline")),
        (
            users["branchhead"],
            Rule("low_score", survey_slug=counter.slug, channels=("email", "sms")),
        ),
        (users["branchhead"], Rule("overdue")),
    ]
    for user, rule in rules:
        subscribe(session, rule, user=user)
    subscribe(session, Rule("overdue", delivery="digest"), role="supervisor")


def _raise(session: Session, config: dict, counter: Survey) -> None:
    policy, base_url = Policy.from_config(config), config["SURVEY_BASE_URL"]
    latest = session.scalars(
        select(Response)
        .where(Response.survey_id == counter.id, Response.status == ResponseStatus.COMPLETE)
        .order_by(Response.completed_at.desc())
        .limit(LOW_SCORES)
    ).all()
    for response in reversed(latest):
        low_score(session, response, policy, base_url)
    overdue_followups(session, policy, base_url)
    significant_changes(session, policy, base_url)
    last_call = session.scalar(select(func.max(HotlineCall.started_at)))
    if last_call is not None:
        hotline_misses(
            session, policy, base_url, config["HOTLINE_TARGETS"],
            config["HOTLINE_THRESHOLD_SECONDS"], last_call + timedelta(days=1),
        )  # fmt: skip


def _reports(session: Session, users: dict, counter: Survey) -> None:
    """Monthly reports for the manager (every branch) and the branch head (SZ-001), with the
    last two months already sent."""
    now = utcnow()
    months = []
    first = now.replace(day=1)
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    for user, branch, periods in (
        (users["manager"], None, months[:1]),
        (users["branchhead"], "SZ-001", months),
    ):
        subscription = ReportSubscription(
            user_id=user.id, survey_id=counter.id, branch=branch, frequency="monthly",
            language="zh-Hans", created_by=user.id,
        )  # fmt: skip
        session.add(subscription)
        session.flush()
        for period in reversed(periods):
            send_report(session, subscription.id, period, now=now)


def _counter(session: Session) -> Survey | None:
    """The open counter survey (the newest wave) the demo's alerts and reports follow."""
    return session.scalar(
        select(Survey)
        .where(Survey.status == SurveyStatus.OPEN, Survey.slug.like("branch-counter-%"))
        .order_by(Survey.id.desc())
    )


def build(session: Session, config: dict, instance_path: str) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    for name in ("admin", "manager", "supervisor", "branchhead"):
        users[name].email = users[name].email or f"{name}@bank.example"
    users["branchhead"].branches = ["SZ-001"]
    users["branchhead"].phone = users["branchhead"].phone or "+8613800000211"
    counter = _counter(session)
    if counter is None:
        return
    _subscriptions(session, users, counter)
    _raise(session, config, counter)
    _reports(session, users, counter)
    session.commit()
    messaging.deliver(session, messaging.adapter_from_config(config, instance_path))


def links(session: Session) -> list[tuple[str, str]]:
    """Where a visitor sees the alerts, the archive and the comments' topics."""
    counter = _counter(session)
    found = [("alerts and sent reports", "/alerts/")]
    if counter:
        found.append(("comments by topic", f"/reports/{counter.slug}/comments?by=branch"))
    return found + [("topic dictionary (admin)", "/admin/topics")]
