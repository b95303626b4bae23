"""The status chart: items per status per party, and how many are overdue, as a PNG for a phone.

Pure and synchronous (no ``telegram``): callers run ``status_chart`` off the event loop, e.g.
``await asyncio.to_thread(status_chart, ...)``. matplotlib is imported on the first render, not
when this module is imported, so the bot does not pay its ~0.5 s import at start; ``warm_up``
pays it ahead of time (call it in a thread after start if the first /chart must be fast).

Only the object-oriented ``Figure`` API with an explicit Agg canvas is used, never pyplot: pyplot
keeps every figure alive in a global registry, a leak in a long-running process. Global
``rcParams`` are never changed either; every text gets its font and size explicitly.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from core.i18n import SOURCE_LANGUAGE, Translator, format_day, translator
from storage.models import Status

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import Locator

    from core.progress.model import ProgressReport

# Stacking order, left to right: finished work first, then what is moving, then what is stuck.
STATUS_ORDER = (Status.DONE, Status.IN_PROGRESS, Status.OPEN, Status.BLOCKED, Status.DROPPED)
# Okabe–Ito colours (safe for the common colour-vision deficiencies), matched to the bot's
# emoji: ✅ green, 🔵 blue, ⚪ light grey, ⛔ vermillion, ✖️ dark grey.
STATUS_COLOUR = {
    Status.DONE: "#009E73",
    Status.IN_PROGRESS: "#0072B2",
    Status.OPEN: "#D9D9D9",
    Status.BLOCKED: "#D55E00",
    Status.DROPPED: "#5F5F5F",
}
_DARK_TEXT_ON = {Status.OPEN}  # light fills take black counts; the rest white
_OVERDUE_COLOUR = "#A13F00"  # a darker vermillion: reads as a warning, apart from "blocked"

MAX_PARTIES = 25  # bars drawn one per party; the rest share one "others" bar
# party names longer than this are shortened in the middle on the axis, keeping the end that
# tells similar names apart ("Reference Grou… — Sweden"); 30 characters at LABEL_PT take about
# 450 of the 1,200 px, leaving the bars two thirds
NAME_CHARS = 30
TITLE_CHARS = 58  # a title line at TITLE_PT - 2, bold, fits 1,200 px; longer titles take two lines
WIDTH_PX = 1200  # Telegram shows photos up to 1280 px on a side; wide enough to stay sharp
DPI = 100
_WIDTH_IN = WIDTH_PX / DPI
_BAR_IN = 0.52  # height per bar
_EMPTY_HEIGHT_IN = 5.0
# the first installed ones are used, in this order (matplotlib falls back glyph by glyph)
FONT_FAMILIES = ("DejaVu Sans", "Noto Sans", "Noto Sans Georgian", "Noto Sans CJK JP", "Noto Sans Arabic")
TITLE_PT = 24
LABEL_PT = 19
SMALL_PT = 16

# matplotlib's text layout and font cache are shared process-wide; one render at a time keeps
# two chats asking at once from racing on them (a render takes ~0.2 s).
_render_lock = threading.Lock()


def status_chart(
    *,
    by_party: Mapping[str, Mapping[str, int]],
    overdue_by_party: Mapping[str, int],
    totals: Mapping[str, int],
    overdue: int,
    title: str,
    as_of: date,
    lang: str = SOURCE_LANGUAGE,
) -> bytes:
    """A PNG of horizontal stacked bars, one per party (largest first), with each party's
    overdue count at the end of its bar; "No items yet" when there is nothing to draw.

    ``by_party`` maps a party name to counts keyed by ``Status`` values; unknown status keys
    are refused with ValueError, counts of 0 are fine. A step with several owners is in each
    owner's bar, so the bars add up to more than the steps: the legend and the footer say the
    steps themselves, ``totals`` (status value -> steps) and ``overdue`` (steps), as the report
    counts them. ``lang``: the language of the chart's own words (legend, axis, "status as of");
    the title and the party names are drawn as given.
    """
    with _render_lock:
        return _png(
            chart_figure(
                by_party=by_party,
                overdue_by_party=overdue_by_party,
                totals=totals,
                overdue=overdue,
                title=title,
                as_of=as_of,
                lang=lang,
            )
        )


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # no "Software"/date metadata: the same data gives the same bytes; light compression
    # (flat colours compress well anyway) saves a third of the render time
    figure.savefig(
        buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()


def chart_figure(
    *,
    by_party: Mapping[str, Mapping[str, int]],
    overdue_by_party: Mapping[str, int],
    totals: Mapping[str, int],
    overdue: int,
    title: str,
    as_of: date,
    lang: str = SOURCE_LANGUAGE,
) -> Figure:
    """The chart as a matplotlib ``Figure`` (not yet drawn): ``status_chart``'s work before the
    PNG, for tests to read its texts. Not thread-safe: ``status_chart`` holds the render lock."""
    rows = _rows(by_party, overdue_by_party, lang)
    counts = _typed_counts(totals, "the totals")
    if not rows:
        return _empty_figure(title, as_of, lang)
    return _bars_figure(rows, counts, max(0, overdue), title, as_of, lang)


def report_chart(report: ProgressReport) -> bytes:
    """The chart of a progress report as a PNG: its bars per owner, its own totals in the
    legend, in the report's language."""
    with _render_lock:
        return _png(report_figure(report))


