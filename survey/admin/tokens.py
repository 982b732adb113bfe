"""API tokens: an admin issues one (shown once) and revokes it; both audited."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..accounts.api_tokens import issue_token, revoke_token
from ..database import db_session
from ..models import ApiToken
from .forms import ApiTokenForm, UserActionForm
from .routes import bp


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """List API tokens and issue one; the new token is shown on this response only."""
    form = ApiTokenForm()
    session = db_session()
    issued = None
    if form.validate_on_submit():
        branches = [b.strip() for b in (form.branches.data or "").split(",") if b.strip()]
        issued, record = issue_token(session, form.name.data, branches, g.user.id)
        audit.record("api_token_issued", "api_token", record.id, branches=branches or None)
        session.commit()
        form = ApiTokenForm(formdata=None)
    listed = session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template(
        "admin/tokens.html", form=form, tokens=listed, issued=issued, action_form=UserActionForm()
    ), 400 if form.errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    """Revoke a token: the API refuses it from the next request."""
    if not UserActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    record = revoke_token(session, token_id) or abort(404)
    audit.record("api_token_revoked", "api_token", record.id)
    session.commit()
    flash(_("Token %(name)s revoked.", name=record.name), "success")
    return redirect(url_for(".tokens"))
