"""Post-call sampling for the hotline: import the day's call records, draw a share of them.

The draw is made here, by the system, from a recorded seed: never chosen by the agent whose
call it was, nor by anyone picking calls by hand. Per queue, a simple random sample of the
eligible calls is drawn at the queue's rate; the size is the rate times the eligible calls,
its fraction rounded up or down at random so that every queue's expected size is exactly
rate × calls (5 % of 10 calls gives one call half the days, not zero every day).

A call is eligible when its talk time reaches the minimum and its queue is sampled; its
customer must also be contactable: not on the do-not-contact list, not surveyed within the
suppression window (any survey, any channel), not already in this survey, and reachable on
the chosen channel. Eligible calls per queue accumulate as the stratum's population, which
gives the design weights and fpc of reports and exports. A customer drawn twice in one draw
is interviewed once. Phone numbers of calls not drawn are erased once the draw is made.
"""

from __future__ import annotations

import math
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..hotline import records as call_records
from ..models import (
    CallStatus,
    CatiCase,
    Contact,
    DoNotContact,
    HotlineCall,
    JobKind,
    SampleDraw,
    StratumPopulation,
    Survey,
    utcnow,
)
from ..questionnaire import Mode
from ..staff.registry import known_numbers
from .draws import SUPPRESSION_DAYS
from .frame_import import (
    ImportReport,
    Problem,
    import_rows,
    language_cell,
    phone_cell,
    read_rows,
)

ALIASES = {
    **call_records.ALIASES,
    "customer_ref": {"customer_ref", "customer", "客户号", "客戶號"},
    "phone": {"phone", "caller", "主叫号码", "主叫號碼", "电话", "電話"},
    "language": {"language", "语言", "語言"},
}
REQUIRED = ("call_id", "customer_ref", "queue", "agent_id", "start_time", "talk_seconds")
DEFAULTS = {"rate": 0.05, "queue_rates": {}, "min_talk_seconds": 30, "due_hours": 24}
CallFileError = call_records.CallFileError


@dataclass(frozen=True)
class PostCallRules:
    """A survey's post-call sampling rules; each a default the supervisor may change."""

    rate: float = DEFAULTS["rate"]
    queue_rates: dict | None = None  # a queue's own rate; others take ``rate``
    min_talk_seconds: int = DEFAULTS["min_talk_seconds"]
    due_hours: int = DEFAULTS["due_hours"]
    mode: str = Mode.CATI  # cati: a phone case; web: an invitation by SMS or e-mail

    @classmethod
    def for_survey(cls, survey: Survey, **overrides) -> PostCallRules:
        settings = {**DEFAULTS, **(survey.settings or {}).get("post_call", {})}
        settings.setdefault("mode", Mode.CATI if Mode.CATI in survey.modes else Mode.WEB)
        settings.update({k: v for k, v in overrides.items() if v is not None})
        rules = cls(
            rate=float(settings["rate"]),
            queue_rates={k: float(v) for k, v in (settings["queue_rates"] or {}).items()},
            min_talk_seconds=int(settings["min_talk_seconds"]),
            due_hours=int(settings["due_hours"]),
            mode=settings["mode"],
        )
        rates = [rules.rate, *rules.queue_rates.values()]
        if any(not 0 <= r <= 1 for r in rates):
            raise ValueError("a sampling rate is a share between 0 and 1, such as 0.05")
        if rules.mode not in survey.modes:
            raise ValueError(f"the survey is not fielded by {rules.mode}")
        return rules

    def rate_for(self, queue: str) -> float:
        return (self.queue_rates or {}).get(queue, self.rate)


