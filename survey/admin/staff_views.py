"""The staff registry: members kept on the page or imported from the HR file, and the
service star's weights per branch."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..database import db_session
from ..models import StaffMember, StarWeights, User
from ..staff.league import DEFAULT_WEIGHTS, LeagueError, set_weights
from ..staff.registry import MemberDetails, RegistryError, StaffFileError, import_staff, save_member
from .forms import StaffImportForm, StaffMemberForm, StarWeightsForm
from .routes import bp


def _page(form=None, import_form=None, weights_form=None, report=None, status=200):
    session = db_session()
    return render_template(
        "admin/staff.html",
        members=session.scalars(
            select(StaffMember).order_by(
                StaffMember.branch, StaffMember.team, StaffMember.staff_number
            )
        ).all(),
        accounts={u.id: u.username for u in session.scalars(select(User))},
        weights=session.scalars(select(StarWeights).order_by(StarWeights.unit)).all(),
        default_weights=DEFAULT_WEIGHTS,
        form=form or StaffMemberForm(formdata=None),
        import_form=import_form or StaffImportForm(formdata=None),
        weights_form=weights_form or StarWeightsForm(formdata=None),
        report=report,
    ), status


def _details(form: StaffMemberForm) -> MemberDetails:
    username = (form.username.data or "").strip()
    user_id = None
    if username:
        user_id = db_session().scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise RegistryError(
                "username", _("No account has the user name %(name)s.", name=username)
            )
    return MemberDetails(
        form.staff_number.data or "",
        form.name.data or "",
        form.role.data,
        form.branch.data,
        form.team.data,
        form.active_from.data,
        form.active_to.data,
        user_id,
    )


def _save(form: StaffMemberForm, member: StaffMember | None):
    """Store the form's member, or put the error beside its field; returns the member."""
    try:
        saved = save_member(db_session(), _details(form), member)
    except RegistryError as error:
        field = getattr(form, error.field, None) or form.username
        field.errors = [*field.errors, str(error)]
        return None
    audit.record("staff_member_saved", "staff_member", saved.staff_number)
    db_session().commit()
    return saved


@bp.route("/staff", methods=["GET", "POST"])
def staff():
    """The registry, a member to add, the HR file to import, and the weights."""
    form = StaffMemberForm()
    if form.validate_on_submit() and (saved := _save(form, None)):
        flash(
            _("%(name)s (%(number)s) added.", name=saved.name, number=saved.staff_number), "success"
        )
        return redirect(url_for(".staff"))
    return _page(form=form, status=422 if form.errors or request.method == "POST" else 200)


@bp.route("/staff/<number>", methods=["GET", "POST"])
def staff_member(number: str):
    """Change a member's details."""
    session = db_session()
    member = session.scalar(select(StaffMember).where(StaffMember.staff_number == number))
    if member is None:
        abort(404)
    form = StaffMemberForm(obj=member)
    if request.method == "GET":
        form.username.data = session.get(User, member.user_id).username if member.user_id else ""
    elif form.validate_on_submit() and _save(form, member):
        flash(_("%(name)s saved.", name=member.name), "success")
        return redirect(url_for(".staff"))
    return render_template("admin/staff_member.html", form=form, member=member), (
        422 if form.errors else 200
    )


@bp.post("/staff/import")
def staff_import():
    """Import the HR file: every problem listed by line; nothing stored unless all rows are
    valid or the valid rows are asked for."""
    form = StaffImportForm()
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    upload = form.file.data
    session = db_session()
    try:
        report = import_staff(
            session,
            upload.read(),
            upload.filename or "staff.csv",
            accept_valid=form.valid_only.data,
        )
    except StaffFileError as error:
        form.file.errors = [str(error)]
        return _page(import_form=form, status=422)
    if report.problems and not form.valid_only.data:
        session.rollback()
        return _page(import_form=form, report=report, status=422)
    audit.record(
        "staff_imported", "staff_registry", None, rows=report.rows, imported=report.imported
    )
    session.commit()
    flash(_("Imported %(n)d of %(rows)d rows.", n=report.imported, rows=report.rows), "success")
    return _page(report=report) if report.problems else redirect(url_for(".staff"))


@bp.post("/staff/weights")
def star_weights():
    """Set one branch's (or the default) service-star weights."""
    form = StarWeightsForm()
    if form.validate_on_submit():
        unit = (form.unit.data or "").strip()
        try:
            set_weights(
                db_session(),
                unit,
                {p: getattr(form, p).data for p in ("customer", "peer", "ops", "lobby")},
            )
        except LeagueError as error:
            form.customer.errors = [*form.customer.errors, str(error)]
        else:
            audit.record("star_weights_set", "star_weights", unit or "default")
            db_session().commit()
            flash(_("Weights saved for %(unit)s.", unit=unit or _("every other branch")), "success")
            return redirect(url_for(".staff") + "#weights")
    return _page(weights_form=form, status=422)
