"""/alerts/: the person's alerts (unread first), their alert and report subscriptions, and
the archive of the report PDFs sent to them (an admin manages subscriptions for a role)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from .. import audit
from ..accounts.sessions import protect
from ..alerts.subscriptions import Rule, SubscriptionError, subscribe
from ..database import db_session
from ..i18n import NATIVE_NAMES
from ..models import (
    REPORTABLE,
    Alert,
    AlertSubscription,
    ReportSubscription,
    Role,
    SentReport,
    Survey,
    utcnow,
)
from ..publishing.schedule import ReportPlanError, plan_report
from .forms import ActionForm, AlertSubscriptionForm, ReportSubscriptionForm

bp = Blueprint("notifications", __name__, url_prefix="/alerts")
protect(bp, [Role.MANAGER, Role.SUPERVISOR, Role.ADMIN])
ROLE_CHOICES = (Role.MANAGER, Role.SUPERVISOR)


@bp.app_template_global()
def unread_alerts() -> int:
    """The signed-in person's unread alerts, for the menu."""
    return db_session().scalar(
        select(func.count()).where(Alert.user_id == g.user.id, Alert.read_at.is_(None))
    )


def _surveys() -> list[Survey]:
    return list(
        db_session().scalars(
            select(Survey).where(Survey.status.in_(REPORTABLE)).order_by(Survey.slug)
        )
    )


def _forms(alert_form=None, report_form=None, surveys=None):
    surveys = [("", _("Every survey"))] + [(s.slug, s.name) for s in surveys or _surveys()]
    alert_form = alert_form or AlertSubscriptionForm(formdata=None)
    alert_form.survey.choices = surveys
    alert_form.role.choices = [("", _("Me"))] + (
        [(r.value, _("Every %(role)s", role=r.value)) for r in ROLE_CHOICES]
        if g.user.role == Role.ADMIN
        else []
    )
    report_form = report_form or ReportSubscriptionForm(formdata=None, prefix="report")
    report_form.survey.choices = surveys[1:]
    return alert_form, report_form


def _page(alert_form=None, report_form=None, status=200):
    session = db_session()
    user = g.user
    surveys = _surveys()
    alert_form, report_form = _forms(alert_form, report_form, surveys)
    mine = or_(AlertSubscription.user_id == user.id, AlertSubscription.role == user.role)
    if user.role == Role.ADMIN:
        mine = or_(mine, AlertSubscription.role.is_not(None))
    return render_template(
        "notifications/index.html",
        alerts=session.scalars(
            select(Alert)
            .where(Alert.user_id == user.id)
            .order_by(Alert.read_at.is_not(None), Alert.created_at.desc())
            .limit(200)
        ).all(),
        subscriptions=session.scalars(
            select(AlertSubscription).where(mine).order_by(AlertSubscription.id)
        ).all(),
        report_subscriptions=session.scalars(
            select(ReportSubscription).where(ReportSubscription.user_id == user.id)
        ).all(),
        sent=session.execute(
            select(
                SentReport.id,
                SentReport.period,
                SentReport.branch,
                SentReport.created_at,
                Survey.name,
            )
            .join(Survey, Survey.id == SentReport.survey_id)
            .where(SentReport.user_id == user.id)
            .order_by(SentReport.created_at.desc())
            .limit(100)
        ).all(),
        surveys={s.id: s for s in surveys},
        alert_form=alert_form,
        report_form=report_form,
        action=ActionForm(),
        current_user_is_admin=user.role == Role.ADMIN,
        language_names=NATIVE_NAMES,
    ), status


@bp.get("/")
def index():
    """Alerts (unread first), subscriptions and sent reports."""
    return _page()


@bp.post("/<int:alert_id>/read")
def mark_read(alert_id: int):
    """Mark one of one's own alerts read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    alert = db_session().get(Alert, alert_id)
    if alert is None or alert.user_id != g.user.id:
        abort(404)
    alert.read_at = alert.read_at or utcnow()
    db_session().commit()
    return redirect(url_for(".index"))


@bp.post("/subscriptions")
def add_subscription():
    """Subscribe oneself (or, as an admin, a role) to a kind of alert; a bad rule is refused
    beside its field, nothing stored."""
    form, _report = _forms(AlertSubscriptionForm())
    if not form.validate_on_submit():
        return _page(alert_form=form, status=422)
    role = form.role.data or None
    if role and g.user.role != Role.ADMIN:
        abort(403)
    rule = Rule(
        form.kind.data, form.survey.data or None, (form.branch.data or "").strip() or None,
        (form.question.data or "").strip() or None, form.threshold.data,
        form.delivery.data, tuple(form.channels.data or ()),
    )  # fmt: skip
    session = db_session()
    try:
        subscription = subscribe(
            session, rule, user=None if role else g.user, role=role, created_by=g.user.id
        )
    except SubscriptionError as error:
        field = getattr(form, error.field, form.kind)
        field.errors = [*field.errors, str(error)]
        return _page(alert_form=form, status=422)
    audit.record(
        "alert_subscribed", "alert_subscription", subscription.id, kind=rule.kind, role=role
    )
    session.commit()
    flash(_("Subscribed."), "success")
    return redirect(url_for(".index") + "#subscriptions")


@bp.post("/subscriptions/<int:subscription_id>/delete")
def remove_subscription(subscription_id: int):
    """End a subscription of one's own (an admin: a role's too)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    subscription = session.get(AlertSubscription, subscription_id)
    own = subscription is not None and subscription.user_id == g.user.id
    if subscription is None or not (own or (g.user.role == Role.ADMIN and subscription.role)):
        abort(404)
    session.delete(subscription)
    audit.record("alert_unsubscribed", "alert_subscription", subscription_id)
    session.commit()
    return redirect(url_for(".index") + "#subscriptions")


@bp.post("/reports")
def add_report():
    """Ask for a survey's (or one branch's) PDF report every month or week."""
    _alert, form = _forms(report_form=ReportSubscriptionForm(prefix="report"))
    if not form.validate_on_submit():
        return _page(report_form=form, status=422)
    session = db_session()
    try:
        subscription = plan_report(
            session, g.user, form.survey.data, (form.branch.data or "").strip() or None,
            form.frequency.data, form.language.data,
        )  # fmt: skip
    except ReportPlanError as error:
        field = getattr(form, error.field, form.survey)
        field.errors = [*field.errors, str(error)]
        return _page(report_form=form, status=422)
    audit.record("report_subscribed", "report_subscription", subscription.id)
    session.commit()
    flash(_("Subscribed: the report will come on its next date."), "success")
    return redirect(url_for(".index") + "#reports")


@bp.post("/reports/<int:subscription_id>/delete")
def remove_report(subscription_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    subscription = session.get(ReportSubscription, subscription_id)
    if subscription is None or subscription.user_id != g.user.id:
        abort(404)
    session.delete(subscription)
    session.commit()
    return redirect(url_for(".index") + "#reports")


@bp.get("/sent/<int:report_id>.pdf")
def sent_report(report_id: int):
    """A report exactly as it was sent (its own recipient, or an admin); audited."""
    report = db_session().get(SentReport, report_id)
    if report is None or (report.user_id != g.user.id and g.user.role != Role.ADMIN):
        abort(404)
    audit.record("sent_report_opened", "sent_report", report.id)
    db_session().commit()
    name = f"report-{report.period}{'-' + report.branch if report.branch else ''}.pdf"
    return Response(
        report.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "X-Content-SHA256": report.sha256,
        },
    )
