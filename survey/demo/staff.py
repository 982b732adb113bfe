"""Demo staff: tellers, agents and branch managers in the registry; colleagues' ratings for
last month and this; months of hotline call records with every KPI field.

Tellers differ in how customers rate them (``STAFF_EFFECT``), so the league has real
differences for rank groups to find; customers who waited longer are less satisfied
(``WAIT_EFFECT`` per second), which the hotline page's line recovers.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    HotlineCall,
    RatingSource,
    StaffMember,
    StaffRating,
    StaffRole,
    Survey,
    User,
)
from ..sample import post_call
from ..staff.ratings import SOURCE_BY_ROLE, rater_key, rating_questionnaire
from .places import BRANCHES, FAMILY, GIVEN, QUEUES

TELLER_COUNT = 23
AGENT_COUNT = 40
TELLERS = {f"T{i:03d}": list(BRANCHES)[i % len(BRANCHES)] for i in range(TELLER_COUNT)}
TELLERS_OF = {b: [t for t, home in TELLERS.items() if home == b] for b in BRANCHES}
AGENTS = [f"A{i:03d}" for i in range(1, AGENT_COUNT + 1)]
_effects = np.random.default_rng(11).normal(0, 0.08, TELLER_COUNT + AGENT_COUNT)
STAFF_EFFECT = dict(zip([*TELLERS, *AGENTS], _effects.tolist(), strict=True))
WAIT_MEAN = 15.0
WAIT_EFFECT = 0.003  # latent satisfaction lost per second of waiting
CALLS_PER_DAY = 110
HEADER = (
    "call_id,customer_ref,phone,queue,agent_id,start_time,wait_seconds,abandoned,"
    "first_line,recorded,talk_seconds,transferred"
)
# Demo accounts of the registry's people (demo/surveys.py creates them).
ACCOUNTS = {"T000": "teller", "T005": "teller2", "L001": "lobby", "O001": "opsmanager"}


def _name(rng) -> str:
    return str(rng.choice(list(FAMILY))) + "".join(rng.choice(GIVEN, size=2).tolist())


def build_registry(session: Session, today: date) -> None:
    """Tellers (their branch's), agents (team hotline), a lobby and an operations manager
    per branch; demo accounts linked by their staff numbers. Once."""
    if session.scalar(select(StaffMember.id).limit(1)) is not None:
        return
    rng = np.random.default_rng(20)
    since = date(today.year - 2, 1, 1)
    users = dict(session.execute(select(User.staff_number, User.id)).all())
    people = [(t, StaffRole.TELLER, branch, None) for t, branch in TELLERS.items()]
    people += [(a, StaffRole.AGENT, None, "hotline") for a in AGENTS]
    for k, branch in enumerate(BRANCHES, start=1):
        people += [
            (f"L{k:03d}", StaffRole.LOBBY_MANAGER, branch, None),
            (f"O{k:03d}", StaffRole.OPS_MANAGER, branch, None),
        ]
    for number, role, branch, team in people:
        session.add(
            StaffMember(
                staff_number=number,
                name=_name(rng),
                role=role,
                branch=branch,
                team=team,
                active_from=since,
                user_id=users.get(number),
            )
        )
    session.flush()


def _codes(rng, level: float, count: int) -> list[str]:
    """Five-point answers around a 0–1 level."""
    points = np.clip(np.rint(1 + 4 * (level + rng.normal(0, 0.12, count))), 1, 5)
    return [str(int(p)) for p in points]


def build_ratings(session: Session, months: list[str], secret: str, skip_in=None) -> None:
    """Every teller rated by their branch's peers (most of them), operations and lobby
    manager, in each month; in ``skip_in`` the demo accounts have not rated yet, so a
    visitor can. Once."""
    if session.scalar(select(StaffRating.id).limit(1)) is not None:
        return
    version, questionnaire = rating_questionnaire(session)
    ids = [q.id for q in questionnaire.questions()]
    rng = np.random.default_rng(21)
    members = session.scalars(select(StaffMember)).all()
    by_branch: dict[str, list[StaffMember]] = {}
    for member in members:
        if member.branch:
            by_branch.setdefault(member.branch, []).append(member)
    for month in months:
        for staff in by_branch.values():
            tellers = [m for m in staff if m.role == StaffRole.TELLER]
            for ratee in tellers:
                level = 0.72 + STAFF_EFFECT[ratee.staff_number]
                for rater in staff:
                    source = SOURCE_BY_ROLE.get(StaffRole(rater.role))
                    if rater.id == ratee.id or source is None:
                        continue
                    if month == skip_in and rater.staff_number in ACCOUNTS:
                        continue
                    if source == RatingSource.PEER and rng.random() < 0.15:
                        continue  # not every peer rates every month
                    answers = dict(zip(ids, _codes(rng, level, len(ids)), strict=True))
                    session.add(
                        StaffRating(
                            month=month,
                            ratee_id=ratee.id,
                            source=source,
                            rater_key=rater_key(secret, rater, ratee, month),
                            questionnaire_version_id=version.id,
                            answers=answers,
                            score=questionnaire.staff_score.score(answers),
                        )
                    )
    session.flush()


def call_file(rng, first: datetime, last: datetime, prefix: str, per_day: int) -> bytes:
    """A call-centre export between two instants: waits, abandonment, first line,
    recording, talk time; one week a month is busier (longer waits, more abandoned)."""
    lines = [HEADER]
    queues, shares = list(QUEUES), np.array(list(QUEUES.values()))
    local = ZoneInfo("Asia/Shanghai")
    count = max(int((last - first).total_seconds() / 86400 * per_day), 1)
    for n in range(count):
        started = (first + (last - first) * float(rng.random())).astimezone(local)
        busy = 8 <= started.day <= 14
        wait = float(rng.gamma(1.2, 10.0 if busy else 6.5))
        abandoned = rng.random() < 0.01 + 0.0025 * wait
        agent = "" if abandoned else str(rng.choice(AGENTS))
        talk = 0 if abandoned else int(rng.lognormal(5, 0.8))
        lines.append(
            f"{prefix}{n:07d},{'' if abandoned else f'C{int(rng.integers(10**6)):07d}'},"
            f"{'' if abandoned else f'139{int(rng.integers(10**8)):08d}'},"
            f"{rng.choice(queues, p=shares / shares.sum())},{agent},"
            f"{started:%Y-%m-%d %H:%M:%S},{wait:.0f},{int(abandoned)},"
            f"{'' if abandoned else int(rng.random() < 0.955)},"
            f"{'' if abandoned else int(rng.random() < (0.93 if busy else 0.985))},"
            f"{talk},{'是' if not abandoned and rng.random() < 0.05 else '否'}"
        )
    return ("\n".join(lines) + "\n").encode()


def build_call_history(session: Session, surveys: list[Survey]) -> None:
    """Each past monthly hotline survey gets its month's call records. Once per survey."""
    rng = np.random.default_rng(22)
    local = ZoneInfo("Asia/Shanghai")
    for survey in surveys:
        if session.scalar(
            select(HotlineCall.id).where(HotlineCall.survey_id == survey.id).limit(1)
        ):
            continue
        month = survey.opens_on
        first = datetime(month.year, month.month, 1, tzinfo=local)
        last = first + timedelta(days=calendar.monthrange(month.year, month.month)[1])
        raw = call_file(rng, first, last, f"M{month:%y%m}-", CALLS_PER_DAY)
        post_call.import_calls(session, survey, raw, "calls.csv")


def _previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _past(session: Session, key: str, month: date) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.slug == f"{key}-{month:%Y-%m}"))


