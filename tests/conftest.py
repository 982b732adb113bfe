"""Fixtures: an application on a fresh database per test, clients, and sign-in helpers.

Tests run on SQLite by default; set SURVEY_TEST_DATABASE_URL to a PostgreSQL
address to run the same suite there (.ci/run does both).
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, date, datetime
from functools import partial

import numpy as np
import pytest
import time_machine
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from survey import create_app
from survey.accounts import staff as accounts
from survey.accounts.staff import create_user
from survey.analysis.facts import refresh_facts
from survey.cli import schema
from survey.database import get_db, make_engine, normalise_url
from survey.demo.reports import add_populations, answer_survey
from survey.demo.synthetic import screen_form
from survey.models import Answer, Base, Response, Survey
from survey.questionnaire import Interview
from survey.questionnaire.interview import step_at
from survey.responses.answers import load_answers

TEST_DATABASE_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory):
    """Keep tests away from the developer's instance folder and environment."""
    instance = tmp_path_factory.mktemp("instance")
    keys = ("SURVEY_INSTANCE_PATH", "SECRET_KEY", "SURVEY_ENV", "SURVEY_QUEUE_URL")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ["SURVEY_INSTANCE_PATH"] = str(instance)
    os.environ["SECRET_KEY"] = secrets.token_hex(16)
    os.environ.pop("SURVEY_ENV", None)
    # Background jobs run at once in the process that submits them; the queue's own tests
    # (tests/tasks) run real workers on the SQLite queue and on Redis.
    os.environ["SURVEY_QUEUE_URL"] = "immediate"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session", autouse=True)
def _clock_from_environment():
    """SURVEY_TEST_CLOCK (an ISO 8601 time) starts the whole run at that moment, the clock
    ticking on from there: the suite must pass whatever the date and the hour, and running it
    a year ahead or at 23:30 in Shanghai proves it. Tests that depend on the time set their
    own clock with time-machine's ``time_machine`` fixture."""
    start = os.environ.get("SURVEY_TEST_CLOCK")
    if not start:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(start), tick=True):
        yield


PRODUCTION_PASSWORD_HASH = accounts.hash_password


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes():
    """Staff passwords are hashed with scrypt, which costs 0.15 s by design; the suite creates
    thousands of accounts, so it hashes them with few PBKDF2 rounds. Checking a password is
    the same code for either (werkzeug reads the method from the hash);
    tests/auth/test_login.py checks that the application itself uses scrypt."""
    accounts.hash_password = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    yield
    accounts.hash_password = PRODUCTION_PASSWORD_HASH


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database brought to the newest migration once per run: a file, or PostgreSQL's URL."""
    if TEST_DATABASE_URL:
        engine = make_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        schema.upgrade(engine)
        engine.dispose()
        yield normalise_url(TEST_DATABASE_URL)
        return
    template = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{template}")
    schema.upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    yield template


