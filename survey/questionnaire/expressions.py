"""A small, safe expression language for show-if conditions, validation rules and piping.

Never Python's eval: text is tokenised and parsed here into a tree that can only
compare, combine and call the few functions below. Errors give the column.

    q_visit == "1" and contact.tier in ["gold", "wealth"]
    not answered(q_comment) or len(q_comment) >= 5
    selected(q_improve, "1") and count(q_improve) <= 3
    q_overall >= 4          # a code written as digits compares as a number
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .modes import Mode

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>==|!=|<=|>=|[<>()\[\],.+\-*/])
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
# name -> (number of arguments or None for "one or more", whether the first is a question id)
FUNCTIONS = {
    "answered": (1, True),
    "refused": (1, True),
    "dont_know": (1, True),
    "selected": (None, True),
    "count": (1, True),
    "len": (1, False),
    "number": (1, False),
}
CONTEXT_NAMES = {"contact", "language", "mode", "interviewer"}


class ExpressionError(ValueError):
    """A syntax or name error, with the 1-based column where it was found."""

    def __init__(self, message: str, column: int):
        super().__init__(f"{message} (column {column})")
        self.column = column


@dataclass(frozen=True)
class Node:
    kind: str  # literal, list, name, attr, call, unary, binary
    value: Any = None
    children: tuple = ()
    column: int = 1


@dataclass
class _Tokens:
    items: list
    text: str
    position: int = 0

    def peek(self, offset=0):
        index = self.position + offset
        return self.items[index] if index < len(self.items) else ("end", None, len(self.text) + 1)

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def expect(self, kind, value=None):
        token = self.take()
        if token[0] != kind or (value is not None and token[1] != value):
            found = "the end" if token[0] == "end" else repr(token[1])
            raise ExpressionError(f"expected {value or kind!r} but found {found}", token[2])
        return token


def _tokenise(text: str) -> _Tokens:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match:
            column = position + len(text[position:]) - len(text[position:].lstrip()) + 1
            raise ExpressionError(f"unexpected character {text[column - 1]!r}", column)
        kind = match.lastgroup
        value = match.group(kind)
        column = match.start(kind) + 1
        if kind == "name" and value in KEYWORDS:
            kind = "keyword"
        tokens.append((kind, value, column))
        position = match.end()
    return _Tokens(tokens, text)


def _parse_or(tokens):
    node = _parse_and(tokens)
    while tokens.peek()[:2] == ("keyword", "or"):
        column = tokens.take()[2]
        node = Node("binary", "or", (node, _parse_and(tokens)), column)
    return node


def _parse_and(tokens):
    node = _parse_not(tokens)
    while tokens.peek()[:2] == ("keyword", "and"):
        column = tokens.take()[2]
        node = Node("binary", "and", (node, _parse_not(tokens)), column)
    return node


def _parse_not(tokens):
    if tokens.peek()[:2] == ("keyword", "not"):
        column = tokens.take()[2]
        return Node("unary", "not", (_parse_not(tokens),), column)
    return _parse_comparison(tokens)


def _parse_comparison(tokens):
    node = _parse_sum(tokens)
    kind, value, column = tokens.peek()
    if kind == "op" and value in {"==", "!=", "<", "<=", ">", ">="}:
        tokens.take()
        return Node("binary", value, (node, _parse_sum(tokens)), column)
    if (kind, value) == ("keyword", "in"):
        tokens.take()
        return Node("binary", "in", (node, _parse_sum(tokens)), column)
    if (kind, value) == ("keyword", "not") and tokens.peek(1)[:2] == ("keyword", "in"):
        tokens.take(), tokens.take()
        return Node("binary", "not in", (node, _parse_sum(tokens)), column)
    return node


def _parse_sum(tokens):
    node = _parse_product(tokens)
    while tokens.peek()[0] == "op" and tokens.peek()[1] in {"+", "-"}:
        _, op, column = tokens.take()
        node = Node("binary", op, (node, _parse_product(tokens)), column)
    return node


def _parse_product(tokens):
    node = _parse_unary(tokens)
    while tokens.peek()[0] == "op" and tokens.peek()[1] in {"*", "/"}:
        _, op, column = tokens.take()
        node = Node("binary", op, (node, _parse_unary(tokens)), column)
    return node


def _parse_unary(tokens):
    if tokens.peek()[:2] == ("op", "-"):
        column = tokens.take()[2]
        return Node("unary", "-", (_parse_unary(tokens),), column)
    return _parse_primary(tokens)


def _parse_primary(tokens):
    kind, value, column = tokens.take()
    if kind == "number":
        return Node("literal", float(value) if "." in value else int(value), (), column)
    if kind == "string":
        return Node("literal", re.sub(r"\\(.)", r"\1", value[1:-1]), (), column)
    if kind == "keyword" and value in {"true", "false", "null"}:
        return Node("literal", {"true": True, "false": False, "null": None}[value], (), column)
    if (kind, value) == ("op", "("):
        node = _parse_or(tokens)
        tokens.expect("op", ")")
        return node
    if (kind, value) == ("op", "["):
        items = []
        while tokens.peek()[:2] != ("op", "]"):
            items.append(_parse_or(tokens))
            if tokens.peek()[:2] != ("op", "]"):
                tokens.expect("op", ",")
        tokens.take()
        return Node("list", None, tuple(items), column)
    if kind == "name":
        if tokens.peek()[:2] == ("op", "("):
            return _parse_call(tokens, value, column)
        node = Node("name", value, (), column)
        while tokens.peek()[:2] == ("op", "."):
            tokens.take()
            _, attribute, attr_column = tokens.expect("name")
            node = Node("attr", attribute, (node,), attr_column)
        return node
    found = "the end of the expression" if kind == "end" else repr(value)
    raise ExpressionError(f"expected a value but found {found}", column)


def _parse_call(tokens, name, column):
    if name not in FUNCTIONS:
        raise ExpressionError(
            f"unknown function {name!r}; the functions are {', '.join(sorted(FUNCTIONS))}", column
        )
    tokens.take()  # (
    arguments = []
    while tokens.peek()[:2] != ("op", ")"):
        arguments.append(_parse_or(tokens))
        if tokens.peek()[:2] != ("op", ")"):
            tokens.expect("op", ",")
    tokens.take()
    arity, takes_question = FUNCTIONS[name]
    if (arity is not None and len(arguments) != arity) or (arity is None and len(arguments) < 2):
        wanted = arity if arity is not None else "a question and at least one code"
        raise ExpressionError(f"{name}() takes {wanted} argument(s), not {len(arguments)}", column)
    if takes_question and arguments[0].kind != "name":
        raise ExpressionError(f"{name}() takes a question id as its first argument", column)
    return Node("call", name, tuple(arguments), column)


@dataclass(frozen=True)
class Expression:
    """A parsed expression, with the question ids and contact fields it reads."""

    text: str
    tree: Node
    questions: frozenset = field(default_factory=frozenset)
    contact_fields: frozenset = field(default_factory=frozenset)

    def evaluate(self, scope: Scope) -> Any:
        return _evaluate(self.tree, scope)

    def holds(self, scope: Scope) -> bool:
        return bool(self.evaluate(scope))


@dataclass(frozen=True)
class Scope:
    """What an expression may read: answers so far (None when unanswered) and the context."""

    answers: dict
    special: dict = field(default_factory=dict)  # question id -> "refused" | "dont_know"
    contact: dict = field(default_factory=dict)
    language: str = "en"
    mode: str = Mode.WEB
    interviewer: dict = field(default_factory=dict)


def compile_expression(text: str) -> Expression:
    """Parse an expression, or raise ExpressionError pointing into it."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty", 1)
    tokens = _tokenise(text)
    tree = _parse_or(tokens)
    kind, value, column = tokens.peek()
    if kind != "end":
        raise ExpressionError(f"unexpected {value!r} after a complete expression", column)
    questions, contact_fields = set(), set()
    _collect_names(tree, questions, contact_fields)
    return Expression(text, tree, frozenset(questions), frozenset(contact_fields))


