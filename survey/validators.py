"""WTForms validators with messages from our own catalogs, so they read well in Chinese."""

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import DataRequired, InputRequired, Length


def required() -> DataRequired:
    return DataRequired(message=_l("Please fill in this field."))


def length(min: int = -1, max: int = -1) -> Length:  # noqa: A002  (WTForms' own names)
    if min > 0:
        return Length(min=min, max=max, message=_l("Use between %(min)d and %(max)d characters."))
    return Length(max=max, message=_l("Use at most %(max)d characters."))


def required_number() -> InputRequired:
    """Required, where 0 is an answer (DataRequired would refuse it)."""
    return InputRequired(message=_l("Please fill in this field."))


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in addresses, limited to what a database row id can be (a signed 64-bit
    integer), so a 20-digit id is a 404 like any unknown one, not a database overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


ROW_ID_MAX = 2**63 - 1


def page_number(text: str | None) -> int:
    """A ``?page=`` value: a whole number from 1, anything else (or beyond reason) page 1."""
    try:
        number = int(text or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= ROW_ID_MAX // 1000 else 1


def problems(form) -> str:
    """Every field's messages, each named by its label: for a form answered by a redirect,
    so the message still says which field is wrong and why."""
    return "; ".join(
        f"{getattr(form, name).label.text}: {' '.join(str(m) for m in messages)}"
        for name, messages in form.errors.items()
        if name != "csrf_token"
    )
