"""The status chart: a phone-readable PNG, any script in party names, never a crash on no data."""

from __future__ import annotations

import struct
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.chart import (
    MAX_PARTIES,
    NAME_CHARS,
    WIDTH_PX,
    chart_figure,
    drawable_label,
    party_labels,
    status_chart,
    title_lines,
)

AS_OF = date(2023, 2, 13)
NON_LATIN = {
    "Україна": {"open": 2, "done": 1},
    "Türkiye": {"in_progress": 3},
    "საქართველო": {"blocked": 1, "dropped": 1},
    "Magyarország": {"done": 4},
    "Ελλάδα": {"open": 1},
    "Հայաստան": {"open": 1},
    "Azərbaycan": {"done": 1},
}


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which PNG requires to come first."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def totals_of(by_party: dict[str, dict[str, int]]) -> dict[str, int]:
    """The steps per status when every step has one owner: the bars' sums."""
    totals: dict[str, int] = {}
    for counts in by_party.values():
        for status, count in counts.items():
            totals[status] = totals.get(status, 0) + count
    return totals


def chart(by_party: dict[str, dict[str, int]], overdue: dict[str, int] | None = None) -> bytes:
    return status_chart(
        by_party=by_party,
        overdue_by_party=overdue or {},
        totals=totals_of(by_party),
        overdue=sum((overdue or {}).values()),
        title="32nd SOM",
        as_of=AS_OF,
    )


def figure_texts(**kwargs: Any) -> tuple[list[str], str, str, list[str]]:
    """The legend's entries, the footer (axis label), the title and the party labels drawn."""
    figure = chart_figure(**{"title": "32nd SOM", "as_of": AS_OF, **kwargs})
    legend = figure.legends[0]
    axes = figure.axes[0]
    title = figure._suptitle.get_text() if figure._suptitle else ""  # type: ignore[attr-defined]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    return [t.get_text() for t in legend.get_texts()], axes.get_xlabel(), title, labels


def missing_glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_chart_is_a_png_at_least_1000_px_wide() -> None:
    png = chart({"Türkiye": {"open": 3, "done": 2}}, {"Türkiye": 1})
    width, height = png_size(png)
    assert width == WIDTH_PX >= 1000
    assert 300 < height < width
    assert png.endswith(b"IEND\xaeB`\x82")


def test_non_latin_party_names_render_without_missing_glyphs() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart(NON_LATIN, {"საქართველო": 1, "Україна": 2})
    assert png_size(png)[0] >= 1000
    assert missing_glyph_warnings(caught) == []
    for name in NON_LATIN:
        assert drawable_label(name) == name  # drawn as written, not as "?"


def test_matplotlib_warns_about_a_missing_glyph_so_the_check_above_can_fail() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if drawable_label("中") == "中":
        pytest.skip("a CJK font is installed here")
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "中", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()
    assert missing_glyph_warnings(caught)


def test_characters_no_font_has_become_question_marks_without_warnings() -> None:
    if drawable_label("中国") == "中国":
        pytest.skip("a CJK font is installed here")
    assert drawable_label("中国 Delegation") == "?? Delegation"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart({"中国": {"open": 1}, "🇺🇦 Ukraine": {"done": 1}})
    assert missing_glyph_warnings(caught) == []


def test_long_names_are_shortened_and_dollar_signs_are_not_maths() -> None:
    assert drawable_label("Permanent International Secretariat", 24) == "Permanent International…"
    png = chart({"Fund $5 $bn": {"open": 1}, "A" * 200: {"done": 2}})
    assert png_size(png)[0] == WIDTH_PX


def test_the_legend_and_footer_count_steps_not_owners_bars() -> None:
    # one step in progress owned by three parties, one open step owned by one, the first overdue
    by_party = {
        "Chairmanship (Türkiye)": {"in_progress": 1, "open": 1},
        "Reference Group Chair — Sweden": {"in_progress": 1},
        "Reference Group Chair — Pakistan": {"in_progress": 1},
    }
    legend, footer, _title, _labels = figure_texts(
        by_party=by_party,
        overdue_by_party=dict.fromkeys(by_party, 1),
        totals={"open": 1, "in_progress": 1, "blocked": 0, "done": 0, "dropped": 0},
        overdue=1,
    )
    assert "In progress 1" in legend and "Open 1" in legend and "Done 0" in legend
    assert footer.startswith("2 steps · 1 overdue\n")
    assert "a shared step counts for each owner" in footer


def test_similar_long_names_keep_their_distinguishing_ends() -> None:
    names = ["Reference Group Chair — Sweden", "Reference Group Chair — Pakistan"]
    assert party_labels(names, 24) == ["Reference Grou… — Sweden", "Reference Gr… — Pakistan"]
    # at the chart's own width the whole of the demo's names fit
    assert party_labels(names) == ["Reference Group Chair — Sweden", "Reference Group Ch… — Pakistan"]
    alike = [f"Working Group on Transport and Infrastructure {x}" for x in "AB"]
    alike += ["Permanent Secretariat of the Organisation", "Permanent  Secretariat of the Organisation"]
    labels = party_labels(alike)
    assert len(set(labels)) == len(labels) and all(len(label) <= NAME_CHARS for label in labels)
    assert labels[0].endswith(" A") and labels[1].endswith(" B")
    if drawable_label("中国") != "中国":  # no CJK font: both are "??" as drawn, still two labels
        assert party_labels(["中国", "日本"]) == ["??", "?? (2)"]
    _legend, _footer, _title, drawn = figure_texts(
        by_party={name: {"open": 1} for name in names},
        overdue_by_party={},
        totals={"open": 2},
        overdue=0,
    )
    assert sorted(drawn) == sorted(party_labels(names))