def _call(
    line: int, cells: dict, region: str, zone: str, agents, problems: list[Problem]
) -> dict | None:
    """The call record's fields from one row, or None after logging why it cannot be imported.
    An abandoned call needs no customer (nobody spoke to them) and is never drawn."""
    before = len(problems)
    record = call_records.call_fields(line, cells, problems, zone, agents)
    ref = cells.get("customer_ref", "").strip()
    if len(ref) > 64 or (not ref and not record["abandoned"]):
        problems.append(Problem(line, "customer_ref", ref, "required, at most 64 characters"))
    record["customer_ref"] = ref
    record["phone"] = phone_cell(line, "phone", cells, region, problems)
    record["language"] = language_cell(line, cells, problems)
    return record if len(problems) == before else None


def import_calls(
    session: Session,
    survey: Survey,
    raw: bytes,
    name: str,
    accept_valid: bool = False,
    region: str = "CN",
    zone: str = "Asia/Shanghai",
    progress=None,
) -> ImportReport:
    """Check every call record; import all of them, or (``accept_valid``) only the valid ones.
    A call already imported (same call id) is reported, never imported twice."""
    header, rows = read_rows(raw, name)
    mapping = call_records.columns(header, ALIASES, REQUIRED, name)
    agents = known_numbers(session)
    return import_rows(
        session,
        HotlineCall,
        (header, rows, mapping),
        ("call_id", "was imported before"),
        lambda line, cells, problems: _call(line, cells, region, zone, agents, problems),
        {"survey_id": survey.id},
        accept_valid,
        progress,
    )


def _unreachable(session: Session, survey: Survey, calls: list[HotlineCall], now):
    """The reason each call's customer may not be contacted, keyed by call id."""
    days = int((survey.settings or {}).get("suppression_days", SUPPRESSION_DAYS))
    refs = {c.customer_ref for c in calls}
    phones = {c.phone for c in calls if c.phone}
    blocked_refs, blocked_phones = set(), set()
    for ref, phone in session.execute(
        select(DoNotContact.customer_ref, DoNotContact.phone).where(
            DoNotContact.customer_ref.in_(refs) | DoNotContact.phone.in_(phones)
        )
    ):
        blocked_refs.add(ref)
        blocked_phones.add(phone)
    blocked_refs |= set(
        session.scalars(
            select(Contact.customer_ref).where(
                Contact.customer_ref.in_(refs), Contact.do_not_contact.is_(True)
            )
        )
    )
    in_survey = set(
        session.scalars(
            select(Contact.customer_ref).where(
                Contact.survey_id == survey.id, Contact.customer_ref.in_(refs)
            )
        )
    )
    recent = set(
        session.scalars(
            select(Contact.customer_ref).where(
                Contact.customer_ref.in_(refs),
                Contact.released_at >= now - timedelta(days=days),
            )
        )
    )
    reasons = {}
    for call in calls:
        if call.customer_ref in blocked_refs or (call.phone and call.phone in blocked_phones):
            reasons[call.id] = "do_not_contact"
        elif call.customer_ref in in_survey:
            reasons[call.id] = "already_in_survey"
        elif call.customer_ref in recent:
            reasons[call.id] = "suppression_window"
        elif not call.phone:
            reasons[call.id] = "no_phone"
    return reasons


def _sample_size(rng, rate: float, eligible: int) -> int:
    """rate × eligible, its fraction rounded up with that probability (expected size exact)."""
    expected = rate * eligible
    whole = math.floor(expected)
    return min(eligible, whole + int(rng.random() < expected - whole))


