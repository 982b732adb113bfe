"""Invitations and reminders by SMS and e-mail, through an outbox and a delivery adapter.

Messages are queued in the database first (so a crash never loses one) and then handed to
an adapter a chunk at a time: a chunk is marked ``sending`` and committed before the first
message goes out, and each is marked sent or failed after. A worker that dies mid-chunk
leaves messages ``sending``: the file adapter writes each message to its own file (the
same name again on a retry), so those are simply sent again; for any other adapter they
end failed rather than risk a second SMS or e-mail to a customer. ``file`` writes to a
folder (the default here, and for review before a real send), ``smtp`` sends e-mail
through the bank's mail server. SMS goes to the file or console adapter: a gateway adapter needs the bank's
SMS provider and its credentials, which this installation does not have.
Every message carries the personal link and the opt-out link, set apart by spaces so that
phones recognise them next to Chinese text.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..database import begin_write
from ..models import (
    CatiCase,
    Contact,
    Invitation,
    InvitationToken,
    MessageStatus,
    OutboxMessage,
    Response,
    ResponseStatus,
    Survey,
    utcnow,
)
from ..questionnaire import Mode
from ..responses.invitations import invite
from ..security import hash_token, new_token

TEXTS = {
    "zh-Hans": (
        "{title}邀请",
        "您好{name}，感谢您选择我行。请花两分钟完成满意度调查： {link} 如不希望再收到调查邀请： {optout}",
    ),
    "zh-Hant": (
        "{title}邀請",
        "您好{name}，多謝您選用本行。請花兩分鐘完成滿意度調查： {link} 如不希望再收到調查邀請： {optout}",
    ),
    "en": (
        "Invitation: {title}",
        "Dear {name}, thank you for banking with us. Please take two minutes for our satisfaction survey: {link} To stop survey invitations: {optout}",
    ),
}
REMINDER = {"zh-Hans": "【提醒】", "zh-Hant": "【提醒】", "en": "Reminder: "}


def compose(
    survey: Survey, contact: Contact | None, token: str, base_url: str, kind: str
) -> tuple[str, str]:
    """Subject and body in the customer's language, with the link and the opt-out link."""
    language = (
        contact.language if contact and contact.language in survey.languages else None
    ) or survey.default_language
    subject, body = TEXTS.get(language, TEXTS["en"])
    title = survey.questionnaire_version.title.get(language) or survey.name
    name = (contact.title or "") if contact else ""
    filled = body.format(
        name=name if language != "en" else (name or "customer"),
        link=f"{base_url}/s/{token}",
        optout=f"{base_url}/s/{token}/optout",
    )
    prefix = REMINDER[language] if kind == "reminder" else ""
    return prefix + subject.format(title=title), prefix + filled


def _queue(
    session: Session, survey: Survey, invitation: Invitation, token: str, base_url: str, kind: str
) -> int:
    contact = invitation.contact
    subject, body = compose(survey, contact, token, base_url, kind)
    queued = 0
    for channel, recipient in (
        ("email", contact.email if contact else None),
        ("sms", contact.phone if contact else None),
    ):
        if recipient:
            session.add(
                OutboxMessage(
                    survey_id=survey.id,
                    invitation_id=invitation.id,
                    channel=channel,
                    kind=kind,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                )
            )
            queued += 1
            break  # e-mail when there is an address, else SMS
    return queued


def queue_invitation(
    session: Session, survey: Survey, invitation: Invitation, token: str, base_url: str
) -> int:
    """One customer's invitation message (a follow-up's return survey by web)."""
    queued = _queue(session, survey, invitation, token, base_url, "invitation")
    invitation.sent_at = utcnow()
    return queued


def queue_notice(session: Session, survey_id: int, user, subject: str, body: str) -> int:
    """A message to a member of staff (a follow-up reminder or escalation): e-mail when they
    have an address, else SMS; none when they have neither."""
    for channel, recipient in (("email", user.email), ("sms", user.phone)):
        if recipient:
            session.add(
                OutboxMessage(
                    survey_id=survey_id, invitation_id=None, channel=channel, kind="followup",
                    recipient=recipient, subject=subject[:200], body=body,
                )
            )  # fmt: skip
            return 1
    return 0


