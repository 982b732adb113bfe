"""A question's HTML, kept per worker: ``question_html`` in every template that shows
questions (the customer's page, the CATI screen, the preview, a colleague's rating).

Rendering a page's questions was the largest part of a survey page's cost (Jinja macros,
escaping, a translation per label), and it is the same for every customer who sees a
question in the same state: the same texts (piping included), choices, current answer,
message, mode and language. The view of a question holds all of that, so its ``repr`` with
the mode and the language is the key; anything that differs renders anew. Nothing else is
in a question's HTML (the CSRF token and the page's state are in the form around it).

Only what holds nothing a customer typed is kept: a question not yet answered, or answered
with codes of its own choices. Typed text, numbers and dates, and messages about them,
render each time, so no customer's words stay in a worker's memory.
"""

from __future__ import annotations

import threading

from flask import current_app
from markupsafe import Markup

from .i18n import current_language
from .questionnaire.presentation import QuestionView

KEPT = 4096  # fragments a worker keeps (a few KB each)
_FRAGMENTS: dict[tuple, Markup] = {}
_STORING = threading.Lock()


def question_html(view: QuestionView, mode: str) -> Markup:
    """``render_question(view, mode)`` of questionnaire/question.html, rendered once per state."""
    if not _shareable(view):
        return _render(view, mode)
    key = (current_language(), mode, repr(view))
    html = _FRAGMENTS.get(key)
    if html is None:
        html = _render(view, mode)
        with _STORING:
            if len(_FRAGMENTS) >= KEPT:
                _FRAGMENTS.pop(next(iter(_FRAGMENTS)))
            _FRAGMENTS[key] = html
    return html


def _render(view: QuestionView, mode: str) -> Markup:
    module = current_app.jinja_env.get_template("questionnaire/question.html").module
    return module.render_question(view, mode)  # Markup: the macro escaped what it put in


def _shareable(view: QuestionView) -> bool:
    """Nothing typed: no answer yet, or only codes of the question's own choices."""
    if view.other_text or view.error or any(item.error for item in view.items):
        return False
    codes = {choice.code for choice in (*view.choices, *view.specials)}
    return all(_codes_only(value, codes) for value in (view.value, *(i.value for i in view.items)))


def _codes_only(value, codes: set) -> bool:
    if value is None:
        return True
    if isinstance(value, list):
        return all(code in codes for code in value)
    return isinstance(value, str) and value in codes


def init_app(app) -> None:
    app.jinja_env.globals["question_html"] = question_html
