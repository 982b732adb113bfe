"""Telling people: the in-app inbox at once, e-mail or SMS through the outbox, without a storm.

- **Once**: an alert has a key (the low score's response, the branch and month of a change,
  the overdue case); a person is told of a key once, however often its cause is seen again.
- **Quiet hours** (SURVEY_ALERT_QUIET_HOURS, bank time, 22-8 by default): the inbox gets the
  alert at once; its e-mail or SMS waits until the quiet hours end.
- **A limit**: at most SURVEY_ALERT_HOURLY_LIMIT immediate messages an hour to one person;
  beyond it, alerts wait for the day's digest.
- **Digest**: a subscription may ask for one message a day (SURVEY_ALERT_DIGEST_HOUR) listing
  what came in since the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Alert, AlertSubscription, Delivery, OutboxMessage, User, utcnow
from ..sample.messaging import queue_notice


@dataclass(frozen=True)
class Policy:
    """The bank's rules against a storm (from the configuration)."""

    zone: str = "Asia/Shanghai"
    quiet_from: int = 22
    quiet_to: int = 8
    hourly_limit: int = 10
    digest_hour: int = 8

    @classmethod
    def from_config(cls, config) -> Policy:
        quiet = str(config.get("ALERT_QUIET_HOURS", "22-8")).strip()
        start, end = (int(p) for p in quiet.split("-")) if quiet else (0, 0)
        return cls(
            config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"),
            start,
            end,
            int(config.get("ALERT_HOURLY_LIMIT", 10)),
            int(config.get("ALERT_DIGEST_HOUR", 8)),
        )

    def local(self, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self.zone))

    def quiet(self, now: datetime) -> bool:
        hour = self.local(now).hour
        if self.quiet_from == self.quiet_to:
            return False
        if self.quiet_from < self.quiet_to:
            return self.quiet_from <= hour < self.quiet_to
        return hour >= self.quiet_from or hour < self.quiet_to


@dataclass(frozen=True)
class Notice:
    """What happened, as every recipient reads it (no customer's identity in it)."""

    kind: str
    key: str
    survey_id: int
    branch: str | None
    subject: str
    body: str
    link: str = ""


def raise_alert(
    session: Session,
    notice: Notice,
    reached: list[tuple[AlertSubscription, User]],
    policy: Policy,
    now: datetime | None = None,
) -> list[Alert]:
    """An alert in each reached person's inbox (never twice for one key), and its message
    queued now where the person's delivery, the hour and the hourly limit allow."""
    now = now or utcnow()
    made = []
    for subscription, person in reached:
        alert = Alert(
            user_id=person.id, kind=notice.kind, key=notice.key[:160],
            survey_id=notice.survey_id, branch=notice.branch, subject=notice.subject[:200],
            body=notice.body, link=notice.link,
            delivery=subscription.delivery if subscription.channels else Delivery.INBOX,
            channels=list(subscription.channels or []), created_at=now,
        )  # fmt: skip
        try:
            with session.begin_nested():
                session.add(alert)
        except IntegrityError:  # told already
            continue
        made.append(alert)
        if alert.delivery == Delivery.IMMEDIATE and not policy.quiet(now):
            if _sent_last_hour(session, person.id, now) < policy.hourly_limit:
                _send(session, alert, person, now)
            else:
                alert.delivery = Delivery.DIGEST  # over the limit: in the day's digest
    return made


def _sent_last_hour(session: Session, user_id: int, now: datetime) -> int:
    return session.scalar(
        select(func.count()).where(
            Alert.user_id == user_id,
            Alert.delivery == Delivery.IMMEDIATE,
            Alert.sent_at >= now - timedelta(hours=1),
        )
    )


def _send(session: Session, alert: Alert, person: User, now: datetime) -> None:
    body = f"{alert.body}\n{alert.link}" if alert.link else alert.body
    _queue(session, alert.survey_id, person, alert.channels, f"【{alert.subject}】", body)
    alert.sent_at = now


def _queue(session, survey_id, person: User, channels, subject: str, body: str) -> int:
    """One message by the person's chosen channels that they have an address for."""
    queued = 0
    for channel, address in (("email", person.email), ("sms", person.phone)):
        if channel in channels and address:
            session.add(
                OutboxMessage(
                    survey_id=survey_id, invitation_id=None, channel=channel, kind="alert",
                    recipient=address, subject=subject[:200], body=body,
                )
            )  # fmt: skip
            queued += 1
    if not queued:
        queued = queue_notice(session, survey_id, person, subject, body)
    return queued


def release_held(session: Session, policy: Policy, now: datetime | None = None) -> int:
    """After quiet hours: the immediate alerts that waited, sent (within the hourly limit)."""
    now = now or utcnow()
    if policy.quiet(now):
        return 0
    released = 0
    for alert in session.scalars(
        select(Alert)
        .where(Alert.delivery == Delivery.IMMEDIATE, Alert.sent_at.is_(None))
        .order_by(Alert.created_at)
    ):
        person = session.get(User, alert.user_id)
        if _sent_last_hour(session, person.id, now) >= policy.hourly_limit:
            alert.delivery = Delivery.DIGEST
            continue
        _send(session, alert, person, now)
        released += 1
    return released


def send_digests(
    session: Session, policy: Policy, base_url: str, now: datetime | None = None
) -> int:
    """At the digest hour: one message per person listing their digest alerts not yet sent."""
    now = now or utcnow()
    local = policy.local(now)
    if local.hour != policy.digest_hour or local.minute >= 15:  # the sweep runs every 15 min
        return 0
    waiting: dict[int, list[Alert]] = {}
    for alert in session.scalars(
        select(Alert)
        .where(Alert.delivery == Delivery.DIGEST, Alert.sent_at.is_(None))
        .order_by(Alert.created_at)
    ):
        waiting.setdefault(alert.user_id, []).append(alert)
    sent = 0
    for user_id, alerts in waiting.items():
        person = session.get(User, user_id)
        lines = [f"· {a.subject}" + (f" {a.link}" if a.link else "") for a in alerts]
        subject = f"每日提醒 Daily alerts {policy.local(now):%Y-%m-%d} ({len(alerts)})"
        body = "\n".join([*lines, f"{base_url}/alerts/"])
        channels = sorted({c for a in alerts for c in a.channels})
        _queue(session, alerts[0].survey_id, person, channels, subject, body)
        for alert in alerts:
            alert.sent_at = now
        sent += 1
    return sent
