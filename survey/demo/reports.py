"""Demo report data: months of earlier surveys of each questionnaire, answered by synthetic
respondents through the questionnaire engine, with real differences between branches and
queues, a trend (one branch improving, one slipping) and attribute-level drivers, so every
report page has something worth reading. Seeded: the same demo every time.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..aapor.dispositions import DispositionCode
from ..analysis.attributes import attribute_ids
from ..analysis.facts import refresh_facts
from ..comments.readings import read_unread
from ..models import (
    Answer,
    CaseStatus,
    CatiCase,
    Contact,
    Response,
    ResponseStatus,
    StratumPopulation,
    Survey,
    SurveyStatus,
    utcnow,
)
from ..questionnaire import Mode
from ..responses.answers import answer_rows
from ..responses.invitations import invite
from ..sample import draws as sampling
from ..surveys.versions import questionnaire_of
from .places import BRANCHES, QUEUES, TIERS
from .staff import STAFF_EFFECT, TELLERS, TELLERS_OF, WAIT_EFFECT, WAIT_MEAN
from .surveys import monthly_survey
from .synthetic import answer_all

TREND = {"SZ-002": 0.025, "GZ-001": -0.015}  # latent change per month
TIER_EFFECT = {"private": 0.06, "wealth": 0.04, "gold": 0.0, "silver": -0.01, "mass": -0.03}
QUEUE_BASE = {"cards": 0.64, "loans": 0.58, "wealth": 0.74, "general": 0.67}
PLANS = {  # questionnaire: (earlier months, completes a month, strata, stratum attribute)
    "branch-counter": (
        5,
        560,
        {b: (40000 + 9000 * i, v[2]) for i, (b, v) in enumerate(BRANCHES.items())},
        "branch",
    ),
    "hotline-post-call": (
        3,
        380,
        {q: (int(60000 * s), QUEUE_BASE[q]) for q, s in QUEUES.items()},
        "queue",
    ),
}
CURRENT = {  # open surveys answered now: (completes, strata, stratum attribute)
    "annual-csi": (
        900,
        {t: (int(500000 * s), 0.66 + TIER_EFFECT[t]) for t, s in TIERS.items()},
        "tier",
    ),
    "complaint-follow-up": (160, {}, None),
}


def _month_start(today: date, back: int) -> date:
    month = today.month - back
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _attributes(stratum_attribute, stratum, rng) -> dict:
    tiers, shares = list(TIERS), np.array(list(TIERS.values()))
    tier = str(rng.choice(tiers, p=shares / shares.sum()))
    if stratum_attribute == "queue":
        agent = f"A{int(rng.integers(1, 41)):03d}"
        return {
            "queue": stratum,
            "channel": "hotline",
            "tier": tier,
            "agent": agent,
            "staff_id": agent,
            "wait_seconds": f"{float(rng.gamma(1.5, 10)):.0f}",
        }
    if stratum_attribute == "tier":
        branch = str(rng.choice(list(BRANCHES)))
        return {
            "branch": branch,
            "channel": str(rng.choice(["counter", "app", "online", "hotline"])),
            "tier": stratum,
        }
    branch = stratum if stratum_attribute == "branch" else str(rng.choice(list(BRANCHES)))
    return {
        "branch": branch,
        "channel": "counter",
        "tier": tier,
        "staff_id": str(rng.choice(TELLERS_OF.get(branch) or list(TELLERS))),
    }


def _shifts(questionnaire, drivers: dict, rng) -> dict:
    """Per respondent: each attribute off the latent, and the overall moved by the attributes'
    deviations with the questionnaire's driver weights (so key drivers differ)."""
    shifts = {a: float(rng.normal(0, 0.14)) for a in drivers}
    overall = sum(drivers[a] * shifts[a] for a in drivers)
    roles = questionnaire.analysis
    for role in (roles.overall, roles.recommend):
        if role:
            shifts[role] = overall
    return shifts


