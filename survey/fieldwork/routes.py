"""The supervisor's home."""

from flask import Blueprint, render_template

from ..auth.session import protect
from ..database import db_session
from ..models import Role
from ..surveys import list_surveys

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork")
protect(bp, [Role.SUPERVISOR])


@bp.get("/")
def index():
    """Every survey with its status and progress."""
    return render_template("fieldwork/index.html", surveys=list_surveys(db_session()))
