"""The staff member's own page (/me/) and the internal rating of a colleague."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.sessions import protect
from ..database import db_session
from ..i18n import current_language
from ..models import Role, StaffMember
from ..questionnaire.presentation import question_view
from ..staff import own_page
from ..staff.league import current_month
from ..staff.ratings import (
    RatingError,
    colleagues,
    interview_for,
    member_of,
    rating_questionnaire,
    record_rating,
)
from ..surveys.versions import questionnaire_of

bp = Blueprint("mypage", __name__, url_prefix="/me")
protect(bp, list(Role))


def _member() -> StaffMember | None:
    """The signed-in person's registry entry; without one an admin (who may open every page)
    is told how to link it, anyone else is refused."""
    member = member_of(db_session(), g.user.id)
    if member is None and g.user.role != Role.ADMIN:
        abort(403)
    return member


def _month() -> str:
    return current_month(current_app.config["BABEL_DEFAULT_TIMEZONE"])


@bp.get("/")
def index():
    """Their scores month by month, customers' comments, and whom they may rate."""
    session = db_session()
    member = _member()
    if member is None:
        return render_template("mypage/unlinked.html")
    month = _month()
    months = own_page.last_months(month)
    minimum = current_app.config["STAR_MIN_RESPONSES"]
    surveys = [
        (
            questionnaire_of(series.title_survey.questionnaire_version).title.get_in(
                current_language()
            ),
            own_page.history(session, series, member, months, minimum),
            own_page.comments(session, series, member),
        )
        for series in own_page.rated_series(session, member)
    ]
    return render_template(
        "mypage/index.html",
        member=member,
        month=month,
        surveys=surveys,
        colleagues=colleagues(session, member, month, current_app.secret_key),
        peer_privacy=own_page.PEER_PRIVACY,
    )


def _colleague(number: str) -> StaffMember:
    ratee = db_session().scalar(select(StaffMember).where(StaffMember.staff_number == number))
    if ratee is None:
        abort(404)
    return ratee


@bp.route("/rate/<number>", methods=["GET", "POST"])
def rate(number: str):
    """Rate one colleague on the internal questionnaire, once this month."""
    session = db_session()
    member, ratee, month = _member(), _colleague(number), _month()
    if member is None:
        return redirect(url_for("mypage.index"))
    mine = {c.member.id: c for c in colleagues(session, member, month, current_app.secret_key)}
    if ratee.id not in mine:
        abort(403)
    if mine[ratee.id].rated:
        flash(_("You have already rated %(name)s this month.", name=ratee.name), "info")
        return redirect(url_for("mypage.index"))
    try:
        version, questionnaire = rating_questionnaire(session)
    except RatingError as error:
        return render_template("mypage/unavailable.html", message=str(error)), 503
    language = current_language() if current_language() in questionnaire.languages else None
    errors, submitted = {}, None
    if request.method == "POST":
        form = request.form.to_dict(flat=False)
        try:
            rating, errors = record_rating(
                session, member, ratee, month, form, current_app.secret_key, language
            )
        except RatingError as error:
            flash(str(error), "error")
            return redirect(url_for("mypage.index"))
        if rating is not None:
            session.commit()
            flash(_("Thank you: your rating of %(name)s is saved.", name=ratee.name), "success")
            return redirect(url_for("mypage.index"))
        submitted = form
    interview = interview_for(questionnaire, language)
    views = [question_view(interview, q, errors, submitted) for q in questionnaire.questions()]
    return render_template(
        "mypage/rate.html",
        ratee=ratee,
        month=month,
        questionnaire=questionnaire,
        language=interview.language,
        views=views,
        error_count=len(errors),
    ), (422 if errors else 200)
