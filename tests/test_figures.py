"""The figure builders, checked as data: the trace of a drawn digit in, Plotly figures out."""

import json

import numpy as np
import plotly.io as pio
import pytest
from test_explain import fake_trace

from model.config import CONFIG
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.trace import trace
from page import explain, figures

STEPS, UNITS, CLASSES = CONFIG.timesteps, CONFIG.units, CONFIG.classes


@pytest.fixture(scope="module")
def seven(weights):
    image = to_model_input(render(random_drawing(7, np.random.default_rng(3))))
    return trace(image, weights)


@pytest.fixture(scope="module")
def playback(seven):
    return figures.playback_figure(seven, frame_ms=300)


def frame_traces(fig, t: int) -> dict:
    """Step t's frame, as {trace name: the frame's update for that trace}."""
    frame = fig.frames[t - 1]
    assert frame.name == str(t)
    return {fig.data[index].name: update for index, update in zip(frame.traces, frame.data)}


def by_name(fig, name: str):
    (found,) = [trace_ for trace_ in fig.data if trace_.name == name]
    return found


def test_input_figure_shows_every_pixel(seven):
    fig = figures.input_figure(seven.inputs)
    np.testing.assert_array_equal(fig.data[0].z, seven.inputs)
    assert fig.layout.yaxis.range == (STEPS - 0.5, -0.5)  # row 1 at the top, as on the canvas


def test_playback_has_one_named_frame_per_step(playback, seven):
    assert [frame.name for frame in playback.frames] == [str(t) for t in range(1, STEPS + 1)]
    slider = playback.layout.sliders[0]
    assert [list(step.args[0]) for step in slider.steps] == [[str(t)] for t in range(1, STEPS + 1)]
    assert slider.active == 0  # the figure opens on the first step ...
    first = frame_traces(playback, 1)  # ... and shows what that frame shows
    for name, field in [("row t", "y"), ("unread rows", "y"), ("readout", "y"), ("step t", "x"), ("7", "y")]:
        assert by_name(playback, name)[field] == first[name][field]
    assert (by_name(playback, "7").x0, by_name(playback, "7").dx) == (1, 1)
    assert [by_name(playback, f"h_{t}").visible for t in range(1, STEPS + 1)] == [True] + [False] * (STEPS - 1)
    leader = int(np.argmax(seven.step_probabilities[0]))
    assert playback.layout.title.text == f"Step 1: reading row 1 - the readout says {leader}, " \
        f"{explain.percent(seven.step_probabilities[0, leader])}"


@pytest.mark.parametrize("t", [1, 9, STEPS])
def test_frame_t_highlights_row_t_and_shades_the_rows_not_yet_read(playback, t):
    frame = frame_traces(playback, t)
    row_box = np.array(frame["row t"].y)
    assert (row_box.min(), row_box.max()) == (t - 1.5, t - 0.5)  # row t, 0-based t - 1
    unread = np.array(frame["unread rows"].y)
    assert (unread.min(), unread.max()) == (t - 0.5, STEPS - 0.5)  # rows t+1..28, empty at the end


@pytest.mark.parametrize("t", [1, 9, STEPS])
def test_hidden_heatmap_shows_columns_1_to_t_only(playback, seven, t):
    frame = frame_traces(playback, t)
    for column in range(1, STEPS + 1):
        assert frame[f"h_{column}"].visible is (column <= t)
        heatmap = by_name(playback, f"h_{column}")
        assert heatmap.x0 == column
        np.testing.assert_array_equal(np.asarray(heatmap.z).ravel(), seven.hidden_states[column - 1])
    assert playback.layout.xaxis2.range == (0.5, STEPS + 0.5)  # fixed: later columns stay empty


def test_each_frame_readout_is_a_distribution_with_its_leader_outlined(playback, seven):
    for t in range(1, STEPS + 1):
        bars = frame_traces(playback, t)["readout"]
        probabilities = np.array(bars.y)
        # Sent to three decimals, the 0.1% the hover shows: each bar within half of that.
        np.testing.assert_allclose(probabilities, seven.step_probabilities[t - 1], rtol=0, atol=5e-4 + 1e-9)
        assert probabilities.sum() == pytest.approx(1.0, abs=CLASSES * 5e-4)
        leader = int(np.argmax(seven.step_probabilities[t - 1]))  # the caption's leader, unrounded
        assert [width > 0 for width in bars.marker.line.width] == [d == leader for d in range(CLASSES)]
        assert bars.text[leader] == explain.percent(seven.step_probabilities[t - 1, leader])


