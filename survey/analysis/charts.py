"""Charts as accessible SVG drawn on the server: no script, no CDN, readable in print.

Each chart carries a <title> and <desc> (read by screen readers) and sits beside the table
holding the same numbers. Colours come from CSS classes (est, est--above, est--below,
est--small), so the print stylesheet can turn them to black and white.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from .figures import Figure

ROW = 28
LABEL = 150
MAX_LABEL = 280
WIDTH = 640
PAD = 24


def axis_of(measure) -> tuple[float, float]:
    """The whole scale of a measure, so a chart never exaggerates a difference."""
    if measure.kind == "proportion":
        return (0.0, 100.0)
    if measure.kind == "nps":
        return (-100.0, 100.0)
    return (float(measure.scale.low), float(measure.scale.high)) if measure.scale else (0.0, 100.0)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    step = 10 ** math.floor(math.log10(span / count)) if span > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def _text_width(text: str) -> float:
    """Rough rendered width at 12px: CJK characters are about twice as wide as Latin ones."""
    return sum(12.0 if ord(ch) > 0x2E80 else 6.8 for ch in text)


def _fit(text: str, room: float) -> str:
    """The label shortened with an ellipsis to fit ``room`` pixels."""
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _fit_all(labels: list[str], room: float) -> list[str]:
    """Every label fitted to ``room``. Labels that would shorten to the same text keep both
    their ends instead ("Counter staff…attitude", "Counter staff…speed"), and a number where
    even that reads alike, so no two rows look the same."""
    fitted = [_fit(t, room) for t in labels]
    for text in set(fitted):
        rows = [i for i, f in enumerate(fitted) if f == text]
        if len({labels[i] for i in rows}) < 2:
            continue
        for i in rows:
            full, tail = labels[i], ""
            for ch in reversed(full):
                if _text_width(ch + tail) > room / 2:
                    break
                tail = ch + tail
            fitted[i] = _fit(full[: len(full) - len(tail)], room - _text_width(tail)).rstrip("…")
            fitted[i] += "…" + tail
        if len({fitted[i] for i in rows}) < len(rows):
            for number, i in enumerate(rows, 1):
                fitted[i] = f"{number}. {_fit(labels[i], room - 24)}"
    return fitted


def _label_room(labels) -> float:
    return min(max([_text_width(t) for t in labels] + [0]) + 16, MAX_LABEL)


def _svg(width, height, title, description, body) -> Markup:
    # Every text in ``body`` went through escape(); the rest is numbers this module formats.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )


def _axis(low, high, x, top, bottom, unit) -> list[str]:
    parts = []
    for tick in _ticks(low, high):
        px = x(tick)
        parts.append(
            f'<line class="grid" x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{bottom}"/>'
            f'<text class="tick" x="{px:.1f}" y="{bottom + 14}" text-anchor="middle">{tick:g}{escape(unit)}</text>'
        )
    return parts


def _bounds(figures: list[Figure], axis) -> tuple[float, float]:
    if axis:
        return axis
    values = [v for f in figures if not f.suppressed for v in (f.low, f.high) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    margin = (high - low) * 0.1 or 1.0
    return low - margin, high + margin


def interval_chart(
    figures: list[Figure],
    labels: list[str],
    title: str,
    description: str,
    axis=None,
    reference: float | None = None,
    unit: str = "",
    suppressed_text: str = "—",
    width: int = WIDTH,
) -> Markup:
    """Estimates as dots with 95 % interval whiskers, one row each; an optional reference
    line (the whole sample); flagged rows coloured, figures to review hollow, withheld rows named."""
    low, high = _bounds(figures, axis)
    height = PAD * 2 + ROW * len(figures) + 10
    left = _label_room(labels) if any(labels) else PAD
    plot = width - left - PAD

    def x(value):
        return left + (min(max(value, low), high) - low) / (high - low) * plot

    body = _axis(low, high, x, PAD - 6, height - PAD - 6, unit)
    if reference is not None:
        body.append(
            f'<line class="reference" x1="{x(reference):.1f}" x2="{x(reference):.1f}" '
            f'y1="{PAD - 8}" y2="{height - PAD - 6}"/>'
        )
    shown = _fit_all(labels, left - 12)
    for i, (fig, label) in enumerate(zip(figures, labels, strict=True)):
        y = PAD + i * ROW + ROW / 2
        if label:
            body.append(
                f'<text class="label" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">'
                f"<title>{escape(label)}</title>{escape(shown[i])}</text>"
            )
        if fig.suppressed:
            body.append(
                f'<text class="withheld" x="{left + 4}" y="{y + 4:.1f}">{escape(suppressed_text)}</text>'
            )
            continue
        kind = "est--" + fig.flag if fig.flag else "est--small" if fig.review else ""
        body.append(
            f'<g class="est {kind}"><line x1="{x(fig.low):.1f}" x2="{x(fig.high):.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<line x1="{x(fig.low):.1f}" x2="{x(fig.low):.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}"/>'
            f'<line x1="{x(fig.high):.1f}" x2="{x(fig.high):.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}"/>'
            f'<circle cx="{x(fig.estimate):.1f}" cy="{y:.1f}" r="5"/></g>'
        )
    return _svg(width, height, title, description, body)


def trend_chart(
    figures: list[Figure], title: str, description: str, axis=None, unit: str = ""
) -> Markup:
    """A line through the periods' estimates over a band of their 95 % intervals; a period
    whose change from the one before is significant is marked with a ring."""
    shown = [f for f in figures if not f.suppressed]
    height, left, bottom = 260, 48, 220
    if not shown:
        return _svg(WIDTH, height, title, description, [])
    low, high = _bounds(shown, axis)
    step = (WIDTH - left - PAD) / max(len(shown) - 1, 1)

    def x(i):
        return left + i * step if len(shown) > 1 else (WIDTH + left) / 2

    def y(value):
        return bottom - (min(max(value, low), high) - low) / (high - low) * (bottom - PAD)

    body = []
    for tick in _ticks(low, high):
        body.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - PAD}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}{escape(unit)}</text>'
        )
    upper = " ".join(f"{x(i):.1f},{y(f.high):.1f}" for i, f in enumerate(shown))
    lower = " ".join(f"{x(i):.1f},{y(f.low):.1f}" for i, f in reversed(list(enumerate(shown))))
    body.append(f'<polygon class="band" points="{upper} {lower}"/>')
    line = " ".join(f"{x(i):.1f},{y(f.estimate):.1f}" for i, f in enumerate(shown))
    body.append(f'<polyline class="trend" points="{line}"/>')
    for i, fig in enumerate(shown):
        kind = f" est--{fig.flag}" if fig.flag else ""
        body.append(
            f'<circle class="point{kind}" cx="{x(i):.1f}" cy="{y(fig.estimate):.1f}" r="{7 if fig.flag else 4}"/>'
            f'<text class="tick" x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle">{escape(fig.label)}</text>'
        )
    return _svg(WIDTH, height, title, description, body)


def paired_chart(rows, labels, names, title, description, axis=None) -> Markup:
    """Two estimates per row (SERVQUAL expectation and perception), each with whiskers."""
    figures = [f for pair in rows for f in pair]
    low, high = _bounds(figures, axis)
    height = PAD * 2 + ROW * 2 * len(rows) + 30
    plot = WIDTH - LABEL - PAD

    def x(value):
        return LABEL + (min(max(value, low), high) - low) / (high - low) * plot

    body = _axis(low, high, x, PAD - 6, height - PAD - 36, "")
    for i, (pair, label) in enumerate(zip(rows, labels, strict=True)):
        top = PAD + i * ROW * 2
        body.append(
            f'<text class="label" x="{LABEL - 8}" y="{top + ROW:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        for k, fig in enumerate(pair):
            if fig.suppressed:
                continue
            y = top + ROW / 2 + k * ROW * 0.8
            mark = (
                f'<circle cx="{x(fig.estimate):.1f}" cy="{y:.1f}" r="5"/>'
                if k
                else f'<rect x="{x(fig.estimate) - 5:.1f}" y="{y - 5:.1f}" width="10" height="10"/>'
            )
            body.append(
                f'<g class="est series-{k}"><line x1="{x(fig.low):.1f}" x2="{x(fig.high):.1f}" y1="{y:.1f}" y2="{y:.1f}"/>{mark}</g>'
            )
    legend_y = height - 14
    body.append(
        f'<g class="est series-0"><rect x="{LABEL}" y="{legend_y - 9}" width="10" height="10"/></g>'
        f'<text class="tick" x="{LABEL + 16}" y="{legend_y}">{escape(names[0])}</text>'
        f'<g class="est series-1"><circle cx="{LABEL + 185}" cy="{legend_y - 4}" r="5"/></g>'
        f'<text class="tick" x="{LABEL + 196}" y="{legend_y}">{escape(names[1])}</text>'
    )
    return _svg(WIDTH, height, title, description, body)


def quadrant_chart(points, title, description, axis_names, quadrant_names=None) -> Markup:
    """Importance (x) against performance (y), split at their means (Martilla and James);
    both axes carry their values, and each quarter its name (``quadrant_names``: upper left,
    upper right, lower left, lower right)."""
    size, pad = 420, 48
    if not points:
        return _svg(size, size, title, description, [])
    xs = [p[1] for p in points]
    ys = [p[2] for p in points]
    x_low, x_high = 0.0, max(xs) * 1.15
    y_low, y_high = min(ys) - 5, max(ys) + 5
    cut_x, cut_y = sum(xs) / len(xs), sum(ys) / len(ys)

    def x(v):
        return pad + (v - x_low) / (x_high - x_low) * (size - pad - 16)

    def y(v):
        return size - pad - (v - y_low) / (y_high - y_low) * (size - pad - 16)

    body = [
        f'<rect class="frame" x="{pad}" y="16" width="{size - pad - 16}" height="{size - pad - 16}"/>',
        f'<line class="reference" x1="{x(cut_x):.1f}" x2="{x(cut_x):.1f}" y1="16" y2="{size - pad}"/>',
        f'<line class="reference" x1="{pad}" x2="{size - 16}" y1="{y(cut_y):.1f}" y2="{y(cut_y):.1f}"/>',
        f'<text class="tick" x="{(size + pad) / 2}" y="{size - 12}" text-anchor="middle">{escape(axis_names[0])}</text>',
        f'<text class="tick" x="14" y="{(size - pad) / 2}" text-anchor="middle" transform="rotate(-90 14 {(size - pad) / 2})">{escape(axis_names[1])}</text>',
    ]
    for tick in _ticks(x_low, x_high, 4):
        body.append(
            f'<text class="tick" x="{x(tick):.1f}" y="{size - pad + 14}" text-anchor="middle">{tick:g}</text>'
        )
    for tick in _ticks(y_low, y_high, 4):
        body.append(
            f'<text class="tick" x="{pad - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    corners = ((pad + 6, 30, "start"), (size - 22, 30, "end"),
               (pad + 6, size - pad - 8, "start"), (size - 22, size - pad - 8, "end"))  # fmt: skip
    for (cx, cy, anchor), name in zip(corners, quadrant_names or (), strict=False):
        body.append(
            f'<text class="quadrant-name" x="{cx}" y="{cy}" text-anchor="{anchor}">{escape(name)}</text>'
        )
    for number, (label, importance, performance, quadrant) in enumerate(points, 1):
        body.append(
            f'<g class="est q-{escape(quadrant)}"><title>{escape(label)}</title>'
            f'<circle cx="{x(importance):.1f}" cy="{y(performance):.1f}" r="9"/>'
            f'<text class="marker" x="{x(importance):.1f}" y="{y(performance) + 4:.1f}" '
            f'text-anchor="middle">{number}</text></g>'
        )
    return _svg(size, size, title, description, body)
