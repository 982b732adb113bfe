"""Respondents' pages: a personal link (/s/TOKEN) or a survey's open link (/o/SLUG)."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from .. import audit, throttle
from ..database import db_session, locks_when_writing, write_from_here
from ..i18n import negotiate, use_language
from ..models import Response, ResponseStatus, Survey, SurveyStatus, utcnow
from ..questionnaire import Interview, Mode
from ..questionnaire.interview import step_at
from ..questionnaire.presentation import question_view, script_text
from ..responses import contact_rules, fielding, link_lookup
from ..security import client_key, hash_token
from ..surveys import links, waves
from ..surveys.listing import by_slug
from ..surveys.versions import questionnaire_of

bp = Blueprint("web", __name__)
OPEN_LINK_COOKIE = "survey_resume_{}"
OPEN_STARTS_PER_HOUR = 20  # per client address
KIOSK_COOKIE = "survey_kiosk_{}"
KIOSK_STARTS_PER_HOUR = 60  # per kiosk device: a busy counter serves one a minute at most
KIOSK_RESTART_SECONDS = 10  # the thank-you page stays this long, then the next customer's


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
    questionnaire = questionnaire_of(response.questionnaire_version, db_session())
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
        kiosk_restart_seconds=KIOSK_RESTART_SECONDS,
    )


def _unavailable(survey, problem, language):
    use_language(language)
    status = {"not_open": 404, SurveyStatus.PAUSED: 503}.get(problem, 410)
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
            questionnaire = questionnaire_of(survey.questionnaire_version, session)
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
        write_from_here(session)
        return start(_language(survey, request.form.get("language") or preferred))
    language = None
    if action.startswith("language:") and action.split(":", 1)[1] in survey.languages:
        language, action = action.split(":", 1)[1], "language"
    form = request.form.to_dict(flat=False)
    plan = fielding.plan_page(session, response, form, action, contact)
    if plan.writes or language:  # else messages only: nothing to store, no lock to wait for
        write_from_here(session)
        response, moved = fielding.response_to_write(session, response, plan)
        if moved:
            if response.status != ResponseStatus.PARTIAL:
                session.commit()
                return redirect(self_url)
            plan = fielding.plan_page(session, response, form, action, contact)
        if language:
            response.language = language
    result = fielding.write_page(session, response, plan, survey)
    session.commit()
    if result.errors:
        return _render_page(survey, response, contact, result.errors, result.submitted, status=422)
    if result.stale:
        return _render_page(survey, response, contact, stale=True, status=409)
    return redirect(self_url)


def _invitation_or_refusal(session, token: str):
    """((invitation, its response or None), None) for a known link, (None, the 404 page) for
    an unknown one, which counts towards the client's guessing limit; over the limit, 429
    for any link."""
    try:
        found = throttle.counted_lookup(
            session,
            "link",
            lambda parameters: link_lookup.find_invitation(session, token, parameters),
        )
    except TooManyRequests:
        _browser_language()
        raise
    if found is not None:
        return found, None
    _browser_language()
    return None, (render_template("web/unavailable.html", survey=None, problem="unknown"), 404)


def _browser_language() -> None:
    """A refusal, before any survey is known, speaks the browser's language."""
    use_language(negotiate(request.accept_languages) or "zh-Hans")


@bp.route("/s/<token>", methods=["GET", "POST"])
@locks_when_writing
def personal(token: str):
    """A customer's personal link: one response per link, resumable on any device."""
    session = db_session()
    found, refusal = _invitation_or_refusal(session, token)
    if refusal:
        return refusal
    invitation, response = found
    self_url = url_for(".personal", token=token)

    def start(language):
        fielding.start_response(session, invitation.survey, language, invitation=invitation)
        session.commit()
        return redirect(self_url)

    return _interview(invitation.survey, invitation, response, start, self_url)


def _open_link_survey(slug: str, kiosk: bool):
    """(survey, place, None) for a usable open link, else (None, None, the reply): the
    refusal of an unknown survey, a link switched off or an altered place; or a redirect,
    to the kiosk's address for a kiosk's place (and back), or to the wave that took over a
    closed one's link."""
    use_language(negotiate(request.accept_languages) or "zh-Hans")
    survey = by_slug(db_session(), slug)
    if survey is None or not survey.open_link:
        problem = "unknown" if survey is None else "link_off"
        return (
            None,
            None,
            (render_template("web/unavailable.html", survey=survey, problem=problem), 404),
        )
    try:
        where = links.read(current_app.config["SECRET_KEY"], request.args.get("at"))
    except links.PlaceError:
        write_from_here(db_session())
        audit.record("open_link_altered", "survey", survey.id)
        db_session().commit()
        page = render_template("web/unavailable.html", survey=survey, problem="altered")
        return None, None, (page, 400)
    if where.kiosk != kiosk:
        return None, None, redirect(links.path_of(survey, request.args.get("at"), where.kiosk))
    moved = _successor_redirect(survey)
    if moved:
        return None, None, moved
    return survey, where, None


