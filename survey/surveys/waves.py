"""Waves: a survey created from a questionnaire version, cloned into the next month's, and
opened, paused and closed; every change audited.

A bank fields the same questionnaire every month per channel, so the settings a wave
carries (modes, languages, link validity, design, contact rules, quotas, reminders, open-link
places) travel with a clone, and only the slug and the dates change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Questionnaire as QuestionnaireRow
from ..models import QuestionnaireVersion, Response, Survey, SurveyStatus
from ..questionnaire import QuestionnaireError, load_text
from ..questionnaire.model import LANGUAGES
from ..questionnaire.modes import FIELD_MODES
from .listing import by_slug

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_LINK_DAYS = 365
# What a status change may start from, and the audit event it leaves.
TRANSITIONS = {
    "open": ((SurveyStatus.DRAFT, SurveyStatus.PAUSED), SurveyStatus.OPEN, "survey_opened"),
    "pause": ((SurveyStatus.OPEN,), SurveyStatus.PAUSED, "survey_paused"),
    "close": (
        (SurveyStatus.DRAFT, SurveyStatus.OPEN, SurveyStatus.PAUSED),
        SurveyStatus.CLOSED,
        "survey_closed",
    ),
}
# Whole numbers a wave's settings may hold, with their bounds.
NUMBER_SETTINGS = {
    "suppression_days": (0, 3650),
    "max_attempts": (1, 50),
    "complex_working_days": (7, 10),  # a complex follow-up's deadline
}
# The settings the wave form edits (an empty field removes one), as check_settings reads them.
EDITED_SETTINGS = ("stratum_attribute", "segments", "reminders", *NUMBER_SETTINGS)
# Settings that belong to one wave's fieldwork, not to its design: a clone starts without them.
RUN_STATE = ("attribute_labels", "field_end")


class WaveError(ValueError):
    """A wave that cannot be made or changed as asked; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass
class WaveSpec:
    """What a wave is made of, as a form or a command gives it (validated by ``check``)."""

    slug: str
    questionnaire: str
    version: int | None = None  # None: the newest
    titles: dict = field(default_factory=dict)  # {language: title}; empty: the questionnaire's
    modes: list[str] | None = None  # None: the questionnaire's
    languages: list[str] | None = None  # None: the questionnaire's
    opens_on: date | None = None
    closes_on: date | None = None
    link_valid_days: int = 30
    period_label: str | None = None
    settings: dict = field(default_factory=dict)  # design, contact rules, reminders, quotas


def version_of(session: Session, key: str, number: int | None) -> QuestionnaireVersion:
    """A stored questionnaire version by its key and number (the newest without a number)."""
    row = session.scalar(select(QuestionnaireRow).where(QuestionnaireRow.key == key))
    if row is None or not row.versions:
        known = ", ".join(session.scalars(select(QuestionnaireRow.key).order_by("key"))) or "none"
        raise WaveError("questionnaire", f"No questionnaire {key!r} is stored (known: {known}).")
    if number is None:
        return row.versions[-1]
    version = next((v for v in row.versions if v.number == number), None)
    if version is None:
        numbers = ", ".join(str(v.number) for v in row.versions)
        raise WaveError("version", f"{key} has no version {number} (stored: {numbers}).")
    return version


def _check_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise WaveError(
            "closes_on",
            f"The close date {closes_on.isoformat()} is before the open date "
            f"{opens_on.isoformat()}.",
        )


def _check_slug(session: Session, slug: str) -> None:
    if not SLUG.match(slug or ""):
        raise WaveError(
            "slug",
            f"{slug!r} is not a usable address: 2 to 63 lower-case letters, digits and dashes, "
            "starting with a letter or digit.",
        )
    if by_slug(session, slug) is not None:
        raise WaveError("slug", f"A survey with the address {slug!r} already exists.")


def check_settings(settings: dict) -> dict:
    """The design, contact-rule and reminder settings, checked; returns them cleaned."""
    cleaned = dict(settings)
    stratum = cleaned.get("stratum_attribute")
    if stratum in ("", None):
        cleaned.pop("stratum_attribute", None)
    elif not ATTRIBUTE.match(stratum):
        raise WaveError("stratum_attribute", f"{stratum!r} is not an attribute name.")
    segments = [s for s in cleaned.get("segments") or [] if s]
    for name in segments:
        if not ATTRIBUTE.match(name):
            raise WaveError("segments", f"{name!r} is not an attribute name.")
    if segments:
        cleaned["segments"] = segments
    else:
        cleaned.pop("segments", None)
    for key, (low, high) in NUMBER_SETTINGS.items():
        if cleaned.get(key) is None:
            cleaned.pop(key, None)
        elif not low <= int(cleaned[key]) <= high:
            raise WaveError(key, f"{key} must be between {low} and {high}.")
    reminders = cleaned.get("reminders")
    if reminders:
        if not 1 <= int(reminders.get("after_days", 3)) <= 60:
            raise WaveError("reminders", "Reminders go out 1 to 60 days after the invitation.")
        if not 0 <= int(reminders.get("most", 1)) <= 5:
            raise WaveError("reminders", "At most 5 reminders go to one customer.")
    else:
        cleaned.pop("reminders", None)
    return cleaned


