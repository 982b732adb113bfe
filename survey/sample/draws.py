"""Drawing the sample from the imported frame, and releasing it in replicates.

A draw is simple random or stratified (proportional, Neyman from prior standard
deviations, equal; a floor per stratum), seeded and recorded so it can be reproduced: the
same frame and seed give the same customers (the frame is ordered by customer reference
within each stratum). The drawn sample is split at random into replicates, released one
batch at a time, so response rates are always computed on released sample only.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import timedelta

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import CatiCase, Contact, DoNotContact, SampleDraw, StratumPopulation, Survey, utcnow
from ..questionnaire import Mode
from ..stats.planning import allocate

DRAW_METHODS = ("simple", "proportional", "neyman", "equal")
SUPPRESSION_DAYS = 30


class DrawError(ValueError):
    """A draw that cannot be made as asked, with the reason."""


def contactable(survey: Survey, now=None):
    """Conditions a contact must meet to be drawn or released (the contact rules): not on the
    do-not-contact list (by customer reference, phone or e-mail), and not surveyed in another
    survey, on any channel, within the suppression window (``suppression_days``, default 30)."""
    now = now or utcnow()
    days = int((survey.settings or {}).get("suppression_days", SUPPRESSION_DAYS))
    recent = select(Contact.customer_ref).where(
        Contact.survey_id != survey.id,
        Contact.released_at.is_not(None),
        Contact.released_at >= now - timedelta(days=days),
    )
    refs = select(DoNotContact.customer_ref).where(DoNotContact.customer_ref.is_not(None))
    phones = select(DoNotContact.phone).where(DoNotContact.phone.is_not(None))
    emails = select(DoNotContact.email).where(DoNotContact.email.is_not(None))
    return and_(
        Contact.do_not_contact.is_(False),
        Contact.customer_ref.not_in(recent),
        Contact.customer_ref.not_in(refs),
        or_(Contact.phone.is_(None), Contact.phone.not_in(phones)),
        or_(Contact.email.is_(None), Contact.email.not_in(emails)),
    )


def _eligible_frame(session: Session, survey: Survey) -> dict[str, list[tuple[str, int]]]:
    rows = session.execute(
        select(Contact.stratum, Contact.customer_ref, Contact.id).where(
            Contact.survey_id == survey.id, Contact.sampled.is_(False), contactable(survey)
        )
    )
    frame: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for stratum, ref, contact_id in rows:
        frame[stratum or ""].append((ref, contact_id))
    return {h: sorted(members) for h, members in sorted(frame.items())}


def record_frame_populations(session: Session, survey: Survey) -> dict[str, int]:
    """Count the frame per stratum and keep the counts (unless populations were imported)."""
    counts: dict[str, int] = defaultdict(int)
    for stratum, count in session.execute(
        select(Contact.stratum, func.count())
        .where(Contact.survey_id == survey.id)
        .group_by(Contact.stratum)
    ):
        counts[stratum or ""] += count
    known = {
        p.stratum: p
        for p in session.scalars(
            select(StratumPopulation).where(StratumPopulation.survey_id == survey.id)
        )
    }
    for stratum, count in counts.items():
        if stratum not in known:
            session.add(
                StratumPopulation(
                    survey_id=survey.id, stratum=stratum, population=count, source="frame"
                )
            )
        elif known[stratum].source == "frame":
            known[stratum].population = count
    return counts


def draw(
    session: Session,
    survey: Survey,
    size: int,
    method: str = "proportional",
    minimum: int = 0,
    seed: int | None = None,
    replicates: int = 1,
    sd: dict[str, float] | None = None,
) -> SampleDraw:
    """Draw ``size`` customers from the undrawn frame and record how."""
    if method not in DRAW_METHODS:
        raise DrawError(f"unknown method {method!r}; choose one of {', '.join(DRAW_METHODS)}")
    if replicates < 1:
        raise DrawError("at least one replicate")
    frame = _eligible_frame(session, survey)
    if method == "simple":
        frame = {"": sorted(member for members in frame.values() for member in members)}
    counts = {h: len(members) for h, members in frame.items()}
    if size > sum(counts.values()):
        raise DrawError(
            f"the frame has {sum(counts.values())} customers left to draw, fewer than {size}"
        )
    try:
        allocation = allocate(
            size, counts, "proportional" if method == "simple" else method, sd, minimum
        )
    except ValueError as error:
        raise DrawError(str(error)) from None
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = np.random.default_rng(seed)
    chosen = []
    for stratum, members in frame.items():
        picks = rng.choice(len(members), allocation[stratum], replace=False)
        chosen.extend(members[i][1] for i in sorted(picks))
    order = rng.permutation(len(chosen))
    replicate_of = {chosen[i]: position % replicates + 1 for position, i in enumerate(order)}
    for contact in session.scalars(select(Contact).where(Contact.id.in_(chosen))):
        contact.sampled, contact.replicate = True, replicate_of[contact.id]
    record_frame_populations(session, survey)
    record = SampleDraw(
        survey_id=survey.id,
        method=method,
        seed=seed,
        size=size,
        replicates=replicates,
        allocation=allocation,
    )
    session.add(record)
    return record


def release(session: Session, survey: Survey, replicate: int) -> int:
    """Release a replicate: its customers become workable (a phone case where the survey calls)."""
    contacts = session.scalars(
        select(Contact).where(
            Contact.survey_id == survey.id,
            Contact.sampled.is_(True),
            Contact.replicate == replicate,
            Contact.released_at.is_(None),
            contactable(survey),
        )
    ).all()
    now = utcnow()
    for contact in contacts:
        contact.released_at = now
        if Mode.CATI in survey.modes:
            session.add(CatiCase(survey_id=survey.id, contact_id=contact.id, next_call_at=now))
    return len(contacts)


def populations(session: Session, survey: Survey) -> dict[str, int]:
    return dict(
        session.execute(
            select(StratumPopulation.stratum, StratumPopulation.population).where(
                StratumPopulation.survey_id == survey.id
            )
        ).all()
    )