def queue_invitations(session: Session, survey: Survey, base_url: str) -> int:
    """An invitation (one token per customer, shared with the phone case) and a message for
    every released customer not yet invited."""
    invited = select(Invitation.contact_id).where(
        Invitation.survey_id == survey.id, Invitation.contact_id.is_not(None)
    )
    contacts = session.scalars(
        select(Contact).where(
            Contact.survey_id == survey.id,
            Contact.released_at.is_not(None),
            Contact.do_not_contact.is_(False),
            Contact.id.not_in(invited),
        )
    ).all()
    queued = 0
    for contact in contacts:
        invitation, token = invite(session, survey, contact, attributes={})
        session.flush()
        for case in session.scalars(
            select(CatiCase).where(
                CatiCase.contact_id == contact.id, CatiCase.invitation_id.is_(None)
            )
        ):
            case.invitation_id = invitation.id
        if Mode.WEB in survey.modes:
            queued += _queue(session, survey, invitation, token, base_url, "invitation")
            invitation.sent_at = utcnow()
    return queued


def queue_reminders(
    session: Session, survey: Survey, base_url: str, after_days: int, most: int = 1
) -> int:
    """A reminder, with a new link (the first still works), to those invited (or last
    reminded) ``after_days`` ago or more who have not finished or opted out and have had
    fewer than ``most`` reminders."""
    finished = select(Response.invitation_id).where(
        Response.status != ResponseStatus.PARTIAL, Response.invitation_id.is_not(None)
    )
    due = session.scalars(
        select(Invitation).where(
            Invitation.survey_id == survey.id,
            Invitation.sent_at.is_not(None),
            func.coalesce(Invitation.reminded_at, Invitation.sent_at)
            <= utcnow() - timedelta(days=after_days),
            Invitation.reminders_sent < most,
            Invitation.opted_out_at.is_(None),
            Invitation.id.not_in(finished),
        )
    ).all()
    queued = 0
    for invitation in due:
        token = new_token()
        session.add(InvitationToken(invitation_id=invitation.id, token_hash=hash_token(token)))
        queued += _queue(session, survey, invitation, token, base_url, "reminder")
        invitation.reminded_at = utcnow()
        invitation.reminders_sent += 1
    return queued


@dataclass(frozen=True)
class FileAdapter:
    """Writes each message to a file in a folder: for this installation and for review.
    One file per message, written whole (a temporary file renamed), so sending a message
    again after a crash leaves the same single file."""

    folder: Path
    idempotent = True

    def send(self, message: OutboxMessage) -> None:
        # Written beside the outbox, then moved in whole: a worker killed mid-write leaves its
        # part there, never a half message in the outbox.
        partials = self.folder.with_name(self.folder.name + ".partial")
        partials.mkdir(parents=True, exist_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.id:08d}-{message.channel}.txt"
        partial = partials / f"{path.name}.{os.getpid()}"
        partial.write_text(
            f"To: {message.recipient}\nSubject: {message.subject}\n\n{message.body}\n",
            encoding="utf-8",
        )
        os.replace(partial, path)


