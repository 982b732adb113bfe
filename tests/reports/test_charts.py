"""The report charts say what they show: axis values and quarter names on the quadrant,
labels that never read alike, the whole answer scale on the SERVQUAL axis, a legend entry
for every colour."""

import re

from survey.analysis.charts import interval_chart, paired_chart, quadrant_chart
from survey.analysis.figures import Figure


def _figure(label, estimate, low, high):
    return Figure(label, 100, estimate, low, high, se=0.1, moe=0.1, deff=1.0)


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", str(svg))


def test_the_quadrant_carries_axis_values_and_the_names_of_its_quarters():
    points = [("A", 10.0, 70.0, "keep_up_the_good_work"), ("B", 30.0, 55.0, "concentrate_here")]
    names = ("Possible overkill", "Keep up the good work", "Low priority", "Concentrate here")
    svg = quadrant_chart(points, "t", "d", ("Importance", "Performance"), names)
    texts = _texts(svg)
    assert set(names) <= set(texts)
    numbers = [float(t) for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t)]
    assert any(n >= 30 for n in numbers) and any(50 <= n <= 75 for n in numbers)


def test_two_long_labels_that_start_alike_stay_apart():
    labels = ["柜台服务人员的专业水平和服务态度", "柜台服务人员的专业水平和办理速度"]
    svg = interval_chart([_figure(t, 70, 65, 75) for t in labels], labels, "t", "d", axis=(0, 100))
    shown = re.findall(r"</title>([^<]*)</text>", str(svg))
    assert len(shown) == 2 and shown[0] != shown[1]


def test_the_servqual_chart_spans_the_whole_answer_scale():
    rows = [(_figure("e", 4.8, 4.75, 4.85), _figure("p", 4.78, 4.73, 4.83))]
    svg = paired_chart(rows, ["Tangibles"], ("Expectation", "Perception"), "t", "d", axis=(1, 7))
    ticks = [float(t) for t in _texts(svg) if re.fullmatch(r"\d+(\.\d+)?", t)]
    assert max(ticks) - min(ticks) >= 4  # not 4.7–4.9, where a gap of 0.02 looks large


def test_the_segments_legend_names_every_colour(client, auth, reported):
    slug = reported()
    auth.login_as("manager")
    html = client.get(f"/reports/{slug}/segments?by=branch", headers={"Accept-Language": "en"})
    legend = html.text.split('<p class="legend small">', 1)[1].split("</p>", 1)[0]
    assert "key--same" in legend and "not significantly different" in legend
