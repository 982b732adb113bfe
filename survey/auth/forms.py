"""The sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from ..validators import length, required


class LoginForm(FlaskForm):
    """Username and password, as the /login contract names them."""

    username = StringField(_l("Username"), validators=[required(), length(max=64)])
    password = PasswordField(_l("Password"), validators=[required(), length(max=256)])
