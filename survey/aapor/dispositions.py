"""AAPOR final dispositions, the rule that turns call attempts into one, and outcome rates.

Codes, classes and formulas follow the American Association for Public Opinion Research,
*Standard Definitions: Final Dispositions of Case Codes and Outcome Rates for Surveys*
(10th ed., 2023), telephone and web tables, as they apply to a bank's list of customers.

Rate classes: I complete, P partial, R refusal and break-off, NC non-contact, O other
eligible non-interview, UH unknown if the number reaches the customer, UO other unknown
eligibility, NE not eligible.

The final disposition of a case is the highest-ranked outcome among its attempts (not
simply the last one): an interview beats everything; any evidence that the customer was
reached and eligible (a refusal, an "other" outcome, a non-contact at a known number) beats
evidence of ineligibility, which beats unknown eligibility. Within one class the most
recent attempt's code is kept. A case never attempted is 3.11 (not attempted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class DispositionCode(StrEnum):
    """The codes the product itself sets or looks for; every code and its wording is in
    ``DISPOSITIONS``."""

    COMPLETE = "1.1"
    PARTIAL = "1.2"
    REFUSAL = "2.11"
    HARD_REFUSAL = "2.111"  # do not call again
    BREAK_OFF = "2.12"
    APPOINTMENT = "2.36"
    NOT_ATTEMPTED = "3.11"
    QUOTA_FILLED = "4.80"


CLASSES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")
RANK = {"I": 8, "P": 7, "R": 6, "O": 5, "NC": 4, "NE": 3, "UO": 2, "UH": 1}
HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class Disposition:
    """One outcome code with its rate class and its calling rules (defaults a survey may change)."""

    code: str
    rate_class: str
    labels: Mapping[str, str]  # zh-Hans, zh-Hant, en
    final: bool  # ends the case at once
    retry_seconds: int | None = None  # for a non-final outcome: when to call again
    max_uses: int | None = None  # how often it may recur before the case is closed with it
    note_required: bool = False
    callback_required: bool = False  # an appointment: the agreed time must be given

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


def _d(
    code, rate_class, zh_hans, zh_hant, en, final=True, retry=None, uses=None, note=False,
    callback=False,
):  # fmt: skip
    return Disposition(
        code,
        rate_class,
        {"zh-Hans": zh_hans, "zh-Hant": zh_hant, "en": en},
        final,
        retry,
        uses,
        note,
        callback,
    )


DISPOSITIONS: dict[str, Disposition] = {
    d.code: d
    for d in (
        _d(DispositionCode.COMPLETE, "I", "完成访问", "完成訪問", "Complete"),
        _d(
            DispositionCode.PARTIAL,
            "P",
            "部分完成",
            "部分完成",
            "Partial",
            final=False,
            retry=2 * HOUR,
            uses=3,
        ),
        _d(
            DispositionCode.REFUSAL,
            "R",
            "拒访",
            "拒絕訪問",
            "Refusal",
            final=False,
            retry=7 * DAY,
            uses=2,
            note=True,
        ),
        _d(
            DispositionCode.HARD_REFUSAL,
            "R",
            "明确拒访（不再联系）",
            "明確拒絕（不再聯絡）",
            "Hard refusal (do not call again)",
            note=True,
        ),
        _d(
            DispositionCode.BREAK_OFF,
            "R",
            "中途终止",
            "中途終止",
            "Break-off",
            final=False,
            retry=1 * DAY,
            uses=2,
            note=True,
        ),
        _d(
            "2.21",
            "NC",
            "受访者一直不在",
            "受訪者一直不在",
            "Respondent never available",
            final=False,
            retry=4 * HOUR,
            uses=6,
        ),
        _d(
            "2.221",
            "NC",
            "录音电话（已留言）",
            "錄音電話（已留言）",
            "Answering machine, message left",
            final=False,
            retry=1 * DAY,
            uses=3,
        ),
        _d(
            "2.222",
            "NC",
            "录音电话（未留言）",
            "錄音電話（未留言）",
            "Answering machine, no message",
            final=False,
            retry=4 * HOUR,
            uses=6,
        ),
        _d("2.31", "O", "受访者已故", "受訪者已故", "Respondent deceased", note=True),
        _d(
            "2.32",
            "O",
            "身体或精神状况不能受访",
            "身體或精神狀況不能受訪",
            "Physically or mentally unable",
            note=True,
        ),
        _d("2.33", "O", "语言障碍", "語言障礙", "Language problem", note=True),
        _d("2.35", "O", "其他（合格）", "其他（合資格）", "Other, eligible", note=True),
        # The customer was reached and asked to be called at another time: contact made, so
        # an "other eligible" outcome (AAPOR 2.30 family) until the callback converts it.
        _d(
            DispositionCode.APPOINTMENT,
            "O",
            "预约回拨",
            "預約回電",
            "Appointment: the customer asked to be called back",
            final=False,
            retry=1 * DAY,  # only if the appointment is lost; the agreed time comes first
            uses=5,
            callback=True,
        ),
        _d(
            DispositionCode.NOT_ATTEMPTED,
            "UH",
            "未拨打",
            "未致電",
            "Not attempted",
            final=False,
            retry=0,
        ),
        _d("3.12", "UH", "占线", "線路繁忙", "Busy", final=False, retry=1 * HOUR, uses=8),
        _d("3.13", "UH", "无人接听", "無人接聽", "No answer", final=False, retry=3 * HOUR, uses=8),
        _d(
            "3.14",
            "UH",
            "录音电话（未确认本人）",
            "錄音電話（未確認本人）",
            "Answering machine, owner unknown",
            final=False,
            retry=4 * HOUR,
            uses=6,
        ),
        _d(
            "3.16",
            "UH",
            "线路技术问题",
            "線路技術問題",
            "Technical phone problem",
            final=False,
            retry=2 * HOUR,
            uses=3,
        ),
        _d(
            "3.21",
            "UO",
            "未能确认受访资格",
            "未能確認受訪資格",
            "Eligibility not established",
            final=False,
            retry=1 * DAY,
            uses=3,
        ),
        _d(
            "3.90",
            "UO",
            "其他（资格不明）",
            "其他（資格不明）",
            "Other, eligibility unknown",
            note=True,
        ),
        _d("4.10", "NE", "样本外", "樣本以外", "Out of sample", note=True),
        _d("4.20", "NE", "传真或数据线路", "傳真或數據線路", "Fax or data line"),
        _d("4.31", "NE", "空号", "空號", "Non-working number"),
        _d("4.32", "NE", "停机", "已停用號碼", "Disconnected number"),
        _d(
            "4.50",
            "NE",
            "非客户本人号码（单位电话）",
            "非客戶本人號碼（公司電話）",
            "Business or other non-customer number",
        ),
        _d("4.70", "NE", "无合格受访者", "沒有合資格受訪者", "No eligible respondent"),
        _d(DispositionCode.QUOTA_FILLED, "NE", "配额已满", "配額已滿", "Quota filled"),
    )
}
NOT_ATTEMPTED = DispositionCode.NOT_ATTEMPTED


class DispositionError(ValueError):
    """An unknown disposition code."""


def disposition(code: str) -> Disposition:
    try:
        return DISPOSITIONS[code]
    except KeyError:
        raise DispositionError(
            f"unknown disposition {code!r}; the codes are {', '.join(DISPOSITIONS)}"
        ) from None


def final_disposition(attempt_codes: Iterable[str]) -> str:
    """The case's disposition from its attempts in time order: the highest-ranked class wins,
    the latest code within that class is kept; no attempt → 3.11."""
    best, best_rank = NOT_ATTEMPTED, 0
    for code in attempt_codes:
        rank = RANK[disposition(code).rate_class]
        if rank >= best_rank:
            best, best_rank = code, rank
    return best


@dataclass(frozen=True)
class Rates:
    """Counts per class, the e used, and every AAPOR rate (None where a denominator is 0)."""

    counts: Mapping[str, int]
    e: float
    e_source: str  # "proportional" (AAPOR's estimate) or "given"
    values: Mapping[str, float | None]

    def as_json(self) -> dict:
        return {**{k: self.counts[k] for k in CLASSES}, "e": self.e, **self.values}


def proportional_e(counts: Mapping[str, int]) -> float:
    """AAPOR's proportional estimate: the eligible share among cases of known eligibility."""
    known_eligible = sum(counts[k] for k in ("I", "P", "R", "NC", "O"))
    known = known_eligible + counts["NE"]
    return known_eligible / known if known else 1.0