def _fresh_database_url(migrated_database, tmp_path) -> str:
    if TEST_DATABASE_URL:
        engine = make_engine(migrated_database)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return migrated_database
    path = tmp_path / "survey.sqlite3"
    shutil.copy(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(migrated_database, tmp_path):
    """The application on a fresh, fully migrated database."""
    application = create_app(
        {
            "TESTING": True,
            "SURVEY_DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
            "SESSION_COOKIE_SECURE": False,
        }
    )
    yield application
    get_db(application).engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A database session of the test's own, apart from the application's requests."""
    with Session(get_db(app).engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make_user(app):
    """Create a staff account with the test password."""

    def make(username: str, role: str, **fields):
        with app.app_context():
            session = get_db(app).session()
            user = create_user(session, username, PASSWORD, role)
            for name, value in fields.items():
                setattr(user, name, value)
            session.commit()
            return user.id

    return make


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.find(marker)
    if start < 0:
        marker = 'name="csrf_token" value="'
        start = html.find(marker)
    assert start >= 0, "no CSRF token on the page"
    start += len(marker)
    return html[start : html.index('"', start)]


class AuthActions:
    """Sign in and out through the real forms, CSRF token included."""

    def __init__(self, client, make_user):
        self._client = client
        self._make_user = make_user

    def login(self, username: str, password: str = PASSWORD, **kwargs):
        page = self._client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self._client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            **kwargs,
        )

    def login_as(self, role: str):
        """Create a user with the role (named after it) and sign in."""
        self._make_user(role, role)
        response = self.login(role)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        token = csrf_token_from(self._client.get("/login").get_data(as_text=True))
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client, make_user):
    return AuthActions(client, make_user)


QUESTIONNAIRES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "questionnaires"
)


@pytest.fixture
def fielded(app):
    """Field a shipped questionnaire: ``fielded(questionnaire, **survey_fields)`` → the survey's id.

    Also offers ``fielded.invite(survey_id, contact=None)`` → a personal link's token.
    """
    from survey.models import Contact, Survey
    from survey.questionnaire import load_file
    from survey.responses.invitations import invite
    from survey.surveys.versions import store

    def field(questionnaire: str, **fields) -> int:
        path = os.path.join(QUESTIONNAIRES, f"{questionnaire}.yaml")
        with app.app_context():
            session = get_db(app).session()
            result = load_file(path)
            with open(path, encoding="utf-8") as file:
                version = store(session, result, file.read()).version
            values = {
                "slug": f"{questionnaire}-test",
                "name": questionnaire,
                "status": "open",
                "modes": ["web", "cati"],
            }
            values.update(fields)
            survey = Survey(questionnaire_version_id=version.id, **values)
            session.add(survey)
            session.commit()
            return survey.id

    def make_invitation(survey_id: int, contact: dict | None = None, **fields) -> str:
        with app.app_context():
            session = get_db(app).session()
            survey = session.get(Survey, survey_id)
            person = None
            if contact is not None:
                person = Contact(
                    survey_id=survey_id,
                    customer_ref=contact.pop("customer_ref", secrets.token_hex(4)),
                    **contact,
                )
                session.add(person)
            invitation, token = invite(session, survey, person)
            for key, value in fields.items():
                setattr(invitation, key, value)
            session.commit()
            return token

    field.invite = make_invitation
    return field


@pytest.fixture
def cati_survey(app, db, fielded):
    """Field a shipped questionnaire by phone, with released customers and their cases, and
    calling windows open round the clock (so a test never depends on the hour):
    ``cati_survey(name, customers=3)`` → the Survey."""
    from survey.models import CatiCase, Contact, Survey, utcnow

    def make(name="hotline-post-call", customers=3, language="zh-Hans", **contact):
        survey_id = fielded(name, slug=f"{name}-cati")
        db.rollback()  # a fresh snapshot that sees the new survey
        survey = db.get(Survey, survey_id)
        survey.settings = {"calling_windows": [["00:00", "23:59:59"]] * 7}
        for n in range(customers):
            fields = {
                "title": "王先生" if language != "en" else "Mr Wang",
                "name": "王伟",
                "phone": f"+8613800000{n:03d}",
                "time_zone": "America/New_York",
                "attributes": {"branch": "SZ-001", "queue": "cards"},
                **contact,
            }
            person = Contact(
                survey_id=survey.id,
                customer_ref=f"K{n}",
                language=language,
                released_at=utcnow(),
                **fields,
            )
            db.add(person)
            db.flush()
            # Due since long ago: due for a server in another process too, whose clock a
            # test's time travel does not move.
            db.add(CatiCase(survey_id=survey.id, contact_id=person.id, next_call_at=DUE_LONG_AGO))
        db.commit()
        return survey

    return make


# A fielded survey with a few hundred synthetic responses over two months and five strata,
# a few answers refused: data for the report pages, the API and the exports.
STRATA = {  # branch: (frame count, latent satisfaction)
    "SZ-001": (40000, 0.74),
    "SZ-002": (30000, 0.52),
    "GZ-001": (25000, 0.66),
    "SH-001": (20000, 0.70),
    "HK-001": (8000, 0.68),
}
REPORTED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DUE_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def reported(app, fielded):
    """``reported(questionnaire="branch-counter", per_month=180)`` → the survey's slug."""

    def make(
        questionnaire="branch-counter", per_month=180, strata=STRATA, attribute="branch", **fields
    ):
        survey_id = fielded(questionnaire, **fields)
        with app.app_context():
            session = get_db(app).session()
            survey = session.get(Survey, survey_id)
            if strata:
                add_populations(session, survey, strata)
            rng = np.random.default_rng(11)
            for month in (date(2026, 9, 1), date(2026, 10, 1)):
                answer_survey(
                    session, survey, strata or {}, attribute, month, per_month, rng, REPORTED_AT
                )
            # A few customers refused the overall question: they must count as missing.
            refused = session.scalars(
                select(Answer.id)
                .where(Answer.survey_id == survey_id, Answer.question_id == "q_overall")
                .order_by(Answer.id)
                .limit(7)
            ).all()
            session.execute(
                update(Answer).where(Answer.id.in_(refused)).values(code="-9", value_num=None)
            )
            refresh_facts(session, survey, commit=False)  # a bulk load: prepared as one
            session.commit()
            return survey.slug

    return make


def complete_as_customer(
    client, db, address: str, questionnaire, language="zh-Hans", typed: dict | None = None
):
    """Answer a web link page by page as a customer would (synthetic answers that keep the
    customer in the survey, with the ``typed`` answers where their questions come), starting it
    first where it has not been started; returns the reply that showed the end page."""
    html = client.get(address).text
    if 'value="start"' in html:
        client.post(address, data={"action": "start", "language": language,
                                   "csrf_token": csrf_token_from(html)})  # fmt: skip
    rng = np.random.default_rng(3)
    keep_in = {"q_caller": ["1"], "q_s_customer": ["1"], "q_s_industry": ["0"]}
    for _ in range(40):
        reply = client.get(address)
        html = reply.text
        if 'name="page"' not in html:
            return reply
        position = html.split('name="page" value="', 1)[1].split('"', 1)[0]
        db.rollback()
        response = db.scalar(select(Response).order_by(Response.updated_at.desc()))
        answers, _ = load_answers(db, response, questionnaire)
        step = step_at(Interview(questionnaire, answers, {}, position, None, language, "web"))
        form = screen_form(step, 0.8, language, rng)
        form.update({k: v for k, v in keep_in.items() if k in form})
        on_screen = {a for q in step.questions for a in q.answer_ids}
        form.update({k: [v] for k, v in (typed or {}).items() if k in on_screen})
        form.update(csrf_token=csrf_token_from(html), action="next")
        assert client.post(address, data=form).status_code == 302
    raise AssertionError(f"{address}: still not finished after 40 pages")
