"""The do-not-contact list and opting out from an invitation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..aapor.dispositions import DispositionCode
from ..models import CaseStatus, CatiCase, DoNotContact, Invitation, utcnow

HARD_REFUSAL = DispositionCode.HARD_REFUSAL


def opt_out(session: Session, invitation: Invitation) -> None:
    """Put the invited customer on the do-not-contact list and close their phone case."""
    if invitation.opted_out_at is None:
        invitation.opted_out_at = utcnow()
    contact = invitation.contact
    if contact is None:
        return
    contact.do_not_contact = True
    known = session.scalar(
        select(DoNotContact).where(DoNotContact.customer_ref == contact.customer_ref)
    )
    if known is None:
        session.add(
            DoNotContact(
                customer_ref=contact.customer_ref,
                phone=contact.phone,
                email=contact.email,
                reason="opt_out",
            )
        )
    for case in session.scalars(
        select(CatiCase).where(
            CatiCase.contact_id == contact.id, CatiCase.status != CaseStatus.FINAL
        )
    ):
        case.status, case.final_disposition = CaseStatus.FINAL, HARD_REFUSAL
