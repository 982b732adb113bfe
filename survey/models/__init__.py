"""SQLAlchemy models, one module per aggregate (DESIGN.md)."""

from .base import Base, utcnow
from .calls import HotlineCall
from .cases import Appointment, CallAttempt, CatiCase
from .contacts import (
    Contact,
    DoNotContact,
    Invitation,
    InvitationToken,
    OutboxMessage,
    SampleDraw,
    StratumPopulation,
)
from .jobs import Job
from .questionnaires import Questionnaire, QuestionnaireVersion, Survey
from .responses import Answer, ReportFilterValue, ReportRow, Response, holds_an_answer
from .statuses import (
    REPORTABLE,
    UNFINISHED_JOB,
    CallStatus,
    CaseStatus,
    JobKind,
    JobStatus,
    MessageStatus,
    ResponseStatus,
    SurveyStatus,
)
from .users import ApiToken, AuditEvent, FailedLookup, PracticeState, Role, StaffSession, User

__all__ = [
    "REPORTABLE",
    "UNFINISHED_JOB",
    "CallStatus",
    "CaseStatus",
    "JobKind",
    "JobStatus",
    "MessageStatus",
    "ResponseStatus",
    "SurveyStatus",
    "Answer",
    "ApiToken",
    "Appointment",
    "AuditEvent",
    "Base",
    "CallAttempt",
    "CatiCase",
    "Contact",
    "HotlineCall",
    "Job",
    "DoNotContact",
    "FailedLookup",
    "Invitation",
    "InvitationToken",
    "OutboxMessage",
    "Questionnaire",
    "QuestionnaireVersion",
    "ReportFilterValue",
    "ReportRow",
    "Response",
    "Role",
    "SampleDraw",
    "StratumPopulation",
    "Survey",
    "PracticeState",
    "StaffSession",
    "User",
    "holds_an_answer",
    "utcnow",
]