def test_curves_reach_step_t_only_and_the_ending_waits_for_its_step(playback, seven):
    settle = int(seven.decision_step)
    for t in (1, settle - 1, settle, STEPS):
        frame = frame_traces(playback, t)
        band = np.array(frame["step t"].x)
        assert band.min() < t < band.max() and band.max() - band.min() < 1  # "now" is step t
        for digit in range(CLASSES):
            assert frame[str(digit)].x is None and len(frame[str(digit)].y) == t  # at x0 = 1, dx = 1
            # sent to 3 decimals: 0.1 percentage points, the precision the hover shows
            np.testing.assert_allclose(frame[str(digit)].y, seven.step_probabilities[:t, digit], atol=5e-4)
        np.testing.assert_allclose(frame["now"].y, seven.step_probabilities[t - 1], atol=5e-4)
        assert list(frame["settles"].x) == ([settle] * 3 if t >= settle else [])
        caption = playback.frames[t - 1].layout.title.text
        assert caption.startswith(f"Step {t}: reading row {t} - the readout says ")
    assert not [trace_ for trace_ in playback.data if trace_.name.startswith("ending")]


def test_show_the_ending_draws_every_step_faintly_from_the_start(seven):
    fig = figures.playback_figure(seven, show_ending=True, start_step=5)
    endings = [trace_ for trace_ in fig.data if trace_.name.startswith("ending")]
    assert len(endings) == CLASSES and all(trace_.opacity < 0.5 for trace_ in endings)
    np.testing.assert_allclose(np.stack([t.y for t in endings], axis=1), seven.step_probabilities)
    assert fig.layout.sliders[0].active == 4
    assert list(frame_traces(fig, 1)["settles"].x) == [int(seven.decision_step)] * 3


@pytest.mark.parametrize("layout_name", sorted(figures.PLAYBACK_LAYOUTS))
def test_each_layout_keeps_its_text_size(seven, layout_name):
    style = figures.PLAYBACK_LAYOUTS[layout_name]
    fig = figures.playback_figure(seven, layout_name=layout_name)
    assert fig.layout.font.size == style.font_size and fig.layout.title.font.size == style.caption_size
    assert fig.layout.sliders[0].font.size == style.font_size
    assert any(trace_.name == "h_1" for trace_ in fig.data) is not style.stacked  # no heatmap on a phone


def settle_label(fig) -> str:
    """The text beside the settle line in the last frame."""
    return [text for text in frame_traces(fig, STEPS)["settles"].text if text][0]


def test_the_settle_label_says_what_settling_means(seven):
    assert settle_label(figures.playback_figure(seven)).startswith(
        f"settles: 7 from<br>step {int(seven.decision_step)} to the end")
    one = fake_trace(5, {1: (1, 0.3), 9: (1, 0.99)})  # ink from row 5; "1" from step 1 on
    assert settle_label(figures.playback_figure(one)).startswith("1 from step 1 to the end:<br>before the ink (row 5)")


def test_bars_and_curves_hover_with_the_pages_percentages(seven):
    fig = figures.playback_figure(seven, start_step=STEPS)
    bars = [trace_ for trace_ in fig.data if trace_.name == "readout"][0]
    assert list(bars.customdata) == [explain.percent(p) for p in seven.step_probabilities[-1]]
    assert "%{customdata}" in bars.hovertemplate and "%{y" not in bars.hovertemplate
    leader = int(seven.prediction)
    assert bars.text[leader] == explain.percent(seven.step_probabilities[-1, leader])
    curve = [trace_ for trace_ in fig.data if trace_.name == str(leader)][0]
    assert list(curve.customdata) == [explain.percent(p) for p in seven.step_probabilities[:, leader]]


def test_playback_is_lean_and_plays_in_the_browser(playback):
    spec = pio.to_json(playback, validate=False)
    assert len(spec) < 200_000, "per-frame payloads should be small"
    frames = json.loads(spec)["frames"]
    assert "bdata" not in json.dumps(frames), "plotly.js does not decode typed arrays in frames"
    play, pause = playback.layout.updatemenus[0].buttons
    assert play.method == "animate" and play.args[1]["frame"]["duration"] == 300
    assert play.args[1]["fromcurrent"] and list(pause.args[0]) == [None]


