"""The comments' topic dictionary: the bank edits its topics and keywords; a new version is
checked whole (every problem located by line) and then every survey's comments are read
again with it, in the background."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..comments.readings import current_dictionary, save_dictionary
from ..comments.topics import TopicError
from ..database import db_session
from ..models import JobKind, RawComment, Survey, TopicDictionaryVersion, User
from ..surveys.versions import questionnaire_of
from ..tasks import jobs
from .forms import TopicDictionaryForm
from .routes import bp


def _page(form: TopicDictionaryForm, problems=(), status: int = 200):
    session = db_session()
    dictionary, version = current_dictionary(session)
    history = session.execute(
        select(TopicDictionaryVersion.id, TopicDictionaryVersion.created_at, User.username)
        .outerjoin(User, User.id == TopicDictionaryVersion.created_by)
        .order_by(TopicDictionaryVersion.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "admin/topics.html",
        form=form,
        dictionary=dictionary,
        version=version,
        history=history,
        problems=problems,
    ), status


@bp.route("/topics", methods=["GET", "POST"])
def topics():
    """Show the dictionary in use; save a checked new one and read every comment again."""
    session = db_session()
    form = TopicDictionaryForm()
    if not form.is_submitted():
        form.text.data = current_dictionary(session)[0].text
        return _page(form)
    if not form.validate():
        return _page(form, status=422)
    try:
        version = save_dictionary(session, form.text.data, g.user.id)
    except TopicError as error:
        return _page(form, error.issues, status=422)
    surveys = [
        s
        for s in session.scalars(select(Survey))
        if questionnaire_of(s.questionnaire_version).analysis.comments
    ]
    for survey in surveys:
        jobs.submit(
            session, JobKind.COMMENTS, key=f"comments:{survey.id}:{version.id}",
            survey_id=survey.id, user_id=g.user.id,
        )  # fmt: skip
    audit.record("topic_dictionary_saved", "topic_dictionary", version.id, surveys=len(surveys))
    session.commit()
    flash(
        _("Saved. The comments of %(n)d survey(s) are being read again with it.", n=len(surveys)),
        "success",
    )
    return redirect(url_for(".topics"))


@bp.get("/responses/<int:response_id>/typed")
def typed_comments(response_id: int):
    """A response's comments as the customer typed them, before masking: kept only where
    the bank allows it (SURVEY_KEEP_RAW_COMMENTS); every reading audited."""
    session = db_session()
    typed = session.scalars(
        select(RawComment)
        .where(RawComment.response_id == response_id)
        .order_by(RawComment.question_id)
    ).all()
    if not typed:
        abort(404)
    audit.record("typed_comments_read", "response", response_id, questions=len(typed))
    session.commit()
    return render_template("admin/typed_comments.html", response_id=response_id, typed=typed)
