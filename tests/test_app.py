"""The page, run in-process with Streamlit's AppTest: no browser, so drawings are injected.

The canvas component's JavaScript never runs here. A drawing reaches the script the way the
browser sends it: as the component's state under the canvas's key, holding a PNG data URL.
"""

import base64
import hashlib
import html
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from conftest import skip_or_fail
from PIL import Image
from streamlit.testing.v1 import AppTest

import model.config
import model.data
from model.confidence import doubts, readout_energy
from model.config import CONFIG, METRICS_PATH, MODEL_PATH
from model.drawn_digits import Drawing, random_drawing, render
from model.not_digits import not_digit_set
from model.preprocess import to_model_input
from model.readout import take_apart
from model.trace import trace
from page import explain, links

APP = Path(__file__).resolve().parents[1] / "app.py"
STEPS = CONFIG.timesteps
# Generous: the first gallery run traces all 10,000 test digits, on a shared 2-core machine.
TIMEOUT_S = 240


def png_data_url(image: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def draw(at: AppTest, image: np.ndarray) -> AppTest:
    """Send a canvas image (RGBA, or anything PIL can save) as the component would, and rerun."""
    (canvas,) = [component for component in at.get("bidi_component") if component.key.startswith("canvas_")]
    at.session_state[canvas.key] = {"drawing": {"raw": {"objects": [{"type": "path"}]},
                                                "data": png_data_url(image)}, "backgroundFit": None}
    return at.run()


def prediction(at: AppTest) -> str | None:
    """The prediction card's digit; its label is "Prediction", or "Not sure" for a shaky answer.
    Before the first stroke the card's place holds a placeholder ("–"): no prediction."""
    metrics = [metric for metric in at.metric if metric.label in ("Prediction", "Not sure") and metric.value != "–"]
    return metrics[0].value if metrics else None


def open_tab(at: AppTest, words: str) -> AppTest:
    """Switch the tab group whose tab is labelled with `words`, and rerun."""
    (tab,) = [tab for tab in at.tabs if words in tab.label]
    at.session_state["source" if "Draw" in words or "MNIST" in words else "section"] = tab.label
    return at.run()


def playback_spec(at: AppTest) -> dict:
    (chart,) = [chart for chart in at.get("plotly_chart") if '"frames"' in chart.proto.spec]
    return json.loads(chart.proto.spec)


def markers(at: AppTest) -> tuple[dict, dict]:
    """The invisible run markers (data attributes of hidden elements): the one after the
    prediction, and the one that ends the page, in page order."""
    found = [dict(re.findall(r'data-(\w+)="([^"]*)"', element.proto.body)) for element in at.get("html")
             if "data-run=" in element.proto.body]
    assert len(found) == 2, found
    return found[0], found[1]


def marker(run: int, source: str, prediction: str = "") -> dict:
    return {"run": str(run), "source": source, "prediction": prediction}


def sha256_of(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def metrics_for_this_model(tmp_path, monkeypatch):
    """The measured metrics, pinned to the model file on disk (the page checks the pairing)."""
    if not METRICS_PATH.exists():
        skip_or_fail("model/metrics.json is missing: python -m model.evaluate")
    metrics = json.loads(METRICS_PATH.read_text())
    metrics["model"]["sha256"] = sha256_of(MODEL_PATH)
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(metrics))
    monkeypatch.setattr(model.config, "METRICS_PATH", path)
    return metrics


@pytest.fixture
def app(metrics_for_this_model, monkeypatch) -> AppTest:
    monkeypatch.delenv("MNIST_DIR", raising=False)  # the gallery tests set it themselves
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()


def test_empty_canvas_shows_a_prompt_and_no_prediction(app):
    assert not app.exception
    assert prediction(app) is None
    assert any("Draw a digit" in info.value for info in app.info)
    assert markers(app) == (marker(1, "drawing with 0 strokes"),) * 2
    assert not any("Run 1" in caption.value for caption in app.caption), "markers are not text"


@pytest.mark.parametrize("digit, seed", [(1, 0), (1, 1), (7, 0), (7, 3)])
def test_drawn_digit_is_predicted_and_played_back(app, weights, digit, seed):
    rgba = render(random_drawing(digit, np.random.default_rng(seed)))
    draw(app, rgba)
    assert not app.exception
    expected = trace(to_model_input(rgba), weights)
    assert prediction(app) == str(digit) == str(int(expected.prediction))
    spec = playback_spec(app)
    frames = spec["frames"]
    assert [frame["name"] for frame in frames] == [str(t) for t in range(1, STEPS + 1)]
    names = [trace_.get("name") for trace_ in spec["data"]]
    for t, frame in enumerate(frames, start=1):
        update = {names[index]: data for index, data in zip(frame["traces"], frame["data"])}
        assert (min(update["row t"]["y"]), max(update["row t"]["y"])) == (t - 1.5, t - 0.5)
        np.testing.assert_allclose(update["readout"]["y"], expected.step_probabilities[t - 1], atol=5e-4 + 1e-9)
        assert [update[f"h_{column}"]["visible"] for column in range(1, STEPS + 1)] == \
            [column <= t for column in range(1, STEPS + 1)]
    assert markers(app) == (marker(2, "drawing with 1 stroke", str(digit)),) * 2


def test_a_shape_unlike_any_digit_says_not_sure_even_at_a_high_probability(app, weights, metrics_for_this_model):
    """A dash, a star or a letter gets a digit from the softmax, sometimes at 90% or more; the page
    must still say "Not sure" when the readout's energy is below this model's measured floor."""
    floor = metrics_for_this_model["confidence"]["energy_floor"]

    def only_unfamiliar(rgba):  # confident and settled early, but below the energy floor
        traced = trace(to_model_input(rgba), weights)
        doubt = doubts(traced.probabilities, traced.decision_step, STEPS,
                       readout_energy(traced.hidden_states[-1], weights.readout_weights, weights.readout_bias), floor)
        return bool(doubt.unfamiliar and not doubt.low and not doubt.late)

    shapes = [render(drawing) for drawing in not_digit_set(per_shape=5, seed=0)]
    rgba = next((shape for shape in shapes if only_unfamiliar(shape)), None)
    assert rgba is not None, "no shape in the set is confident yet unfamiliar to this model: pick another set"
    draw(app, rgba)
    assert not app.exception
    (card,) = [metric for metric in app.metric if metric.label == "Not sure"]
    assert card.value == str(int(trace(to_model_input(rgba), weights).prediction))
    assert "unlike the digits it learned from" in card.proto.delta


def test_bad_canvas_data_gives_a_warning_not_a_traceback(app):
    draw(app, np.full((280, 280), 255, dtype=np.uint8))  # greyscale PNG: a 2-D array, not RGBA
    assert not app.exception
    assert any("could not be read" in warning.value for warning in app.warning)
    assert prediction(app) is None


def test_clear_button_empties_the_canvas(app):
    draw(app, render(random_drawing(3, np.random.default_rng(0))))
    assert prediction(app) is not None
    app.main.button[0].click().run()  # "Clear": the canvas gets a fresh key, so a fresh, empty state
    assert [button.label for button in app.main.button] == ["Clear"]  # the sidebar holds the rooms' buttons
    assert prediction(app) is None and not app.exception


def test_step_and_speed_controls(app, weights):
    rgba = render(random_drawing(7, np.random.default_rng(0)))
    draw(app, rgba)
    app.select_slider(key="speed").set_value(400).run()
    play = playback_spec(app)["layout"]["updatemenus"][0]["buttons"][0]
    assert play["args"][1]["frame"]["duration"] == 400
    open_tab(app, "One step up close")
    assert len(app.get("plotly_chart")) == 2, "only the open tab is drawn: the input and this step"
    app.slider(key="step").set_value(5).run()
    assert not app.exception
    steps = trace(to_model_input(rgba), weights)
    (equations,) = app.latex
    assert f"\\text{{mean }} {steps.input_gates[4].mean():.2f}" in equations.value
    assert f"{int((steps.forget_gates[4] < 0.5).sum())} \\text{{ forgetting" in equations.value


def chart_with(at: AppTest, words: str) -> dict:
    """The one Plotly figure on the page whose spec holds `words`."""
    (chart,) = [chart for chart in at.get("plotly_chart") if words in chart.proto.spec]
    return json.loads(chart.proto.spec)


@pytest.fixture
def no_every_step_model(tmp_path, monkeypatch):
    monkeypatch.setattr(model.config, "EVERY_STEP_MODEL_PATH", tmp_path / "row_lstm_every_step.keras")


def test_the_why_tab_answers_parts_1_and_2_with_the_drawing_s_numbers(app, weights, metrics_for_this_model,
                                                                      no_every_step_model):
    rgba = render(random_drawing(7, np.random.default_rng(0)))
    draw(app, rgba)
    expected = trace(to_model_input(rgba), weights)
    assert any(markdown.value == explain.settle_sentence(expected) for markdown in app.markdown)
    open_tab(app, "Why the final output?")
    assert not app.exception and not app.warning
    main_headers = [header.value for header in app.main.subheader]
    assert main_headers[-2:] == ["1 · Why a logistic regression at all?",
                                 "2 · Isn't the final output a better estimate than the earlier ones?"]
    text = " ".join(markdown.value for markdown in app.markdown)
    assert explain.drawing_story(expected) in text
    assert explain.final_output_words(metrics_for_this_model) in text
    assert "cross-entropy" in text  # part 1 in words
    table = app.table[0].value
    assert list(table["test accuracy"]) == [f"{row['accuracy']:.2%}"
                                            for row in metrics_for_this_model["readout_alternatives"]]
    assert any("every-step model" in info.value and "--every-step" in info.value for info in app.info)
    spec = chart_with(app, "your drawing")
    (drawing,) = [series for series in spec["data"] if series["name"].startswith("your drawing")]
    np.testing.assert_allclose(figure_values(drawing["y"]), expected.step_probabilities[:, 7], rtol=1e-6)


def figure_values(values) -> np.ndarray:
    """Plotly's JSON holds arrays as lists or as base64 typed arrays ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def test_a_second_model_file_plays_the_drawing_through_both(app, weights, metrics_for_this_model, tmp_path,
                                                            monkeypatch):
    second = tmp_path / "row_lstm_every_step.keras"  # the main model as a stand-in: both must agree
    second.write_bytes(MODEL_PATH.read_bytes())
    monkeypatch.setattr(model.config, "EVERY_STEP_MODEL_PATH", second)
    rgba = render(random_drawing(3, np.random.default_rng(1)))
    draw(app, rgba)
    open_tab(app, "Why the final output?")
    assert not app.exception
    expected = trace(to_model_input(rgba), weights)
    text = " ".join(markdown.value for markdown in app.markdown)
    assert explain.two_models_story(expected, expected) in text
    names = [series["name"] for series in chart_with(app, "your drawing")["data"]]
    assert sum(name.startswith("your drawing") for name in names) == 2
    # metrics.json measured another every-step file: its test-set curve is left out, with a note.
    stale = {**metrics_for_this_model, "every_step_model": {
        "sha256": "0" * 64, "readout_accuracy_per_step": metrics_for_this_model["readout_accuracy_per_step"]}}
    model.config.METRICS_PATH.write_text(json.dumps(stale))
    app.run()
    assert any("describes another every-step model file" in info.value for info in app.info)
    names = [series["name"] for series in chart_with(app, "your drawing")["data"]]
    assert not [name for name in names if name.startswith("every-step model")]
    assert sum(name.startswith("your drawing") for name in names) == 2


def test_a_broken_second_model_file_is_skipped_with_a_note(app, metrics_for_this_model, tmp_path,
                                                          monkeypatch):
    broken = tmp_path / "row_lstm_every_step.keras"
    broken.write_bytes(b"not a zip file")
    monkeypatch.setattr(model.config, "EVERY_STEP_MODEL_PATH", broken)
    draw(app, render(random_drawing(1, np.random.default_rng(0))))
    open_tab(app, "Why the final output?")
    assert not app.exception
    assert any("could not be loaded" in info.value for info in app.info)


def test_the_readout_tab_answers_part_3_with_the_drawing_s_numbers(app, weights, metrics_for_this_model):
    rgba = render(random_drawing(7, np.random.default_rng(0)))
    draw(app, rgba)
    open_tab(app, "From the last output to a digit")
    assert not app.exception
    expected = trace(to_model_input(rgba), weights)
    readout = take_apart(expected.hidden_states[-1], weights.readout_weights, weights.readout_bias)
    text = " ".join(markdown.value for markdown in app.markdown)
    assert explain.readout_shapes(expected, readout) in text
    assert explain.logit_sentence(readout, 7) in text
    code = " ".join(block.value for block in app.code)
    for line in ("def build_model(", "return_sequences=True", "outputs[-1]", "_, encoding = tf.nn.rnn(",
                 "state_is_tuple=False", "learn.models.logistic_regression(encoding, y)"):
        assert line in code
    spec = chart_with(app, "softmax")
    (bars,) = [series for series in spec["data"] if series["name"] == "logits"]
    np.testing.assert_allclose(figure_values(bars["x"]), readout.logits, rtol=1e-5)
    app.segmented_control(key="readout_digit_7").set_value(3).run()
    assert explain.logit_sentence(readout, 3) in " ".join(markdown.value for markdown in app.markdown)


def test_metrics_of_another_model_give_a_warning_and_the_rest_works(app, tmp_path, monkeypatch):
    stale = json.loads(METRICS_PATH.read_text())
    stale["model"]["sha256"] = "0" * 64
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(stale))
    monkeypatch.setattr(model.config, "METRICS_PATH", path)
    draw(app.run(), render(random_drawing(1, np.random.default_rng(0))))
    open_tab(app, "Why the final output?")
    assert not app.exception
    (warning,) = app.warning
    assert "different model" in warning.value and "python -m model.evaluate" in warning.value
    assert prediction(app) == "1"
    assert len(app.table) == 0


def test_missing_metrics_give_a_warning(app, tmp_path, monkeypatch):
    monkeypatch.setattr(model.config, "METRICS_PATH", tmp_path / "nowhere.json")
    open_tab(app, "Why the final output?")
    assert not app.exception
    assert "missing" in app.warning[0].value and "python -m model.evaluate" in app.warning[0].value


@pytest.mark.parametrize("content", [None, b"not a zip file"])
def test_missing_or_broken_model_stops_with_the_rebuild_command(tmp_path, monkeypatch, content):
    path = tmp_path / "row_lstm.keras"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(model.config, "MODEL_PATH", path)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception
    (error,) = at.error
    assert str(path) in error.value and "python -m model.train" in error.value
    assert prediction(at) is None and not at.get("plotly_chart")


def test_sessions_do_not_share_drawings(metrics_for_this_model):
    first = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    second = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    draw(first, render(random_drawing(7, np.random.default_rng(0))))
    assert prediction(first) == "7"
    assert prediction(second.run()) is None


def open_gallery(at: AppTest) -> AppTest:
    return open_tab(at, "MNIST test digits")


def test_gallery_loads_test_digits(mnist, app, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", mnist.source)
    open_gallery(app)
    assert not app.exception
    loads = [button for button in app.button if (button.key or "").startswith("load_")]
    assert len(loads) == 8
    index = int(loads[3].key.removeprefix("load_"))
    loads[3].click().run()
    assert not app.exception
    label = int(mnist.test_labels[index])
    assert any(f"True label: {label}" in markdown.value for markdown in app.markdown)
    assert prediction(app) is not None and markers(app)[0]["source"] == f"test digit #{index}"
    for kind in ("By digit", "Misread", "Late deciders"):
        app.segmented_control(key="gallery_kind").set_value(kind).run()
        assert not app.exception
        loads = [button for button in app.button if (button.key or "").startswith("load_")]
        # The kind's first digit is loaded, so the page shows what was asked for.
        assert markers(app)[0]["source"] == f"test digit #{loads[0].key.removeprefix('load_')}"
        if kind == "Misread":
            assert any("misread" in markdown.value for markdown in app.markdown)
        if kind == "Late deciders":
            words = " ".join(markdown.value for markdown in app.markdown)
            (settle,) = re.findall(r"settled on \*\*\d\*\* at step (\d+)", words)
            assert int(settle) >= 25


def test_gallery_without_data_says_how_to_provide_it(app, tmp_path, monkeypatch):
    monkeypatch.setattr(model.data, "KERAS_CACHE", tmp_path / "no-mnist.npz")
    st.cache_resource.clear()  # forget any test set loaded by an earlier test
    open_gallery(app)
    assert not app.exception
    assert any("MNIST_DIR" in info.value for info in app.info)
    assert prediction(app) is None  # and drawing still works:
    draw(open_tab(app, "Draw"), render(random_drawing(1, np.random.default_rng(1))))
    assert prediction(app) == "1"


def test_unreadable_mnist_folder_gives_a_warning(app, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))  # a folder without the IDX files
    open_gallery(app)
    assert not app.exception
    assert any("could not be read" in warning.value for warning in app.warning)
    assert any("MNIST_DIR" in info.value for info in app.info)


def a_blob() -> np.ndarray:
    """A filled square, no digit at all: the model hesitates between digits (checked below)."""
    image = np.zeros((STEPS, STEPS), np.float32)
    image[9:19, 9:19] = 1.0
    return image


def test_a_link_restores_the_drawing_and_a_shaky_answer_says_not_sure(metrics_for_this_model, weights):
    strokes = ((40, np.array([[60, 140], [220, 140]], dtype=np.int16)),)  # 5 brush widths: big enough
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["d"] = links.pack_drawing(links.Drawing(strokes, a_blob()))
    at.query_params["view"] = "step"
    at.query_params["t"] = "16"
    at.run()
    assert not at.exception
    expected = trace(a_blob(), weights)
    verdict = explain.verdict(expected.probabilities, int(expected.decision_step), STEPS)
    assert not verdict.sure, "the test needs a drawing the model is unsure of"
    (card,) = [metric for metric in at.metric if metric.label == "Not sure"]
    assert card.value == str(int(expected.prediction)) and "maybe" in card.proto.delta
    assert at.slider(key="step").value == 16  # the view and the step came with the link
    assert "drawing with 1 strokes from a link" in markers(at)[0]["source"]
    query = dict(at.query_params)
    assert links.unpack_drawing(query["d"][0] if isinstance(query["d"], list) else query["d"]).strokes[0][1].tolist() \
        == strokes[0][1].tolist()


def test_a_link_to_a_test_digit_opens_the_gallery_on_it(mnist, metrics_for_this_model, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", mnist.source)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["g"] = "1234"
    at.run()
    assert not at.exception
    assert markers(at)[0]["source"] == "test digit #1234"
    assert any(f"True label: {int(mnist.test_labels[1234])}" in markdown.value for markdown in at.markdown)


@pytest.mark.parametrize("brush", [8, 22, 40])
def test_a_dot_gets_no_digit_and_no_percentage(app, brush):
    """Preprocessing alone would blow a dot up into a disc and read it as 0 at 95%."""
    app.session_state["brush"] = brush
    draw(app, render(Drawing(0, [[(140.0, 140.0)]], brush)))
    assert not app.exception and prediction(app) is None
    (card,) = [metric for metric in app.metric if metric.label == explain.TOO_SMALL_HEADLINE]
    assert card.value == "–" and card.proto.delta == "draw it bigger"
    assert any(markdown.value == explain.too_small_words() for markdown in app.markdown)
    assert not any(re.search(r"\d+(\.\d)?%", markdown.value) for markdown in app.markdown)


def test_a_digit_just_big_enough_is_read(app):
    """At MIN_BRUSH_WIDTHS brush widths tall, the card gives a digit (the boundary, from the other side)."""
    from model.preprocess import MIN_BRUSH_WIDTHS

    brush = model.config.DEFAULT_BRUSH
    half = (MIN_BRUSH_WIDTHS * brush - brush) / 2 + 1  # the ink spans a pixel more than the minimum
    draw(app, render(Drawing(1, [[(140.0, 140.0 - half), (140.0, 140.0 + half)]], brush)))
    assert prediction(app) is not None
    assert not [metric for metric in app.metric if metric.label == explain.TOO_SMALL_HEADLINE]


def test_a_sample_drawing_is_read_like_a_drawing_and_every_chart_has_a_text_alternative(app, weights):
    """The keyboard's way to a digit: a sample from model/drawn_digits.py, chosen in a selectbox."""
    app.selectbox(key="sample_drawing").set_value(3).run()
    assert not app.exception and prediction(app) == "3"
    image = app.session_state["linked_drawing"].image
    analysis = trace(image, weights)
    assert int(analysis.prediction) == 3
    alts = sorted(chart.proto.alt for chart in app.get("plotly_chart"))
    assert alts == sorted([explain.input_alt(image), explain.playback_alt(analysis)])
    (controls,) = [element for element in app.get("html") if 'class="playback-controls"' in element.proto.body]
    assert html.escape(explain.step_description(analysis, 1)) in controls.proto.body
    assert not app.get("table")  # the steps as a table: built when its expander is opened
    app.session_state["step_table"] = True
    app.run()
    (table,) = app.get("table")
    assert len(table.proto.arrow_data.data) > 0
    open_tab(app, "One step up close")
    step_chart = [chart for chart in app.get("plotly_chart") if chart.proto.alt.startswith("Six bar charts")]
    assert len(step_chart) == 1
