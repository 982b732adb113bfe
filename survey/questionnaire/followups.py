"""Follow-up rules: which finished interviews open a follow-up case, of what class, how
urgent, how complex and whose to work.

Written in the questionnaire file under ``followups:``, checked like the rest of it:

    followups:
      - id: low_overall
        if: q_overall <= 2                 # the expression language of show_if
        category: service.attitude
        priority: high                     # high, normal, low
        complexity: ordinary               # ordinary (3 working days) or complex (7–10)
        owner: branch                      # the response's branch, or team:NAME
      - id: complaint_comment
        comment: q_comment                 # a text answer that reads as a complaint
        owner: team:service-quality        # its category: the class its words match

A rule naming an unknown question, or comparing a question with a code it does not have,
is an error: a rule that can never fire would leave unhappy customers unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .expressions import Expression
from .model import Questionnaire
from .reader import Mapping, Sequence

RULE_KEYS = {"id", "if", "comment", "category", "priority", "complexity", "owner"}
# The complaint classes banks use (DOMAIN.md): service quality, operations, other.
CATEGORIES = (
    "service.attitude",
    "service.product",
    "service.channel",
    "operations.mistake",
    "operations.management",
    "operations.violation",
    "other",
)
PRIORITIES = ("high", "normal", "low")
COMPLEXITIES = ("ordinary", "complex")
OWNER = re.compile(r"^(branch|team:[a-z0-9][a-z0-9_-]{0,62})$")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# Words that place a comment in a complaint class, in the order tried (the first class
# whose words appear wins); Simplified and Traditional Chinese and English.
COMPLAINT_WORDS = {
    "operations.violation": (
        "违规",
        "違規",
        "搭售",
        "误导",
        "誤導",
        "泄露",
        "洩露",
        "mis-sold",
        "misled",
        "leaked",
    ),
    "operations.mistake": (
        "出错",
        "出錯",
        "弄错",
        "弄錯",
        "算错",
        "算錯",
        "多扣",
        "错账",
        "錯賬",
        "mistake",
        "wrong amount",
        "overcharged",
        "error",
    ),
    "operations.management": (
        "推诿",
        "推諉",
        "踢皮球",
        "没人管",
        "沒人管",
        "没人处理",
        "沒人處理",
        "passed around",
        "nobody dealt",
    ),
    "service.attitude": (
        "态度",
        "態度",
        "不耐烦",
        "不耐煩",
        "冷漠",
        "不礼貌",
        "不禮貌",
        "rude",
        "impolite",
        "unfriendly",
        "attitude",
    ),
    "service.product": (
        "手续费",
        "手續費",
        "收费",
        "收費",
        "年费",
        "年費",
        "利率",
        "理财",
        "理財",
        "fee",
        "charge",
        "interest rate",
    ),
    "service.channel": (
        "排队",
        "排隊",
        "等太久",
        "等了",
        "手机银行",
        "手機銀行",
        "网银",
        "網銀",
        "闪退",
        "閃退",
        "app",
        "atm",
        "queue",
        "waited",
    ),
    "other": ("投诉", "投訴", "不满", "不滿", "complain"),
}


@dataclass(frozen=True)
class FollowupRule:
    id: str
    condition: Expression | None  # the rule fires when it holds...
    comment: str | None  # ...or when this text answer reads as a complaint
    category: str | None  # None: the class the comment's words match
    priority: str
    complexity: str
    owner: str  # "branch" or "team:NAME"
    line: int | None = None

    def fires(self, questionnaire: Questionnaire, scope, answers: Mapping) -> str | None:
        """The case's category when this rule fires on a finished interview, else None."""
        if self.condition is not None:
            return self.category if self.condition.holds(scope) else None
        text = answers.get(self.comment)
        matched = complaint_class(text) if isinstance(text, str) else None
        return (self.category or matched) if matched else None


def complaint_class(text: str) -> str | None:
    """The complaint class a comment's words match, if any."""
    lowered = text.lower()
    for category, words in COMPLAINT_WORDS.items():
        if any(word in lowered for word in words):
            return category
    return None


def build_followups(ctx, document: Mapping, questionnaire: Questionnaire, check_expression):
    """The file's follow-up rules, each problem logged where it is."""
    raw = document.get("followups")
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        ctx.error("bad-followups", "followups is a list of rules", document, "followups")
        return ()
    rules, seen = [], set()
    for item in raw:
        rule = _rule(ctx, item, questionnaire, check_expression)
        if rule is None:
            continue
        if rule.id in seen:
            ctx.error("duplicate-id", f"follow-up rule {rule.id!r} appears twice", item, "id")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _choice(ctx, raw, key, allowed, default):
    value = ctx.scalar(raw, key) or default
    if value not in allowed:
        ctx.error(
            f"bad-{key}", f"follow-up {key} {value!r} is not one of {', '.join(allowed)}", raw, key
        )
        return default
    return value


def _rule(ctx, raw, questionnaire, check_expression) -> FollowupRule | None:
    if not isinstance(raw, Mapping):
        ctx.error("bad-followups", "each follow-up rule maps id, if or comment, …", raw)
        return None
    ctx.check_keys(raw, RULE_KEYS, "a follow-up rule")
    rule_id = ctx.required_scalar(raw, "id", "a follow-up rule")
    if rule_id and not RULE_ID.match(rule_id):
        ctx.error(
            "bad-id", f"follow-up rule id {rule_id!r}: lower-case letters, digits, _", raw, "id"
        )
    if ("if" in raw) == ("comment" in raw):
        ctx.error("bad-followups", f"follow-up rule {rule_id}: give either if: or comment:", raw)
        return None
    line = ctx.line(raw, "if" if "if" in raw else "comment")
    condition = comment = None
    if "if" in raw:
        condition = ctx.expression(raw, "if")
        if condition is None:
            return None
        check_expression(questionnaire, condition, f"follow-up rule {rule_id}", line)
    else:
        comment = ctx.scalar(raw, "comment")
        question = questionnaire.question(comment or "")
        if question is None or question.type != "text":
            ctx.error(
                "unknown-question",
                f"follow-up rule {rule_id}: comment names {comment!r}, which is not a text question",
                raw,
                "comment",
            )
            return None
    category = ctx.scalar(raw, "category")
    if category is not None and category not in CATEGORIES:
        ctx.error(
            "bad-category",
            f"follow-up category {category!r} is not one of {', '.join(CATEGORIES)}",
            raw,
            "category",
        )
        return None
    if category is None and condition is not None:
        category = "other"
    owner = ctx.scalar(raw, "owner") or "branch"
    if not OWNER.match(owner):
        ctx.error(
            "bad-owner", f"follow-up owner {owner!r}: write branch or team:NAME", raw, "owner"
        )
        return None
    return FollowupRule(
        id=rule_id,
        condition=condition,
        comment=comment,
        category=category,
        priority=_choice(ctx, raw, "priority", PRIORITIES, "normal"),
        complexity=_choice(ctx, raw, "complexity", COMPLEXITIES, "ordinary"),
        owner=owner,
        line=line,
    )
