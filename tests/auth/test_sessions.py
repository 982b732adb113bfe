"""Staff sessions live on the server: a saved cookie stops working after sign-out, a password
change, deactivation or "sign out everywhere", after the idle limit and after the absolute
lifetime, whatever the browser keeps."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.accounts.staff import set_password
from survey.models import StaffSession, User
from tests.conftest import csrf_token_from

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def signed_in(app, auth, client, time_machine):
    """A manager signed in at 09:00; returns a second browser holding a copy of the cookie."""
    time_machine.move_to(START)
    auth.login_as("manager")
    copy = app.test_client()
    copy.saved = client.get_cookie("survey_session").value
    copy.set_cookie("survey_session", copy.saved)
    assert copy.get("/reports/").status_code == 200
    return copy


def _signed_out(browser) -> bool:
    reply = browser.get("/reports/")
    return reply.status_code == 302 and "/login" in reply.headers["Location"]


def test_signing_out_ends_the_session_for_a_copied_cookie_and_after_a_restart(app, auth, signed_in):
    auth.logout()
    assert _signed_out(signed_in)
    restarted = app.test_client()  # same key, same database: a new server process
    restarted.set_cookie("survey_session", signed_in.saved)
    assert _signed_out(restarted)


def test_a_password_change_ends_every_session(app, db, signed_in):
    user = db.scalar(select(User).where(User.username == "manager"))
    set_password(user, "a-brand-new-password-1")
    db.commit()
    assert _signed_out(signed_in)


@pytest.mark.parametrize("action", ["sign_out", "deactivate"])
def test_an_administrator_can_end_someone_s_sessions(app, db, make_user, signed_in, action):
    make_user("boss", "admin")
    admin = app.test_client()
    token = csrf_token_from(admin.get("/login").text)
    admin.post("/login", data={"username": "boss", "password": "correct-horse-battery",
                               "csrf_token": token})  # fmt: skip
    target = db.scalar(select(User.id).where(User.username == "manager"))
    token = csrf_token_from(admin.get("/admin/").text)
    reply = admin.post(f"/admin/users/{target}/{action}", data={"csrf_token": token})
    assert reply.status_code == 302
    assert _signed_out(signed_in)


def test_an_idle_session_ends_after_the_idle_limit(app, signed_in, time_machine):
    idle = app.config["PERMANENT_SESSION_LIFETIME"]
    time_machine.move_to(START + timedelta(seconds=idle - 60))
    assert not _signed_out(signed_in)
    time_machine.move_to(START + timedelta(seconds=2 * idle))
    assert _signed_out(signed_in)


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, db, signed_in, time_machine):
    hours = app.config["SESSION_MAX_HOURS"]
    for hour in range(1, hours):
        time_machine.move_to(START + timedelta(hours=hour))
        assert not _signed_out(signed_in), hour
    time_machine.move_to(START + timedelta(hours=hours, minutes=1))
    assert _signed_out(signed_in)
    db.rollback()
    assert db.scalar(select(StaffSession)).ended_at is not None
