"""The words that came with the "what if" views and the accessibility work, in Japanese: the
step descriptions, the table of steps, the charts' text alternatives, the playback controls, the
what-if sentences and charts, and the sample drawing. Each Japanese sentence quotes the same
numbers as its English one (they are computed once, from the trace); only the words change."""

import html
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT_S, metrics_for_this_model, open_tab  # noqa: F401 (a fixture)
from test_i18n import cjk_share

import i18n
from model import config
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.readout import take_apart
from model.row_edits import RowEdit, occlusion, sensitivity
from model.state_map import STATE_MAP_PATH, read
from model.trace import trace
from model.weights_file import read_weights
from page import explain, figures_whatif

SEVEN = to_model_input(render(random_drawing(7, np.random.default_rng(0))))


@pytest.fixture(scope="module")
def weights():
    return read_weights(str(config.MODEL_PATH))


@pytest.fixture(scope="module")
def seven(weights):
    return trace(SEVEN, weights)


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def in_both_languages(make) -> tuple[str, str]:
    english = make()
    with i18n.language("ja"):
        japanese = make()
    return english, japanese


def assert_japanese_with_the_same_numbers(english: str, japanese: str) -> None:
    assert cjk_share(japanese) > 0.5, japanese
    # Japanese writes some numbers English spells out ("Six bar charts": 6つ), never fewer.
    assert numbers(english) <= numbers(japanese), (english, japanese)


@pytest.mark.parametrize("t", [1, 5, 14, 28])
def test_every_step_description_speaks_japanese_with_the_trace_s_numbers(seven, t):
    assert_japanese_with_the_same_numbers(*in_both_languages(lambda: explain.step_description(seven, t)))


def test_the_table_of_steps_has_japanese_headers_and_the_same_cells(seven):
    english, japanese = explain.step_table(seven), None
    with i18n.language("ja"):
        japanese = explain.step_table(seven)
    assert list(japanese[0]) == ["ステップ", "行のインク（ピクセル分）", "確率の上位3つ", "答えが定まったか"]
    for en_row, ja_row in zip(english, japanese):
        # The same numbers; a probability's words ("under 0.1%": "0.1%未満") are the language's own.
        assert [numbers(str(value)) for value in list(en_row.values())[:3]] == \
            [numbers(str(value)) for value in list(ja_row.values())[:3]]
        assert ja_row["答えが定まったか"] == ("はい" if en_row["settled"] == "yes" else "まだ")


def test_the_text_alternatives_speak_japanese(seven, weights):
    readout = take_apart(seven.hidden_states[-1], weights.readout_weights, weights.readout_bias)
    makers = [lambda: explain.input_alt(SEVEN), lambda: explain.input_alt(np.zeros_like(SEVEN)),
              lambda: explain.playback_alt(seven), lambda: explain.why_alt(None, seven),
              lambda: explain.step_alt(explain.step_numbers(seven, 9), 9),
              lambda: explain.readout_alt(readout, 7)]
    for make in makers:
        assert_japanese_with_the_same_numbers(*in_both_languages(make))


EDITS = [RowEdit("blank", 18, 22), RowEdit("blank", 9, 9), RowEdit("first_rows", last=14),
         RowEdit("first_rows", last=3), RowEdit("reverse"), RowEdit("shuffle", seed=3)]


@pytest.mark.parametrize("edit", EDITS)
def test_the_what_if_sentences_and_titles_speak_japanese(seven, weights, edit):
    edited = trace(edit.apply(SEVEN), weights)
    sentence = in_both_languages(
        lambda: explain.whatif_sentence(seven, edited, edit.kind, edit.first, edit.last, edit.seed))
    title = in_both_languages(lambda: explain.whatif_edit_words(edit.kind, edit.first, edit.last, edit.seed))
    assert_japanese_with_the_same_numbers(*sentence)
    assert numbers(title[0]) == numbers(title[1]) and cjk_share(title[1]) > 0.5