def test_a_long_title_takes_two_lines_instead_of_losing_its_end() -> None:
    title = "Progress on the next steps of the 32nd Senior Officials Meeting → 33rd Senior Officials Meeting"
    assert title_lines(title, lambda line: len(line) <= 64) == [
        "Progress on the next steps of the 32nd Senior Officials Meeting",
        "→ 33rd Senior Officials Meeting",
    ]
    _legend, _footer, drawn, _labels = figure_texts(
        by_party={"Sweden": {"open": 1}}, overdue_by_party={}, totals={"open": 1}, overdue=0, title=title
    )
    assert drawn.split("\n")[1:] == ["→ 33rd Senior Officials Meeting", "Status as of 13 Feb 2023"]
    assert "…" not in drawn
    words = "word " * 40
    first, second = title_lines(words, lambda line: len(line) <= 30)
    assert len(first) <= 30 and len(second) <= 30 and second.endswith("…")


def test_no_items_gives_a_no_items_image() -> None:
    cases: tuple[dict[str, dict[str, int]], ...] = ({}, {"Türkiye": {}}, {"Türkiye": {"open": 0}})
    for by_party in cases:
        width, height = png_size(chart(by_party))
        assert width >= 1000 and height > 200


def test_height_grows_with_parties_up_to_the_cap() -> None:
    def height(parties: int) -> int:
        return png_size(chart({f"Party {n}": {"open": n + 1} for n in range(parties)}))[1]

    assert height(2) < height(10) < height(MAX_PARTIES)
    # the rest share one "others" bar
    assert height(MAX_PARTIES) == height(MAX_PARTIES + 40)


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown status 'finished'"):
        chart({"Türkiye": {"finished": 1}})


def test_same_data_gives_the_same_bytes() -> None:
    assert chart(NON_LATIN, {"Україна": 1}) == chart(NON_LATIN, {"Україна": 1})


def test_importing_the_chart_loads_no_matplotlib_and_rendering_no_pyplot() -> None:
    script = (
        "import sys\n"
        "from datetime import date\n"
        "import core.chart\n"
        "assert 'matplotlib' not in sys.modules, 'imported at start'\n"
        "core.chart.status_chart(by_party={'A': {'open': 1}}, overdue_by_party={}, totals={'open': 1},"
        " overdue=0, title='t', as_of=date(2023, 1, 1))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot used'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=root
    )
    assert done.returncode == 0, done.stderr


LONG_NAMES = {
    "Reference Group Chair — Sweden": {
        "open": 40,
        "in_progress": 20,
        "done": 30,
        "blocked": 10,
        "dropped": 5,
    },
    "Permanent International Secretariat": {"open": 35, "in_progress": 20, "done": 30, "blocked": 10},
    "Working Group on Transport and Communications": {"open": 30, "in_progress": 20, "done": 30},
    "Chairmanship (Türkiye)": {"open": 25, "in_progress": 20, "done": 30, "blocked": 10},
    "Україна": {"open": 5, "done": 1},
}


def texts_outside_the_image(figure: Any) -> list[str]:
    """Every text drawn (title, legend, bar counts and bar-end labels, tick labels in view, footer)
    whose extent, as the renderer lays it out, leaves the image."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    ticks = [
        label
        for value, label in zip(axes.get_xticks(), axes.get_xticklabels(), strict=True)
        if low <= value <= high
    ]
    drawn = [
        figure._suptitle,
        *figure.legends[0].get_texts(),
        *axes.texts,
        axes.xaxis.label,
        *ticks,
        *axes.get_yticklabels(),
    ]
    image = figure.bbox
    outside = []
    for text in drawn:
        box = text.get_window_extent(renderer)
        if box.x0 < image.x0 or box.x1 > image.x1 or box.y0 < image.y0 or box.y1 > image.y1:
            outside.append(text.get_text())
    return outside


@pytest.mark.parametrize("lang", ["en", "ru", "tr"])
@pytest.mark.parametrize("scale", [1, 12])
def test_every_text_stays_inside_the_image_in_every_language(lang: str, scale: int) -> None:
    by_party = {name: {s: n * scale for s, n in counts.items()} for name, counts in LONG_NAMES.items()}
    overdue = {name: (sum(counts.values()) * 2) // 3 for name, counts in by_party.items()}
    figure = chart_figure(
        by_party=by_party,
        overdue_by_party=overdue,
        totals=totals_of(by_party),
        overdue=sum(overdue.values()),
        title="32nd SOM",
        as_of=AS_OF,
        lang=lang,
    )
    assert figure.bbox.width == WIDTH_PX >= 1000
    assert texts_outside_the_image(figure) == []
    footer = figure.axes[0].get_xlabel()
    ends = [t.get_text() for t in figure.axes[0].texts if "⚠" in t.get_text()]
    assert len(ends) == len(LONG_NAMES)  # every bar's overdue count is drawn, whole
    if lang == "ru":
        assert "учитывается у каждого" in " ".join(footer.split())
        assert all(end.split()[-1].isdigit() for end in ends)
    if lang == "en":  # the English note still takes one line
        assert footer.count("\n") == 1
