"""The role homes list the surveys with their status and modes in the user's language."""

import pytest

HOMES = {"manager": "/reports/", "supervisor": "/fieldwork/", "interviewer": "/cati/"}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_home_lists_open_surveys(auth, client, fielded, role):
    fielded("branch-counter", name="网点柜面 2026-11")
    auth.login_as(role)
    page = client.get(HOMES[role], headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "网点柜面 2026-11" in html
    if role == "interviewer":  # open telephone surveys, each saying what can be called
        assert "已没有待拨打的案例" in html and "下一个样本" not in html  # no case was released
    else:
        assert "进行中" in html  # the status label, translated
        assert "电话" in html  # the CATI mode label


def test_draft_surveys_are_not_offered_to_interviewers(auth, client, fielded):
    fielded("branch-counter", name="Draft survey", status="draft")
    auth.login_as("interviewer")
    assert "Draft survey" not in client.get("/cati/").get_data(as_text=True)
