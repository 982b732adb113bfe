"""Customers completing the branch-counter survey over real HTTP, as a browser does: GET the
page, POST its answers with the CSRF token, follow the redirect. Used by the crash test and
by the load benchmark (bench/load), so both drive the server the same way.

A respondent keeps one keep-alive connection and its cookies. When the server is gone (a
crash) it waits and tries again until its deadline, then resumes where the server says it
is, as a customer reloading the page would. Every page the server acknowledged (a 302 after
the POST) is recorded, so a test can check that each one is stored.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field

# The answers each page of branch-counter gets (every question on it, valid codes).
ANSWERS = {
    "p_card": {"q_competence": "3", "q_helpful": "1", "q_delay": "3", "q_rude": "3", "q_overall": "3"},
    "p_visit": {
        "q_wait_minutes": "5",
        "q_wait": "4",
        "q_env_clean": "5",
        "q_env_seating": "4",
        "q_env_guidance": "4",
    },
    "p_recommend": {"q_nps": "9", "q_comment": "柜员很耐心"},
}  # fmt: skip
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PAGE = re.compile(r'name="page" value="([^"]+)"')
DONE_MARKER = "survey--done"
RETRY_PAUSE = 0.2


class ServerGone(Exception):
    """The connection failed or the server answered 5xx: try again after a pause."""


@dataclass
class Timings:
    """Seconds per request, by kind: 'page' (GET a survey page), 'answer' (POST a page)."""

    page: list[float] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)
    failures: int = 0  # requests that met no server (or a 5xx) and were tried again


@dataclass
class Respondent:
    host: str
    port: int
    token: str
    timings: Timings = field(default_factory=Timings)
    acknowledged: list[str] = field(default_factory=list)
    """Pages whose answers the server acknowledged, in order ('start' for the first POST)."""
    resumed_at: list[str] = field(default_factory=list)
    """The first page shown after each failed request: where the customer picked up again."""
    acknowledged_before: list[int] = field(default_factory=list)
    """How many pages had been acknowledged when each failure happened."""
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    @property
    def path(self) -> str:
        return f"/s/{self.token}"

    def _request(self, method: str, body: dict | None = None) -> tuple[int, str]:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self._connection.request(method, self.path, body=data, headers=headers)
            reply = self._connection.getresponse()
            text = reply.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self._connection.close()
            self._connection = None
            raise ServerGone(str(error)) from None
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if reply.status >= 500:
            raise ServerGone(f"{reply.status}")
        return reply.status, text

    def _timed(self, kind: str, method: str, body: dict | None = None) -> tuple[int, str]:
        started = time.perf_counter()
        status, text = self._request(method, body)
        getattr(self.timings, kind).append(time.perf_counter() - started)
        return status, text

    def _failed(self) -> None:
        if len(self.resumed_at) == self.timings.failures:  # the first failure of an outage
            self.acknowledged_before.append(len(self.acknowledged))
        self.timings.failures += 1

    def resumed_correctly(self) -> bool:
        """After each outage the customer was shown the page after the last one acknowledged
        (or a later one, when a reply was cut after its commit), never an earlier one."""
        order = ["start", *ANSWERS, "done"]
        for count, page in zip(self.acknowledged_before, self.resumed_at, strict=False):
            if count and order.index(page) <= order.index(self.acknowledged[count - 1]):
                return False
        return True

    def step(self) -> bool:
        """Load the page and answer it; True once the survey is finished."""
        try:
            status, html = self._timed("page", "GET")
        except ServerGone:
            self._failed()
            raise
        if DONE_MARKER in html:
            if len(self.resumed_at) < self.timings.failures:
                self.resumed_at.append("done")
            return True
        token = CSRF.search(html)
        if status != 200 or token is None:
            raise AssertionError(f"{self.path}: unexpected page ({status})")
        page = PAGE.search(html)
        name = page.group(1) if page else "start"
        if len(self.resumed_at) < self.timings.failures:
            self.resumed_at.append(name)
        body = {"csrf_token": token.group(1), "action": "start" if name == "start" else "next"}
        if page:
            body |= {"page": name, **ANSWERS[name]}
        try:
            status, _ = self._timed("answer", "POST", body)
        except ServerGone:
            self._failed()
            raise
        if status == 302:
            self.acknowledged.append(name)
        # 409: the page was already saved before a crash cut the reply; the next GET resumes.
        elif status != 409:
            raise AssertionError(f"{self.path}: {name} answered {status}")
        return False

    def complete(self, deadline: float) -> bool:
        """Answer until the survey is finished (True) or the deadline passes (False)."""
        while time.monotonic() < deadline:
            try:
                if self.step():
                    return True
            except ServerGone:
                time.sleep(RETRY_PAUSE)
        return False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def ceiling_request(host: str, port: int, connection=None) -> tuple[float, object]:
    """One GET of the trivial endpoint (/healthz): the server's bare cost per request."""
    connection = connection or http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", "/healthz")
    reply = connection.getresponse()
    reply.read()
    if reply.status != 200:
        raise ServerGone(f"{reply.status}")
    return time.perf_counter() - started, connection