def outcome_rates(counts: Mapping[str, int], e: float | None = None) -> Rates:
    """RR1–RR6, COOP1–4, REF1–3 and CON1–3 (Standard Definitions, 2023) from class counts."""
    missing = [k for k in CLASSES if k not in counts]
    if missing:
        raise ValueError(f"counts need every class; missing {', '.join(missing)}")
    if e is not None and not 0 <= e <= 1:
        raise ValueError(f"e is the eligible share of unknown cases, between 0 and 1, not {e}")
    source = "proportional" if e is None else "given"
    e = proportional_e(counts) if e is None else float(e)
    c = {k: int(counts[k]) for k in CLASSES}
    interviews = c["I"] + c["P"]
    eligible_non = c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]

    def ratio(top, bottom):
        return top / bottom if bottom else None

    values = {
        "RR1": ratio(c["I"], interviews + eligible_non + unknown),
        "RR2": ratio(interviews, interviews + eligible_non + unknown),
        "RR3": ratio(c["I"], interviews + eligible_non + e * unknown),
        "RR4": ratio(interviews, interviews + eligible_non + e * unknown),
        "RR5": ratio(c["I"], interviews + eligible_non),
        "RR6": ratio(interviews, interviews + eligible_non),
        "COOP1": ratio(c["I"], interviews + c["R"] + c["O"]),
        "COOP2": ratio(interviews, interviews + c["R"] + c["O"]),
        "COOP3": ratio(c["I"], interviews + c["R"]),
        "COOP4": ratio(interviews, interviews + c["R"]),
        "REF1": ratio(c["R"], interviews + eligible_non + unknown),
        "REF2": ratio(c["R"], interviews + eligible_non + e * unknown),
        "REF3": ratio(c["R"], interviews + eligible_non),
        "CON1": ratio(
            interviews + c["R"] + c["O"], interviews + c["R"] + c["O"] + c["NC"] + unknown
        ),
        "CON2": ratio(
            interviews + c["R"] + c["O"], interviews + c["R"] + c["O"] + c["NC"] + e * unknown
        ),
        "CON3": ratio(interviews + c["R"] + c["O"], interviews + c["R"] + c["O"] + c["NC"]),
    }
    return Rates(c, e, source, values)


def class_counts(final_codes: Iterable[str]) -> dict[str, int]:
    """How many cases fall in each rate class."""
    counts = dict.fromkeys(CLASSES, 0)
    for code in final_codes:
        counts[disposition(code).rate_class] += 1
    return counts
