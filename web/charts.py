"""Charts drawn on the server as inline SVG: no JavaScript, nothing to build, readable in any
browser and by screen readers.

Each builder returns a `Chart`: the SVG markup (role="img", named by its <title> and described
by its <desc>) plus the same numbers as a table, which the template shows in a <details> so
every figure can be read without seeing the drawing (web/charts/chart.html).

Geometry is in the SVG's own units (a viewBox of fixed width); CSS scales the drawing to its
column. Every text that reaches the markup passes through `escape`: labels are user data (a
keyword, an interview title).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640  # viewBox width; the page scales it
FONT = 12  # label font size in viewBox units
CHAR_WIDTH = 7.4  # average glyph advance at FONT (DejaVu Sans is wide), to size label columns
ROW = 24  # height of one bar row
BAR = 15  # height of one bar
MAX_LABEL_CHARS = 28  # longer labels are cut with an ellipsis in the drawing (not the table)
SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # what is written beside the bar; the value itself when empty
    title: str = ""  # a longer tooltip, e.g. the full label

    @property
    def shown(self) -> str:
        return self.text or _number(self.value)


@dataclass(frozen=True)
class Progress:
    label: str
    done: int
    total: int

    @property
    def share(self) -> float:
        return self.done / self.total if self.total > 0 else 0.0


@dataclass(frozen=True)
class Table:
    """The chart's numbers: `rows` start with their row header."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    table: Table
    caption: str = ""  # shown under the title: what is counted, over which sentences


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    description: str = "",
    caption: str = "",
    max_value: float | None = None,
    columns: tuple[str, str] = ("Label", "Value"),
    table: Table | None = None,
    empty: str = "No data yet.",
) -> Chart:
    """Horizontal bars, one per row, lengths proportional to value / max_value (by default
    the largest value), so 0 and an empty series draw without dividing by zero.

    The data table lists label and shown text per bar, unless `table` gives a richer one."""
    description = description or _bar_summary(bars, empty)
    if not bars:
        svg = _empty_svg(chart_id, title, description, empty)
        return Chart(chart_id, title, description, svg, table or Table(columns, ()), caption)
    scale = max_value if max_value is not None else max(bar.value for bar in bars)
    label_width, track = _layout([bar.label for bar in bars], [bar.shown for bar in bars])
    parts = []
    for i, bar in enumerate(bars):
        length = track * _ratio(bar.value, scale)
        parts.append(
            _track_row(
                i,
                label=bar.label,
                tip=bar.title or f"{bar.label}: {bar.shown}",
                text=bar.shown,
                label_width=label_width,
                track=track,
                fill=f'class="bar" width="{_f(length)}" data-value="{_f(bar.value)}"',
                text_x=label_width + length + 6,  # beside the bar's end
            )
        )
    svg = _svg(chart_id, title, description, _height(bars), "".join(parts), "bars")
    table = table or Table(columns, tuple((bar.label, bar.shown) for bar in bars))
    return Chart(chart_id, title, description, svg, table, caption)


def progress_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[Progress],
    description: str = "",
    caption: str = "",
    empty: str = "No sentences yet.",
    highlight_first: bool = False,
) -> Chart:
    """One full-width track per row filled to done / total, with "done/total (percent)";
    `highlight_first` sets the first row apart (a total above its parts)."""
    columns = ("", "Reviewed", "Sentences", "Share")
    description = description or _progress_summary(rows, empty)
    if not rows:
        svg = _empty_svg(chart_id, title, description, empty)
        return Chart(chart_id, title, description, svg, Table(columns, ()), caption)
    texts = [f"{r.done}/{r.total} ({percent(r.share)})" for r in rows]
    label_width, track = _layout([r.label for r in rows], texts)
    parts = [
        _track_row(
            i,
            label=row.label,
            tip=f"{row.label}: {text}",
            text=text,
            label_width=label_width,
            track=track,
            fill=f'class="done" width="{_f(track * row.share)}"',
            text_x=label_width + track + 6,  # after the track: the numbers line up
            total=i == 0 and highlight_first,
        )
        for i, (row, text) in enumerate(zip(rows, texts, strict=True))
    ]
    svg = _svg(chart_id, title, description, _height(rows), "".join(parts), "progress")
    table = Table(
        columns,
        tuple(
            (r.label, str(r.done), str(r.total), percent(r.share))
            for r in rows  # the share is shown as text so the table reads like the chart
        ),
    )
    return Chart(chart_id, title, description, svg, table, caption)


