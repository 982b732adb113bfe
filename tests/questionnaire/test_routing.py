"""Routing, hidden answers, screen-outs, randomisation and piping."""

from survey.questionnaire.routing import (
    Interview,
    hidden_answers,
    next_page,
    next_question,
    ordered_choices,
    pipe,
    previous_page,
    question_sequence,
    scope_for,
)
from survey.questionnaire.submission import submit
from tests.questionnaire.helpers import questionnaire

BODY = """
choice_lists:
  visit:
    - {code: "1", label: {zh-Hans: 柜台, zh-Hant: 櫃檯, en: Counter}}
    - {code: "2", label: {zh-Hans: 自助, zh-Hant: 自助, en: Self-service}}
pages:
  - id: p1
    questions:
      - id: q_holder
        type: yesno
        text: {zh-Hans: "本人？", zh-Hant: "本人？", en: "Holder?"}
        screen_out: {if: 'q_holder == "0"', disposition: "4.70"}
      - id: q_visit
        type: single
        choices: visit
        text: {zh-Hans: 渠道, zh-Hant: 渠道, en: Channel}
  - id: p_counter
    show_if: q_visit == "1"
    questions:
      - id: q_teller
        type: rating
        labels: {"1": {zh-Hans: 差, zh-Hant: 差, en: Poor}}
        text: {zh-Hans: "您在{{ q_visit }}的体验", zh-Hant: 體驗, en: "Your {{ q_visit }} visit"}
  - id: p_gold
    questions:
      - id: q_gold
        type: yesno
        show_if: contact.tier == "gold"
        text: {zh-Hans: 贵宾, zh-Hant: 貴賓, en: Gold}
      - id: q_low
        type: text
        show_if: q_teller <= 2
        required: "false"
        validate:
          - check: len(q_low) >= 3
            message: {zh-Hans: 请多写几个字, zh-Hant: 請多寫幾個字, en: Please write a little more}
        text: {zh-Hans: 原因, zh-Hant: 原因, en: Why}
  - id: p_end
    questions:
      - id: q_improve
        type: multiple
        randomize: "true"
        text: {zh-Hans: 改进, zh-Hant: 改善, en: Improve}
        choices:
          - {code: "1", label: {zh-Hans: 一, zh-Hant: 一, en: A}}
          - {code: "2", label: {zh-Hans: 二, zh-Hant: 二, en: B}}
          - {code: "3", label: {zh-Hans: 三, zh-Hant: 三, en: C}}
          - {code: "4", label: {zh-Hans: 四, zh-Hant: 四, en: D}}
          - {code: "5", label: {zh-Hans: 五, zh-Hant: 五, en: E}}
          - {code: "6", anchored: "true", label: {zh-Hans: 其他, zh-Hant: 其他, en: Other}}
          - {code: "7", exclusive: "true", label: {zh-Hans: 没有, zh-Hant: 沒有, en: None}}
"""
Q = questionnaire(BODY)


def test_pages_follow_show_if_over_answers_and_contact():
    counter = scope_for(Q, {"q_holder": "1", "q_visit": "1"}, {"tier": "gold"})
    assert next_page(Q, counter, "p1").id == "p_counter"
    self_service = scope_for(Q, {"q_holder": "1", "q_visit": "2"}, {"tier": "mass"})
    assert next_page(Q, self_service, "p1").id == "p_end"  # p_gold has nothing to show
    assert previous_page(Q, self_service, "p_end").id == "p1"


def test_cati_sequence_is_one_question_per_screen():
    scope = scope_for(Q, {"q_holder": "1", "q_visit": "1", "q_teller": "2"}, {"tier": "gold"})
    ids = [q.id for q in question_sequence(Q, scope)]
    assert ids == ["q_holder", "q_visit", "q_teller", "q_gold", "q_low", "q_improve"]
    assert next_question(Q, scope, "q_teller").id == "q_gold"


def test_correcting_an_answer_drops_what_it_hid_in_a_cascade():
    answers = {"q_holder": "1", "q_visit": "1", "q_teller": "1", "q_low": "queue too long"}
    assert hidden_answers(Q, answers) == set()
    answers["q_visit"] = "2"  # no counter visit: q_teller goes, and with it q_low
    assert hidden_answers(Q, answers) == {"q_teller", "q_low"}


def test_next_question_after_a_now_hidden_one_continues_in_order():
    scope = scope_for(Q, {"q_holder": "1", "q_visit": "2"}, {})
    assert next_question(Q, scope, "q_teller").id == "q_improve"


def test_screen_out_ends_with_its_disposition():
    page = Q.page("p1")
    result = submit(
        Interview(Q, language="en"), list(page.questions), {"q_holder": ["0"], "q_visit": ["1"]}
    )
    assert result.ok
    assert result.screen_out.disposition == "4.70"


def test_hidden_fields_in_a_post_are_ignored():
    page = Q.page("p1")
    form = {"q_holder": ["1"], "q_visit": ["1"], "q_teller": ["5"], "evil": ["x"]}
    result = submit(Interview(Q, language="en"), list(page.questions), form)
    assert result.answers == {"q_holder": "1", "q_visit": "1"}


def test_cross_question_rule_message_in_the_language():
    earlier = {"q_holder": "1", "q_visit": "1", "q_teller": "1"}
    scope = scope_for(Q, earlier, {})
    questions = [q for q in Q.page("p_gold").questions if q.show_if.holds(scope)]
    result = submit(Interview(Q, earlier, language="zh-Hant"), questions, {"q_low": ["短"]})
    assert result.errors == {"q_low": "請多寫幾個字"}
    assert submit(Interview(Q, earlier, language="en"), questions, {"q_low": ["排队太久了"]}).ok


def test_randomised_order_is_stable_per_response_and_keeps_anchors():
    question = Q.question("q_improve")
    first = [c.code for c in ordered_choices(question, seed=12345)]
    assert first == [c.code for c in ordered_choices(question, seed=12345)]
    assert first[-2:] == ["6", "7"]  # anchored and exclusive stay in place
    orders = {tuple(c.code for c in ordered_choices(question, seed=s)) for s in range(20)}
    assert len(orders) > 5


def test_piping_shows_labels_in_the_language_and_contact_fields():
    text = Q.question("q_teller").text
    scope = scope_for(Q, {"q_visit": "1"}, {}, language="zh-Hans")
    assert pipe(text.get_in("zh-Hans"), Q, scope) == "您在柜台的体验"
    scope = scope_for(Q, {"q_visit": "1"}, {}, language="en")
    assert pipe(text.get_in("en"), Q, scope) == "Your Counter visit"
    greeting = Q.cati.greeting.get_in("en")
    assert (
        pipe(greeting, Q, scope_for(Q, {}, {"title": "Ms Chan"}, language="en")) == "Hello Ms Chan"
    )
