"""Staff account administration."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..accounts.sessions import end_sessions, protect
from ..accounts.staff import AccountError, add_account, apply_details
from ..database import db_session
from ..models import Role, User, utcnow
from .forms import ROLE_LABELS, AccountForm, NewUserForm, UserActionForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect(bp, [Role.ADMIN])

ACTIONS = ("unlock", "deactivate", "activate", "sign_out")


@bp.route("/", methods=["GET", "POST"])
def index():
    """List staff accounts and add one."""
    form = NewUserForm()
    session = db_session()
    if form.validate_on_submit():
        try:
            user = add_account(session, form.username.data, form.password.data, form.details())
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            session.flush()
            audit.record("user_created", "user", user.id, role=user.role)
            session.commit()
            flash(_("Account %(name)s added.", name=user.username), "success")
            return redirect(url_for(".index"))
    users = session.scalars(select(User).order_by(User.role, User.username)).all()
    status = 400 if form.errors else 200
    return render_template(
        "admin/index.html",
        form=form,
        users=users,
        roles=ROLE_LABELS,
        action_form=UserActionForm(),
        now=utcnow(),
    ), status


@bp.post("/users/<int:user_id>/<action>")
def change_user(user_id: int, action: str):
    """Unlock, deactivate or reactivate an account, or end its sessions everywhere."""
    if action not in ACTIONS or not UserActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    if user.id == g.user.id and action == "deactivate":
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".index"))
    if action == "unlock":
        user.failed_logins, user.locked_until = 0, None
    elif action == "sign_out":
        end_sessions(session, user)
    else:
        user.active = action == "activate"
        if not user.active:
            end_sessions(session, user)
    audit.record(f"user_{action}", "user", user.id)
    session.commit()
    flash(_("Account %(name)s updated.", name=user.username), "success")
    return redirect(url_for(".index"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    """An account's display name, staff number, role and branches; every change audited."""
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    form = AccountForm(
        data=None
        if request.method == "POST"
        else {
            "display_name": user.display_name,
            "staff_number": user.staff_number or "",
            "role": user.role,
            "branches": ", ".join(user.branches or []),
            "email": user.email or "",
            "phone": user.phone or "",
        }
    )
    if form.validate_on_submit():
        try:
            changed = apply_details(user, form.details())
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            audit.record("user_updated", "user", user.id, **changed)
            session.commit()
            flash(_("Account %(name)s updated.", name=user.username), "success")
            return redirect(url_for(".index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/account.html", form=form, user=user), status
