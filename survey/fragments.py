"""A question's HTML, kept per worker: ``question_html`` in every template that shows
questions (the customer's page, the CATI screen, the preview, a colleague's rating).

Rendering a page's questions was the largest part of a survey page's cost (Jinja macros,
escaping, a translation per label), and it is the same for every customer who sees a
question in the same state: the same texts (piping included), choices, current answer,
message, mode and language. The view of a question holds all of that, so its ``repr`` with
the mode and the language is the key; anything that differs renders anew. Nothing else is
in a question's HTML (the CSRF token and the page's state are in the form around it).
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
    key = (current_language(), mode, repr(view))
    html = _FRAGMENTS.get(key)
    if html is None:
        module = current_app.jinja_env.get_template("questionnaire/question.html").module
        html = module.render_question(view, mode)  # Markup: the macro escaped what it put in
        with _STORING:
            if len(_FRAGMENTS) >= KEPT:
                _FRAGMENTS.pop(next(iter(_FRAGMENTS)))
            _FRAGMENTS[key] = html
    return html


def init_app(app) -> None:
    app.jinja_env.globals["question_html"] = question_html