def draw_calls(
    session: Session,
    survey: Survey,
    rules: PostCallRules,
    seed: int | None = None,
    now: datetime | None = None,
    user_id: int | None = None,
    zone: str = "Asia/Shanghai",
) -> SampleDraw:
    """Draw from every call not yet drawn from; create the contacts and their cases or links."""
    now = now or utcnow()
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = np.random.default_rng(seed)
    calls = session.scalars(
        select(HotlineCall)
        .where(HotlineCall.survey_id == survey.id, HotlineCall.status == CallStatus.NEW)
        .order_by(HotlineCall.queue, HotlineCall.call_id)
    ).all()
    in_scope = []
    for call in calls:
        if call.abandoned:
            call.status, call.reason = CallStatus.INELIGIBLE, "abandoned"
        elif call.talk_seconds < rules.min_talk_seconds:
            call.status, call.reason = CallStatus.INELIGIBLE, "talk_under_minimum"
        elif rules.rate_for(call.queue) == 0:
            call.status, call.reason = CallStatus.INELIGIBLE, "queue_not_sampled"
        else:
            in_scope.append(call)
    population = Counter(call.queue for call in in_scope)
    reasons = _unreachable(session, survey, in_scope, now)
    eligible: dict[str, list[HotlineCall]] = defaultdict(list)
    for call in in_scope:
        if call.id in reasons:
            call.status, call.reason = CallStatus.INELIGIBLE, reasons[call.id]
        else:
            eligible[call.queue].append(call)
    allocation, drawn_refs = {}, set()
    record = SampleDraw(survey_id=survey.id, method="post-call", seed=seed, size=0, allocation={})
    session.add(record)
    session.flush()
    for queue in sorted(eligible):
        members = eligible[queue]
        size = _sample_size(rng, rules.rate_for(queue), len(members))
        picks = set(rng.choice(len(members), size, replace=False).tolist())
        allocation[queue] = 0
        for index, call in enumerate(members):
            call.draw_id = record.id
            if index not in picks:
                call.status = CallStatus.NOT_DRAWN
            elif call.customer_ref in drawn_refs:
                call.status, call.reason = CallStatus.NOT_DRAWN, "customer_drawn_twice"
            else:
                drawn_refs.add(call.customer_ref)
                call.status = CallStatus.DRAWN
                call.contact_id = _make_contact(session, survey, call, rules, now, zone).id
                allocation[queue] += 1
    for call in calls:
        if call.status != CallStatus.DRAWN:
            call.phone = None  # data minimisation: the survey no longer needs the number
    _add_populations(session, survey, population)
    record.size, record.allocation, record.created_by = (
        sum(allocation.values()),
        allocation,
        user_id,
    )
    record.parameters = {
        "rate": rules.rate,
        "queue_rates": rules.queue_rates or {},
        "min_talk_seconds": rules.min_talk_seconds,
        "due_hours": rules.due_hours,
        "mode": rules.mode,
        "calls": len(calls),
        "eligible": dict(population),
        "excluded": dict(Counter(c.reason for c in calls if c.status == CallStatus.INELIGIBLE)),
    }
    return record


def _make_contact(session: Session, survey: Survey, call: HotlineCall, rules, now, zone) -> Contact:
    started = call.started_at.astimezone(ZoneInfo(zone))
    contact = Contact(
        survey_id=survey.id,
        customer_ref=call.customer_ref,
        phone=call.phone,
        language=call.language,
        time_zone=zone,
        stratum=call.queue,
        attributes={
            "channel": "hotline",
            "queue": call.queue,
            "staff_id": call.agent_id,
            "transferred": "yes" if call.transferred else "no",
            "call_date": started.date().isoformat(),
            **({} if call.wait_seconds is None else {"wait_seconds": f"{call.wait_seconds:g}"}),
        },
        sampled=True,
        replicate=1,
        released_at=now,
    )
    session.add(contact)
    session.flush()
    if rules.mode == Mode.CATI:
        session.add(
            CatiCase(
                survey_id=survey.id,
                contact_id=contact.id,
                next_call_at=now,
                due_by=call.started_at + timedelta(hours=rules.due_hours),
                priority=1,
            )
        )
    return contact


def _add_populations(session: Session, survey: Survey, counts: Counter) -> None:
    """Eligible calls per queue accumulate as the stratum's population."""
    known = {
        p.stratum: p
        for p in session.scalars(
            select(StratumPopulation).where(StratumPopulation.survey_id == survey.id)
        )
    }
    for queue, count in counts.items():
        if queue in known:
            known[queue].population += count
        else:
            session.add(
                StratumPopulation(
                    survey_id=survey.id, stratum=queue, population=count, source=JobKind.CALLS
                )
            )