def build_after_reports(session: Session, today: date, secret: str) -> None:
    """Ratings for last month and this; call records for the past hotline surveys."""
    last = _previous_month(today)
    build_ratings(session, [f"{last:%Y-%m}", f"{today:%Y-%m}"], secret, skip_in=f"{today:%Y-%m}")
    hotline = session.scalars(
        select(Survey).where(
            Survey.slug.like("hotline-post-call-%"), Survey.opens_on < today.replace(day=1)
        )
    ).all()
    build_call_history(session, list(hotline))
    session.commit()


def staff_links(session: Session, today: date) -> list[tuple[str, str]]:
    """Where to see the staff pages of the demo (paths)."""
    last = _previous_month(today)
    links = []
    counter = _past(session, "branch-counter", last)
    if counter is not None:
        month = f"{last:%Y-%m}"
        links += [
            ("Service-star league", f"/reports/{counter.slug}/league?month={month}"),
            ("Honour board SZ-001", f"/reports/{counter.slug}/board?month={month}&branch=SZ-001"),
        ]
    hotline = _past(session, "hotline-post-call", last)
    if hotline is not None:
        links.append(("Hotline-KPI page", f"/reports/{hotline.slug}/hotline"))
    links.append(("A teller's own page (teller)", "/me/"))
    return links
