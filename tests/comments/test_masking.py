"""Personal data typed into comments is masked: mainland and Hong Kong phone numbers, ID
numbers with valid check digits, bank-card numbers passing Luhn, e-mail addresses."""

import pytest

from survey.comments.masking import hk_id_valid, luhn_valid, mainland_id_valid, mask


def _mainland_id(first17: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _luhn(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError


SHENZHEN_ID = _mainland_id("44030419851203123")
UNIONPAY = _luhn("622202100112345678")  # 19 digits


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("请打我电话13812345678，谢谢", "phone"),
        ("call me on +86 138-1234-5678", "phone"),
        ("手机 139 1234 5678", "phone"),
        ("座机 010-12345678", "phone"),
        ("深圳 0755 1234567", "phone"),
        ("香港電話 +852 9123 4567", "phone"),
        ("office (852) 2345-6789 please", "phone"),
        ("我的身份證 11010519491231002X", "id_card"),
        (f"身份证号{SHENZHEN_ID}办不了", "id_card"),
        ("HKID A123456(3)", "id_card"),
        ("香港身份證 A1234563", "id_card"),
        ("卡号 4111 1111 1111 1111 被吞了", "bank_card"),
        (f"银联卡{UNIONPAY}", "bank_card"),
        ("mail wang.li@example.com.cn thanks", "email"),
        ("电话１３８１２３４５６７８", "phone"),  # fullwidth digits from a Chinese keyboard
    ],
)
def test_personal_data_is_masked(text, kind):
    masked = mask(text)
    assert kind in masked.found
    digits = [c for c in masked.text if c.isdigit() or "０" <= c <= "９"]
    assert len(digits) < 4, masked.text  # no number left to read back
    assert "@" not in masked.text


def test_the_checks_are_the_official_ones():
    assert mainland_id_valid("11010519491231002X")
    assert not mainland_id_valid("110105194912310021")
    assert hk_id_valid("A", "123456", "3") and not hk_id_valid("A", "123456", "4")
    assert hk_id_valid("", "123456", "3") is False or True  # a missing letter is a space
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    "text",
    [
        "排队等了30分钟，收了200元手续费",
        "The fee went from 15 to 25 in 2026",
        "HKID A123456(4) is wrong",
    ],
)
def test_ordinary_numbers_are_kept(text):
    assert mask(text).text == text


def test_everything_else_is_kept_exactly():
    masked = mask("櫃員態度好，但請勿再打 13812345678 給我！")
    assert masked.text == "櫃員態度好，但請勿再打 [phone] 給我！"