def report_figure(report: ProgressReport) -> Figure:
    """``report_chart``'s figure, not yet drawn (not thread-safe: ``report_chart`` holds the
    render lock)."""
    return chart_figure(
        by_party=report.by_party,
        overdue_by_party=report.overdue_by_party,
        totals=report.counts,
        overdue=report.overdue,
        title=report.title,
        as_of=report.as_of,
        lang=report.lang,
    )


def status_name(status: Status, lang: str = SOURCE_LANGUAGE) -> str:
    """The legend's word: the bot's status word with a capital ("In progress", "В работе")."""
    from core.progress.text import capitalised, status_word

    return capitalised(status_word(status, lang), lang)


def warm_up() -> None:
    """Import matplotlib and load the fonts now, so the first chart renders fast (blocking)."""
    _new_figure(1.0)
    _font_coverage()


def drawable_label(text: str, limit: int | None = None) -> str:
    """``text`` as the chart draws it: whitespace runs as one space, shortened to ``limit``
    characters with "…" (when given), and any character no installed font has replaced by "?"
    (rather than a box and a warning)."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    covered = _font_coverage()
    return "".join(c if ord(c) in covered or not c.isprintable() else "?" for c in text)


# where a name's distinguishing end starts: "Reference Group Chair — Sweden", "Chair (Hungary)"
_NAME_TAIL_MARKS = (" — ", " – ", " - ", " (", ": ", ", ")


def _shorten_middle(text: str, limit: int, tail: int) -> str:
    """``text`` in ``limit`` characters: its start, "…", and its last ``tail`` characters."""
    tail = min(tail, limit - 2)
    head = text[: limit - 1 - tail].rstrip()
    end = text[len(text) - tail :]
    return f"{head}…{end}"


def _name_tail(text: str, limit: int) -> int:
    """How much of a long name's end to keep: from its last separator ("— Sweden") when that
    leaves room for a start, else its last words in at most half the label."""
    for mark in _NAME_TAIL_MARKS:
        at = text.rfind(mark)
        if at > 0 and len(text) - at <= limit // 2 + 2:
            return len(text) - at
    at = text.find(" ", len(text) - limit // 2)
    return len(text) - at if at > 0 else limit // 3


def party_labels(names: Sequence[str], limit: int = NAME_CHARS) -> list[str]:
    """The axis labels for ``names``: as written when short, else shortened in the middle
    keeping the end ("Reference Gro… — Sweden"); never two the same for different names
    (more of the end is kept, then a number added, until they differ)."""
    # as drawn (characters no font has are "?"), so two names only a missing font makes alike
    # are told apart too
    clean = [drawable_label(name) for name in names]
    tails = [_name_tail(text, limit) for text in clean]

    def label(index: int) -> str:
        text = clean[index]
        return text if len(text) <= limit else _shorten_middle(text, limit, tails[index])

    labels = [label(i) for i in range(len(clean))]
    for _ in range(limit):
        seen: dict[str, list[int]] = {}
        for index, text in enumerate(labels):
            seen.setdefault(text, []).append(index)
        # labels alike for names that differ: keep more of their ends
        clashes = [group for group in seen.values() if len({clean[i] for i in group}) > 1]
        if not clashes:
            break
        for group in clashes:
            for index in group:
                if len(clean[index]) > limit and tails[index] < limit - 2:
                    tails[index] += 1
                    labels[index] = label(index)
    # names that still clash (identical after whitespace, or alike to the end): numbered
    counted: dict[str, int] = {}
    for index, text in enumerate(labels):
        counted[text] = counted.get(text, 0) + 1
        if counted[text] > 1:
            suffix = f" ({counted[text]})"
            if len(text) + len(suffix) > limit:
                text = _shorten_middle(text, limit - len(suffix), tails[index])
            labels[index] = text + suffix
    return labels


def title_lines(title: str, fits: Callable[[str], bool] | None = None) -> list[str]:
    """The title in one line, or two (broken before "→" when both halves fit, else at the last
    word that fits); only a title too long for two lines loses its end. ``fits`` says whether a
    line fits the image (by default: at most ``TITLE_CHARS`` characters)."""
    fits = fits or (lambda line: len(line) <= TITLE_CHARS)
    title = drawable_label(title)
    if fits(title):
        return [title]
    before, arrow, after = title.rpartition(" → ")
    if arrow and fits(before) and fits(f"→ {after}"):
        return [before, f"→ {after}"]
    words = title.split(" ")
    first = words[0]
    for count in range(len(words), 0, -1):
        if fits(" ".join(words[:count])):
            first = " ".join(words[:count])
            break
    while not fits(first) and len(first) > 1:  # one word wider than the image
        first = first[:-1]
    second = title[len(first) :].strip()
    while second and not fits(second):
        second = second[:-2].rstrip() + "…"
    return [first, second] if second else [first]


# -- data ----------------------------------------------------------------------------------------
class _Row:
    __slots__ = ("counts", "name", "overdue", "total")

    def __init__(self, name: str, counts: dict[Status, int], overdue: int) -> None:
        self.name = name
        self.counts = counts
        self.overdue = overdue
        self.total = sum(counts.values())


def _typed_counts(counts: Mapping[str, int], whose: str) -> dict[Status, int]:
    typed = {s: 0 for s in STATUS_ORDER}
    for key, count in counts.items():
        try:
            status = Status(key)
        except ValueError:
            raise ValueError(f"unknown status {key!r} for {whose}") from None
        if count < 0:
            raise ValueError(f"negative count {count} for {whose}")
        typed[status] += count
    return typed


def _rows(
    by_party: Mapping[str, Mapping[str, int]], overdue_by_party: Mapping[str, int], lang: str
) -> list[_Row]:
    rows: list[_Row] = []
    for name, counts in by_party.items():
        typed = _typed_counts(counts, repr(name))
        row = _Row(name, typed, max(0, overdue_by_party.get(name, 0)))
        if row.total:
            rows.append(row)
    rows.sort(key=lambda r: (-r.total, -r.overdue, r.name.casefold()))
    if len(rows) > MAX_PARTIES:
        kept, rest = rows[: MAX_PARTIES - 1], rows[MAX_PARTIES - 1 :]
        merged = {s: sum(r.counts[s] for r in rest) for s in STATUS_ORDER}
        others = (
            translator(lang)
            .ngettext("{count} other party", "{count} other parties", len(rest))
            .format(count=len(rest))
        )
        kept.append(_Row(others, merged, sum(r.overdue for r in rest)))
        rows = kept
    return rows


# -- drawing --------------------------------------------------------------------------------------
# The layout is computed here in inches rather than by matplotlib's constrained layout, which
# measures every artist twice and would take half of the time budget.
_TOP_IN = 1.75  # two title lines and the legend row
_TITLE_LINE_IN = 0.42  # one more title line (TITLE_PT - 2 at a line spacing of 1.3)
_BOTTOM_IN = 1.3  # tick labels and the two-line axis label
_RIGHT_IN = 0.35
_GAP_IN = 0.25  # between the party names and the bars
_FOOTER_LINE_IN = 16 * 1.4 / 72  # one more footer line (SMALL_PT at a line spacing of 1.4)
_MARGIN_IN = 0.2  # the least space between a text and the image's edge
_AFTER_BAR_PT = 8  # between a bar's end and its count
_DIGIT = re.compile(r"\d")


def _bars_figure(
    rows: list[_Row], totals: dict[Status, int], overdue: int, title: str, as_of: date, lang: str
) -> Figure:
    from matplotlib.transforms import offset_copy

    from core.progress.text import steps_count

    tr = translator(lang)

    heading = title_lines(title, _title_fits)
    top_in = _TOP_IN + _TITLE_LINE_IN * (len(heading) - 1)
    steps = sum(totals.values())
    footer = _footer_lines(
        steps_count(steps, lang)
        + (" · " + tr.gettext("{count} overdue").format(count=overdue) if overdue else ""),
        tr.gettext("Bars count steps per owner: a shared step counts for each owner"),
    )
    bottom_in = _BOTTOM_IN + _FOOTER_LINE_IN * (len(footer) - 2)
    height = top_in + bottom_in + _BAR_IN * len(rows)
    figure = _new_figure(height)
    axes = figure.add_subplot()
    fonts = _fonts()
    rows = rows[::-1]  # barh draws bottom-up; the largest party goes on top
    positions = list(range(len(rows)))
    names = party_labels([r.name for r in rows])
    left_in = _GAP_IN + max(_text_width_in(figure, name, LABEL_PT) for name in names)
    figure.subplots_adjust(
        left=left_in / _WIDTH_IN,
        right=1 - _RIGHT_IN / _WIDTH_IN,
        top=1 - top_in / height,
        bottom=bottom_in / height,
    )
    peak = max(r.total for r in rows)
    starts = [0] * len(rows)
    for status in STATUS_ORDER:
        widths = [r.counts[status] for r in rows]
        axes.barh(
            positions,
            widths,
            left=starts,
            height=0.72,
            color=STATUS_COLOUR[status],
            edgecolor="#8C8C8C" if status in _DARK_TEXT_ON else "#FFFFFF",
            linewidth=1.0,
            label=f"{status_name(status, lang)} {totals[status]}",  # steps, not the bars' sum
        )
        for y, start, width in zip(positions, starts, widths, strict=True):
            if width and width / peak >= 0.045 * len(str(width)):  # only where the count fits
                axes.text(
                    start + width / 2,
                    y,
                    str(width),
                    ha="center",
                    va="center",
                    fontsize=SMALL_PT,
                    fontfamily=fonts,
                    color="#000000" if status in _DARK_TEXT_ON else "#FFFFFF",
                )
        starts = [a + w for a, w in zip(starts, widths, strict=True)]
    after_bar = offset_copy(axes.transData, figure, x=_AFTER_BAR_PT, y=0, units="points")
    ends = [_bar_end_label(row, tr) for row in rows]
    for y, row, end in zip(positions, rows, ends, strict=True):
        axes.text(
            row.total,
            y,
            end,
            transform=after_bar,
            va="center",
            fontsize=SMALL_PT,
            fontweight="bold" if row.overdue else "normal",
            color=_OVERDUE_COLOUR if row.overdue else "#333333",
            fontfamily=fonts,
        )
    # room on the right for the "N  ⚠ M overdue" after each bar, however long its words
    axes_in = _WIDTH_IN - _RIGHT_IN - left_in
    axes.set_xlim(0, _x_limit(rows, ends, peak, axes_in))
    axes.set_ylim(-0.6, len(rows) - 0.4)
    # parse_math=False: a "$" in a name is a dollar sign, not the start of a formula
    axes.set_yticks(positions, names, fontsize=LABEL_PT, fontfamily=fonts, parse_math=False)
    axes.tick_params(axis="y", length=0)
    axes.tick_params(axis="x", labelsize=SMALL_PT)
    axes.xaxis.set_major_locator(_integer_locator())
    axes.grid(axis="x", color="#E5E5E5", linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    # under the bars' middle, moved (never past the image's edges) when a language's words are long
    footer_in = max(_measured_in(line, SMALL_PT) for line in footer)
    middle_in = (left_in + _WIDTH_IN - _RIGHT_IN) / 2
    middle_in = max(footer_in / 2 + _MARGIN_IN, min(middle_in, _WIDTH_IN - footer_in / 2 - _MARGIN_IN))
    axes.set_xlabel(
        "\n".join(footer),
        x=(middle_in - left_in) / axes_in,
        fontsize=SMALL_PT,
        fontfamily=fonts,
        linespacing=1.4,
        parse_math=False,
    )
    figure.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - (top_in - 0.7) / height),
        ncols=len(STATUS_ORDER),
        frameon=False,
        prop={"family": fonts, "size": SMALL_PT},
        handlelength=1.1,
        handletextpad=0.4,
        columnspacing=1.2,
    )
    _title(figure, heading, as_of, height, lang)
    return figure


def _bar_end_label(row: _Row, tr: Translator) -> str:
    """What follows a bar: its count, and how many of its steps are overdue ("12  ⚠ 3 overdue")."""
    if not row.overdue:
        return str(row.total)
    return f"{row.total}  " + tr.gettext("⚠ {count} overdue").format(count=row.overdue)


def _x_limit(rows: Sequence[_Row], ends: Sequence[str], peak: int, axes_in: float) -> float:
    """The x axis's end: a tenth past the longest bar (four tenths when something is overdue, as
    the English words need), or more, so that every bar's end label ends inside the image, the
    words measured in the language they are in. The bars keep at least a third of the width."""
    limit = peak * (1.4 if any(r.overdue for r in rows) else 1.1)
    room_in = axes_in + _RIGHT_IN - _MARGIN_IN  # the label may run into the right margin
    for row, end in zip(rows, ends, strict=True):
        # the fonts' digits are all as wide, so labels alike but for their digits are measured once
        label_in = _AFTER_BAR_PT / 72 + _measured_in(_DIGIT.sub("0", end), SMALL_PT, bool(row.overdue))
        bars_in = max(room_in - label_in, axes_in / 3)
        limit = max(limit, row.total * axes_in / bars_in)
    return limit


def _footer_lines(*lines: str) -> list[str]:
    """The footer's lines, each broken at spaces into lines that fit the image's width with a
    margin each side (measured: Russian and Turkish take more room than English)."""
    width_in = _WIDTH_IN - 2 * _MARGIN_IN
    wrapped: list[str] = []
    for line in lines:
        line = drawable_label(line)
        if _measured_in(line, SMALL_PT) <= width_in:
            wrapped.append(line)
            continue
        current = ""
        for word in line.split(" "):
            tried = f"{current} {word}" if current else word
            if current and _measured_in(tried, SMALL_PT) > width_in:
                wrapped.append(current)
                current = word
            else:
                current = tried
        wrapped.append(current)
    return wrapped


def _empty_figure(title: str, as_of: date, lang: str) -> Figure:
    figure = _new_figure(_EMPTY_HEIGHT_IN)
    figure.text(
        0.5,
        0.45,
        translator(lang).gettext("No items yet"),
        ha="center",
        va="center",
        fontsize=TITLE_PT,
        color="#666666",
        fontfamily=_fonts(),
    )
    _title(figure, title_lines(title, _title_fits), as_of, _EMPTY_HEIGHT_IN, lang)
    return figure


def _title(figure: Figure, lines: list[str], as_of: date, height_in: float, lang: str) -> None:
    when = translator(lang).gettext("Status as of {date}").format(date=format_day(as_of, lang))
    when = drawable_label(when)
    figure.suptitle(
        "\n".join([*lines, when]),
        y=1 - 0.12 / height_in,
        va="top",
        fontsize=TITLE_PT - 2,
        fontweight="bold",
        fontfamily=_fonts(),
        linespacing=1.3,
        parse_math=False,
    )


def _title_fits(line: str) -> bool:
    """Whether a title line, bold at TITLE_PT - 2, fits the image with a margin each side."""
    return _text_width_in(_measuring_figure(), line, TITLE_PT - 2, bold=True) <= _WIDTH_IN - 0.6


@functools.lru_cache(maxsize=1024)
def _measured_in(text: str, size: float, bold: bool = False) -> float:
    """``_text_width_in`` on a figure kept for measuring, remembered (the same words each chart)."""
    return _text_width_in(_measuring_figure(), text, size, bold=bold)


@functools.cache
def _measuring_figure() -> Figure:
    return _new_figure(1.0)


def _text_width_in(figure: Figure, text: str, size: float, *, bold: bool = False) -> float:
    from matplotlib.font_manager import FontProperties

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    props = FontProperties(family=_fonts(), size=size, weight="bold" if bold else "normal")
    width, _height, _descent = renderer.get_text_width_height_descent(text, props, ismath=False)
    return float(width) / DPI


def _new_figure(height_in: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(figure)  # attaches itself: savefig renders with Agg, no pyplot, no backend switch
    return figure


def _integer_locator() -> Locator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=8)


def _fonts() -> list[str]:
    return list(_installed_fonts()[0])


def _font_coverage() -> frozenset[int]:
    return _installed_fonts()[1]


@functools.cache
def _installed_fonts() -> tuple[tuple[str, ...], frozenset[int]]:
    """The chart's fonts that are installed, and the code points they can draw together
    (the bold faces cover the same). Asking matplotlib for a missing family logs on every text,
    so only installed ones are named."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    families: list[str] = []
    covered: set[int] = set()
    for family in FONT_FAMILIES:
        try:
            props = font_manager.FontProperties(family=family)
            path = font_manager.findfont(props, fallback_to_default=False)
        except ValueError:
            continue
        families.append(family)
        covered |= set(FT2Font(path).get_charmap())
    return tuple(families) or ("sans-serif",), frozenset(covered)