def _titles(version: QuestionnaireVersion, given: dict, period: str | None) -> dict:
    """A title in each language: the one given, else the questionnaire's with the period."""
    suffix = f" {period}" if period else ""
    return {
        lang: (given.get(lang) or "").strip() or f"{version.title.get(lang) or ''}{suffix}".strip()
        for lang in LANGUAGES
    }


def create_wave(session: Session, spec: WaveSpec) -> Survey:
    """A new survey in draft, every setting checked first: nothing is stored on an error."""
    _check_slug(session, spec.slug)
    version = version_of(session, spec.questionnaire, spec.version)
    built = load_text(version.source, spec.questionnaire).questionnaire
    modes = spec.modes if spec.modes is not None else list(built.modes)
    if not modes or not set(modes) <= set(FIELD_MODES):
        raise WaveError("modes", "Choose web, CATI or both.")
    unsupported = [m for m in modes if m not in built.modes]
    if unsupported:
        raise WaveError(
            "modes", f"{spec.questionnaire} has no script for {', '.join(unsupported)}."
        )
    languages = spec.languages if spec.languages is not None else list(built.languages)
    wrong = [lang for lang in languages if lang not in built.languages]
    if not languages or wrong:
        raise WaveError(
            "languages",
            f"Offer one or more of the questionnaire's languages: {', '.join(built.languages)}.",
        )
    _check_dates(spec.opens_on, spec.closes_on)
    if not 1 <= spec.link_valid_days <= MAX_LINK_DAYS:
        raise WaveError("link_valid_days", f"A link is valid for 1 to {MAX_LINK_DAYS} days.")
    period = spec.period_label or (f"{spec.opens_on:%Y-%m}" if spec.opens_on else None)
    titles = _titles(version, spec.titles, period)
    default_language = (
        built.default_language if built.default_language in languages else languages[0]
    )
    survey = Survey(
        slug=spec.slug,
        name=titles.get(default_language) or spec.slug,
        questionnaire_version_id=version.id,
        modes=modes,
        status=SurveyStatus.DRAFT,
        languages=languages,
        default_language=default_language,
        period_label=period,
        opens_on=spec.opens_on,
        closes_on=spec.closes_on,
        link_valid_days=spec.link_valid_days,
        settings={**check_settings(spec.settings), "titles": titles},
    )
    session.add(survey)
    session.flush()
    audit.record(
        "survey_created", "survey", survey.id, slug=survey.slug,
        questionnaire=spec.questionnaire, version=version.number,
    )  # fmt: skip
    return survey


def _retitled(titles: dict, old: str | None, new: str | None) -> dict:
    """Titles naming the old wave's period name the new one's."""
    if not old or not new:
        return dict(titles)
    return {lang: title.replace(old, new) for lang, title in titles.items()}


