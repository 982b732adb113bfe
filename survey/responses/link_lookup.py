"""A personal link (or a reminder's link) as every request on it reads it, in one statement:
the invitation, its survey, the customer and the response if begun, with the questionnaire
versions the survey and the response each use, as plain rows.

Every respondent's page reads a link and most only read it: building five ORM objects
cost twice the statement. The rows carry the ORM objects' attribute names (``survey``,
``contact`` and ``questionnaire_version`` too), so what reads a link (``fielding``, the
pages) reads either; a request that writes loads the one object it changes
(``fielding.response_to_write``, ``invitation_to_write``).
"""

from __future__ import annotations

from collections import namedtuple
from itertools import islice

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from ..models import Contact, Invitation, InvitationToken, QuestionnaireVersion, Response, Survey
from ..security import hash_token
from ..throttle import FAILURES

_CONTACT_READ = ("id", "title", "name", "language", "attributes", "stratum")  # no phone, no email
_VersionRow = namedtuple("VersionRow", "id content_hash")
_SurveyRow = namedtuple("SurveyRow", [*Survey.__table__.c.keys(), "questionnaire_version"])
_ContactRow = namedtuple("ContactRow", _CONTACT_READ)
_InvitationRow = namedtuple("InvitationRow", [*Invitation.__table__.c.keys(), "survey", "contact"])
_ResponseRow = namedtuple("ResponseRow", [*Response.__table__.c.keys(), "questionnaire_version"])


def _link_lookups():
    """The link lookup's two statements (by the link, by a reminder's link), built once."""
    survey_version, response_version = aliased(QuestionnaireVersion), aliased(QuestionnaireVersion)
    contacts = Contact.__table__
    query = (
        select(
            *Invitation.__table__.c,
            *Survey.__table__.c,
            survey_version.id,
            survey_version.content_hash,
            *(contacts.c[name] for name in _CONTACT_READ),
            *Response.__table__.c,
            response_version.id,
            response_version.content_hash,
            FAILURES,
        )  # fmt: skip
        .select_from(Invitation.__table__)
        .join(Survey.__table__, Survey.id == Invitation.survey_id)
        .join(survey_version, survey_version.id == Survey.questionnaire_version_id)
        .outerjoin(contacts, contacts.c.id == Invitation.contact_id)
        .outerjoin(Response.__table__, Response.invitation_id == Invitation.id)
        .outerjoin(response_version, response_version.id == Response.questionnaire_version_id)
    )
    by_reminder = query.join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
    return (
        query.where(Invitation.token_hash == bindparam("digest")),
        by_reminder.where(InvitationToken.token_hash == bindparam("digest")),
    )


_LINK_LOOKUP = _link_lookups()


def _link_of(row) -> tuple[tuple, tuple | None]:
    """(invitation, response or None) of the lookup's row, as rows."""
    fields = iter(row)

    def take(count: int) -> list:
        return list(islice(fields, count))

    invitation = take(len(Invitation.__table__.c))
    survey = _SurveyRow(*take(len(Survey.__table__.c)), _VersionRow(*take(2)))
    contact = take(len(_CONTACT_READ))
    response, response_version = take(len(Response.__table__.c)), _VersionRow(*take(2))
    return (
        _InvitationRow(
            *invitation, survey, _ContactRow(*contact) if contact[0] is not None else None
        ),
        _ResponseRow(*response, response_version) if response[0] is not None else None,
    )


def find_invitation(
    session: Session, token: str, parameters: dict
) -> tuple[tuple[tuple, tuple | None], int] | None:
    """((invitation, its response if begun), the client's failures) of a personal link or a
    reminder's link, in one statement (``parameters`` bind ``throttle.FAILURES``), as rows;
    None if the link is unknown."""
    if not token or len(token) > 128:
        return None
    parameters = {"digest": hash_token(token), **parameters}
    connection = session.connection()
    found = connection.execute(_LINK_LOOKUP[0], parameters).first()
    if found is None:  # a reminder's link
        found = connection.execute(_LINK_LOOKUP[1], parameters).first()
    return None if found is None else (_link_of(found), found[-1])


def invitation_to_write(session: Session, invitation) -> Invitation:
    """The invitation a link's request read, as the object it changes."""
    return session.get(Invitation, invitation.id)
