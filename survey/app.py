"""The application factory: it assembles configuration, extensions and blueprints, nothing more."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import alerts, fragments, i18n, labels, security
from . import config as configuration
from .accounts.sessions import load_signed_in_user
from .admin import bp as admin_bp
from .alerts.sources import follow_alerts
from .analysis.facts import follow_completes
from .api import bp as api_bp
from .auth import bp as auth_bp
from .cati import bp as cati_bp
from .cli import commands
from .comments.readings import follow_comments
from .database import Database
from .errors import register_error_handlers
from .extensions import csrf
from .fieldwork import bp as fieldwork_bp
from .followups.opening import follow_complaints
from .health import bp as health_bp
from .inbox import bp as inbox_bp
from .mypage import bp as mypage_bp
from .notifications import bp as notifications_bp
from .reports import bp as reports_bp
from .tasks import jobs as background
from .tasks import queue, work  # noqa: F401 (work declares the tasks on the queue)
from .validators import RowIdConverter
from .web import bp as web_bp


def _resource_dir(name: str) -> str:
    """Top-level folder in a checkout, or its copy inside the installed package."""
    packaged = Path(__file__).parent / name
    return str(packaged if packaged.is_dir() else Path(__file__).parent.parent / name)


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
        instance_path=os.environ.get("SURVEY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.from_mapping(configuration.from_environment(app.instance_path))
    app.config["QUESTIONNAIRE_DIR"] = _resource_dir("questionnaires")
    if config:
        app.config.from_mapping(config)

    app.url_map.converters["int"] = RowIdConverter
    Database().init_app(app)
    follow_completes()
    follow_complaints()
    follow_comments()
    follow_alerts(alerts.policy, alerts.base_url)  # after the cases: an alert links its case
    background.follow_submissions()
    queue.bind(app)
    csrf.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    fragments.init_app(app)
    security.init_app(app)
    app.before_request(load_signed_in_user)

    for blueprint in (
        health_bp,
        auth_bp,
        admin_bp,
        api_bp,
        cati_bp,
        fieldwork_bp,
        inbox_bp,
        mypage_bp,
        notifications_bp,
        reports_bp,
        web_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    commands.init_app(app)
    return app