def heatmap(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    counts: dict[tuple[str, str], int],
    row_axis: str,
    column_axis: str,
    description: str = "",
    caption: str = "",
    empty: str = "No data yet.",
) -> Chart:
    """A square matrix of counts (rows by columns over the same labels), cells shaded by count.

    The diagonal (row label = column label) is drawn in the accent colour, the rest in the
    expert colour: in a confusion matrix the first is agreement, the second disagreement.
    """
    description = description or _heatmap_summary(labels, counts, empty)
    columns = (f"{row_axis} \\ {column_axis}", *labels)
    if not labels:
        svg = _empty_svg(chart_id, title, description, empty)
        return Chart(chart_id, title, description, svg, Table(columns, ()), caption)
    cell = 40 if len(labels) <= 8 else 30
    longest = min(max(len(label) for label in labels), MAX_LABEL_CHARS) * CHAR_WIDTH
    left = longest + 28  # row labels, plus room for the rotated row-axis title
    top = longest * 0.72 + 34  # column labels rotated by 45°, plus the column-axis title
    size = cell * len(labels)
    width = max(left + size + longest * 0.72 + 12, 200)
    height = top + size + 10
    peak = max(counts.values(), default=0)
    parts = [
        f'<text class="axis" x="{_f(left + size / 2)}" y="14" text-anchor="middle">'
        f"{escape(column_axis)}</text>",
        f'<text class="axis" x="14" y="{_f(top + size / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_f(top + size / 2)})">{escape(row_axis)}</text>',
    ]
    for j, label in enumerate(labels):
        x, y = left + j * cell + cell / 2, top - 6
        parts.append(
            f'<text class="label" x="{_f(x)}" y="{_f(y)}" transform="rotate(-45 {_f(x)} {_f(y)})"'
            f">{escape(_cut(label))}</text>"
        )
    for i, row_label in enumerate(labels):
        y = top + i * cell
        parts.append(
            f'<text class="label" x="{_f(left - 6)}" y="{_f(y + cell / 2)}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_cut(row_label))}</text>'
        )
        for j, column_label in enumerate(labels):
            n = counts.get((row_label, column_label), 0)
            strength = _ratio(n, peak)
            kind = "agree" if i == j else "disagree"
            x = left + j * cell
            fill = _shade("#0b5cad" if i == j else "#b35900", strength)
            ink = "#ffffff" if strength > 0.55 else "#1b1f24"
            parts.append(
                f'<g class="cell {kind}"><title>{escape(row_axis)} {escape(row_label)}, '
                f"{escape(column_axis)} {escape(column_label)}: {n}</title>"
                f'<rect x="{_f(x)}" y="{_f(y)}" width="{cell}" height="{cell}" '
                f'fill="{fill}" data-count="{n}"/>'
            )
            if n:
                parts.append(
                    f'<text x="{_f(x + cell / 2)}" y="{_f(y + cell / 2)}" fill="{ink}" '
                    f'text-anchor="middle" dominant-baseline="middle">{n}</text>'
                )
            parts.append("</g>")
    svg = _svg(chart_id, title, description, height, "".join(parts), "heatmap", width=width)
    table = Table(
        columns,
        tuple(
            (row_label, *(str(counts.get((row_label, c), 0)) for c in labels))
            for row_label in labels
        ),
    )
    return Chart(chart_id, title, description, svg, table, caption)


# --- helpers ----------------------------------------------------------------------------------


