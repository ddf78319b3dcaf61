"""The two "what if" views on the page (AppTest, no browser): each draws its charts and its
sentence in every layout, follows the shared step, opens from a link, and the map is refused
when its file was made for another model."""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT_S, draw, metrics_for_this_model, open_tab  # noqa: F401 (a fixture)

import model.state_map
from model.drawn_digits import random_drawing, render

SEVEN = render(random_drawing(7, np.random.default_rng(3)))


@pytest.fixture
def app(metrics_for_this_model, monkeypatch) -> AppTest:  # noqa: F811 (the imported fixture)
    monkeypatch.delenv("MNIST_DIR", raising=False)
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()


def decoded(typed: dict) -> np.ndarray:
    """A Plotly typed array (as ChartSpec sends NumPy arrays) back as an array."""
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]))


@pytest.mark.parametrize("mode", ["desktop", "present", "phone"])
def test_rows_what_if_draws_both_charts_and_their_sentences(app, mode):
    app.session_state["mode"] = mode
    draw(app.run(), SEVEN)
    open_tab(app, "Rows, what if")
    assert not app.exception
    words = " ".join(markdown.value for markdown in app.markdown)
    assert "Without rows 18–22, your 7" in words  # the default edit
    assert "Blanking one row at a time" in words or "No single row decides it" in words
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    titles = [annotation["text"] for spec in specs for annotation in spec["layout"].get("annotations", [])]
    assert "Without rows 18–22" in titles and any(title.startswith("Row k blanked") for title in titles)
    smallest = min(spec["layout"]["font"]["size"] for spec in specs)
    assert smallest >= 16 if mode == "present" else smallest >= 13


def test_rows_what_if_follows_the_edit_and_the_shared_step(app):
    draw(app, SEVEN)
    open_tab(app, "Rows, what if")
    app.session_state["row_edit"] = "reverse"
    app.session_state["step"] = 9
    app.run()
    assert not app.exception
    words = " ".join(markdown.value for markdown in app.markdown)
    assert "With its rows reversed, your 7" in words
    (rows_chart,) = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")
                     if '"step t"' in chart.proto.spec and "original" in chart.proto.spec]
    (now,) = [trace for trace in rows_chart["data"] if trace["name"] == "step t"]
    assert now["x"] == [9, 9]
    open_tab(app, "One step up close")  # the same step there
    assert app.slider(key="step").value == 9


@pytest.mark.parametrize("mode", ["desktop", "present", "phone"])
def test_the_state_map_shows_the_path_up_to_the_step(app, mode):
    app.session_state["mode"] = mode
    draw(app.run(), SEVEN)
    open_tab(app, "Where the state travels")
    app.session_state["step"] = 12
    app.run()
    assert not app.exception
    words = " ".join(markdown.value for markdown in app.markdown)
    shipped = model.state_map.read(model.state_map.STATE_MAP_PATH)
    assert f"its two axes keep {shipped.explained.sum():.0%} of the variance" in words
    (spec,) = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart") if "your path" in chart.proto.spec]
    (path,) = [trace for trace in spec["data"] if trace["name"] == "your path"]
    np.testing.assert_array_equal(decoded(path["customdata"]), np.arange(1, 13))  # h_1 ... h_12
    (now,) = [trace for trace in spec["data"] if trace["name"] == "now"]
    assert now["text"] == ["step 12"]
    assert spec["layout"]["font"]["size"] >= (16 if mode == "present" else 13)


def test_the_page_refuses_a_map_made_for_another_model(app, tmp_path, monkeypatch):
    shipped = model.state_map.read(model.state_map.STATE_MAP_PATH)
    arrays = {key: getattr(shipped, key) for key in model.state_map.KEYS
              if key not in ("model_sha256", "model_file", "data_sha256")}
    other_model = tmp_path / "other.keras"
    other_model.write_bytes(b"another model")
    path = tmp_path / "state_map.npz"
    model.state_map.write(path, arrays, other_model, {})
    monkeypatch.setattr(model.state_map, "STATE_MAP_PATH", path)
    monkeypatch.setattr("page.whatif_view.STATE_MAP_PATH", path)
    draw(app, SEVEN)
    open_tab(app, "Where the state travels")
    assert not app.exception
    assert any("made for a different model" in info.value for info in app.info)
    assert not [chart for chart in app.get("plotly_chart") if "your path" in chart.proto.spec]


def test_a_link_opens_each_new_view(metrics_for_this_model):  # noqa: F811
    for view, words in (("whatif", "Rows, what if"), ("map", "Where the state travels")):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.query_params["view"] = view
        at.run()
        assert not at.exception
        assert words in at.session_state["section"]
