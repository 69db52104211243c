"""core/charts.py: the one SVG chart module (escaped labels, numbers placed exactly)."""

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