def answer_survey(
    session: Session,
    survey: Survey,
    strata: dict,
    stratum_attribute,
    month: date,
    count: int,
    rng,
    now=None,
    respondents: list[dict] | None = None,
) -> int:
    """``count`` synthetic respondents in ``month``, drawn evenly over ``strata`` ({stratum:
    (frame count, latent satisfaction)}), bulk-inserted; returns the responses added.
    ``respondents`` (each {"invitation_id", "stratum", "attributes"}) answers as these sampled
    customers, through their own invitations, instead."""
    now = now or utcnow()
    questionnaire = questionnaire_of(survey.questionnaire_version)
    drivers_ids = attribute_ids(questionnaire)
    weights = rng.dirichlet(np.full(len(drivers_ids), 0.8)) * 1.2 if drivers_ids else []
    drivers = dict(zip(drivers_ids, weights, strict=True))
    names = list(strata) or [None]
    days = calendar.monthrange(month.year, month.month)[1]
    if (month.year, month.month) == (now.year, now.month):
        days = max(now.day - 1, 1)
    months_ago = (now.year - month.year) * 12 + now.month - month.month
    month_start = datetime.combine(month, datetime.min.time(), UTC)
    next_month = month_start + timedelta(days=calendar.monthrange(month.year, month.month)[1])
    window = max(min(now, next_month) - month_start, timedelta(minutes=1))
    responses, answer_sets = [], []
    for n in range(count if respondents is None else len(respondents)):
        person = respondents[n] if respondents is not None else None
        stratum = person["stratum"] if person else names[int(rng.integers(len(names)))]
        attributes = (
            person["attributes"] if person else _attributes(stratum_attribute, stratum, rng)
        )
        base = strata[stratum][1] if stratum else 0.62
        latent = (
            base
            + TIER_EFFECT[attributes["tier"]]
            - TREND.get(attributes.get("branch"), 0) * months_ago
            + STAFF_EFFECT.get(attributes.get("staff_id"), 0.0)
            - WAIT_EFFECT * (float(attributes.get("wait_seconds", WAIT_MEAN)) - WAIT_MEAN)
        )
        latent = float(np.clip(latent + rng.normal(0, 0.15), 0, 1))
        language = (
            "zh-Hant"
            if attributes.get("branch") == "HK-001"
            else str(rng.choice(["zh-Hans", "zh-Hans", "zh-Hans", "en"]))
        )
        partial = rng.random() < 0.06
        answers, others, position, screen_out = answer_all(
            questionnaire,
            rng,
            latent,
            language,
            Mode.WEB,
            attributes,
            2 if partial else None,
            month,
            _shifts(questionnaire, drivers, rng),
        )
        offset = timedelta(days=int(rng.integers(0, days)), seconds=int(rng.integers(0, 13 * 3600)))
        completed = month_start + offset % window  # never after now, nor past the month
        status = (
            ResponseStatus.SCREENED_OUT
            if screen_out
            else ResponseStatus.PARTIAL
            if partial
            else ResponseStatus.COMPLETE
        )
        duration = int(rng.integers(150, 720))
        responses.append(
            {
                "survey_id": survey.id,
                "questionnaire_version_id": survey.questionnaire_version_id,
                "mode": Mode.CATI if rng.random() < 0.35 else Mode.WEB,
                "status": status,
                "disposition": screen_out.disposition
                if screen_out
                else DispositionCode.COMPLETE
                if status == ResponseStatus.COMPLETE
                else None,
                "language": language,
                "attributes": attributes,
                "stratum": stratum,
                "invitation_id": person["invitation_id"] if person else None,
                "random_seed": int(rng.integers(0, 2**31)),
                "position": position,
                "started_at": completed - timedelta(seconds=duration),
                "updated_at": completed,
                "completed_at": completed if status == ResponseStatus.COMPLETE else None,
                "duration_seconds": duration if status == ResponseStatus.COMPLETE else None,
            }
        )
        answer_sets.append((answers, others))
    ids = session.scalars(insert(Response).returning(Response.id), responses).all()
    rows = []
    for response_id, (answers, others) in zip(ids, answer_sets, strict=True):
        for answer_id, value in answers.items():
            for row in answer_rows(questionnaire, answer_id, value, others.get(answer_id)):
                rows.append(
                    {
                        "response_id": response_id,
                        "survey_id": survey.id,
                        "question_id": answer_id,
                        "updated_at": now,
                        **row,
                    }
                )
    if rows:
        session.execute(insert(Answer), rows)
    return len(ids)


