"""Small server-side SVG charts: no JavaScript, so they pass the content security policy.

Each chart is decorative for screen readers (aria-hidden): the same figures are always in
a table next to it. Missing (suppressed) values draw no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1")
ROW_H = 22
LABEL_W = 180
# Characters of an 11 px label that fit in LABEL_W; longer labels wrap onto a second line.
LABEL_CHARS = 26
PLOT_W = 260


def _text(
    x: float, y: float, value: str, *, anchor: str = "start", size: int = 11, fill: str = "#212529"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(value)}</text>'
    )


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-hidden="true" focusable="false" class="metrics-chart" '
        f'style="max-width:{width}px"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _lines(label: str, limit: int = LABEL_CHARS, most: int = 3) -> list[str]:
    """The label cut at word boundaries into at most `most` lines of `limit` characters.

    Only the last line is shortened (with "…"), and only if the words still don't fit: labels
    are no longer cut mid-word at the start or the end of the label area.
    """
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[: most - 1] + [" ".join(lines[most - 1 :])]
    return [_short(line, limit) for line in lines] or [""]


def _label(x: float, y: float, label: str, *, anchor: str = "end", size: int = 11, **kw) -> str:
    """A label centred on y, on up to three lines (SVG text does not wrap by itself)."""
    lines = _lines(label, **kw)
    step = size + 1
    top = y - (len(lines) - 1) * step / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + i * step:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-size="{size}" text-anchor="{anchor}" fill="#212529">{spans}</text>'


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def grouped_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    maximum: float | None = None,
    unit: str = "",
) -> SafeString:
    """Horizontal bars: one group per label, one bar per series. None values draw nothing."""
    values = [v for _name, vals in series for v in vals if v is not None]
    top = maximum or max([abs(v) for v in values] + [1])
    bar_h = ROW_H - 6
    # Tall enough for the bars and for the longest label's lines (12 px each).
    most_lines = max([len(_lines(label)) for label in labels] + [1])
    group_h = max(bar_h * len(series) + 10, 12 * most_lines + 6)
    legend_h = 20 if len(series) > 1 else 0
    height = legend_h + group_h * max(len(labels), 1) + 6
    width = LABEL_W + PLOT_W + 60
    body: list[str] = []
    for i, (name, _vals) in enumerate(series if len(series) > 1 else ()):
        x = LABEL_W + i * 110
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[i % 4]}"/>')
        body.append(_text(x + 14, 13, _short(name, 16)))
    for row, label in enumerate(labels):
        y0 = legend_h + row * group_h
        body.append(_label(LABEL_W - 6, y0 + group_h / 2 + 4, label))
        for i, (_name, vals) in enumerate(series):
            value = vals[row]
            y = y0 + i * bar_h + 2
            if value is None:
                body.append(_text(LABEL_W + 4, y + bar_h - 4, "suppressed", size=9, fill="#6c757d"))
                continue
            w = max(abs(value) / top * PLOT_W, 1)
            body.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[i % 4]}"/>'
            )
            body.append(_text(LABEL_W + w + 4, y + bar_h - 5, f"{_fmt(value)}{unit}", size=10))
    return _svg(width, height, body, title)


def bar_chart(title: str, labels: Sequence[str], values: Sequence, *, unit: str = "") -> SafeString:
    return grouped_bars(title, labels, [(title, values)], unit=unit)


def _shade(value: float | None, top: float) -> str:
    if value is None:
        return "#e9ecef"
    strength = min(max(value, 0) / top, 1) if top else 0
    # Light to dark blue: darker means more of the figure in this column.
    r, g, b = (int(255 - (255 - c) * strength) for c in (13, 110, 253))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(
    title: str, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence]
) -> SafeString:
    """A grid shaded per column (each column scaled to its own maximum)."""
    cell_w, cell_h = 78, 26
    head = 30
    width = LABEL_W + cell_w * len(columns) + 4
    height = head + 4 + cell_h * len(rows)
    tops = [max([v for r in cells if (v := r[c]) is not None] + [0]) for c in range(len(columns))]
    body = [
        _label(
            LABEL_W + c * cell_w + cell_w / 2, 15, name, anchor="middle", size=10, limit=14, most=2
        )
        for c, name in enumerate(columns)
    ]
    for r, label in enumerate(rows):
        y = head + r * cell_h
        body.append(_label(LABEL_W - 6, y + cell_h / 2 + 4, label))
        for c, value in enumerate(cells[r]):
            x = LABEL_W + c * cell_w
            fill = _shade(value, tops[c])
            dark = value is not None and tops[c] and value / tops[c] > 0.55
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}"/>'
            )
            shown = "–" if value is None else _fmt(value)
            body.append(
                _text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 3,
                    shown,
                    anchor="middle",
                    size=10,
                    fill="#ffffff" if dark else "#212529",
                )
            )
    return _svg(width, height, body, title)
