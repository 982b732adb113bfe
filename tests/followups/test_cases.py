"""Working cases as a service and from the command line: the steps and the reply a close
needs, who may work a case and see the customer, return calls refused with reasons,
reminders and escalation on the working-day clock, and `survey followups list --json`."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.database import db_session
from survey.followups import cases as service
from survey.followups.escalation import sweep
from survey.models import FollowupCase, OutboxMessage, Response, User
from tests.followups.test_opening import answer_counter


@pytest.fixture
def opened(app, fielded, make_user, time_machine):
    """A case opened on Monday 23 November 2026, 10:00 in Shanghai (due Thursday 26th 17:00),
    by a lobby customer at SZ-001; the branch's manager, another branch's, a supervisor."""
    time_machine.move_to(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=False)
    fielded("branch-counter", open_link=True)
    from survey.surveys import links

    token = links.sign(app.config["SECRET_KEY"], links.place("SZ-001"))
    answer_counter(
        app.test_client(), f"/o/branch-counter-test?at={token}", overall="1", rude="3", nps="9"
    )
    ids = {
        "owner": make_user("owner", "manager", branches=["SZ-001"], email="o@bank.example"),
        "other": make_user("other", "manager", branches=["GZ-001"]),
        "central": make_user("central", "manager", email="q@bank.example"),
        "super": make_user("super", "supervisor"),
    }
    return ids


@pytest.fixture
def session(app, opened):
    with app.test_request_context():
        yield db_session()


def _case(session):
    return session.scalars(select(FollowupCase)).one()


def test_who_may_work_a_case(session, opened):
    case = _case(session)
    users = {name: session.get(User, uid) for name, uid in opened.items()}
    assert case.due_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert [name for name, u in users.items() if service.may_work(u, case)] == [
        "owner",
        "central",
        "super",
    ]
    with pytest.raises(service.FollowupError, match="Only the case's owners"):
        service.show_contact(session, case, users["other"])


def test_a_case_closes_only_with_the_whole_reply(session, opened):
    case, owner = _case(session), session.get(User, opened["owner"])
    service.take_step(session, case, owner, "contact")
    with pytest.raises(service.FollowupError, match="cannot be moved to closed"):
        service.take_step(session, case, owner, "close")
    with pytest.raises(service.FollowupError, match="1 to 5"):
        service.record_reply(
            session, case, owner, service.Reply("f", "r", "l", "x", 6, date(2026, 11, 23))
        )
    service.record_reply(
        session, case, owner, service.Reply("f", "r", "l", "x", 4, date(2026, 11, 23))
    )
    assert case.status == "resolved" and case.reply["handler"] == "owner"
    case.reply = {**case.reply, "lesson": ""}
    with pytest.raises(service.FollowupError, match="fill in lesson before closing"):
        service.take_step(session, case, owner, "close")
    case.reply = {**case.reply, "lesson": "l"}
    service.take_step(session, case, owner, "close")
    service.take_step(session, case, owner, "reopen", "the customer called again")
    assert (case.status, case.reopened, case.closed_at) == ("contacted", 1, None)
    assert [e.kind for e in case.events] == [
        "opened",
        "status",
        "reply",
        "status",
        "status",
        "status",
    ]


def test_an_open_link_customer_cannot_be_called_back(session, opened):
    case, owner = _case(session), session.get(User, opened["owner"])
    with pytest.raises(service.FollowupError, match="left no contact details"):
        service.return_call(session, case, owner, "cati", "http://x")
    assert service.show_contact(session, case, owner) is None


def test_reminded_on_the_due_day_then_escalated_twice(session, opened, time_machine):
    case = _case(session)
    time_machine.move_to(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # Wednesday: one day left
    assert sweep(session)["reminded"] == 0
    time_machine.move_to(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))  # Thursday, the due day
    assert sweep(session)["reminded"] == 1 and case.reminded_at is not None
    time_machine.move_to(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # Friday: overdue
    counts = sweep(session)
    assert (counts["escalated"], case.level) == (1, 1)
    time_machine.move_to(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))  # Saturday: not a working day
    assert sweep(session)["escalated"] == 0 and case.level == 1
    time_machine.move_to(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))  # Monday after the close
    assert sweep(session)["escalated"] == 1 and case.level == 2
    assert sweep(session)["escalated"] == 0  # nothing further
    session.flush()
    notices = session.scalars(select(OutboxMessage.recipient).order_by(OutboxMessage.id)).all()
    assert notices == ["o@bank.example", "o@bank.example", "q@bank.example"]


def test_followups_list_keeps_its_contract(runner, opened, db, time_machine):
    time_machine.move_to(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    listed = json.loads(
        runner.invoke(args=["followups", "list", "branch-counter-test", "--json"]).output
    )
    case = db.scalars(select(FollowupCase)).one()
    response = db.scalars(select(Response)).one()
    assert listed == [{
        "id": case.id, "response_id": response.id, "reason": case.reason,
        "category": "service.attitude", "owner": "branch:SZ-001", "status": "new",
        "created_at": case.created_at.isoformat(), "due_at": "2026-11-26T09:00:00+00:00",
        "closed_at": None, "overdue": True,
    }]  # fmt: skip
    unknown = runner.invoke(args=["followups", "list", "nowhere"])
    assert unknown.exit_code == 1 and "No survey 'nowhere'" in unknown.output
    assert case.created_at - datetime(2026, 11, 23, 2, 0, tzinfo=UTC) < timedelta(minutes=1)


def test_a_web_return_call_sends_the_follow_up_surveys_link(
    app, fielded, make_user, db, time_machine
):
    time_machine.move_to(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), tick=False)
    counter = fielded("branch-counter", modes=["web"])
    fielded("complaint-follow-up", modes=["web"], slug="follow-up-wave")
    token = fielded.invite(counter, {"customer_ref": "C9", "email": "li@example.com",
                                     "language": "en", "attributes": {"branch": "SZ-001"}})  # fmt: skip
    answer_counter(app.test_client(), f"/s/{token}", overall="1", rude="3", nps="9")
    owner_id = make_user("owner", "manager", branches=["SZ-001"])
    with app.test_request_context():
        session = db_session()
        case, owner = _case(session), session.get(User, owner_id)
        service.return_call(session, case, owner, "web", "https://survey.example")
        with pytest.raises(service.FollowupError, match="already been made"):
            service.return_call(session, case, owner, "web", "https://survey.example")
        session.commit()
    message = db.scalars(select(OutboxMessage)).one()
    assert (message.recipient, message.kind) == ("li@example.com", "invitation")
    assert "https://survey.example/s/" in message.body
    db.rollback()
    case = db.scalars(select(FollowupCase)).one()
    assert case.status == "contacted" and case.return_invitation_id is not None
