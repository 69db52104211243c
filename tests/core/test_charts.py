"""core/charts.py: the one SVG chart module (escaped labels, numbers placed exactly)."""

import re

from core.charts import Score, bar_chart, group_chart, heat_level, pair_chart, score_chart


def test_bar_chart_escapes_labels_and_scales_to_the_top_value():
    svg = bar_chart([("<script>", 50), ("B", 100)], title="Share & more", suffix="%")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<title>Share &amp; more</title>" in svg
    assert 'width="160" height="18"' in svg  # 50 of 100 on a 320 px bar
    assert 'width="320" height="18"' in svg
    assert "100%</text>" in svg


def test_empty_charts_draw_nothing():
    assert bar_chart([], title="x") == ""
    assert pair_chart([], title="x", labels=("a", "b")) == ""
    assert score_chart([], title="x", threshold=60, threshold_label="t", before_label="b") == ""


def test_pair_chart_draws_two_bars_and_a_legend():
    svg = pair_chart([("Digital", 4, 2)], title="Deficits", labels=("found", "addressed"))
    assert svg.count("<rect") == 4  # two legend swatches, two bars
    assert 'width="320" height="13"' in svg and 'width="160" height="13"' in svg
    assert ">found</text>" in svg and ">addressed</text>" in svg


def test_score_chart_flags_rows_draws_earlier_scores_and_the_threshold():
    svg = score_chart(
        [
            Score("Оценивание <b>", "A.1", 40, flagged=True, before=55),
            Score("Цифровая среда", "D.2", 80, flagged=False),
        ],
        title="Профиль",
        threshold=60,
        threshold_label="порог",
        before_label="до",
        flag_class="deficit",
        css_class="profile-chart",
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="profile-chart"')
    assert svg.count('<g class="bar deficit" data-code="A.1">') == 1
    assert svg.count('<g class="bar" data-code="D.2">') == 1
    assert "Оценивание &lt;b&gt;" in svg
    assert 'width="168" height="14" rx="2" fill="#dc3545"' in svg  # 40 of 420 px
    assert 'width="336" height="14" rx="2" fill="#198754"' in svg
    assert 'width="231" height="8" fill="#adb5bd"><title>до: 55</title>' in svg
    assert "40 (-15)</text>" in svg and ">80</text>" in svg
    assert '<line x1="512" x2="512" y1="4" y2="86" stroke="#fd7e14"' in svg  # 260 + 420 × 0.6
    assert ">порог 60</text>" in svg


def test_score_chart_coordinates_use_a_dot_whatever_the_language(settings):
    from django.utils import translation

    with translation.override("ru"):
        svg = score_chart(
            [Score("x", "x", 33, flagged=False)],
            title="t",
            threshold=45,
            threshold_label="t",
            before_label="b",
        )
    assert 'width="138.6"' in svg
    assert 'x1="449"' in svg


def test_heat_level_steps():
    assert [heat_level(v) for v in (None, "", 0, 19, 20, 59, 80, 100, 150, -5)] == [
        None,
        None,
        0,
        0,
        1,
        2,
        4,
        4,
        4,
        0,
    ]


def test_group_chart_one_bar_per_group_a_dash_for_a_hidden_one_and_wrapped_escaped_labels():
    svg = group_chart(
        [("Relevance of the content to my work <b>", [4.5, None, 3.0])],
        title="Mean",
        labels=["Autumn", "Winter & co", "Spring"],
        max_value=5,
    )
    assert svg.count("<rect") == 3 + 2  # three legend swatches, two bars (Winter is hidden)
    assert '<rect x="200" y="84" width="252" height="12" fill="#305496"></rect>' in svg  # 4.5 of 5 × 280
    assert ">—</text>" in svg and "Winter &amp; co" in svg
    assert "<title>Relevance of the content to my work &lt;b&gt;</title>" in svg
    assert '<tspan x="194" y="100.5">Relevance of the content to</tspan>' in svg
    assert '<tspan x="194" y="114.5">my work &lt;b&gt;</tspan>' in svg
    assert group_chart([], title="x", labels=["a"]) == ""


LONG_NAME = "Искусственный интеллект в работе учителя: инструменты и этика"


def test_score_chart_wraps_a_long_name_on_lines_and_cuts_nothing():
    from core.charts import SCORE_ROW

    svg = score_chart(
        [Score(LONG_NAME, "D.4", 50, flagged=True), Score("Оценивание", "A.1", 70, flagged=False)],
        title="Профиль",
        threshold=60,
        threshold_label="порог",
        before_label="до",
    )
    assert "…" not in svg
    lines = re.findall(r'<tspan x="252" (?:y|dy)="[\d.]+">([^<]*)</tspan>', svg)
    assert lines == ["Искусственный интеллект в работе", "учителя: инструменты и этика", "Оценивание"]
    assert " ".join(lines[:2]) == LONG_NAME
    assert f'viewBox="0 0 750 {40 + 2 * SCORE_ROW}"' in svg  # two lines fit the usual row height


def test_score_chart_grows_a_row_for_a_name_of_many_lines():
    name = " ".join(["Очень длинное название компетенции"] * 4)
    svg = score_chart(
        [Score(name, "X", 50, flagged=False)], title="t", threshold=60, threshold_label="t", before_label="b"
    )
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines) == name
    assert len(lines) == 6
    assert 'viewBox="0 0 750 130"' in svg  # 40 + 34 + 4 extra lines of 14


def test_a_word_longer_than_the_line_is_kept_whole():
    from core.charts import wrap_label

    assert wrap_label("Сверхдлиннаякомпетенциябезпробеловвообщеникаких ок", 20) == [
        "Сверхдлиннаякомпетенциябезпробеловвообщеникаких",
        "ок",
    ]


def test_stacked_chart_draws_segments_with_their_shown_percent_and_a_legend():
    from core.charts import Stack, stacked_chart

    svg = stacked_chart(
        [
            Stack("Содержание <курса>", widths=(0, 0, 0, 50, 50), texts=("0%", "0%", "0%", "50%", "50%")),
            Stack(
                LONG_NAME, widths=(100 / 3, 100 / 3, 100 / 3, 0, 0), texts=("33%", "33%", "33%", "0%", "0%")
            ),
        ],
        title="Распределение ответов",
        legend=("1 — нет", "2", "3", "4", "5 — да"),
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="stacked-chart')
    assert "Содержание &lt;курса&gt;" in svg and "…" not in svg
    assert svg.count(">50%<") == 2 and svg.count(">33%<") == 3
    assert ">0%<" not in svg  # an empty segment is not drawn
    assert svg.count('<rect x="') == 5 + 5  # five segments drawn, five legend swatches
    assert 'width="160" height="18" fill="#5dade2"' in svg  # half of 320 px, the colour of 4
    assert 'width="106.7" height="18" fill="#c0392b"' in svg
    assert ">1 — нет</text>" in svg and ">5 — да</text>" in svg


def test_stacked_chart_without_rows_draws_nothing():
    from core.charts import stacked_chart

    assert stacked_chart([], title="t", legend=("1", "2", "3", "4", "5")) == ""


def test_svg_to_png_renders_cyrillic_text():
    from core.charts import standalone_svg, svg_to_png

    png = svg_to_png(bar_chart([("Оценивание", 40)], title="Профиль"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = standalone_svg(bar_chart([("Оценивание", 40)], title="Профиль"))
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'width="600" height="60"' in svg  # the viewBox size: a file has no container to fill
