"""Flask extensions created unbound here and bound to the application in the factory."""

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
