from .modes import Mode

"""Messages the engine shows respondents, in each language (the engine uses no Flask)."""

MESSAGES = {
    "required": {
        "zh-Hans": "请回答此题。",
        "zh-Hant": "請回答此題。",
        "en": "Please answer this question.",
    },
    "one_choice": {
        "zh-Hans": "请只选择一项。",
        "zh-Hant": "請只選擇一項。",
        "en": "Please choose one answer only.",
    },
    "not_a_choice": {
        "zh-Hans": "所选答案不在选项中，请重新选择。",
        "zh-Hant": "所選答案不在選項之中，請重新選擇。",
        "en": "That answer is not one of the options. Please choose again.",
    },
    "min_choices": {
        "zh-Hans": "请至少选择 {n} 项。",
        "zh-Hant": "請最少選擇 {n} 項。",
        "en": "Please choose at least {n}.",
    },
    "max_choices": {
        "zh-Hans": "最多只能选择 {n} 项。",
        "zh-Hant": "最多只可選擇 {n} 項。",
        "en": "Please choose no more than {n}.",
    },
    "exclusive": {
        "zh-Hans": "“{label}”不能与其他选项同时选择。",
        "zh-Hant": "「{label}」不可與其他選項同時選擇。",
        "en": "“{label}” cannot be combined with other answers.",
    },
    "other_text": {
        "zh-Hans": "请注明“其他”的具体内容。",
        "zh-Hant": "請註明「其他」的具體內容。",
        "en": "Please say what “other” is.",
    },
    "number": {
        "zh-Hans": "请输入数字。",
        "zh-Hant": "請輸入數字。",
        "en": "Please enter a number.",
    },
    "integer": {
        "zh-Hans": "请输入整数。",
        "zh-Hant": "請輸入整數。",
        "en": "Please enter a whole number.",
    },
    "decimals": {
        "zh-Hans": "最多保留 {n} 位小数。",
        "zh-Hant": "最多保留 {n} 位小數。",
        "en": "Use at most {n} decimal places.",
    },
    "min_value": {
        "zh-Hans": "不能小于 {n}。",
        "zh-Hant": "不可小於 {n}。",
        "en": "The lowest allowed is {n}.",
    },
    "max_value": {
        "zh-Hans": "不能大于 {n}。",
        "zh-Hant": "不可大於 {n}。",
        "en": "The highest allowed is {n}.",
    },
    "too_long": {
        "zh-Hans": "最多 {n} 个字，当前 {length} 个字。",
        "zh-Hant": "最多 {n} 個字，目前 {length} 個字。",
        "en": "Please use at most {n} characters (you wrote {length}).",
    },
    "date": {
        "zh-Hans": "请按 年-月-日 的格式输入日期，例如 2026-11-22。",
        "zh-Hant": "請按 年-月-日 的格式輸入日期，例如 2026-11-22。",
        "en": "Please enter a date as year-month-day, for example 2026-11-22.",
    },
    "date_range": {
        "zh-Hans": "日期须在 {low} 至 {high} 之间。",
        "zh-Hant": "日期須在 {low} 至 {high} 之間。",
        "en": "The date must be between {low} and {high}.",
    },
    "special_not_allowed": {
        "zh-Hans": "此题需要作答。",
        "zh-Hant": "此題需要作答。",
        "en": "This question needs an answer.",
    },
    "answer_and_special": {
        "zh-Hans": "请填写答案或选择“{label}”，不能两者都选。",
        "zh-Hant": "請填寫答案或選擇「{label}」，不可兩者都選。",
        "en": "Give an answer or choose “{label}”, not both.",
    },
}


def message(key: str, language: str, **values) -> str:
    """The message in the language (English when it has none), with values filled in."""
    texts = MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)


SPECIAL_LABELS = {
    "refused": {"zh-Hans": "拒答", "zh-Hant": "拒答", "en": "Refused"},
    "dont_know": {"zh-Hans": "不知道", "zh-Hant": "不知道", "en": "Don't know"},
    "prefer_not": {"zh-Hans": "不愿回答", "zh-Hant": "不願回答", "en": "Prefer not to say"},
}


def special_label(kind: str, language: str, mode: str) -> str:
    """The label of a special answer: an interviewer records "Refused"; a customer on the web
    is offered the gentler "Prefer not to say" for the same code."""
    name = "prefer_not" if kind == "refused" and mode != Mode.CATI else kind
    return SPECIAL_LABELS[name].get(language, SPECIAL_LABELS[name]["en"])
