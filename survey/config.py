"""Configuration read from the environment, so no secret lives in the code."""

import os
import secrets
from pathlib import Path

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
"""Interface and questionnaire languages, as BCP-47 tags."""


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot run the application."""


def _secret_key(instance_path: Path, production: bool) -> str:
    """Return SECRET_KEY; in development generate one once and keep it in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigurationError(
            "SECRET_KEY is not set. With SURVEY_ENV=production the application needs a "
            "long random SECRET_KEY in its environment, for example the output of "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables (documented in the README)."""
    instance = Path(instance_path)
    production = os.environ.get("SURVEY_ENV", "development") == "production"
    default_db = f"sqlite:///{instance / 'survey.sqlite3'}"
    base_url = os.environ.get("SURVEY_BASE_URL", "http://localhost:5000").rstrip("/")
    return {
        "SURVEY_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance, production),
        "SURVEY_DATABASE_URL": os.environ.get("SURVEY_DATABASE_URL", default_db),
        "SURVEY_BASE_URL": base_url,
        # The bank's own closures, beyond the public calendars: CN:YYYY-MM-DD,HK:YYYY-MM-DD
        "SURVEY_CLOSURES": os.environ.get("SURVEY_CLOSURES", ""),
        "SESSION_COOKIE_SECURE": _flag(
            "SURVEY_SECURE_COOKIES", production or base_url.startswith("https://")
        ),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "survey_session",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SURVEY_SESSION_HOURS", "12")) * 3600,
        "SESSION_MAX_HOURS": int(os.environ.get("SURVEY_SESSION_MAX_HOURS", "24")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("SURVEY_MAX_UPLOAD_MB", "32")) * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_MAX_FAILURES": int(os.environ.get("SURVEY_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("SURVEY_LOGIN_LOCK_MINUTES", "15")),
        "TOKEN_GUESS_LIMIT": int(os.environ.get("SURVEY_TOKEN_GUESS_LIMIT", "30")),
        "SIGN_IN_LIMIT": int(os.environ.get("SURVEY_SIGN_IN_LIMIT", "20")),
        "SURVEY_PROXY_COUNT": int(os.environ.get("SURVEY_PROXY_COUNT", "0")),
        "SURVEY_PHONE_REGION": os.environ.get("SURVEY_PHONE_REGION", "CN"),
        "SURVEY_MESSAGE_ADAPTER": os.environ.get("SURVEY_MESSAGE_ADAPTER", "file"),
        "SURVEY_OUTBOX_DIR": os.environ.get("SURVEY_OUTBOX_DIR"),
        "SURVEY_SMTP_HOST": os.environ.get("SURVEY_SMTP_HOST"),
        "SURVEY_SMTP_PORT": os.environ.get("SURVEY_SMTP_PORT", "587"),
        "SURVEY_SMTP_USER": os.environ.get("SURVEY_SMTP_USER"),
        "SURVEY_SMTP_PASSWORD": os.environ.get("SURVEY_SMTP_PASSWORD"),
        "SURVEY_MAIL_FROM": os.environ.get("SURVEY_MAIL_FROM"),
        # The task queue: unset, an SQLite file in the instance folder; redis://… in production.
        "SURVEY_QUEUE_URL": os.environ.get("SURVEY_QUEUE_URL"),
        "SURVEY_JOB_LEASE_SECONDS": int(os.environ.get("SURVEY_JOB_LEASE_SECONDS", "120")),
        # The service star: customer responses a staff member needs to be ranked.
        "STAR_MIN_RESPONSES": int(os.environ.get("SURVEY_STAR_MIN_RESPONSES", "10")),
        # The hotline's targets (DOMAIN.md): answered within the threshold, abandoned,
        # handled by the first line, recorded; each a share, "max" for abandonment.
        "HOTLINE_THRESHOLD_SECONDS": int(os.environ.get("SURVEY_HOTLINE_THRESHOLD", "15")),
        "HOTLINE_TARGETS": {
            "service_level": float(os.environ.get("SURVEY_TARGET_SERVICE_LEVEL", "0.85")),
            "abandonment_rate": float(os.environ.get("SURVEY_TARGET_ABANDONMENT", "0.05")),
            "first_line_rate": float(os.environ.get("SURVEY_TARGET_FIRST_LINE", "0.95")),
            "recording_rate": float(os.environ.get("SURVEY_TARGET_RECORDING", "0.95")),
        },
        # Comments: the text as typed (before masking phone, ID, card numbers and e-mail)
        # is kept for admins only when the bank's policy allows it.
        "KEEP_RAW_COMMENTS": _flag("SURVEY_KEEP_RAW_COMMENTS", False),
        # Alerts: no e-mail or SMS between these hours (bank time; held until the end),
        # at most this many immediate messages an hour to one person (the rest wait for the
        # digest), and the hour the daily digest goes out.
        "ALERT_QUIET_HOURS": os.environ.get("SURVEY_ALERT_QUIET_HOURS", "22-8"),
        "ALERT_HOURLY_LIMIT": int(os.environ.get("SURVEY_ALERT_HOURLY_LIMIT", "10")),
        "ALERT_DIGEST_HOUR": int(os.environ.get("SURVEY_ALERT_DIGEST_HOUR", "8")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("SURVEY_TIME_ZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
    }
