"""The interviewer's home."""

from flask import Blueprint, render_template

from ..auth.session import protect
from ..database import db_session
from ..models import Role
from ..surveys import list_surveys

bp = Blueprint("cati", __name__, url_prefix="/cati")
protect(bp, [Role.INTERVIEWER])


@bp.get("/")
def index():
    """Open surveys fielded by phone."""
    surveys = [s for s in list_surveys(db_session(), ("open",)) if "cati" in s.modes]
    return render_template("cati/index.html", surveys=surveys)
