"""The answer's figures, checked as data: fake traces and metrics in, Plotly figures out."""

import numpy as np
import pytest
from test_explain import fake_trace, metrics

from model.config import CONFIG
from model.readout import pushes, take_apart
from page import explain, figures_answer
from page.figures import CLASS_COLOURS

STEPS, UNITS, CLASSES = CONFIG.timesteps, CONFIG.units, CONFIG.classes


def by_name(fig, start: str, exact: bool = False):
    (found,) = [trace_ for trace_ in fig.data
                if (trace_.name == start if exact else trace_.name.startswith(start))]
    return found


@pytest.fixture
def seven():
    return fake_trace(6, {1: (1, 0.4), 9: (3, 0.63), 17: (7, 0.97)})


@pytest.fixture
def seven_every_step():
    return fake_trace(6, {1: (1, 0.4), 12: (7, 0.9)})


def test_why_figure_puts_test_accuracy_and_the_drawing_on_separate_axes(seven, seven_every_step):
    m = metrics()
    fig = figures_answer.why_figure(m, seven, seven_every_step)
    test_curves = {"probe fitted to h_t": m["probe_accuracy_per_step"]["h"],
                   "probe fitted to c_t": m["probe_accuracy_per_step"]["c"],
                   "last-step model": m["readout_accuracy_per_step"],
                   "every-step model": m["every_step_model"]["readout_accuracy_per_step"]}
    for name, values in test_curves.items():
        curve = by_name(fig, name)
        np.testing.assert_allclose(curve.y, values)
        assert curve.yaxis == "y"
    drawing = [trace_ for trace_ in fig.data if trace_.name.startswith("your drawing")]
    assert [trace_.yaxis for trace_ in drawing] == ["y2", "y2"]
    np.testing.assert_allclose(drawing[0].y, seven.step_probabilities[:, 7])
    np.testing.assert_allclose(drawing[1].y, seven_every_step.step_probabilities[:, 7])
    assert fig.layout.yaxis.title.text == "test accuracy"
    assert fig.layout.yaxis2.title.text == "probability of 7"
    titles = [annotation.text for annotation in fig.layout.annotations]
    assert "Test digits read correctly (of 10,000)" in titles


def test_why_figure_series_stay_distinguishable(seven, seven_every_step):
    fig = figures_answer.why_figure(metrics(), seven, seven_every_step)
    h, c = by_name(fig, "probe fitted to h_t"), by_name(fig, "probe fitted to c_t")
    assert (h.line.color, h.line.dash, h.marker.symbol) != (c.line.color, c.line.dash, c.marker.symbol)
    assert c.line.dash and c.marker.symbol.endswith("open")  # drawn over h_t, still see-through
    for trace_ in fig.data:  # the drawing's digit must not lend its colour to any series
        assert trace_.line.color not in CLASS_COLOURS
    colours = [trace_.line.color for trace_ in fig.data if not trace_.name.startswith("your drawing")]
    assert len(set(colours)) == len(colours)


def test_why_figure_shades_the_blank_rows(seven):
    fig = figures_answer.why_figure(metrics(), seven)
    (shade,) = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert (shade.x0, shade.x1, shade.yref) == (0.5, 5.5, "y2 domain")
    later = figures_answer.why_figure(metrics(), fake_trace(9, {1: (1, 0.4), 12: (7, 0.9)}))
    (shade,) = [shape for shape in later.layout.shapes if shape.type == "rect"]
    assert shade.x1 == 8.5


def test_why_figure_leaves_out_what_it_does_not_have(seven):
    m = metrics()
    del m["every_step_model"]
    fig = figures_answer.why_figure(m, seven)
    assert not [trace_ for trace_ in fig.data if "every-step" in trace_.name]
    only_drawing = figures_answer.why_figure(None, seven)
    names = [trace_.name for trace_ in only_drawing.data]
    assert names == ["your drawing, last-step model: probability of 7"]
    only_metrics = figures_answer.why_figure(metrics(), None)
    assert not [trace_ for trace_ in only_metrics.data if trace_.name.startswith("your drawing")]
    assert len(figures_answer.why_figure(None, None).data) == 0


@pytest.fixture
def readout_case():
    rng = np.random.default_rng(0)
    drawn = fake_trace(5, {1: (1, 0.4), 15: (4, 0.9)}, units=UNITS)
    hidden = rng.uniform(-1, 1, size=(STEPS, UNITS)).astype(np.float32)
    object.__setattr__(drawn, "hidden_states", hidden)
    weights, bias = rng.normal(size=(UNITS, CLASSES)), rng.normal(size=CLASSES)
    return drawn, take_apart(hidden[-1], weights, bias)


@pytest.mark.parametrize("digit", [0, 6])
def test_readout_figure_draws_the_drawing_s_own_numbers(readout_case, digit):
    drawn, readout = readout_case
    fig = figures_answer.readout_figure(drawn, readout, digit)
    np.testing.assert_allclose(by_name(fig, "h", exact=True).z, drawn.hidden_states[-1][None, :])
    V = by_name(fig, "V", exact=True)
    np.testing.assert_allclose(V.z, readout.V)
    np.testing.assert_allclose(np.asarray(V.customdata)[..., 1], readout.contributions)
    np.testing.assert_allclose(by_name(fig, "logits", exact=True).x, readout.logits)
    assert sum(by_name(fig, "probabilities", exact=True).x) == pytest.approx(1.0)
    np.testing.assert_allclose(by_name(fig, f"V[{digit}]").y, readout.V[digit] * drawn.hidden_states[-1])
    (row,) = [shape for shape in fig.layout.shapes if shape.type == "rect"]
    assert (row.y0, row.y1) == (digit - 0.5, digit + 0.5)
    assert f"digit {digit}: V<sub>{digit},j</sub>" in " ".join(a.text for a in fig.layout.annotations)


def test_hovering_a_logit_names_the_units_that_push_it(readout_case):
    drawn, readout = readout_case
    hover = by_name(figures_answer.readout_figure(drawn, readout, 0), "logits", exact=True).hovertext
    for digit in range(CLASSES):
        up, down = pushes(readout.contributions[digit], explain.TOP_UNITS)
        (top_up, _), (top_down, _) = up[0], down[0]
        assert f"pushed up most by units {top_up} (" in hover[digit]
        assert f"pushed down most by units {top_down} (" in hover[digit]
        assert f"logit {readout.logits[digit]:.2f}" in hover[digit]
