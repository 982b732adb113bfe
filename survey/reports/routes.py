"""The manager's home."""

from flask import Blueprint, render_template

from ..auth.session import protect
from ..database import db_session
from ..models import Role
from ..surveys import list_surveys

bp = Blueprint("reports", __name__, url_prefix="/reports")
protect(bp, [Role.MANAGER])


@bp.get("/")
def index():
    """Surveys that have been fielded, with their responses so far."""
    surveys = list_surveys(db_session(), ("open", "closed"))
    return render_template("reports/index.html", surveys=surveys)
