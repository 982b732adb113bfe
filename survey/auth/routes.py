"""Sign-in and sign-out views."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import audit, throttle
from ..accounts.sessions import home_endpoint, sign_in, sign_out
from ..accounts.staff import authenticate
from ..database import db_session
from ..i18n import safe_next
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; on success go to the page asked for or the role's home."""
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        throttle.refuse_if_over(db_session(), "sign_in")
        result = authenticate(
            db_session(),
            form.username.data,
            form.password.data,
            config["LOGIN_MAX_FAILURES"],
            config["LOGIN_LOCK_MINUTES"],
        )
        if result.ok:
            sign_in(result.user)
            g.user = result.user
            audit.record("sign_in", "user", result.user.id)
            db_session().commit()
            return redirect(
                safe_next(request.args.get("next"), url_for(home_endpoint(result.user)))
            )
        audit.record("sign_in_failed", username=form.username.data[:64])
        db_session().commit()
        throttle.record_failure(db_session(), "sign_in")
        form.form_errors.append(
            _(
                "The username or password is not correct, or the account is locked for a "
                "while after repeated failures."
            )
        )
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """End the session."""
    if g.get("user"):
        audit.record("sign_out", "user", g.user.id)
        db_session().commit()
    sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def home():
    """Send a signed-in user to their role's home, others to sign in."""
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for(home_endpoint(g.user)))
