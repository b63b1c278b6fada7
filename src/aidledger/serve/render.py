"""What the dashboard computes before templating: highlighted article text, chart geometry, figures.

Article text is untrusted: every piece of it passes through `markupsafe.escape`, and only the marks this
module adds around evidence and amount spans are markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


def highlight(text: str, spans: list[dict]) -> Markup:
    """`text` escaped, with each evidence span in <mark> and its amount span in <strong> inside it.

    Spans are the evidence rows of one document (start, end, amount_start, amount_end, id); overlapping spans
    keep the first, and spans whose offsets do not fit the text are skipped rather than misplaced.
    """
    out, pos = [], 0
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        start, end = span["start"], span["end"]
        if start < pos or not 0 <= start < end <= len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="evidence" id="ev-{}">').format(span["id"]))
        out.append(_amount(text, start, end, span.get("amount_start"), span.get("amount_end")))
        out.append(Markup("</mark>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _amount(text: str, start: int, end: int, a0: int | None, a1: int | None) -> Markup:
    if a0 is None or a1 is None or not start <= a0 < a1 <= end:
        return escape(text[start:end])
    return Markup("{}<strong class=\"amount\">{}</strong>{}").format(text[start:a0], text[a0:a1], text[a1:end])


def money(value: float | None) -> str:
    """USD 4.5bn, USD 37m, USD 250k: the figure at a glance (exact values are in the tables' titles)."""
    if value is None:
        return "–"
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:,.{0 if abs(value) >= 100 * size else 1}f}{suffix}".replace(".0" + suffix, suffix)
    return f"{value:,.0f}"


# ---------------------------------------------------------------- charts (inline SVG geometry)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float
    tick: bool  # label this bar on the axis


WIDTH, HEIGHT, PAD = 720.0, 220.0, 28.0


def timeline(rows: list[dict]) -> list[Bar]:
    """Bars for totals by month, oldest left; undated entries are left out of the timeline."""
    rows = sorted((r for r in rows if r["key"]), key=lambda r: r["key"])
    if not rows:
        return []
    top = max(r["total"] or 0.0 for r in rows) or 1.0
    step = (WIDTH - 2 * PAD) / len(rows)
    every = max(1, len(rows) // 8)
    return [Bar(PAD + i * step + step * 0.1, HEIGHT - PAD - (r["total"] or 0) / top * (HEIGHT - 2 * PAD),
                step * 0.8, (r["total"] or 0) / top * (HEIGHT - 2 * PAD), r["key"], r["total"] or 0.0, i % every == 0)
            for i, r in enumerate(rows)]


def share(value: float | None, top: float | None) -> float:
    """A bar's length in percent of the largest."""
    return round(100.0 * (value or 0.0) / top, 1) if top else 0.0
