"""A working demo database: staff of every role, the shipped questionnaires and their surveys."""

from __future__ import annotations

import calendar
import secrets
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.staff import StaffDetails, add_account, apply_details, set_password
from ..models import Contact, Invitation, Response, Role, Survey, SurveyStatus, User
from ..questionnaire import Mode, load_file
from ..questionnaire.model import LANGUAGES
from ..questionnaire.modes import FIELD_MODES
from ..responses.invitations import invite
from ..surveys.versions import store

DEMO_STAFF = [  # username, role, display name, staff number (工号)
    ("admin", Role.ADMIN, "系统管理员 Admin", "A0001"),
    ("manager", Role.MANAGER, "王经理 Manager Wang", "M0107"),
    ("branchhead", Role.MANAGER, "深圳一支行行长 Branch head SZ-001", "M0211"),
    ("supervisor", Role.SUPERVISOR, "李督导 Supervisor Li", "S0215"),
    ("interviewer", Role.INTERVIEWER, "张晓梅", "C1024"),
    ("interviewer2", Role.INTERVIEWER, "陈志强", "C1031"),
    ("teller", Role.STAFF, "柜员 Teller T000", "T000"),
    ("teller2", Role.STAFF, "柜员 Teller T005", "T005"),
    ("lobby", Role.STAFF, "大堂经理 Lobby manager", "L001"),
    ("opsmanager", Role.STAFF, "运营主管 Operations manager", "O001"),
]


def _demo_password() -> str:
    """A fresh random password: demo credentials are never fixed in the code."""
    return secrets.token_urlsafe(9)


def _surveys(session: Session, questionnaire_dir: Path, today: date) -> None:
    """Load every shipped questionnaire and open one survey on each fielded one for this
    month (the internal rating is answered on staff pages, not fielded)."""
    period = f"{today:%Y-%m}"
    for path in sorted(questionnaire_dir.glob("*.yaml")):
        result = load_file(path)
        version = store(session, result, path.read_text(encoding="utf-8")).version
        built = result.questionnaire
        if not set(built.modes) & set(FIELD_MODES):
            continue
        if session.scalar(select(Survey).where(Survey.slug == f"{built.id}-{period}")):
            continue
        session.add(monthly_survey(built, version.id, today, SurveyStatus.OPEN))


def monthly_survey(built, version_id: int, month: date, status: str) -> Survey:
    """A questionnaire's survey for one month, as the demo fields one a month; a closed one
    closes on the month's last day."""
    period = f"{month:%Y-%m}"
    last_day = calendar.monthrange(month.year, month.month)[1]
    return Survey(
        slug=f"{built.id}-{period}",
        name=f"{built.title.get_in('zh-Hans')} {period}",
        questionnaire_version_id=version_id,
        modes=list(built.modes),
        status=status,
        languages=list(built.languages),
        default_language=built.default_language,
        period_label=period,
        opens_on=month.replace(day=1),
        closes_on=None if status == SurveyStatus.OPEN else month.replace(day=last_day),
        settings={"titles": {lang: f"{built.title.get_in(lang)} {period}" for lang in LANGUAGES}},
    )


def sample_links(session: Session) -> list[tuple[str, str]]:
    """A fresh personal link for each open web survey, to try the customer's side: for a
    customer of the survey's released sample who has not answered yet, so the answer counts
    in the weighted figures and the response rate (a survey without a sample: a plain link)."""
    surveys = session.scalars(
        select(Survey).where(Survey.status == SurveyStatus.OPEN).order_by(Survey.slug)
    ).all()
    links = []
    for survey in surveys:
        if Mode.WEB not in survey.modes:
            continue
        answered = select(Invitation.contact_id).join(
            Response, Response.invitation_id == Invitation.id
        )
        contact = session.scalar(
            select(Contact)
            .where(
                Contact.survey_id == survey.id,
                Contact.released_at.is_not(None),
                Contact.id.not_in(answered.where(Invitation.contact_id.is_not(None))),
            )
            .order_by(Contact.id)
            .limit(1)
        )
        links.append((survey.slug, invite(session, survey, contact)[1]))
    session.commit()
    return links


def build(
    session: Session, questionnaire_dir: Path, today: date | None = None
) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo; return (username, role, password) for each staff member."""
    _surveys(session, questionnaire_dir, today or date.today())
    credentials = []
    for username, role, display_name, staff_number in DEMO_STAFF:
        password = _demo_password()
        details = StaffDetails(role.value, display_name, staff_number)
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            add_account(session, username, password, details)
        else:
            apply_details(user, details)
            user.active = True
            set_password(user, password)
        credentials.append((username, role.value, password))
    session.commit()
    return credentials
