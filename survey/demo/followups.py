"""The demo's follow-up cases: the open surveys' unhappy customers, in every state — new,
due soon, overdue and escalated, closed with a reply, reopened — so a new user sees the
loop working."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..followups import cases as service
from ..followups.escalation import sweep
from ..followups.opening import open_cases
from ..models import (
    FollowupCase,
    FollowupStatus,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    User,
    utcnow,
)

PER_SURVEY = 80  # completes of each open survey looked at, spread over its month
FACTS = [
    (
        "柜员办理时未说明手续费，客户事后发现扣费。",
        "当班柜员",
        "办理前须逐项说明收费。",
        "退还手续费，班前会培训。",
    ),
    (
        "高峰时段只开两个窗口，客户等候四十分钟。",
        "网点运营主管",
        "高峰排班应按叫号量调整。",
        "增开午间窗口，设弹性岗。",
    ),
    (
        "热线转接三次未解决，客户情绪不满。",
        "热线一线坐席",
        "首问负责，不得推诿。",
        "坐席复训，升级流程简化。",
    ),
]


def build(session: Session, seed: int = 11) -> None:
    """Open the cases the rules call for (once per rule), then work some of them (once:
    a second demo finds cases already closed)."""
    surveys = session.scalars(select(Survey).where(Survey.status == SurveyStatus.OPEN)).all()
    for survey in surveys:
        ids = session.scalars(
            select(Response.id)
            .where(Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE)
            .order_by(Response.completed_at)
        ).all()
        step = max(1, len(ids) // PER_SURVEY)
        for response_id in ids[::step]:  # spread over the month: old cases and new ones
            open_cases(session, session.get(Response, response_id))
    session.flush()
    manager = session.scalar(select(User).where(User.username == "manager"))
    worked = select(FollowupCase.id).where(FollowupCase.status == FollowupStatus.CLOSED)
    if manager is None or session.scalar(worked.limit(1)) is not None:
        return
    rng = np.random.default_rng(seed)
    now = utcnow()
    cases = session.scalars(select(FollowupCase).order_by(FollowupCase.created_at)).all()
    for number, case in enumerate(cases):
        age = now - case.created_at
        if age < timedelta(days=2):
            continue  # new, some due soon
        if number % 5 == 0:
            continue  # left alone: overdue, escalated below
        facts, responsible, lesson, fix = FACTS[number % len(FACTS)]
        service.take_step(session, case, manager, "contact", "已致电客户，了解情况。")
        replied = min(now, case.created_at + timedelta(days=int(rng.integers(1, 6))))
        reply = service.Reply(
            facts, responsible, lesson, fix, int(rng.choice([2, 3, 4, 4, 5, 5])), replied.date()
        )
        service.record_reply(session, case, manager, reply)
        service.take_step(session, case, manager, "close")
        case.closed_at = replied
        case.would_stay = bool(rng.random() < (0.85 if replied <= case.due_at else 0.55))
        if number % 17 == 3:
            service.take_step(session, case, manager, "reopen", "客户再次来电，问题未彻底解决。")
    for _ in range(2):  # the task queue's sweeps: overdue to the branch head, then beyond
        sweep(session)
    session.commit()
