"""Interface language: negotiation, the switch, and Flask-Babel's locale selector.

Languages are BCP-47 tags (zh-Hans, zh-Hant, en) everywhere the user or a file sees
them; Babel's catalogs use the underscore form (zh_Hans).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, request, session, url_for
from flask_babel import refresh
from werkzeug.exceptions import BadRequest

from .config import LANGUAGES
from .extensions import babel

NATIVE_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}

# Regions whose Chinese is written in traditional characters.
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}

bp = Blueprint("i18n", __name__)


def language_for_tag(tag: str) -> str | None:
    """Map one Accept-Language or BCP-47 tag to a supported language, or None."""
    parts = tag.strip().replace("_", "-").lower().split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    rest = set(parts[1:])
    if "hant" in rest or rest & _TRADITIONAL_REGIONS:
        return "zh-Hant"
    return "zh-Hans"


def negotiate(accept_language) -> str | None:
    """The best supported language of a request's Accept-Language header."""
    for tag, _quality in accept_language:
        language = language_for_tag(tag)
        if language:
            return language
    return None


def current_language() -> str:
    """The language of this request: the user's choice, else the browser's, else English."""
    if "language" not in g:
        chosen = session.get("language")
        g.language = chosen if chosen in LANGUAGES else negotiate(request.accept_languages) or "en"
    return g.language


def use_language(language: str) -> None:
    """Show this request in ``language`` (a respondent's, a preview's), whatever was used so far."""
    g.language = language
    refresh()  # Flask-Babel caches the locale of the request


# The locale whose formats (dates, numbers) each interface language uses: English pages use
# British day-month order and the 24-hour clock, as English-language banks in Hong Kong and
# mainland China write dates, never the US month-first "12/2/26".
BABEL_LOCALES = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant", "en": "en_GB"}


def _babel_locale() -> str:
    return BABEL_LOCALES[current_language()]


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow a relative address on this site, never an open redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def switch_language():
    """Remember the chosen interface language and return to the page the user was on."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        raise BadRequest(f"Unknown language {language!r}; choose one of {', '.join(LANGUAGES)}.")
    session["language"] = language
    return redirect(safe_next(request.form.get("next"), url_for("auth.home")))


def _template_globals() -> dict:
    return {
        "current_language": current_language(),
        "languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
    }


def init_app(app) -> None:
    babel.init_app(app, locale_selector=_babel_locale)
    app.register_blueprint(bp)
    app.context_processor(_template_globals)