def _collect_names(node: Node, questions: set, contact_fields: set) -> None:
    if node.kind == "name" and node.value not in CONTEXT_NAMES:
        questions.add(node.value)
    elif node.kind == "attr" and node.children[0].kind == "name":
        if node.children[0].value == "contact":
            contact_fields.add(node.value)
        return
    for child in node.children:
        _collect_names(child, questions, contact_fields)


def _as_number(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return float(value) if "." in value else int(value)
    return value


def _compare(op: str, left, right) -> bool:
    if op in {"in", "not in"}:
        haystack = right if isinstance(right, list | tuple | set | frozenset) else [right]
        found = _as_number(left) in {_as_number(v) for v in haystack if v is not None}
        return found if op == "in" else not found
    left, right = _as_number(left), _as_number(right)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if (
        left is None
        or right is None
        or type(left) is not type(right)
        and not (isinstance(left, int | float) and isinstance(right, int | float))
    ):
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _arithmetic(op: str, left, right):
    left, right = _as_number(left), _as_number(right)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right)):
        return None
    if op == "/":
        return None if right == 0 else left / right
    return {"+": left + right, "-": left - right, "*": left * right}[op]


def _call(node: Node, scope: Scope):
    name = node.value
    if FUNCTIONS[name][1]:
        question = node.children[0].value
        value = scope.answers.get(question)
        special = scope.special.get(question)
        if name == "answered":
            return value not in (None, "", [], ()) and special is None
        if name == "refused":
            return special == "refused"
        if name == "dont_know":
            return special == "dont_know"
        ticked = {str(v) for v in value} if isinstance(value, list | tuple | set) else set()
        if name == "count":
            return len(ticked)
        codes = {str(_evaluate(arg, scope)) for arg in node.children[1:]}
        return bool(ticked & codes) or (isinstance(value, str) and value in codes)
    argument = _evaluate(node.children[0], scope)
    if name == "len":
        return 0 if argument is None else len(argument)
    number = _as_number(argument)
    return number if isinstance(number, int | float) else None


def _evaluate(node: Node, scope: Scope):
    kind = node.kind
    if kind == "literal":
        return node.value
    if kind == "list":
        return [_evaluate(child, scope) for child in node.children]
    if kind == "name":
        if node.value in ("language", "mode"):
            return getattr(scope, node.value)
        return scope.answers.get(node.value)
    if kind == "attr":
        base = node.children[0]
        source = {"contact": scope.contact, "interviewer": scope.interviewer}.get(base.value)
        return None if source is None else source.get(node.value)
    if kind == "call":
        return _call(node, scope)
    if kind == "unary":
        operand = _evaluate(node.children[0], scope)
        if node.value == "not":
            return not operand
        number = _as_number(operand)
        return -number if isinstance(number, int | float) else None
    op = node.value
    if op == "and":
        return _evaluate(node.children[0], scope) and _evaluate(node.children[1], scope)
    if op == "or":
        return _evaluate(node.children[0], scope) or _evaluate(node.children[1], scope)
    left, right = (_evaluate(child, scope) for child in node.children)
    if op in {"+", "-", "*", "/"}:
        return _arithmetic(op, left, right)
    return _compare(op, left, right)
