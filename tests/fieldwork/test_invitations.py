"""Invitations and reminders through the outbox and the file adapter: no network call."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from survey.models import CatiCase, Contact, Invitation, OutboxMessage, utcnow
from survey.sample.messaging import deliver


class RecordingAdapter:
    """Keeps what it was asked to send, for the tests."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append((message.channel, message.recipient, message.body))


def released(db, survey_id, **fields):
    contact = Contact(
        survey_id=survey_id,
        customer_ref=fields.pop("customer_ref", "C1"),
        sampled=True,
        released_at=utcnow(),
        **fields,
    )
    db.add(contact)
    db.flush()
    db.add(CatiCase(survey_id=survey_id, contact_id=contact.id))
    db.commit()
    return contact


def link_in(body: str) -> str:
    return next(word for word in re.findall(r"https?://\S+", body) if "optout" not in word)


def test_send_invites_each_released_customer_once_with_both_links(
    app, runner, client, db, fielded, tmp_path
):
    survey_id = fielded("branch-counter")
    released(
        db, survey_id, customer_ref="C1", title="王先生", phone="+8613800138000", language="zh-Hans"
    )
    released(db, survey_id, customer_ref="C2", email="chan@example.com", language="en")
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path / "outbox")
    result = runner.invoke(args=["invitations", "send", "branch-counter-test"])
    assert "Queued 2 invitation(s); sent 2, failed 0." in result.output
    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.name.split("-")[1] for f in files] == ["sms.txt", "email.txt"]
    sms = files[0].read_text(encoding="utf-8")
    assert "您好王先生" in sms and "/optout" in sms
    link = link_in(sms)
    assert client.get(link.replace("http://localhost:5000", "")).status_code == 200
    again = runner.invoke(args=["invitations", "send", "branch-counter-test"])
    assert "Queued 0 invitation(s)" in again.output
    db.expire_all()
    assert (
        db.scalar(
            select(func.count()).select_from(CatiCase).where(CatiCase.invitation_id.is_not(None))
        )
        == 2
    )


def test_reminder_has_a_new_link_and_the_first_still_works(
    app, runner, client, db, fielded, tmp_path
):
    survey_id = fielded("branch-counter")
    released(db, survey_id, email="li@example.com", language="en")
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path)
    runner.invoke(args=["invitations", "send", "branch-counter-test"])
    db.expire_all()
    invitation = db.scalar(select(Invitation))
    invitation.sent_at = utcnow() - timedelta(days=5)
    db.commit()
    result = runner.invoke(
        args=["invitations", "remind", "branch-counter-test", "--after-days", "3"]
    )
    assert "Queued 1 reminder(s); sent 1" in result.output
    bodies = [m.body for m in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    first, reminder = link_in(bodies[0]), link_in(bodies[1])
    assert first != reminder and bodies[1].startswith("Reminder: ")
    for link in (first, reminder):
        assert client.get(link.replace("http://localhost:5000", "")).status_code == 200
    assert (
        "Queued 0 reminder(s)"
        in runner.invoke(
            args=["invitations", "remind", "branch-counter-test", "--after-days", "3"]
        ).output
    )


def test_delivery_failure_is_recorded_not_lost(db, fielded):
    survey_id = fielded("branch-counter")
    contact = released(db, survey_id, email="x@example.com")
    invitation = Invitation(survey_id=survey_id, contact_id=contact.id, token_hash="f" * 64)
    db.add(invitation)
    db.flush()
    db.add(
        OutboxMessage(
            survey_id=survey_id,
            invitation_id=invitation.id,
            channel="email",
            recipient="x@example.com",
            body="b",
        )
    )
    db.commit()

    class Broken:
        def send(self, message):
            raise OSError("connection refused")

    assert deliver(db, Broken()) == (0, 1)
    message = db.scalar(select(OutboxMessage))
    assert (message.status, message.error) == ("failed", "connection refused")
    adapter = RecordingAdapter()
    message.status = "queued"
    assert deliver(db, adapter) == (1, 0)
    assert adapter.sent[0][1] == "x@example.com"
