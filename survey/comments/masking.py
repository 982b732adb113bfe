"""Personal data customers type into comments, masked before anyone reads or exports them.

A customer writes "please call me on 138 1234 5678" or leaves a card number in a complaint;
a manager reading comments must not see it. Masking happens when the answer is stored, so
every page, export and report downstream holds only the masked text. What is found:

- e-mail addresses;
- mainland China resident ID numbers (18 characters, ISO 7064 MOD 11-2 check digit) and
  Hong Kong identity card numbers (one or two letters, six digits, check digit 0–9 or A);
- bank-card numbers (16–19 digits, in groups or not, passing the Luhn check);
- phone numbers: mainland mobiles (1[3-9] and nine digits, with or without +86),
  mainland fixed lines with their area code (010-12345678, 0755 1234567) and Hong Kong
  numbers (eight digits from 2–9, with or without +852);
- any other run of twelve or more digits (a mistyped card or ID is still personal data).

Fullwidth digits and letters (１３８…, typed with a Chinese input method) are read as
their ASCII twins; the masked text keeps everything else exactly as the customer wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER = {
    "email": "[e-mail]",
    "id_card": "[ID number]",
    "bank_card": "[card number]",
    "phone": "[phone]",
    "number": "[number]",
}
# Fullwidth ！ to ～ (U+FF01–FF5E) are ASCII shifted by 0xFEE0: one character for one.
_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_MAINLAND_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_HK_ID = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2})(\d{6})\s?\(?([0-9Aa])\)?(?![A-Za-z0-9])")
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){11,22}(?![\d])")
_MAINLAND_MOBILE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?![\d])")
_MAINLAND_FIXED = re.compile(r"(?<![\d])(?:\(?0\d{2,3}\)?[ -]?)\d{3,4}[ -]?\d{4}(?![\d])")
_HK_PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)?852[ -]?|\(852\)[ -]?)?[2-9]\d{3}[ -]?\d{4}(?![\d])")
_MAINLAND_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


@dataclass(frozen=True)
class Masked:
    """The text with personal data replaced, and the kinds that were found (in order)."""

    text: str
    found: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.found)


def mainland_id_valid(number: str) -> bool:
    """The 18th character is the ISO 7064 MOD 11-2 check of the first 17 (GB 11643-1999)."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _MAINLAND_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def hk_id_valid(letters: str, digits: str, check: str) -> bool:
    """Weights 9…2 over (space or letter, letter, six digits); letters count A=10 … Z=35
    and a missing first letter 36; the check makes the sum a multiple of 11 (A for 10)."""
    letters = letters.upper().rjust(2)
    values = [36 if c == " " else ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check.upper() == ("A" if expected == 10 else str(expected))


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Every piece of personal data in ``text`` (ASCII digits) as (start, end, kind); the
    first finder to claim a character keeps it, most specific first."""
    claimed: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in claimed)

    def claim(pattern, kind, accept=lambda m: True) -> None:
        for match in pattern.finditer(text):
            if free(*match.span()) and accept(match):
                claimed.append((match.start(), match.end(), kind))

    claim(_EMAIL, "email")
    claim(_MAINLAND_ID, "id_card", lambda m: mainland_id_valid(m.group()))
    claim(_HK_ID, "id_card", lambda m: hk_id_valid(*m.groups()))
    claim(
        _DIGIT_RUN,
        "bank_card",
        lambda m: 16 <= len(_digits(m.group())) <= 19 and luhn_valid(_digits(m.group())),
    )
    claim(_MAINLAND_MOBILE, "phone")
    claim(_DIGIT_RUN, "number")  # a long number that is none of the above
    claim(_MAINLAND_FIXED, "phone")
    claim(_HK_PHONE, "phone")
    return sorted(claimed)


def mask(text: str) -> Masked:
    """``text`` with each e-mail, ID, card and phone number replaced by a placeholder."""
    spans = _spans(text.translate(_ASCII))  # one character for one: the spans fit ``text``
    if not spans:
        return Masked(text, ())
    pieces, last = [], 0
    for start, end, kind in spans:
        pieces += [text[last:start], PLACEHOLDER[kind]]
        last = end
    pieces.append(text[last:])
    return Masked("".join(pieces), tuple(kind for _, _, kind in spans))
