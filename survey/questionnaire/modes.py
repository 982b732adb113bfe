"""How an interview is taken: the customer on the web, or an interviewer reading the script."""

from enum import StrEnum


class Mode(StrEnum):
    WEB = "web"
    CATI = "cati"
    # Colleagues rating a teller (the service star's internal parts): answered by signed-in
    # staff on their own page, never fielded as a survey wave.
    INTERNAL = "internal"


FIELD_MODES = (Mode.WEB, Mode.CATI)  # the modes a survey wave is fielded in
