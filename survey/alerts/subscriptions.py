"""Who hears of what: subscriptions checked where they are made, and the people an alert
reaches.

A subscription names a person or a role (every active account with it), a kind, a survey
(or every survey) and a branch (or every branch the person may see). A manager limited to
some branches never hears of another branch's alert, whatever the subscription says.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from ..models import (
    AlertKind,
    AlertSubscription,
    Delivery,
    ReportFilterValue,
    Role,
    StaffMember,
    Survey,
    User,
)
from ..questionnaire.types import kind_of
from ..surveys.versions import questionnaire_of

CHANNELS = ("email", "sms")
SUBSCRIBING_ROLES = (Role.MANAGER, Role.SUPERVISOR, Role.ADMIN)


class SubscriptionError(ValueError):
    """A subscription that cannot work; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Rule:
    """What a subscription asks for, as typed on the form or the command line."""

    kind: str
    survey_slug: str | None = None
    branch: str | None = None
    question_id: str | None = None
    threshold: float | None = None
    delivery: str = Delivery.IMMEDIATE
    channels: tuple[str, ...] = ("email",)


def known_branches(session: Session, survey_id: int | None = None) -> set[str]:
    """Branches the product knows: those responses carry, and the staff registry's."""
    query = select(ReportFilterValue.value).where(ReportFilterValue.name == "branch")
    if survey_id is not None:
        query = query.where(ReportFilterValue.survey_id == survey_id)
    found = set(session.scalars(query))
    found |= set(session.scalars(select(StaffMember.branch).where(StaffMember.branch.is_not(None))))
    return found


def _check(session: Session, rule: Rule) -> Survey | None:
    if rule.kind not in set(AlertKind):
        raise SubscriptionError(
            "kind", f"unknown alert kind {rule.kind!r}; the kinds are {', '.join(AlertKind)}"
        )
    if rule.delivery not in (Delivery.IMMEDIATE, Delivery.DIGEST):
        raise SubscriptionError(
            "delivery", f"unknown delivery {rule.delivery!r}; use immediate or digest"
        )
    unknown = [c for c in rule.channels if c not in CHANNELS]
    if unknown:
        raise SubscriptionError("channels", f"unknown channel {unknown[0]!r}; use email or sms")
    survey = None
    if rule.survey_slug:
        survey = session.scalar(select(Survey).where(Survey.slug == rule.survey_slug))
        if survey is None:
            raise SubscriptionError("survey", f"no survey is called {rule.survey_slug!r}")
    if rule.branch and rule.branch not in known_branches(session):
        raise SubscriptionError(
            "branch", f"branch {rule.branch!r} is not known (no response or staff member names it)"
        )
    if rule.question_id:
        if rule.kind != AlertKind.LOW_SCORE:
            raise SubscriptionError("question", "only a low-score alert reads a question")
        if survey is None:
            raise SubscriptionError("question", "name the survey whose question is read")
        question = questionnaire_of(survey.questionnaire_version).question_of_answer(
            rule.question_id
        )
        if question is None or not kind_of(question).number and not question.choices:
            raise SubscriptionError(
                "question",
                f"survey {survey.slug} has no scored question {rule.question_id!r}",
            )
    return survey


def subscribe(
    session: Session, rule: Rule, *, user: User | None = None, role: str | None = None,
    created_by: int | None = None,
) -> AlertSubscription:  # fmt: skip
    """Check and store a subscription for one person or for a role (SubscriptionError)."""
    if (user is None) == (role is None):
        raise SubscriptionError("role", "a subscription is for one person or for one role")
    if role is not None and role not in SUBSCRIBING_ROLES:
        raise SubscriptionError("role", f"role {role!r} cannot subscribe to alerts")
    survey = _check(session, rule)
    subscription = AlertSubscription(
        user_id=user.id if user else None, role=role, kind=rule.kind,
        survey_id=survey.id if survey else None, branch=rule.branch or None,
        question_id=rule.question_id or None, threshold=rule.threshold,
        delivery=rule.delivery, channels=list(rule.channels), created_by=created_by,
    )  # fmt: skip
    session.add(subscription)
    session.flush()
    return subscription


def may_see(user: User, branch: str | None) -> bool:
    return branch is None or not user.branches or branch in user.branches


_REACHING = (  # built once: it runs in every completing request
    select(AlertSubscription)
    .where(
        AlertSubscription.kind == bindparam("kind"),
        or_(
            AlertSubscription.survey_id.is_(None),
            AlertSubscription.survey_id == bindparam("survey"),
        ),
        or_(AlertSubscription.branch.is_(None), AlertSubscription.branch == bindparam("branch")),
    )
    .order_by(AlertSubscription.user_id.is_(None), AlertSubscription.id)
)


def matching(
    session: Session, kind: str, survey_id: int, branch: str | None
) -> list[tuple[AlertSubscription, User]]:
    """(subscription, person) for everyone an alert of this kind, survey and branch reaches;
    one entry a person (their own subscription before their role's)."""
    subscriptions = session.scalars(
        _REACHING, {"kind": kind, "survey": survey_id, "branch": branch}
    ).all()
    reached: dict[int, tuple[AlertSubscription, User]] = {}
    for subscription in subscriptions:
        if subscription.user_id is not None:
            people = [session.get(User, subscription.user_id)]
        else:
            people = session.scalars(
                select(User).where(User.role == subscription.role, User.active.is_(True))
            ).all()
        for person in people:
            if person is not None and person.active and may_see(person, branch):
                reached.setdefault(person.id, (subscription, person))
    return list(reached.values())