def _successor_redirect(survey: Survey):
    """A closed wave's card sends the customer on to the wave that took its link over."""
    if fielding.link_problem(survey, None) != SurveyStatus.CLOSED:
        return None
    following = waves.successor(db_session(), survey)
    if following is None:
        return None
    return redirect(
        links.path_of(following, request.args.get("at"), request.path.startswith("/k/"))
    )


def _resumed(cookie: str, survey: Survey) -> Response | None:
    key = request.cookies.get(cookie)
    if not key:
        return None
    found = db_session().scalar(select(Response).where(Response.resume_key_hash == hash_token(key)))
    return found if found is not None and found.survey_id == survey.id else None


def _start_open(survey, where, language, client, limit, cookie, self_url, days):
    """Start an open-link response for the place, remember it in a cookie (for ``days``;
    None: the browser session), go to page one."""
    session = db_session()
    if fielding.recent_open_starts(session, survey, client) >= limit:
        abort(429)
    key = secrets.token_urlsafe(24)
    fielding.purge_empty_starts(session, survey)
    fielding.start_response(
        session, survey, language, resume_key=key, client=client, attributes=where.attributes()
    )
    session.commit()
    reply = make_response(redirect(self_url))
    reply.set_cookie(
        cookie, key, max_age=days * 86400 if days else None, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], path=url_for(request.endpoint, slug=survey.slug),
    )  # fmt: skip
    return reply


@bp.route("/o/<slug>", methods=["GET", "POST"])
@locks_when_writing
def open_link(slug: str):
    """A survey's open link (a lobby QR code): the signed place (branch, counter, staff) goes
    with the answers; resumed by a cookie; starts limited per client address."""
    survey, where, refusal = _open_link_survey(slug, kiosk=False)
    if refusal:
        return refusal
    cookie = OPEN_LINK_COOKIE.format(survey.id)
    self_url = request.full_path.rstrip("?")

    def start(language):
        client = client_key(current_app.config["SECRET_KEY"], request.remote_addr or "")
        limit, days = OPEN_STARTS_PER_HOUR, 60  # the resume cookie lasts 60 days
        return _start_open(survey, where, language, client, limit, cookie, self_url, days)

    return _interview(survey, None, _resumed(cookie, survey), start, self_url)


@bp.route("/k/<slug>", methods=["GET", "POST"])
@locks_when_writing
def kiosk(slug: str):
    """A counter tablet: one customer after another on one device. No lasting resume cookie
    (the interview's key lives for the browser session and is dropped at the end), an idle
    interview is set aside for the next customer, each page is never cached, and starts are
    limited per device rather than per address (a branch's tablets share one address)."""
    survey, where, refusal = _open_link_survey(slug, kiosk=True)
    if refusal:
        return refusal
    cookie = KIOSK_COOKIE.format(survey.id)
    self_url = request.full_path.rstrip("?")
    idle = int((survey.settings or {}).get("kiosk_idle_seconds", links.KIOSK_IDLE_SECONDS))
    response = _resumed(cookie, survey)
    if (
        response is not None
        and response.is_partial
        and (utcnow() - response.updated_at).total_seconds() > idle
    ):
        response = None  # the last customer walked away: the next one starts afresh
    g.kiosk = {
        "idle_seconds": idle,
        "reset_url": url_for(".kiosk_reset", slug=slug, at=request.args.get("at")),
    }

    def start(language):
        client = client_key(current_app.config["SECRET_KEY"], f"kiosk:{where.device}")
        return _start_open(
            survey, where, language, client, KIOSK_STARTS_PER_HOUR, cookie, self_url, None
        )

    reply = make_response(_interview(survey, None, response, start, self_url))
    reply.headers["Cache-Control"] = "no-store"
    if request.method == "GET" and (response is None or not response.is_partial):
        # a fresh screen, or the thank-you page: nothing to carry to the next customer
        reply.delete_cookie(cookie, path=url_for(".kiosk", slug=slug))
    return reply


@bp.get("/k/<slug>/reset")
def kiosk_reset(slug: str):
    """The kiosk's idle timer (or its "next customer" button): clear the screen."""
    survey = by_slug(db_session(), slug) or abort(404)
    reply = make_response(redirect(url_for(".kiosk", slug=slug, at=request.args.get("at"))))
    reply.delete_cookie(KIOSK_COOKIE.format(survey.id), path=url_for(".kiosk", slug=slug))
    reply.headers["Cache-Control"] = "no-store"
    return reply


@bp.route("/s/<token>/optout", methods=["GET", "POST"])
def opt_out(token: str):
    """Stop all survey invitations to this customer (the link in every invitation)."""
    session = db_session()
    found, refusal = _invitation_or_refusal(session, token)
    if refusal:
        return refusal
    invitation = found[0]
    use_language(
        _language(invitation.survey, invitation.contact.language if invitation.contact else None)
    )
    if request.method == "POST":
        invitation = link_lookup.invitation_to_write(session, invitation)
        contact_rules.opt_out(session, invitation)
        session.commit()
    return render_template("web/optout.html", done=invitation.opted_out_at is not None, token=token)