@dataclass(frozen=True)
class SmtpAdapter:
    """Sends e-mail through an SMTP server (STARTTLS when asked)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    idempotent = False  # a message handed over twice may reach the customer twice

    def send(self, message: OutboxMessage) -> None:
        if message.channel != "email":
            raise ValueError("the SMTP adapter sends e-mail only")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.recipient, message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=30) as server:
            if self.starttls:
                server.starttls()
            if self.username:
                server.login(self.username, self.password or "")
            server.send_message(mail)


CHUNK = 200
TRANSIENT = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)
INTERRUPTED = "interrupted while sending; not sent again, so no customer gets it twice"


def _claim_chunk(session: Session, size: int, job_id: int | None) -> list[OutboxMessage]:
    """Mark up to ``size`` queued messages as being sent, and return them, in one write
    transaction (so two workers never take the same message, nor wait on each other's
    read to become a write)."""
    session.commit()
    begin_write(session)
    ids = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.QUEUED)
        .order_by(OutboxMessage.id)
        .limit(size)
    ).all()
    claimed = []
    if ids:
        claimed = session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == MessageStatus.QUEUED)
            .values(status=MessageStatus.SENDING, attempted_at=utcnow(), job_id=job_id)
            .returning(OutboxMessage.id)
        ).all()
    messages = list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    ) if claimed else []  # fmt: skip
    session.commit()
    return messages


def deliver(
    session: Session, adapter, limit: int | None = None, progress=None, job_id: int | None = None
) -> tuple[int, int]:
    """Hand queued messages to the adapter a chunk at a time; each is marked sent or failed
    with the reason, and ``progress(sent + failed)`` is told after each chunk. For a job
    (``job_id``: the queue retries it), a fault that may pass by itself (the mail server
    down) puts the rest of the chunk back in the queue and raises."""
    sent = failed = 0
    while limit is None or sent + failed < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - sent - failed)
        chunk = _claim_chunk(session, size, job_id)
        if not chunk:
            break
        for position, message in enumerate(chunk):
            try:
                adapter.send(message)
            except TRANSIENT as error:
                if job_id is not None:
                    for waiting in chunk[position:]:
                        waiting.status = MessageStatus.QUEUED
                    session.commit()
                    raise
                message.status, message.error = MessageStatus.FAILED, str(error)[:300]
                failed += 1
            except (ValueError, smtplib.SMTPException) as error:
                message.status, message.error = MessageStatus.FAILED, str(error)[:300]
                failed += 1
            else:
                message.status, message.sent_at = MessageStatus.SENT, utcnow()
                sent += 1
        session.commit()
        if progress:
            progress(sent + failed)
    return sent, failed


def recover_interrupted(
    session: Session, adapter, older_than: timedelta, job_id: int | None = None
) -> int:
    """Messages left ``sending`` by an earlier attempt of this job, or by any worker that
    died longer ago than ``older_than``: sent again by an adapter that cannot send twice,
    failed otherwise. Returns how many were found."""
    left = OutboxMessage.attempted_at <= utcnow() - older_than
    if job_id is not None:
        left = left | (OutboxMessage.job_id == job_id)
    stale = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENDING, left)
    ).all()
    for message in stale:
        if getattr(adapter, "idempotent", False):
            message.status = MessageStatus.QUEUED
        else:
            message.status, message.error = MessageStatus.FAILED, INTERRUPTED
    session.commit()
    return len(stale)


@dataclass(frozen=True)
class ChannelRouter:
    """E-mail through one adapter, SMS through another."""

    email: object
    sms: object

    @property
    def idempotent(self) -> bool:
        return getattr(self.email, "idempotent", False) and getattr(self.sms, "idempotent", False)

    def send(self, message: OutboxMessage) -> None:
        (self.email if message.channel == "email" else self.sms).send(message)


def adapter_from_config(config: dict, instance_path: str):
    """The adapter the configuration asks for (SURVEY_MESSAGE_ADAPTER: file or smtp)."""
    files = FileAdapter(Path(config.get("SURVEY_OUTBOX_DIR") or Path(instance_path) / "outbox"))
    if config.get("SURVEY_MESSAGE_ADAPTER", "file") != "smtp":
        return files
    smtp = SmtpAdapter(
        config["SURVEY_SMTP_HOST"],
        int(config.get("SURVEY_SMTP_PORT", 587)),
        config["SURVEY_MAIL_FROM"],
        config.get("SURVEY_SMTP_USER"),
        config.get("SURVEY_SMTP_PASSWORD"),
    )
    return ChannelRouter(email=smtp, sms=files)


def queue_and_deliver(
    session: Session, survey: Survey, config, instance_path: str, reminders_after_days=None
) -> tuple[int, int, int]:
    """Queue invitations (or, given ``reminders_after_days``, reminders) and deliver them.

    The queue is committed before delivery, so a crash never loses or repeats a message.
    Returns (queued, sent, failed).
    """
    base_url = config["SURVEY_BASE_URL"]
    if reminders_after_days is None:
        queued = queue_invitations(session, survey, base_url)
    else:
        queued = queue_reminders(session, survey, base_url, reminders_after_days)
    session.commit()
    sent, failed = deliver(session, adapter_from_config(config, instance_path))
    session.commit()
    return queued, sent, failed
