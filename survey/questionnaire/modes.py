"""How an interview is taken: the customer on the web, or an interviewer reading the script."""

from enum import StrEnum


class Mode(StrEnum):
    WEB = "web"
    CATI = "cati"
