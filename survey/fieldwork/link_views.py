"""A survey's open link: on or off, the places it is handed out at (branch, counter, staff
number, kiosk), each place's signed address, QR code and printable counter card."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import audit
from ..database import db_session
from ..staff.registry import RegistryError, check_known
from ..surveys import links
from ..surveys.listing import survey_or_404
from ..validators import problems
from .forms import ActionForm, PlaceForm
from .routes import bp

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def public_url(survey, where: links.Place) -> str:
    """The address customers open (the product's public base address, not this request's)."""
    config = current_app.config
    return links.public_url(survey, where, config["SECRET_KEY"], config["SURVEY_BASE_URL"])


@bp.get("/<slug>/links")
def open_links(slug: str):
    """The open link's switch, and each place with its address, QR code and card."""
    survey = survey_or_404(slug)
    secret = current_app.config["SECRET_KEY"]
    rows = [
        {
            "place": p,
            "url": public_url(survey, p),
            "token": links.sign(secret, p) or "",
        }
        for p in [links.Place(), *links.places_of(survey)]
    ]
    return render_template(
        "fieldwork/links.html",
        survey=survey,
        rows=rows,
        form=PlaceForm(),
        action_form=ActionForm(),
    )


@bp.post("/<slug>/links/toggle")
def toggle_open_link(slug: str):
    """Turn the open link on or off (audited); off, its codes show a polite page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    survey = survey_or_404(slug)
    survey.open_link = not survey.open_link
    audit.record("open_link_" + ("on" if survey.open_link else "off"), "survey", survey.id)
    session.commit()
    if survey.open_link:
        flash(_("The open link is on."), "success")
    else:
        flash(
            _("The open link is off: its codes show customers that it is switched off."), "success"
        )
    return redirect(url_for(".open_links", slug=slug))


@bp.post("/<slug>/links/places")
def add_place(slug: str):
    """Hand the open link out at a branch, counter or teller (or a kiosk)."""
    session = db_session()
    survey = survey_or_404(slug)
    form = PlaceForm()
    if not form.validate_on_submit():
        flash(problems(form) or _("The form had expired; please try again."), "error")
        return redirect(url_for(".open_links", slug=slug))
    try:
        where = links.place(
            *((f.data or "").strip() for f in (form.branch, form.counter, form.staff)),
            kiosk=form.kiosk.data,
        )
        check_known(session, where.staff)
    except (links.PlaceError, RegistryError) as error:
        flash(str(error), "error")
        return redirect(url_for(".open_links", slug=slug))
    links.add_place(survey, where)
    audit.record("open_link_place_added", "survey", survey.id, **where.as_dict())
    session.commit()
    flash(_("Link added."), "success")
    return redirect(url_for(".open_links", slug=slug) + "#places")


def _place_or_400() -> links.Place:
    try:
        return links.read(current_app.config["SECRET_KEY"], request.args.get("at"))
    except links.PlaceError:
        abort(400)


@bp.get("/<slug>/links/qr.<kind>")
def qr_code(slug: str, kind: str):
    """A place's QR code as SVG, PNG or PDF (for print shops)."""
    if kind not in MEDIA_TYPES:
        abort(404)
    survey = survey_or_404(slug)
    where = _place_or_400()
    image = links.qr_code(public_url(survey, where), kind)
    reply = current_app.response_class(image, mimetype=MEDIA_TYPES[kind])
    reply.headers["Content-Disposition"] = (
        f"{'inline' if kind == 'svg' else 'attachment'}; "
        f'filename="{links.file_name(survey, where, kind)}"'
    )
    return reply


@bp.get("/<slug>/links/card")
def counter_card(slug: str):
    """A printable A6 counter card: the QR code and the invitation in the three languages."""
    survey = survey_or_404(slug)
    where = _place_or_400()
    return render_template(
        "fieldwork/card.html",
        survey=survey,
        place=where,
        url=public_url(survey, where),
        token=request.args.get("at", ""),
    )