def clone_wave(
    session: Session,
    source: Survey,
    slug: str,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    """The next wave: the same questionnaire version and settings under a new slug and dates
    (its titles follow the new period); in draft, the task queue opens it on its date."""
    _check_slug(session, slug)
    _check_dates(opens_on, closes_on)
    period = f"{opens_on:%Y-%m}" if opens_on else None
    settings = {k: v for k, v in (source.settings or {}).items() if k not in RUN_STATE}
    titles = _retitled(settings.get("titles") or {}, source.period_label, period)
    survey = Survey(
        slug=slug,
        name=titles.get(source.default_language) or slug,
        questionnaire_version_id=source.questionnaire_version_id,
        modes=list(source.modes),
        status=SurveyStatus.DRAFT,
        languages=list(source.languages),
        default_language=source.default_language,
        period_label=period or source.period_label,
        opens_on=opens_on,
        closes_on=closes_on,
        open_link=source.open_link,
        link_valid_days=source.link_valid_days,
        settings={**settings, "titles": titles, "cloned_from": source.slug},
    )
    session.add(survey)
    session.flush()
    audit.record("survey_cloned", "survey", survey.id, slug=slug, source=source.slug)
    return survey


def questionnaire_problems(version: QuestionnaireVersion) -> list[str]:
    """The errors today's validation finds in a stored version (empty when it is sound)."""
    try:
        load_text(version.source, f"{version.questionnaire.key} v{version.number}")
    except QuestionnaireError as error:
        return [str(issue) for issue in error.issues if issue.severity == "error"]
    return []


def change_status(session: Session, survey: Survey, action: str, by: str = "user") -> Survey:
    """Open, pause or close a survey (audited); refuses a change that makes no sense, and
    opening one whose questionnaire no longer passes validation or whose dates are past."""
    if action not in TRANSITIONS:
        raise WaveError("status", f"Unknown action {action!r}: use open, pause or close.")
    allowed, target, event = TRANSITIONS[action]
    if survey.status not in allowed:
        raise WaveError(
            "status", f"{survey.slug} is {survey.status}; it cannot be {target} from there."
        )
    if target == SurveyStatus.OPEN:
        problems = questionnaire_problems(survey.questionnaire_version)
        if problems:
            raise WaveError(
                "questionnaire",
                f"{survey.slug} cannot open: its questionnaire has errors: " + "; ".join(problems),
            )
    previous = survey.status
    survey.status = target
    audit.record(event, "survey", survey.id, by=by, was=previous)
    return survey


def edit_wave(session: Session, survey: Survey, changes: dict) -> dict:
    """Apply edited settings (dates, modes, languages, titles, link validity, design,
    contact rules, reminders); returns what changed, for the audit."""
    opens_on = changes.get("opens_on", survey.opens_on)
    closes_on = changes.get("closes_on", survey.closes_on)
    _check_dates(opens_on, closes_on)
    built = load_text(survey.questionnaire_version.source, survey.slug).questionnaire
    if "modes" in changes and (
        not changes["modes"] or not set(changes["modes"]) <= set(built.modes)
    ):
        raise WaveError(
            "modes", f"Choose among the questionnaire's modes: {', '.join(built.modes)}."
        )
    if "languages" in changes and (
        not changes["languages"] or not set(changes["languages"]) <= set(built.languages)
    ):
        raise WaveError("languages", f"Offer one or more of: {', '.join(built.languages)}.")
    if not 1 <= changes.get("link_valid_days", survey.link_valid_days) <= MAX_LINK_DAYS:
        raise WaveError("link_valid_days", f"A link is valid for 1 to {MAX_LINK_DAYS} days.")
    kept = {k: v for k, v in (survey.settings or {}).items() if k not in EDITED_SETTINGS}
    settings = {**kept, **check_settings(changes.get("settings", {}))}
    if "titles" in changes:
        settings["titles"] = {k: v.strip() for k, v in changes["titles"].items() if v.strip()}
    changed = {}
    for name in ("opens_on", "closes_on", "modes", "languages", "link_valid_days"):
        if name in changes and getattr(survey, name) != changes[name]:
            changed[name] = str(changes[name])
            setattr(survey, name, changes[name])
    if survey.default_language not in survey.languages:
        survey.default_language = survey.languages[0]
    if settings != (survey.settings or {}):
        changed["settings"] = sorted(
            k for k in settings.keys() | (survey.settings or {}).keys()
            if settings.get(k) != (survey.settings or {}).get(k)
        )  # fmt: skip
        survey.settings = settings
        survey.name = settings.get("titles", {}).get(survey.default_language) or survey.name
    if changed:
        audit.record("survey_edited", "survey", survey.id, **changed)
    return changed


def switch_version(session: Session, survey: Survey, number: int, confirmed: bool) -> Survey:
    """Field another version of the same questionnaire. Responses keep the version they
    answered (the export's ``questionnaire_version``), so a switch never rewrites one; with
    responses already in, it must be confirmed, and it is audited either way."""
    key = survey.questionnaire_version.questionnaire.key
    version = version_of(session, key, number)
    if version.id == survey.questionnaire_version_id:
        raise WaveError("version", f"{survey.slug} already fields {key} v{number}.")
    answered = session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
    )
    if answered and not confirmed:
        raise WaveError(
            "version",
            f"{survey.slug} has {answered} responses on v{survey.questionnaire_version.number}; "
            "confirm the switch (they keep their version) or start a new wave.",
        )
    problems = questionnaire_problems(version)
    if problems:
        raise WaveError("version", f"{key} v{number} has errors: " + "; ".join(problems))
    previous = survey.questionnaire_version.number
    survey.questionnaire_version_id = version.id
    session.flush()
    session.refresh(survey)
    audit.record(
        "survey_version_switched", "survey", survey.id,
        questionnaire=key, was=previous, now=number, responses=answered,
    )  # fmt: skip
    return survey


def successor(session: Session, survey: Survey) -> Survey | None:
    """The open wave cloned from this one (directly or down a chain) that fields the open
    link now: where a card printed for an earlier wave leads."""
    candidates = session.scalars(
        select(Survey).where(Survey.status == SurveyStatus.OPEN, Survey.open_link.is_(True))
    ).all()
    parents = {
        s.slug: (s.settings or {}).get("cloned_from") for s in session.scalars(select(Survey))
    }
    for candidate in sorted(candidates, key=lambda s: s.id, reverse=True):
        slug, seen = candidate.slug, set()
        while slug and slug not in seen:
            seen.add(slug)
            slug = parents.get(slug)
            if slug == survey.slug:
                return candidate
    return None


MONTH_IN_SLUG = re.compile(r"(\d{4})-(\d{2})$")


def next_wave_defaults(survey: Survey, today: date) -> tuple[str, date, date]:
    """What a clone is offered: the month after the wave's (or this month's, if later), its
    first and last days, and the slug with that month in place of the old one."""
    base = survey.opens_on or today
    year, month = (base.year + (base.month == 12), base.month % 12 + 1)
    if date(year, month, 1) < today.replace(day=1):
        year, month = today.year, today.month
    opens = date(year, month, 1)
    closes = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    stem = MONTH_IN_SLUG.sub("", survey.slug).rstrip("-") or survey.slug
    return f"{stem}-{opens:%Y-%m}", opens, closes
