"""HTTP security headers sent with every response, the trusted-proxy setting, and the
tokens and keyed hashes that stand in for secrets and addresses in the database."""

import hashlib
import hmac
import secrets

from flask import abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _refuse_nul_characters():
    """A NUL character has no place in an address or a form field, and PostgreSQL refuses it
    in text: answer 400 at the door rather than a database error deep inside."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in FORM_TYPES:
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


def _add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Survey addresses carry personal tokens: never leak them to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    proxies = app.config.get("SURVEY_PROXY_COUNT", 0)
    if proxies:
        # Behind N trusted proxies the client's address and scheme come from their headers,
        # so the guessing limit and the audit log see customers, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.before_request(_refuse_nul_characters)
    app.after_request(_add_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_add_hsts)


def _add_hsts(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def hash_token(token: str) -> str:
    """Tokens and resume keys are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def client_key(secret: str, address: str) -> str:
    """A keyed hash of a client address: enough to rate-limit, never the address itself."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()