FRAME_PER_COMPLETE = 4  # the demo frame: four customers for every complete wanted
RESPONSE_RATE = 0.62


def _sample_and_invite(session: Session, survey: Survey, strata: dict, attribute, count, rng):
    """A frame of customers in proportion to the strata, a proportional draw released, a
    personal link for each drawn customer; returns those who answer (about RESPONSE_RATE)."""
    names = list(strata)
    shares = np.array([strata[n][0] for n in names], dtype=float)
    size = int(count / RESPONSE_RATE)
    for n in range(size * FRAME_PER_COMPLETE):
        stratum = str(rng.choice(names, p=shares / shares.sum()))
        session.add(
            Contact(
                survey_id=survey.id,
                customer_ref=f"A{n:07d}",
                email=f"customer{n}@example.com",
                stratum=stratum,
                attributes={**_attributes(attribute, stratum, rng), attribute: stratum},
                sampled=False,
            )
        )
    session.flush()
    sampling.draw(session, survey, size, "proportional", minimum=20, seed=2026, replicates=1)
    sampling.release(session, survey, 1)
    session.flush()
    cases = {
        c.contact_id: c
        for c in session.scalars(select(CatiCase).where(CatiCase.survey_id == survey.id))
    }
    respondents = []
    released = session.scalars(
        select(Contact).where(Contact.survey_id == survey.id, Contact.released_at.is_not(None))
    ).all()
    for contact in released:
        invitation, _token = invite(session, survey, contact, channel="email")
        session.flush()
        case = cases.get(contact.id)
        if case is not None:
            case.invitation_id = invitation.id
        if rng.random() < RESPONSE_RATE:
            respondents.append(
                {
                    "invitation_id": invitation.id,
                    "stratum": contact.stratum,
                    "attributes": dict(contact.attributes),
                }  # fmt: skip
            )
            if case is not None:  # answered on the web: nobody calls
                case.status, case.final_disposition, case.next_call_at = (
                    CaseStatus.FINAL,
                    DispositionCode.COMPLETE,
                    None,
                )
    return respondents


def add_populations(session: Session, survey: Survey, strata: dict) -> None:
    """The frame count of each stratum (the design's weights and fpc)."""
    for stratum, (population, _) in strata.items():
        session.add(
            StratumPopulation(
                survey_id=survey.id, stratum=stratum, population=population, source="frame"
            )
        )


def build(session: Session, today: date | None = None) -> int:
    """Add the history once (a second run leaves it); return the responses added."""
    now = utcnow()
    today = today or now.date()
    rng = np.random.default_rng(8)
    current = {
        s.slug.rsplit("-", 2)[0]: s
        for s in session.scalars(select(Survey).where(Survey.status == SurveyStatus.OPEN))
    }
    added = 0
    for key, (months, count, strata, attribute) in PLANS.items():
        survey = current.get(key)
        if survey is None:
            continue
        questionnaire = questionnaire_of(survey.questionnaire_version)
        for back in range(months, 0, -1):
            month = _month_start(today, back)
            slug = f"{key}-{month:%Y-%m}"
            if session.scalar(select(func.count()).where(Survey.slug == slug)):
                continue
            past = monthly_survey(
                questionnaire, survey.questionnaire_version_id, month, SurveyStatus.CLOSED
            )
            session.add(past)
            session.flush()
            add_populations(session, past, strata)
            added += answer_survey(session, past, strata, attribute, month, count, rng, now)
    for key, (count, strata, attribute) in CURRENT.items():
        survey = current.get(key)
        if survey is None or session.scalar(
            select(func.count()).where(Response.survey_id == survey.id)
        ):
            continue
        month = today.replace(day=1)
        if strata:  # a real sample: a frame, a stratified draw, a link each; most answer
            respondents = _sample_and_invite(session, survey, strata, attribute, count, rng)
            added += answer_survey(
                session, survey, strata, attribute, month, 0, rng, now, respondents
            )
        else:  # a complaint follow-up: every complainant, no sampling
            added += answer_survey(session, survey, strata, attribute, month, count, rng, now)
    for each in session.scalars(select(Survey)).all():  # bulk-loaded: prepare their reports
        refresh_facts(session, each, commit=False)
        read_unread(session, each.id)
    session.commit()
    return added