def test_the_influence_and_map_sentences_speak_japanese(seven, weights):
    drop, moves = occlusion(SEVEN, weights), sensitivity(SEVEN, weights)
    assert_japanese_with_the_same_numbers(*in_both_languages(
        lambda: explain.influence_sentence(seven, drop, moves)))
    blank = trace(np.zeros_like(SEVEN), weights)
    assert_japanese_with_the_same_numbers(*in_both_languages(
        lambda: explain.influence_sentence(blank, np.zeros(28), np.zeros(28))))
    if not STATE_MAP_PATH.exists():
        pytest.skip("model/state_map.npz is missing: python -m model.state_map")
    state_map = read(STATE_MAP_PATH)
    assert_japanese_with_the_same_numbers(*in_both_languages(
        lambda: explain.map_sentence(state_map, seven.hidden_states, 14)))


def test_the_what_if_charts_are_labelled_in_japanese(seven, weights):
    edited = trace(RowEdit("reverse").apply(SEVEN), weights)
    with i18n.language("ja"):
        rows = figures_whatif.rows_spec(seven, edited, 9, explain.whatif_edit_words("reverse", 1, 28, 0))
        drop, moves = occlusion(SEVEN, weights), sensitivity(SEVEN, weights)
        influence = figures_whatif.influence_spec(SEVEN, drop, moves, 7, 9)
    titles = [note["text"] for spec in (rows, influence) for note in spec["layout"]["annotations"]]
    assert "あなたの数字" in titles and "行を逆順に" in titles and "k行目だけを空白に" in titles
    hovers = " ".join(trace_["hovertemplate"] for spec in (rows, influence) for trace_ in spec["data"]
                      if "hovertemplate" in trace_)
    assert "元の入力" in hovers and "編集後" in hovers and "ポイント低下" in hovers
    assert "%{x}" in hovers and "%{y:.1%}" in hovers  # Plotly's own fields survive the translation


# --- The page itself, with ?lang=ja (AppTest: no browser) -----------------------------------------

@pytest.fixture
def japanese_app(metrics_for_this_model, monkeypatch) -> AppTest:  # noqa: F811 (the imported fixture)
    monkeypatch.delenv("MNIST_DIR", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["lang"] = "ja"
    return at.run()


def test_the_sample_drawing_the_playback_controls_and_the_what_if_tabs_speak_japanese(japanese_app, weights):
    app = japanese_app
    # AppTest formats a selectbox's options with its format_func in this thread, at every run:
    # this thread must speak the page's language too.
    with i18n.language("ja"):
        sample = app.selectbox(key="sample_drawing")
        assert sample.label == "または見本の手書き数字を選ぶ"
        assert sample.placeholder == "描かずに0〜9の数字を選ぶ"
        sample.set_value(3).run()
        assert not app.exception
        analysis = trace(app.session_state["linked_drawing"].image, weights)
        (controls,) = [element.proto.body for element in app.get("html")
                       if 'class="playback-controls"' in element.proto.body]
        assert 'aria-label="再生の操作"' in controls and 'data-pause-label="一時停止"' in controls
        buttons = ("最初のステップ", "前のステップ", "再生", "次のステップ", "最後のステップ")
        assert all(f">{label}</button>" in controls for label in buttons)
        first_step = explain.step_description(analysis, 1)
        assert html.escape(first_step) in controls and cjk_share(first_step) > 0.5
        assert all(cjk_share(chart.proto.alt) > 0.5 for chart in app.get("plotly_chart"))

        open_tab(app, "行を変えてみる")  # the tab, by its Japanese label
        assert not app.exception
        words = " ".join(markdown.value for markdown in app.markdown)
        assert "18–22行目なしの場合、あなたの 3" in words
        assert app.segmented_control(key="row_edit").label == "行を編集"
        specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
        titles = [note["text"] for spec in specs for note in spec["layout"].get("annotations", [])]
        assert "あなたの数字" in titles and "18–22行目なし" in titles

        open_tab(app, "隠れ状態の移り変わり")
        assert not app.exception
        sentences = [markdown.value for markdown in app.markdown if "h_t" in markdown.value]
        assert sentences and all(cjk_share(sentence) > 0.5 for sentence in sentences)
