"""Respondents' pages: a personal link (/s/TOKEN) or a survey's open link (/o/SLUG)."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from .. import throttle
from ..database import db_session
from ..i18n import negotiate, use_language
from ..models import Response, ResponseStatus, Survey
from ..questionnaire import Interview, Mode
from ..questionnaire.interview import step_at
from ..questionnaire.presentation import question_view, script_text
from ..responses import contact_rules, fielding
from ..security import client_key, hash_token
from ..surveys.listing import by_slug
from ..surveys.versions import questionnaire_of

bp = Blueprint("web", __name__)
OPEN_LINK_COOKIE = "survey_resume_{}"
OPEN_STARTS_PER_HOUR = 20


def _language(survey: Survey, preferred: str | None) -> str:
    """The respondent's language: the one asked for, else the browser's, else the survey's."""
    for candidate in (request.args.get("lang"), preferred, negotiate(request.accept_languages)):
        if candidate in survey.languages:
            return candidate
    return survey.default_language


def _render_page(survey, response, contact, errors=None, submitted=None, stale=False, status=200):
    interview = fielding.interview_of(db_session(), response, contact, Mode.WEB)
    questionnaire = interview.questionnaire
    use_language(response.language)
    step = step_at(interview)
    views = [question_view(interview, q, errors or {}, submitted) for q in step.questions]
    return render_template(
        "web/page.html",
        survey=survey,
        questionnaire=questionnaire,
        step=step,
        views=views,
        stale=stale,
        error_count=len(errors or {}),
        language=response.language,
    ), status


def _render_end(survey, response, contact):
    questionnaire = questionnaire_of(response.questionnaire_version)
    use_language(response.language)
    screen_out = None
    if response.status == ResponseStatus.SCREENED_OUT:
        screen_out = next(
            (
                q.screen_out
                for q in questionnaire.questions()
                if q.screen_out and q.screen_out.disposition == response.disposition
            ),
            None,
        )
    closing = script_text(
        Interview(questionnaire, contact=contact, language=response.language), "closing"
    )
    return render_template(
        "web/done.html",
        survey=survey,
        questionnaire=questionnaire,
        closing=closing,
        screen_out=screen_out,
        language=response.language,
    )


def _unavailable(survey, problem, language):
    use_language(language)
    status = 404 if problem == "not_open" else 410
    return render_template("web/unavailable.html", survey=survey, problem=problem), status


def _interview(survey, invitation, response, start, self_url):
    """The flow shared by personal and open links."""
    session = db_session()
    contact = fielding.contact_scope(invitation)
    problem = fielding.link_problem(survey, invitation)
    preferred = (
        response.language
        if response
        else (invitation.contact.language if invitation and invitation.contact else None)
    )
    if problem and (response is None or response.status == ResponseStatus.PARTIAL):
        return _unavailable(survey, problem, _language(survey, preferred))
    if response is not None and response.status != ResponseStatus.PARTIAL:
        return _render_end(survey, response, contact)
    if request.method == "GET":
        if response is None:
            language = _language(survey, preferred)
            use_language(language)
            questionnaire = questionnaire_of(survey.questionnaire_version)
            intro = script_text(
                Interview(questionnaire, contact=contact, language=language), "intro"
            )
            return render_template(
                "web/start.html",
                survey=survey,
                questionnaire=questionnaire,
                intro=intro,
                language=language,
                self_url=self_url,
            )
        return _render_page(survey, response, contact)
    action = request.form.get("action", "")
    if response is None:
        if action != "start":
            return redirect(self_url)
        return start(_language(survey, request.form.get("language") or preferred))
    response = fielding.locked(session, response)
    if response.status != ResponseStatus.PARTIAL:
        session.commit()
        return redirect(self_url)
    if action.startswith("language:") and action.split(":", 1)[1] in survey.languages:
        response.language = action.split(":", 1)[1]
        action = "language"
    result = fielding.apply_page(
        session, response, request.form.to_dict(flat=False), action, contact
    )
    session.commit()
    if result.errors:
        return _render_page(survey, response, contact, result.errors, result.submitted, status=422)
    if result.stale:
        return _render_page(survey, response, contact, stale=True, status=409)
    return redirect(self_url)


def _invitation_or_refusal(session, token: str):
    """(invitation, None) for a known link, (None, the 404 page) for an unknown one, which
    counts towards the client's guessing limit; over the limit, 429 for any link."""
    use_language(negotiate(request.accept_languages) or "zh-Hans")  # until the survey's is known
    invitation = throttle.guarded_lookup(
        session, "link", lambda: fielding.find_invitation(session, token)
    )
    if invitation is not None:
        return invitation, None
    return None, (render_template("web/unavailable.html", survey=None, problem="unknown"), 404)


@bp.route("/s/<token>", methods=["GET", "POST"])
def personal(token: str):
    """A customer's personal link: one response per link, resumable on any device."""
    session = db_session()
    invitation, refusal = _invitation_or_refusal(session, token)
    if refusal:
        return refusal
    self_url = url_for(".personal", token=token)

    def start(language):
        fielding.start_response(session, invitation.survey, language, invitation=invitation)
        session.commit()
        return redirect(self_url)

    response = fielding.response_for_invitation(session, invitation)
    return _interview(invitation.survey, invitation, response, start, self_url)


@bp.route("/o/<slug>", methods=["GET", "POST"])
def open_link(slug: str):
    """A survey's open link (a lobby QR code): resumed by a cookie, rate-limited per client."""
    session = db_session()
    survey = by_slug(session, slug)
    if survey is None or not survey.open_link:
        abort(404)
    cookie_name = OPEN_LINK_COOKIE.format(survey.id)
    resume_key = request.cookies.get(cookie_name)
    response = None
    if resume_key:
        response = session.scalar(
            select(Response).where(Response.resume_key_hash == hash_token(resume_key))
        )
    self_url = url_for(".open_link", slug=slug)

    def start(language):
        client = client_key(current_app.config["SECRET_KEY"], request.remote_addr or "")
        if fielding.recent_open_starts(session, survey, client) >= OPEN_STARTS_PER_HOUR:
            abort(429)
        key = secrets.token_urlsafe(24)
        fielding.purge_empty_starts(session, survey)
        fielding.start_response(session, survey, language, resume_key=key, client=client)
        session.commit()
        reply = make_response(redirect(self_url))
        reply.set_cookie(
            cookie_name,
            key,
            max_age=60 * 60 * 24 * 60,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            path=self_url,
        )
        return reply

    return _interview(survey, None, response, start, self_url)


@bp.route("/s/<token>/optout", methods=["GET", "POST"])
def opt_out(token: str):
    """Stop all survey invitations to this customer (the link in every invitation)."""
    session = db_session()
    invitation, refusal = _invitation_or_refusal(session, token)
    if refusal:
        return refusal
    use_language(
        _language(invitation.survey, invitation.contact.language if invitation.contact else None)
    )
    if request.method == "POST":
        contact_rules.opt_out(session, invitation)
        session.commit()
    return render_template("web/optout.html", done=invitation.opted_out_at is not None, token=token)
