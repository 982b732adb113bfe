"""The states a stored row moves through. Each is a ``StrEnum``, so the database keeps the
plain word (no migration) and code compares members, never bare strings."""

from enum import StrEnum


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"  # customers see a polite pause page; interviewers get no cases
    CLOSED = "closed"


# A survey's figures are published once fieldwork has begun.
REPORTABLE = (SurveyStatus.OPEN, SurveyStatus.PAUSED, SurveyStatus.CLOSED)


class ResponseStatus(StrEnum):
    PARTIAL = "partial"  # started (or merely opened); may still be resumed
    COMPLETE = "complete"
    SCREENED_OUT = "screened_out"  # ended by the questionnaire's eligibility rules


class CaseStatus(StrEnum):
    PENDING = "pending"  # still to be called
    FINAL = "final"  # closed with a final disposition


class CallStatus(StrEnum):
    """What the post-call draw made of a hotline call."""

    NEW = "new"  # not yet drawn from
    DRAWN = "drawn"
    NOT_DRAWN = "not_drawn"
    INELIGIBLE = "ineligible"


class JobKind(StrEnum):
    SAMPLE = "sample"  # importing a sample frame
    CALLS = "calls"  # importing the hotline's call records
    INVITATIONS = "invitations"  # inviting the released customers not yet invited
    REMINDERS = "reminders"  # reminding those invited who have not answered
    REPORTS = "reports"  # copying bulk-loaded completes into the reports' table
    COMMENTS = "comments"  # reading every comment again with a new topic dictionary
    REPORT_PDF = "report_pdf"  # rendering, archiving and sending a subscriber's report


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED_JOB = (JobStatus.QUEUED, JobStatus.RUNNING)


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # handed to the adapter, not yet confirmed
    SENT = "sent"
    FAILED = "failed"


class FollowupStatus(StrEnum):
    """A follow-up case: new → contacted → resolved → closed; reopened goes back to contacted."""

    NEW = "new"
    CONTACTED = "contacted"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_FOLLOWUP = (FollowupStatus.NEW, FollowupStatus.CONTACTED, FollowupStatus.RESOLVED)
