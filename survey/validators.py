"""WTForms validators with messages from our own catalogs, so they read well in Chinese."""

from flask_babel import lazy_gettext as _l
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
