"""Personal web links: a token per invitation, kept only as its hash, valid for a limited time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Contact, Invitation, Survey, utcnow
from ..security import hash_token, new_token


def invite(
    session: Session,
    survey: Survey,
    contact: Contact | None = None,
    channel: str = "link",
    attributes: dict | None = None,
) -> tuple[Invitation, str]:
    """Create one invitation; return it with its token (the only time the token exists)."""
    token = new_token()
    invitation = Invitation(
        survey_id=survey.id,
        contact=contact,
        token_hash=hash_token(token),
        channel=channel,
        expires_at=utcnow() + timedelta(days=survey.link_valid_days),
        attributes=attributes or {},
    )
    session.add(invitation)
    return invitation, token


def invite_many(session: Session, survey: Survey, count: int) -> list[str]:
    """Tokens for up to ``count`` sampled contacts not yet invited, then contact-less links for the rest."""
    invited = select(Invitation.contact_id).where(
        Invitation.survey_id == survey.id, Invitation.contact_id.is_not(None)
    )
    contacts = session.scalars(
        select(Contact)
        .where(
            Contact.survey_id == survey.id,
            Contact.id.not_in(invited),
            Contact.do_not_contact.is_(False),
        )
        .order_by(Contact.id)
        .limit(count)
    ).all()
    tokens = [invite(session, survey, contact)[1] for contact in contacts]
    tokens += [invite(session, survey)[1] for _ in range(count - len(tokens))]
    return tokens


def personal_link(base_url: str, token: str) -> str:
    return f"{base_url}/s/{token}"
