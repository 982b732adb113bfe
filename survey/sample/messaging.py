"""Invitations and reminders by SMS and e-mail, through an outbox and a delivery adapter.

Messages are queued in the database first (so a crash never loses or doubles one) and then
handed to an adapter: ``file`` writes each message to a folder (the default here, and for
review before a real send), ``smtp`` sends e-mail through the bank's mail server. SMS goes to the file or console adapter: a gateway adapter needs the bank's
SMS provider and its credentials, which this installation does not have.
Every message carries the personal link and the opt-out link, set apart by spaces so that
phones recognise them next to Chinese text.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def queue_reminders(session: Session, survey: Survey, base_url: str, after_days: int) -> int:
    """A reminder, with a new link (the first still works), to those invited ``after_days`` ago
    or more who have not finished, have not opted out and were not reminded yet."""
    finished = select(Response.invitation_id).where(
        Response.status != ResponseStatus.PARTIAL, Response.invitation_id.is_not(None)
    )
    due = session.scalars(
        select(Invitation).where(
            Invitation.survey_id == survey.id,
            Invitation.sent_at.is_not(None),
            Invitation.sent_at <= utcnow() - timedelta(days=after_days),
            Invitation.reminded_at.is_(None),
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
    return queued


@dataclass(frozen=True)
class FileAdapter:
    """Writes each message to a file in a folder: for this installation and for review."""

    folder: Path

    def send(self, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.id:08d}-{message.channel}.txt"
        path.write_text(
            f"To: {message.recipient}\nSubject: {message.subject}\n\n{message.body}\n",
            encoding="utf-8",
        )


@dataclass(frozen=True)
class SmtpAdapter:
    """Sends e-mail through an SMTP server (STARTTLS when asked)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True

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


def deliver(session: Session, adapter, limit: int = 1000) -> tuple[int, int]:
    """Hand queued messages to the adapter; each is marked sent or failed with the reason."""
    sent = failed = 0
    for message in session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.QUEUED)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ):
        try:
            adapter.send(message)
        except (OSError, ValueError, smtplib.SMTPException) as error:
            message.status, message.error = MessageStatus.FAILED, str(error)[:300]
            failed += 1
        else:
            message.status, message.sent_at = MessageStatus.SENT, utcnow()
            sent += 1
    return sent, failed


@dataclass(frozen=True)
class ChannelRouter:
    """E-mail through one adapter, SMS through another."""

    email: object
    sms: object

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
