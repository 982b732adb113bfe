"""Open links for the lobby: a survey's one address, with the branch, counter, staff number
(and, for a counter kiosk, the device) as a signed parameter, its QR code and its card.

The place is signed with the app's secret (``itsdangerous``, as Flask signs its session),
so a customer who edits ``?at=`` gets a refusal, never a response credited to another
branch or teller. The signature covers the place alone, not the wave, so a card printed
for a counter keeps working when next month's wave (a clone) takes over the link.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import asdict, dataclass

import segno
from itsdangerous import BadSignature, URLSafeSerializer

from ..models import Survey

SALT = "open-link-place"
CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
FORMATS = ("svg", "png", "pdf")
# The kiosk's default idle time before it clears the screen for the next customer.
KIOSK_IDLE_SECONDS = 90


class PlaceError(ValueError):
    """A place that cannot be signed, or a signed parameter that was altered."""


@dataclass(frozen=True)
class Place:
    """Where an open-link answer comes from: branch, counter, staff number, kiosk device."""

    branch: str = ""
    counter: str = ""
    staff: str = ""
    device: str = ""  # set for a kiosk: its starts are limited per device, not per address

    @property
    def kiosk(self) -> bool:
        return bool(self.device)

    def attributes(self) -> dict:
        """The response's segment attributes (the names reports already know)."""
        named = {"branch": self.branch, "counter": self.counter, "staff_id": self.staff}
        return {k: v for k, v in named.items() if v}

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def place(branch="", counter="", staff="", kiosk=False) -> Place:
    """A checked place; a kiosk gets a fresh device id."""
    for name, value in (("branch", branch), ("counter", counter), ("staff", staff)):
        if value and not CODE.match(value):
            raise PlaceError(
                f"The {name} {value!r} is not a code: 1 to 32 letters, digits, dots, dashes "
                "or underscores."
            )
    return Place(branch or "", counter or "", staff or "", secrets.token_hex(6) if kiosk else "")


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def sign(secret: str, where: Place) -> str | None:
    """The signed parameter of a place (None for the plain link, which names none)."""
    return _serializer(secret).dumps(where.as_dict()) if where.as_dict() else None


def read(secret: str, token: str | None) -> Place:
    """The place a signed parameter names: an empty place without one, PlaceError when it was
    altered or made with another key."""
    if not token:
        return Place()
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        raise PlaceError("altered") from None
    if not isinstance(data, dict) or not set(data) <= {"branch", "counter", "staff", "device"}:
        raise PlaceError("altered")
    return Place(**{k: str(v) for k, v in data.items()})


def places_of(survey: Survey) -> list[Place]:
    """The places a survey's open link was handed out for (its cards and kiosks)."""
    return [Place(**p) for p in (survey.settings or {}).get("places", [])]


def add_place(survey: Survey, where: Place) -> Place:
    """Remember a place for the links page (an equal one is not listed twice)."""
    known = places_of(survey)
    if where not in known:
        survey.settings = {
            **(survey.settings or {}),
            "places": [p.as_dict() for p in (*known, where)],
        }
    return where


def path_of(survey: Survey, token: str | None, kiosk: bool) -> str:
    """The open link's path (a kiosk's own), with the signed place."""
    base = f"/k/{survey.slug}" if kiosk else f"/o/{survey.slug}"
    return f"{base}?at={token}" if token else base


def public_url(survey: Survey, where: Place, secret: str, base_url: str) -> str:
    """The address customers open for a place: the public base address, the signed place."""
    return base_url + path_of(survey, sign(secret, where), where.kiosk)


def file_name(survey: Survey, where: Place, kind: str) -> str:
    """A QR code's file name: the survey and the place, e.g. counter-2026-12-SH001.png."""
    return "-".join(filter(None, [survey.slug, *where.as_dict().values()])) + f".{kind}"


def qr_code(url: str, kind: str) -> bytes:
    """The QR code of an address as SVG, PNG or PDF (error correction M: a card survives a
    scratch). A 4-module quiet zone, as the standard asks."""
    if kind not in FORMATS:
        raise PlaceError(f"Unknown format {kind!r}: use one of {', '.join(FORMATS)}.")
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    options = {"scale": 10} if kind == "png" else {"scale": 4}
    if kind == "svg":
        options.update(xmldecl=False, svgns=True, title=url)
    code.save(buffer, kind=kind, border=4, **options)
    return buffer.getvalue()
