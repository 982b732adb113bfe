"""Translated labels for the product's fixed vocabularies, available to every template."""

import phonenumbers
from flask_babel import lazy_gettext as _l

from .i18n import NATIVE_NAMES, current_language
from .models import FollowupStatus, JobKind, JobStatus, Role, StaffRole, SurveyStatus
from .questionnaire import Mode

SURVEY_STATUS = {
    SurveyStatus.DRAFT: _l("Draft"),
    SurveyStatus.OPEN: _l("Open"),
    SurveyStatus.PAUSED: _l("Paused"),
    SurveyStatus.CLOSED: _l("Closed"),
}
SURVEY_MODE = {Mode.WEB: _l("Web"), Mode.CATI: _l("Telephone")}

FOLLOWUP_CATEGORY = {
    "service.attitude": _l("Service · attitude"),
    "service.product": _l("Service · product"),
    "service.channel": _l("Service · channel"),
    "operations.mistake": _l("Operations · mistake"),
    "operations.management": _l("Operations · internal management"),
    "operations.violation": _l("Operations · violation"),
    "other": _l("Other"),
}
FOLLOWUP_STATUS = {
    FollowupStatus.NEW: _l("New"),
    FollowupStatus.CONTACTED: _l("Contacted"),
    FollowupStatus.RESOLVED: _l("Resolved"),
    FollowupStatus.CLOSED: _l("Closed"),
}
FOLLOWUP_STEP = {
    "contact": _l("Customer contacted"),
    "resolve": _l("Mark resolved"),
    "close": _l("Close the case"),
    "reopen": _l("Reopen"),
}
FOLLOWUP_EVENT = {
    "opened": _l("Opened by rule"),
    "status": _l("Status"),
    "note": _l("Note"),
    "assigned": _l("Reassigned"),
    "reply": _l("Reply recorded"),
    "return_call": _l("Return call"),
    "return_answered": _l("Return call answered"),
    "reminded": _l("Reminded: due today"),
    "escalated": _l("Escalated"),
    "calendar": _l("Due date counted Monday to Friday"),
}
PRIORITY = {"high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
ESCALATION = {0: _l("Owner"), 1: _l("Branch head"), 2: _l("Service-quality team")}

JOB_KIND = {
    JobKind.SAMPLE: _l("Sample frame import"),
    JobKind.CALLS: _l("Call records import"),
    JobKind.INVITATIONS: _l("Invitations"),
    JobKind.REMINDERS: _l("Reminders"),
    JobKind.REPORTS: _l("Preparing reports"),
}
JOB_STATUS = {
    JobStatus.QUEUED: _l("Waiting"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.DONE: _l("Done"),
    JobStatus.FAILED: _l("Failed"),
}


DRAW_METHOD = {
    "simple": _l("Simple random"),
    "proportional": _l("Stratified, proportional"),
    "neyman": _l("Stratified, Neyman"),
    "equal": _l("Stratified, equal per stratum"),
    "post-call": _l("Post-call, per queue"),
}
# What each AAPOR rate and class means, shown as a tooltip beside it.
RATE_HELP = {
    "RR1": _l("Response rate 1: completes over all eligible and unknown cases"),
    "RR2": _l("Response rate 2: completes and partials over all eligible and unknown cases"),
    "RR3": _l(
        "Response rate 3: completes over eligible cases plus the estimated eligible share (e) of unknown cases"
    ),
    "RR4": _l("Response rate 4: completes and partials, with e"),
    "RR5": _l("Response rate 5: completes over known eligible cases only"),
    "RR6": _l("Response rate 6: completes and partials over known eligible cases only"),
    "COOP1": _l("Cooperation rate 1: completes over customers reached"),
    "COOP2": _l("Cooperation rate 2: completes and partials over customers reached"),
    "COOP3": _l(
        "Cooperation rate 3: completes over customers reached, less those unable to answer"
    ),
    "COOP4": _l(
        "Cooperation rate 4: completes and partials over customers reached, less those unable to answer"
    ),
    "REF1": _l("Refusal rate 1: refusals over all eligible and unknown cases"),
    "REF2": _l("Refusal rate 2: refusals, with e"),
    "REF3": _l("Refusal rate 3: refusals over known eligible cases"),
    "CON1": _l("Contact rate 1: customers reached over all eligible and unknown cases"),
    "CON2": _l("Contact rate 2: customers reached, with e"),
    "CON3": _l("Contact rate 3: customers reached over known eligible cases"),
}
CLASS_HELP = {
    "I": _l("Complete interviews"),
    "P": _l("Partial interviews"),
    "R": _l("Refusals and break-offs"),
    "NC": _l("Non-contacts"),
    "O": _l("Other eligible, no interview"),
    "UH": _l("Unknown whether the number reaches the customer"),
    "UO": _l("Other unknown eligibility"),
    "NE": _l("Not eligible"),
}


# Segment attributes and their usual values, as staff read them; a value not listed shows as
# it was imported (branch codes, staff numbers).
ATTRIBUTE_NAMES = {
    "branch": _l("Branch"),
    "channel": _l("Channel"),
    "tier": _l("Customer tier"),
    "queue": _l("Hotline queue"),
    "staff_id": _l("Staff"),
    "counter": _l("Counter"),
    "agent": _l("Agent"),
    "age_band": _l("Age band"),
    "income_band": _l("Income band"),
    "education": _l("Education"),
    "transferred": _l("Transferred"),
    "call_date": _l("Call date"),
    "share_of_wallet": _l("Share of wallet"),
}
ATTRIBUTE_VALUES = {
    "tier": {
        "private": _l("Private banking"),
        "wealth": _l("Wealth"),
        "gold": _l("Gold"),
        "silver": _l("Silver"),
        "mass": _l("Mass"),
    },
    "channel": {
        "counter": _l("Counter"),
        "lobby": _l("Lobby"),
        "self_service": _l("ATM and self-service"),
        "atm": _l("ATM and self-service"),
        "hotline": _l("Phone hotline"),
        "online": _l("Online banking"),
        "app": _l("Mobile app"),
        "mobile": _l("Mobile app"),
    },
    "queue": {
        "cards": _l("Credit cards"),
        "loans": _l("Loans"),
        "deposits": _l("Deposits"),
        "wealth": _l("Wealth management"),
        "general": _l("General enquiries"),
    },
    "transferred": {"yes": _l("Yes"), "no": _l("No")},
}


def attribute_name(name: str, survey=None) -> str:
    """An attribute's name in the reader's language: ours for the usual ones, else the column
    header it was imported from, else the name itself."""
    if name in ATTRIBUTE_NAMES:
        return str(ATTRIBUTE_NAMES[name])
    imported = (
        ((getattr(survey, "settings", None) or {}).get("attribute_labels") or {}) if survey else {}
    )
    return imported.get(name, name)


def attribute_value(name: str, value) -> str:
    """An attribute's value in the reader's language where it is one of the usual codes."""
    if value is None or value == "":
        return "—"
    label = ATTRIBUTE_VALUES.get(name, {}).get(str(value))
    return str(label) if label is not None else str(value)


def survey_title(survey) -> str:
    """A survey's title in the interface language (its name where no title was given in it)."""
    titles = (
        getattr(survey, "titles", None)
        or (getattr(survey, "settings", None) or {}).get("titles")
        or {}
    )
    return titles.get(current_language()) or survey.name


def _labels() -> dict:
    return {
        "status_labels": SURVEY_STATUS,
        "followup_categories": FOLLOWUP_CATEGORY,
        "followup_statuses": FOLLOWUP_STATUS,
        "followup_steps": FOLLOWUP_STEP,
        "followup_events": FOLLOWUP_EVENT,
        "priorities": PRIORITY,
        "escalation_levels": ESCALATION,
        "mode_labels": SURVEY_MODE,
        "rate_help": RATE_HELP,
        "class_help": CLASS_HELP,
        "method_labels": DRAW_METHOD,
        "job_kinds": JOB_KIND,
        "job_statuses": JOB_STATUS,
        "native_names": NATIVE_NAMES,
        "kpi_labels": KPI,
        "grouping_labels": KPI_GROUPING,
        "missing_labels": STAR_MISSING,
        "staff_roles": STAFF_ROLE,
        "rating_sources": RATING_SOURCE,
    }


KPI = {
    "service_level": _l("Service level"),
    "abandonment_rate": _l("Abandoned"),
    "first_line_rate": _l("First-line handling"),
    "recording_rate": _l("Recording success"),
}
KPI_GROUPING = {
    "day": _l("Day"),
    "week": _l("Week (from Monday)"),
    "month": _l("Month"),
    "queue": _l("Queue"),
    "agent": _l("Agent"),
}
STAR_MISSING = {
    "responses": _l("too few customer responses"),
    "peer": _l("no peer ratings"),
    "ops": _l("no operations manager's rating"),
    "lobby": _l("no lobby manager's rating"),
}
ALERT_KIND = {
    "low_score": _l("Low score or detractor"),
    "change": _l("Significant change in a branch's index"),
    "hotline": _l("Hotline KPI below target"),
    "overdue": _l("Follow-up overdue"),
}
STAFF_ROLE = {
    StaffRole.TELLER: _l("Teller"),
    StaffRole.AGENT: _l("Hotline agent"),
    StaffRole.LOBBY_MANAGER: _l("Lobby manager"),
    StaffRole.OPS_MANAGER: _l("Operations manager"),
}
RATING_SOURCE = {
    "peer": _l("Peer"),
    "ops": _l("Operations manager"),
    "lobby": _l("Lobby manager"),
}


def dialling_format(phone: str | None) -> str:
    """A stored E.164 number grouped for reading and dialling: +86 138 0013 8000."""
    if not phone:
        return "—"
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def init_app(app) -> None:
    app.context_processor(_labels)
    app.jinja_env.filters["dialling"] = dialling_format
    app.jinja_env.filters["survey_title"] = survey_title
    app.jinja_env.globals["attribute_name"] = attribute_name
    app.jinja_env.globals.update(JobKind=JobKind, Mode=Mode, Role=Role)
    app.jinja_env.globals["attribute_value"] = attribute_value
    app.jinja_env.globals["alert_kind"] = lambda kind: str(ALERT_KIND.get(kind, kind))
