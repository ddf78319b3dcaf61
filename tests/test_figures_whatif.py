"""The "what if" figures (page/figures_whatif.py) as data: valid for Plotly, sent exactly as
Plotly would send them, marking the chosen step, with presenter-sized text; and the sentences
computed from the same traces (page/explain.py)."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from model import state_map
from model.config import MODEL_PATH
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.row_edits import RowEdit, occlusion, sensitivity
from model.trace import trace
from model.weights_file import read_weights
from page import explain, figures_whatif
from page.chart_spec import ChartSpec


@pytest.fixture(scope="module")
def weights():
    return read_weights(MODEL_PATH)


@pytest.fixture(scope="module")
def seven(weights):
    return trace(to_model_input(render(random_drawing(7, np.random.default_rng(3)))), weights)


@pytest.fixture(scope="module")
def shipped_map():
    if not state_map.STATE_MAP_PATH.exists():
        pytest.skip("model/state_map.npz is missing: python -m model.state_map")
    return state_map.read(state_map.STATE_MAP_PATH)


def specs(seven, weights, shipped_map, mode: str, step: int) -> dict:
    edited = trace(RowEdit("blank", 7, 11).apply(seven.inputs), weights)
    drop, moves = occlusion(seven.inputs, weights), sensitivity(seven.inputs, weights)
    return {"rows": figures_whatif.rows_spec(seven, edited, step, "Without rows 7–11", mode),
            "influence": figures_whatif.influence_spec(seven.inputs, drop, moves, 7, step, mode),
            "map": figures_whatif.state_map_spec(shipped_map, seven.hidden_states, step, mode)}


@pytest.mark.parametrize("mode", list(figures_whatif.LAYOUTS))
def test_specs_are_valid_and_sent_as_plotly_would_send_them(seven, weights, shipped_map, mode):
    for name, spec in specs(seven, weights, shipped_map, mode, 12).items():
        checked = json.loads(pio.to_json(go.Figure(**spec).to_dict(), validate=False))
        sent = json.loads(pio.to_json(ChartSpec(spec).to_dict(), validate=False))
        assert sent == checked, name
        sizes = [spec["layout"]["font"]["size"]] + [a["font"]["size"] for a in spec["layout"].get("annotations", [])]
        assert min(sizes) >= (16 if mode == "present" else 13), name


def test_every_figure_marks_the_chosen_step(seven, weights, shipped_map):
    figures = specs(seven, weights, shipped_map, "desktop", 12)
    (line,) = [trace_ for trace_ in figures["rows"]["data"] if trace_["name"] == "step t"]
    assert line["x"] == [12, 12]
    outlines = [trace_ for trace_ in figures["rows"]["data"] if trace_["name"] == "row 12"]
    assert len(outlines) == 2 and outlines[0]["y"][0] == 11.5
    (band,) = figures["influence"]["layout"]["shapes"]
    assert (band["y0"], band["y1"]) == (11.5, 12.5)
    (path,) = [trace_ for trace_ in figures["map"]["data"] if trace_["name"] == "your path"]
    np.testing.assert_allclose(np.stack([path["x"], path["y"]], axis=1),
                               shipped_map.project(seven.hidden_states[:12]), atol=1e-3)
    (points,) = [trace_ for trace_ in figures["map"]["data"] if trace_["name"] == "test 3s"]
    assert len(points["x"]) == state_map.POINTS_PER_DIGIT


def test_the_edit_sentence_names_the_new_answer_and_why(seven, weights):
    edited = trace(RowEdit("blank", 7, 11).apply(seven.inputs), weights)
    words = explain.whatif_sentence(seven, edited, "blank", 7, 11, 0)
    assert words.startswith(f"Without rows 7–11, your 7 is read as {int(edited.prediction)} ")
    assert int(edited.prediction) != 7 and "needed the ink of rows 7–11" in words
    assert f"settled on 7 only at step {int(seven.decision_step)}" in words  # rows 7-11 come before it
    same = explain.whatif_sentence(seven, seven, "reverse", 1, 28, 0)
    assert "what it was" in same
    blank = trace(RowEdit("first_rows", last=3).apply(seven.inputs), weights)
    assert "no ink of your 7 is left" in explain.whatif_sentence(seven, blank, "first_rows", 1, 3, 0)


def test_the_influence_sentence_follows_the_measures(seven, weights):
    drop, moves = occlusion(seven.inputs, weights), sensitivity(seven.inputs, weights)
    words = explain.influence_sentence(seven, drop, moves)
    inked = np.flatnonzero(seven.inputs.max(axis=1) >= explain.INK_THRESHOLD)
    assert f"most is row {int(inked[np.argmax(moves[inked])]) + 1}'s" in words
    made_up = np.zeros_like(drop)
    made_up[19] = 0.4  # as if row 20 alone held the answer
    assert "row 20 matters most" in explain.influence_sentence(seven, made_up, moves)
    blank = trace(np.zeros((28, 28), dtype=np.float32), weights)
    assert "no row can matter" in explain.influence_sentence(blank, np.zeros(28), np.zeros(28))


def test_the_map_sentence_states_the_measured_share(seven, shipped_map):
    words = explain.map_sentence(shipped_map, seven.hidden_states, 20)
    kept = float(shipped_map.explained.sum())
    assert f"keep {kept:.0%} of the variance ({shipped_map.explained_per_step[19]:.0%} of it at step 20)" in words
    assert f"the other {1 - kept:.0%}" in words and "path h_1 … h_20" in words
