"""Charts as server-rendered SVG: no script, no chart library, nothing to load from anywhere.

Sized by a viewBox and drawn 100% wide, so one drawing fits a 360 px phone and a desk screen alike. Colours
come from classes in the stylesheet (the Content-Security-Policy allows no inline styles); each bar links to
the next level down and carries a <title> with the full name and figure.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

WIDTH = 400
LABEL_CHARS = 24


@dataclass
class Bar:
    label: str
    value: float | None
    href: str | None = None
    detail: str = ""  # shown after the figure, e.g. "12/40"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def percent_tone(value: float) -> str:
    return "good" if value >= 90 else "warn" if value >= 60 else "bad"


def count_tone(value: float) -> str:
    return "bad" if value > 0 else "good"


def hbars(bars: Sequence[Bar], *, title: str, percent: bool = False, empty: str = "",
          tone: Callable[[float], str] | None = None, no_data: str = "—") -> Markup:
    """Horizontal bars, one per row: the name and the figure above a full-width bar; percentages or counts."""
    if not bars:
        return Markup('<p class="muted">{}</p>').format(empty)
    tone = tone or (percent_tone if percent else count_tone)
    top = 100.0 if percent else max([b.value or 0 for b in bars] + [1])
    row = 42
    height = row * len(bars) + 2
    # A chart of links is a group of them (an image may not hold controls); one without links is an image.
    role = "group" if any(b.href for b in bars) else "img"
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="{role}" '
             f'aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]
    for index, bar in enumerate(bars):
        y = index * row
        figure = no_data if bar.value is None else (f"{bar.value:g}%" if percent else f"{bar.value:g}")
        if bar.detail and bar.value is not None:
            figure = f"{figure} ({bar.detail})"
        room = LABEL_CHARS - (len(figure) + 1) // 2  # CJK glyphs are about twice as wide as digits
        item = [f"<title>{escape(bar.label)}: {escape(figure)}</title>",
                f'<text class="ch-label" x="0" y="{y + 15}" font-size="14">{escape(_short(bar.label, room))}</text>',
                f'<text class="ch-value" x="{WIDTH}" y="{y + 15}" font-size="13" text-anchor="end">'
                f"{escape(figure)}</text>",
                f'<rect class="ch-track" x="0" y="{y + 22}" width="{WIDTH}" height="12" rx="3"/>']
        if bar.value is not None and bar.value > 0:
            width = max(3.0, WIDTH * min(bar.value, top) / top)
            item.append(f'<rect class="ch-{tone(bar.value)}" x="0" y="{y + 22}" width="{width:.1f}" height="12" '
                        f'rx="3"/>')
        body = "".join(item)
        parts.append(f'<a href="{escape(bar.href)}">{body}</a>' if bar.href else f"<g>{body}</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def weekly_columns(weeks: Sequence[tuple[datetime, int, int]], *, title: str, opened: str, closed: str,
                   label: Callable[[datetime], str]) -> Markup:
    """Opened and closed side by side per week, with a legend and a light scale."""
    height, left, bottom, top_pad = 220, 28, 190, 34
    plot_w, plot_h = WIDTH - left - 4, bottom - top_pad
    peak = max([max(o, c) for _w, o, c in weeks] + [2])
    peak += peak % 2  # an even scale: the middle line is a whole number too
    step = plot_w / max(1, len(weeks))
    bar = max(3.0, step / 2 - 3)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img">',
             f"<title>{escape(title)}</title>",
             f'<rect class="ch-opened" x="{left}" y="6" width="12" height="12" rx="2"/>',
             f'<text class="ch-label" x="{left + 18}" y="17" font-size="13">{escape(opened)}</text>',
             f'<rect class="ch-closed" x="{left + 150}" y="6" width="12" height="12" rx="2"/>',
             f'<text class="ch-label" x="{left + 168}" y="17" font-size="13">{escape(closed)}</text>']
    for fraction in (0, 0.5, 1):
        y = bottom - plot_h * fraction
        parts.append(f'<line class="ch-grid" x1="{left}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="ch-axis" x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f"{peak * fraction:g}</text>")
    for index, (start, n_opened, n_closed) in enumerate(weeks):
        x = left + index * step + 2
        for offset, value, css, name in ((0, n_opened, "ch-opened", opened), (bar + 1, n_closed, "ch-closed", closed)):
            h = plot_h * value / peak
            parts.append(f'<rect class="{css}" x="{x + offset:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}"><title>{escape(label(start))} {escape(name)}: {value}</title></rect>')
        if (len(weeks) - 1 - index) % 2 == 0 or len(weeks) <= 6:
            parts.append(f'<text class="ch-axis" x="{x + bar:.1f}" y="{bottom + 16}" font-size="11" '
                         f'text-anchor="middle">{escape(label(start))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