def _svg(
    chart_id: str,
    title: str,
    description: str,
    height: float,
    body: str,
    kind: str,
    width: float = WIDTH,
) -> SafeString:
    # Named by its title and described by its desc (not labelled by both): screen readers
    # then announce a short name and offer the summary, and tests can find it by name.
    # Safe to mark: every text inside went through escape() (labels are user data).
    return mark_safe(
        f'<svg xmlns="{SVG_NS}" class="chart-svg {kind}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(chart_id)}-desc" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'font-size="{FONT}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _layout(labels: Sequence[str], texts: Sequence[str]) -> tuple[float, float]:
    """Rows of label, track and text: the label column's width and the track's length."""
    label_width = _label_width(labels)
    value_width = max(len(text) for text in texts) * CHAR_WIDTH + 12
    return label_width, max(WIDTH - label_width - value_width - 8, 60)


def _height(rows: Sequence[object]) -> float:
    return len(rows) * ROW + 8


def _track_row(
    i: int,
    *,
    label: str,
    tip: str,
    text: str,
    label_width: float,
    track: float,
    fill: str,
    text_x: float,
    total: bool = False,
) -> str:
    """Row `i` of a bar or progress chart: label, full-length track, the filled part (its
    `fill` attributes: class, width and any data) and the text."""
    y = 4 + i * ROW
    bar_y = y + (ROW - BAR) / 2
    return (
        f'<g class="row{" total" if total else ""}"><title>{escape(tip)}</title>'
        f'<text class="label" x="{label_width - 8}" y="{y + ROW / 2}" '
        f'text-anchor="end" dominant-baseline="middle">{escape(_cut(label))}</text>'
        f'<rect class="track" x="{label_width}" y="{bar_y}" '
        f'width="{_f(track)}" height="{BAR}" rx="2"/>'
        f'<rect {fill} x="{label_width}" y="{bar_y}" height="{BAR}" rx="2"/>'
        f'<text class="value" x="{_f(text_x)}" y="{y + ROW / 2}" '
        f'dominant-baseline="middle">{escape(text)}</text></g>'
    )


def _empty_svg(chart_id: str, title: str, description: str, message: str) -> SafeString:
    body = f'<text class="empty" x="8" y="22">{escape(message)}</text>'
    return _svg(chart_id, title, description, 36, body, "empty")


def _ratio(value: float, scale: float) -> float:
    """value / scale clamped to 0..1; 0 when there is no scale (empty or all-zero data)."""
    if scale <= 0 or value <= 0:
        return 0.0
    return min(value / scale, 1.0)


def _label_width(labels: Iterable[str]) -> float:
    longest = max((len(_cut(label)) for label in labels), default=0)
    return min(max(longest * CHAR_WIDTH + 12, 60), 220)


def _cut(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _shade(colour: str, strength: float) -> str:
    """`colour` mixed with white: 0 → a faint tint (so empty cells still show the grid),
    1 → the colour itself."""
    mix = 0.06 + 0.94 * strength
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 + (c - 255) * mix):02x}" for c in (red, green, blue))


def _f(number: float) -> str:
    """A coordinate with at most one decimal: short markup, stable tests."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def percent(share: float) -> str:
    """A share as a percentage with one decimal, dropped when it is 0: 75%, 2.5%."""
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


def _bar_summary(bars: Sequence[Bar], empty: str) -> str:
    if not bars:
        return empty
    top = max(bars, key=lambda bar: bar.value)
    return f"{len(bars)} bars; the largest is {top.label} with {top.shown}."


def _progress_summary(rows: Sequence[Progress], empty: str) -> str:
    if not rows:
        return empty
    first = rows[0]
    return f"{first.label}: {first.done} of {first.total} reviewed ({percent(first.share)})."


def _heatmap_summary(labels: Sequence[str], counts: dict[tuple[str, str], int], empty: str) -> str:
    total = sum(counts.values())
    if not labels or not total:
        return empty
    same = sum(n for (a, b), n in counts.items() if a == b)
    return f"{total} sentences; {same} on the diagonal ({percent(same / total)})."
