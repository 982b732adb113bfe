"""A small world for the security tests: a user of every role, a phone survey with cases, a
customer's link and an API token; and clients signed in as each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.accounts.api_tokens import issue_token
from survey.models import CatiCase, StaffMember, User
from survey.questionnaire import load_file
from survey.surveys.versions import store
from tests.conftest import PASSWORD, QUESTIONNAIRES, csrf_token_from

ROLES = ("admin", "manager", "supervisor", "interviewer", "staff")
HOMES = {
    "admin": "/admin/",
    "manager": "/reports/",
    "supervisor": "/fieldwork/",
    "interviewer": "/cati/",
    "staff": "/me/",
}


@dataclass
class World:
    slug: str
    survey_id: int
    case_id: int
    link_token: str
    api_token: str
    api_token_id: int
    version_id: int
    user_ids: dict


@pytest.fixture
def world(app, db, make_user, cati_survey, fielded) -> World:
    user_ids = {role: make_user(role, role) for role in ROLES}
    survey = cati_survey("hotline-post-call", customers=2)
    case_id = db.scalar(select(CatiCase.id).where(CatiCase.survey_id == survey.id))
    link = fielded.invite(survey.id, {"name": "王伟", "phone": "+8613912345678"})
    db.rollback()
    token, record = issue_token(db, "dashboard", created_by=user_ids["admin"])
    db.commit()
    user_ids["target"] = make_user("target", "interviewer")
    _teller_and_colleague(db, user_ids["staff"])
    return World(
        slug=survey.slug,
        survey_id=survey.id,
        case_id=case_id,
        link_token=link,
        api_token=token,
        api_token_id=record.id,
        version_id=survey.questionnaire_version_id,
        user_ids=user_ids,
    )


def _teller_and_colleague(db, user_id: int) -> None:
    """The staff account is teller T1 of branch B1, with a colleague T2 to rate; A7 is the
    hotline agent the call files name."""
    path = Path(QUESTIONNAIRES) / "teller-internal-rating.yaml"
    store(db, load_file(path), path.read_text(encoding="utf-8"))
    for number, linked in (("T1", user_id), ("T2", None)):
        db.add(
            StaffMember(
                staff_number=number,
                name=number,
                role="teller",
                branch="B1",
                active_from=date(2000, 1, 1),
                user_id=linked,
            )
        )
    db.add(
        StaffMember(
            staff_number="A7", name="A7", role="agent", team="hotline", active_from=date(2000, 1, 1)
        )
    )
    db.commit()


class Visitor:
    """A test client signed in as one role (or signed out), with its CSRF token at hand."""

    def __init__(self, app, role: str | None):
        self.role = role
        self.client = app.test_client()
        if role:
            page = self.client.get("/login").get_data(as_text=True)
            signed = self.client.post(
                "/login",
                data={"username": role, "password": PASSWORD, "csrf_token": csrf_token_from(page)},
            )
            assert signed.status_code == 302, f"{role} could not sign in"
        home = HOMES[role] if role else "/login"
        self.csrf = csrf_token_from(self.client.get(home).get_data(as_text=True))


@pytest.fixture
def visitors(app, world) -> dict:
    """``visitors[role]`` for every role, and ``visitors[None]`` signed out."""
    return {role: Visitor(app, role) for role in (None, *ROLES)}


def user_named(db, name: str) -> User:
    db.rollback()
    return db.scalar(select(User).where(User.username == name))