def test_step_figure_shows_the_four_gates_and_both_states_at_step_t(seven):
    t = 12
    fig = figures.step_figure(seven, t)
    expected = {"i": seven.input_gates, "f": seven.forget_gates, "g": seven.candidates,
                "o": seven.output_gates, "c": seven.cell_states, "h": seven.hidden_states}
    for symbol, values in expected.items():
        parts = [trace_ for trace_ in fig.data if trace_.name == symbol]  # two colours per panel
        assert len(parts) == 2 and len(parts[0].x) == UNITS
        np.testing.assert_array_equal(parts[0].customdata, values[t - 1])
        np.testing.assert_allclose(np.add(parts[0].y, parts[1].y), values[t - 1], rtol=1e-6)
    forget_open, forget_closed = [trace_.y for trace_ in fig.data if trace_.name == "f"]
    assert ((np.asarray(forget_closed) < 0.5) | (np.asarray(forget_closed) == 0)).all()
    (previous_cell,) = [trace_ for trace_ in fig.data if trace_.name == "c_{t-1}"]
    np.testing.assert_array_equal(previous_cell.y, seven.cell_states[t - 2])


def test_the_settle_label_sits_where_no_curve_passes_beside_the_line():
    probabilities = np.zeros((STEPS, CLASSES))
    probabilities[:, 0] = 0.6  # curves through the middle band, where the label used to sit ...
    probabilities[:, 1] = 0.3
    probabilities[:, 2] = 0.88  # ... and along the top
    height, left = figures.label_place(probabilities, 16)
    assert 0.3 < height < 0.6 and min(abs(height - 0.3), abs(height - 0.6)) >= 0.12  # between two curves
    probabilities[15:, 0] = 0.0  # from step 16 on, the middle empties: the label moves right
    assert figures.label_place(probabilities, 16) == (pytest.approx(0.6, abs=0.05), False)
    probabilities[:9, 0] = 0.0  # a change far to the left does not matter
    assert figures.label_place(probabilities, 16) == (pytest.approx(0.6, abs=0.05), False)


def test_near_an_edge_the_settle_label_takes_the_roomier_side():
    probabilities = np.zeros((STEPS, CLASSES))
    assert figures.label_place(probabilities, 3)[1] is False  # step 3: to the right
    assert figures.label_place(probabilities, 26)[1] is True  # step 26: to the left


def test_the_playback_puts_its_settle_label_at_that_place(seven):
    settle = int(seven.decision_step)
    fig = figures.playback_figure(seven)
    frame = frame_traces(fig, STEPS)
    height, left = figures.label_place(seven.step_probabilities, settle)
    assert list(frame["settles"].y) == [0, height, 1.02]
    (settles,) = [trace_ for trace_ in fig.data if trace_.name == "settles"]
    assert settles.textposition == ("middle left" if left else "middle right")


def test_larger_text_raises_every_small_font_and_keeps_larger_ones_and_the_input():
    spec = {"data": [{"type": "bar", "textfont": {"size": 11}}],
            "layout": {"font": {"family": "x", "size": 13}, "title": {"font": {"size": 24}},
                       "annotations": [{"text": "a", "font": {"size": 12}}, {"text": "b"}],
                       "xaxis": {"tickfont": {"size": 10}}, "sliders": [{"font": {"size": 14}}]}}
    raised = figures.larger_text(spec, 16)
    assert raised["layout"]["font"] == {"family": "x", "size": 16}  # the default: unsized texts follow it
    assert raised["data"][0]["textfont"]["size"] == 16 and raised["layout"]["xaxis"]["tickfont"]["size"] == 16
    assert raised["layout"]["annotations"][0]["font"]["size"] == 16
    assert raised["layout"]["sliders"][0]["font"]["size"] == 16
    assert raised["layout"]["title"]["font"]["size"] == 24  # larger stays
    assert spec["layout"]["font"]["size"] == 13 and spec["data"][0]["textfont"]["size"] == 11  # pure
    assert figures.larger_text({"data": []}, 16)["layout"]["font"]["size"] == 16
