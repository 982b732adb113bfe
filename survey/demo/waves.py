"""The demo's lobby and next month: the counter survey's open link handed out at every
branch (one counter and teller each, plus a kiosk at the first), and each open survey
cloned into next month's wave, scheduled to open on the 1st."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Survey, SurveyStatus
from ..surveys import links, waves
from ..surveys.listing import by_slug
from .places import BRANCHES
from .staff import TELLERS_OF

COUNTER_QUESTIONNAIRE = "branch-counter"


def build(session: Session, today: date) -> None:
    """Open links, places and next month's drafts (done once: a second run finds them)."""
    surveys = session.scalars(
        select(Survey).where(Survey.status == SurveyStatus.OPEN).order_by(Survey.slug)
    ).all()
    for survey in surveys:
        if survey.questionnaire_version.questionnaire.key == COUNTER_QUESTIONNAIRE:
            _lobby(survey)
        slug, opens, closes = waves.next_wave_defaults(survey, today)
        if by_slug(session, slug) is None:
            waves.clone_wave(session, survey, slug, opens, closes)
    session.commit()


def _lobby(survey: Survey) -> None:
    """The counter survey fielded in the lobby: a card per branch, a kiosk at the first."""
    survey.open_link = True
    survey.settings = {**(survey.settings or {}), "stratum_attribute": "branch"}
    if links.places_of(survey):
        return
    for branch in BRANCHES:
        links.add_place(survey, links.place(branch, "1", TELLERS_OF[branch][0]))
    links.add_place(survey, links.place(next(iter(BRANCHES)), "2", kiosk=True))


def lobby_links(session: Session, secret: str, base_url: str) -> list[tuple[str, str]]:
    """(what, address) of the demo's counter cards and kiosk, to print."""
    survey = session.scalar(
        select(Survey)
        .where(Survey.status == SurveyStatus.OPEN, Survey.open_link.is_(True))
        .order_by(Survey.slug)
    )
    if survey is None:
        return []
    shown = []
    for where in links.places_of(survey):
        label = f"kiosk {where.branch}" if where.kiosk else f"counter {where.branch}"
        shown.append((label, links.public_url(survey, where, secret, base_url)))
    shown.append(("print the cards", f"{base_url}/fieldwork/{survey.slug}/links"))
    return shown
