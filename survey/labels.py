"""Translated labels for the product's fixed vocabularies, available to every template."""

from flask_babel import lazy_gettext as _l

SURVEY_STATUS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}
SURVEY_MODE = {"web": _l("Web"), "cati": _l("Telephone")}


def _labels() -> dict:
    return {"status_labels": SURVEY_STATUS, "mode_labels": SURVEY_MODE}


def init_app(app) -> None:
    app.context_processor(_labels)
