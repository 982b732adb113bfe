"""SQLAlchemy models, one module per aggregate (DESIGN.md)."""

from .alerts import (
    Alert,
    AlertKind,
    AlertSubscription,
    Delivery,
    ReportFrequency,
    ReportSubscription,
    SentReport,
)
from .base import Base, utcnow
from .calls import HotlineCall
from .cases import Appointment, CallAttempt, CatiCase
from .comments import CommentReading, RawComment, TopicDictionaryVersion
from .contacts import (
    Contact,
    DoNotContact,
    Invitation,
    InvitationToken,
    OutboxMessage,
    SampleDraw,
    StratumPopulation,
)
from .followups import FollowupCase, FollowupEvent
from .jobs import Job
from .questionnaires import Questionnaire, QuestionnaireVersion, Survey
from .responses import (
    Answer,
    ReportFilterValue,
    ReportRow,
    Response,
    completed_in_flush,
    follow_completions,
    holds_an_answer,
)
from .staff import RatingSource, StaffMember, StaffRating, StaffRole, StarWeights
from .statuses import (
    OPEN_FOLLOWUP,
    REPORTABLE,
    UNFINISHED_JOB,
    CallStatus,
    CaseStatus,
    FollowupStatus,
    JobKind,
    JobStatus,
    MessageStatus,
    ResponseStatus,
    SurveyStatus,
)
from .users import ApiToken, AuditEvent, FailedLookup, PracticeState, Role, StaffSession, User

__all__ = [
    "Alert",
    "AlertKind",
    "AlertSubscription",
    "CommentReading",
    "Delivery",
    "RawComment",
    "ReportFrequency",
    "ReportSubscription",
    "SentReport",
    "TopicDictionaryVersion",
    "RatingSource",
    "StaffMember",
    "StaffRating",
    "StaffRole",
    "StarWeights",
    "OPEN_FOLLOWUP",
    "REPORTABLE",
    "UNFINISHED_JOB",
    "FollowupCase",
    "FollowupEvent",
    "FollowupStatus",
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
    "completed_in_flush",
    "follow_completions",
    "holds_an_answer",
    "utcnow",
]
