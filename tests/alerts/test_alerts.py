"""Alerts reach the right people once, never in quiet hours, never in a storm; each kind is
raised by what should raise it and by nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from survey.alerts.delivery import Notice, Policy, raise_alert, release_held, send_digests
from survey.alerts.sources import hotline_misses, overdue_followups, significant_changes
from survey.alerts.subscriptions import Rule, SubscriptionError, matching, subscribe
from survey.analysis.facts import refresh_facts
from survey.database import get_db
from survey.models import (
    Alert,
    Answer,
    FollowupCase,
    HotlineCall,
    OutboxMessage,
    ReportRow,
    Response,
    Survey,
    User,
)

POLICY = Policy(zone="Asia/Shanghai", quiet_from=22, quiet_to=8, hourly_limit=2, digest_hour=8)
NOON = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00: quiet
MORNING = datetime(2026, 11, 26, 0, 5, tzinfo=UTC)  # 08:05: quiet hours over, digest hour


@pytest.fixture
def session(app):
    """A session of the test's own: the fixtures' app contexts end the scoped one."""
    with Session(get_db(app).engine, expire_on_commit=False) as own, app.app_context():
        yield own
        own.rollback()


@pytest.fixture
def people(session, make_user, reported):
    slug = reported()
    make_user("head", "manager", branches=["SZ-001"], email="head@bank.example")
    make_user("gz", "manager", branches=["GZ-001"], email="gz@bank.example")
    make_user("hq", "manager", email="hq@bank.example", phone="+8613900000000")
    survey = session.scalar(select(Survey).where(Survey.slug == slug))
    return survey, {u.username: u for u in session.scalars(select(User))}


def _notice(survey, key="low:1:q_nps", branch="SZ-001"):
    return Notice("low_score", key, survey.id, branch, "Low score", "q_nps = 2", "/followups/1")


def _messages(session):
    return session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all()


def test_an_alert_reaches_each_person_once(session, people):
    survey, users = people
    subscribe(session, Rule("low_score"), user=users["head"])
    reached = matching(session, "low_score", survey.id, "SZ-001")
    for _ in range(3):  # the same cause seen three times
        raise_alert(session, _notice(survey), reached, POLICY, NOON)
    assert len(session.scalars(select(Alert)).all()) == 1
    assert [m.recipient for m in _messages(session)] == ["head@bank.example"]


def test_a_role_reaches_only_those_who_may_see_the_branch(session, people):
    survey, users = people
    subscribe(session, Rule("low_score", survey_slug=survey.slug), role="manager")
    reached = {p.username for _, p in matching(session, "low_score", survey.id, "SZ-001")}
    assert reached == {"head", "hq"}  # not the Guangzhou manager


def test_quiet_hours_hold_the_message_not_the_inbox(session, people):
    survey, users = people
    subscribe(session, Rule("low_score", channels=("sms",)), user=users["hq"])
    raise_alert(
        session, _notice(survey), matching(session, "low_score", survey.id, "SZ-001"), POLICY, LATE
    )
    assert session.scalars(select(Alert)).one().sent_at is None and not _messages(session)
    assert release_held(session, POLICY, LATE + timedelta(hours=1)) == 0  # still quiet
    assert release_held(session, POLICY, MORNING) == 1
    (message,) = _messages(session)
    assert message.channel == "sms" and message.recipient == "+8613900000000"


def test_beyond_the_hourly_limit_alerts_wait_for_the_digest(session, people):
    survey, users = people
    subscribe(session, Rule("low_score"), user=users["head"])
    reached = matching(session, "low_score", survey.id, "SZ-001")
    for n in range(5):
        raise_alert(session, _notice(survey, key=f"low:{n}:q_nps"), reached, POLICY, NOON)
    assert len(_messages(session)) == 2  # the limit
    assert send_digests(session, POLICY, "https://survey.bank.example", NOON) == 0  # not its hour
    assert send_digests(session, POLICY, "https://survey.bank.example", MORNING) == 1
    digest = _messages(session)[-1]
    assert digest.body.count("Low score") == 3 and "/alerts/" in digest.body
    assert send_digests(session, POLICY, "https://survey.bank.example", MORNING) == 0  # once


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        (Rule("everything"), "kind", "unknown alert kind"),
        (Rule("low_score", branch="XX-404"), "branch", "branch 'XX-404' is not known"),
        (Rule("low_score", survey_slug="nope"), "survey", "no survey is called 'nope'"),
        (
            Rule("low_score", survey_slug="branch-counter-test", question_id="q_secret"),
            "question",
            "no scored question 'q_secret'",
        ),
        (Rule("low_score", question_id="q_nps"), "question", "name the survey"),
        (
            Rule("change", survey_slug="branch-counter-test", question_id="q_nps"),
            "question",
            "only a low-score alert",
        ),
        (Rule("low_score", channels=("fax",)), "channels", "unknown channel 'fax'"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_and_nothing_stored(
    session, people, rule, field, message
):
    _survey, users = people
    with pytest.raises(SubscriptionError) as caught:
        subscribe(session, rule, user=users["head"])
    assert caught.value.field == field and message in str(caught.value)


def test_a_branch_that_moved_beyond_sampling_error_is_alerted_holm_adjusted(
    session, make_user, reported
):
    # Enough answers a branch and month for its CSAT to meet the presentation standard
    # (about 30 would be withheld, and a change is tested only between printed figures).
    slug = reported(per_month=500)
    make_user("hq", "manager", email="hq@bank.example")
    survey = session.scalar(select(Survey).where(Survey.slug == slug))
    hq = session.scalar(select(User).where(User.username == "hq"))
    subscribe(session, Rule("change"), user=hq)
    october = [
        r.id for r in session.scalars(select(Response).where(Response.survey_id == survey.id))
        if r.completed_at and r.completed_at.month == 10 and r.attributes.get("branch") == "SZ-001"
    ]  # fmt: skip
    session.execute(
        update(Answer)
        .where(Answer.response_id.in_(october), Answer.question_id == "q_overall")
        .values(code="1", value_num=1.0)
    )
    session.execute(delete(ReportRow).where(ReportRow.survey_id == survey.id))
    refresh_facts(session, survey, commit=False)  # the reports' rows made again
    assert significant_changes(session, POLICY, "") == 1
    (alert,) = session.scalars(select(Alert)).all()
    assert alert.branch == "SZ-001" and "Holm-adjusted p" in alert.body and "2026-10" in alert.key
    assert significant_changes(session, POLICY, "") == 0  # told once


def test_yesterdays_hotline_kpis_below_target_are_alerted(session, people):
    survey, users = people
    subscribe(session, Rule("hotline"), user=users["hq"])
    yesterday = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, the day before NOON
    for n in range(20):
        session.add(HotlineCall(
            survey_id=survey.id, call_id=f"c{n}", customer_ref=f"k{n}", queue="cards",
            agent_id="A1", started_at=yesterday + timedelta(minutes=n), talk_seconds=60,
            wait_seconds=40 if n % 2 else 5, abandoned=False, first_line=True, recorded=True,
        ))  # fmt: skip
    for n in range(20):  # the day before: all answered at once, and not yesterday's
        session.add(HotlineCall(
            survey_id=survey.id, call_id=f"d{n}", customer_ref=f"d{n}", queue="cards",
            agent_id="A1", started_at=yesterday - timedelta(days=1, minutes=n), talk_seconds=60,
            wait_seconds=2, abandoned=False, first_line=True, recorded=True,
        ))  # fmt: skip
    targets = {
        "service_level": 0.85,
        "abandonment_rate": 0.05,
        "first_line_rate": 0.95,
        "recording_rate": 0.95,
    }
    assert hotline_misses(session, POLICY, "", targets, 15, NOON) == 1  # service level 50 %
    (alert,) = session.scalars(select(Alert)).all()
    assert "service_level" in alert.subject and "50.0%" in alert.body and "2026-11-24" in alert.key


def test_an_overdue_follow_up_is_alerted_once(session, people):
    survey, users = people
    subscribe(session, Rule("overdue", branch="SZ-001"), user=users["head"])
    response = session.scalars(select(Response).where(Response.survey_id == survey.id)).first()
    session.add(FollowupCase(
        survey_id=survey.id, response_id=response.id, rule="low_overall", reason="q_overall=1",
        category="service.attitude", priority="high", complexity="ordinary",
        owner="branch:SZ-001", branch="SZ-001", region="CN",
        created_at=NOON - timedelta(days=9), due_at=NOON - timedelta(days=2),
    ))  # fmt: skip
    session.flush()
    assert overdue_followups(session, POLICY, "", NOON) == 1
    assert overdue_followups(session, POLICY, "", NOON + timedelta(hours=1)) == 0
