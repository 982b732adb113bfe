"""The schedule, on the bank's clock: surveys open and close on their dates, reminders go
out after N days at most M times within contact hours, and expired data is purged."""

from datetime import UTC, date, datetime, timedelta

from huey import crontab
from sqlalchemy import func, select

from survey.models import (
    AuditEvent,
    FailedLookup,
    Invitation,
    Job,
    OutboxMessage,
    PracticeState,
    Survey,
    User,
)
from survey.tasks.queue import in_bank_time
from survey.tasks.work import open_and_close_surveys, purge_expired, schedule_reminders
from tests.fieldwork.test_invitations import released

SHANGHAI_MORNING = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def test_schedules_read_the_bank_clock(app):
    nightly = in_bank_time(crontab(minute="30", hour="3"))
    assert nightly(datetime(2026, 12, 1, 19, 30))  # 03:30 the next day in Shanghai (UTC+8)
    assert not nightly(datetime(2026, 12, 1, 3, 30))


def test_surveys_open_and_close_on_their_dates(app, db, fielded, time_machine):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)
    today = date(2026, 12, 1)
    opening = fielded("branch-counter", status="draft", opens_on=today, slug="opening")
    later = fielded(
        "branch-counter", status="draft", opens_on=today + timedelta(days=1), slug="later"
    )
    ending = fielded(
        "branch-counter", status="open", closes_on=today - timedelta(days=1), slug="ending"
    )
    running = fielded("branch-counter", status="open", closes_on=today, slug="running")
    open_and_close_surveys()
    db.rollback()
    statuses = {s: db.get(Survey, s).status for s in (opening, later, ending, running)}
    assert statuses == {opening: "open", later: "draft", ending: "closed", running: "open"}
    actions = db.execute(select(AuditEvent.action, AuditEvent.target_id)).all()
    assert sorted(actions) == [("survey_closed", str(ending)), ("survey_opened", str(opening))]
    open_and_close_surveys()  # idempotent: nothing more to do
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_a_paused_wave_closes_after_its_last_day_and_a_broken_one_never_opens(
    app, db, fielded, time_machine
):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)
    today = date(2026, 12, 1)
    paused = fielded(
        "branch-counter", status="paused", closes_on=today - timedelta(days=1), slug="paused"
    )
    broken = fielded("annual-csi", status="draft", opens_on=today, slug="broken")
    version = db.get(Survey, broken).questionnaire_version
    version.source = version.source.replace("type:", "type: nonsense #", 1)
    db.commit()
    for _ in range(3):  # every five minutes all morning: one refusal a day in the audit
        open_and_close_surveys()
    db.rollback()
    assert (db.get(Survey, paused).status, db.get(Survey, broken).status) == ("closed", "draft")
    events = db.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    closed = [d for a, d in events if a == "survey_closed"]
    refused = [d for a, d in events if a == "survey_open_refused"]
    assert closed == [{"by": "schedule", "was": "paused"}]
    assert len(refused) == 1 and "nonsense" in refused[0]["reason"]


def test_reminders_after_n_days_at_most_m_times_within_contact_hours(
    app, db, fielded, tmp_path, time_machine
):
    time_machine.move_to(SHANGHAI_MORNING, tick=False)
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path / "outbox")
    plan = {"after_days": 3, "most": 2, "from_hour": 9, "to_hour": 20}
    survey_id = fielded("branch-counter", settings={"reminders": plan})
    contact = released(db, survey_id, customer_ref="C1", email="c1@example.com")
    db.add(Invitation(survey_id=survey_id, contact_id=contact.id, token_hash="a" * 64,
                      sent_at=SHANGHAI_MORNING - timedelta(days=4)))  # fmt: skip
    db.commit()

    def remind_at(moment):
        time_machine.move_to(moment, tick=False)
        schedule_reminders()
        db.rollback()
        return db.scalar(select(func.count()).where(OutboxMessage.kind == "reminder"))

    assert remind_at(SHANGHAI_MORNING - timedelta(hours=2)) == 0  # 07:00: outside the hours
    assert remind_at(SHANGHAI_MORNING) == 1
    assert remind_at(SHANGHAI_MORNING + timedelta(minutes=15)) == 1  # same hour, same job
    assert remind_at(SHANGHAI_MORNING + timedelta(days=1)) == 1  # not 3 days since the last
    assert remind_at(SHANGHAI_MORNING + timedelta(days=3)) == 2
    assert remind_at(SHANGHAI_MORNING + timedelta(days=7)) == 2  # at most 2
    invitation = db.scalar(select(Invitation))
    assert invitation.reminders_sent == 2
    jobs = db.scalars(select(Job).where(Job.kind == "reminders").order_by(Job.id)).all()
    assert [(j.status, j.imported) for j in jobs] == [
        ("done", 1),
        ("done", 0),
        ("done", 1),
        ("done", 0),
    ]


def test_the_nightly_purge_keeps_what_is_still_in_use(app, db, make_user, time_machine):
    now = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    make_user("interviewer", "interviewer")
    user = db.scalar(select(User).where(User.username == "interviewer"))
    db.add_all([
        PracticeState(user_id=user.id, key="old", state={}, updated_at=now - timedelta(days=8)),
        PracticeState(user_id=user.id, key="new", state={}, updated_at=now - timedelta(days=1)),
        FailedLookup(scope="token", client_key="a", window_start=now - timedelta(days=2), count=3),
        FailedLookup(scope="token", client_key="b", window_start=now - timedelta(minutes=5), count=1),
    ])  # fmt: skip
    db.commit()
    purge_expired()
    db.rollback()
    assert db.scalars(select(PracticeState.key)).all() == ["new"]
    assert db.scalars(select(FailedLookup.client_key)).all() == ["b"]
