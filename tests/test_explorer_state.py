"""The page's helpers: metrics check, test-set summary, gallery picks and equation figures."""

import json

import numpy as np
import pytest

import explorer_state
from explorer_state import TestSetSummary
from model.config import CONFIG
from model.data import to_unit_float
from model.trace import trace


@pytest.fixture
def metrics_file(tmp_path):
    def write(content) -> str:
        path = tmp_path / "metrics.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path
    return write


def complete_metrics(sha256: str) -> dict:
    return {"model": {"sha256": sha256}, **{key: 0 for key in explorer_state.METRICS_KEYS[1:]}}


def test_metrics_are_used_only_for_the_model_they_measured(metrics_file, tmp_path):
    path = metrics_file(complete_metrics("abc"))
    assert explorer_state.check_metrics(path, "abc").metrics is not None
    mismatch = explorer_state.check_metrics(path, "def")
    assert mismatch.metrics is None and "different model" in mismatch.problem


@pytest.mark.parametrize("content, words", [
    (None, "missing"), ("{not json", "cannot be read"), ({"model": {"sha256": "abc"}}, "lacks"),
    ([1, 2], "lacks"),
])
def test_unusable_metrics_say_why(metrics_file, tmp_path, content, words):
    path = tmp_path / "absent.json" if content is None else metrics_file(content)
    check = explorer_state.check_metrics(path, "abc")
    assert check.metrics is None and words in check.problem


@pytest.fixture(scope="module")
def summary(mnist, weights):
    return explorer_state.summarise_test_set(mnist.test_images[:600], mnist.test_labels[:600], weights)


def test_summary_agrees_with_the_trace(summary, mnist, weights):
    full = trace(to_unit_float(mnist.test_images[:600]), weights)
    np.testing.assert_array_equal(summary.predictions, full.prediction)
    np.testing.assert_array_equal(summary.decision_steps, full.decision_step)
    np.testing.assert_allclose(summary.confidences, full.probabilities.max(-1))


def fake_summary() -> TestSetSummary:
    labels = np.arange(40) % 10
    predictions = labels.copy()
    predictions[[3, 17, 25]] = [5, 2, 0]
    confidences = np.linspace(0.5, 0.99, 40)
    steps = np.where(np.arange(40) % 7 == 0, 27, 12)
    return TestSetSummary(labels, predictions, confidences, steps)


def test_gallery_pages_pick_what_they_say():
    summary = fake_summary()
    random_page = explorer_state.gallery_indices(summary, "Random", page=2)
    assert len(set(random_page)) == explorer_state.GALLERY_SIZE
    np.testing.assert_array_equal(random_page, explorer_state.gallery_indices(summary, "Random", page=2))
    assert set(summary.labels[explorer_state.gallery_indices(summary, "By digit", digit=4)]) == {4}
    misread = explorer_state.gallery_indices(summary, "Misread")
    assert list(misread) == [25, 17, 3]  # most confident mistake first; only three exist
    late = explorer_state.gallery_indices(summary, "Late deciders")
    assert (summary.decision_steps[late] >= explorer_state.LATE_DECIDER_STEP).all()
    with pytest.raises(ValueError):
        explorer_state.gallery_indices(summary, "Best")


def test_step_numbers_quote_the_trace(weights):
    image = np.zeros((CONFIG.image_size, CONFIG.image_size), np.float32)
    image[6:22, 13:15] = 1.0
    steps = trace(image, weights)
    numbers = explorer_state.step_numbers(steps, 10)
    assert numbers["units"] == CONFIG.units and numbers["ink"] == pytest.approx(2.0)
    assert numbers["forgetting"] == int((steps.forget_gates[9] < 0.5).sum())
    assert numbers["mean_i"] == pytest.approx(float(steps.input_gates[9].mean()))
    assert numbers["leader"] == int(steps.step_probabilities[9].argmax())
    assert explorer_state.step_numbers(steps, 1)["c_change"] == pytest.approx(
        float(np.abs(steps.cell_states[0]).mean()))  # c_0 = 0


def test_small_helpers():
    assert explorer_state.percent(0.12345) == "12.3%"
    assert explorer_state.percent(0.99995) == "over 99.9%"
    image = np.arange(4, dtype=np.uint8).reshape(2, 2)
    np.testing.assert_array_equal(explorer_state.thumbnail(image, 2), [[0, 0, 1, 1], [0, 0, 1, 1],
                                                                       [2, 2, 3, 3], [2, 2, 3, 3]])


def test_equations_and_takeaways_quote_their_numbers(weights):
    steps = trace(np.eye(CONFIG.image_size, dtype=np.float32), weights)
    numbers = explorer_state.step_numbers(steps, 7)
    equations = explorer_state.step_equations(numbers)
    assert equations.startswith(r"\begin{aligned}") and equations.endswith(r"\end{aligned}")
    assert f"{numbers['mean_i']:.2f}" in equations and f"{numbers['forgetting']} " in equations
    half = CONFIG.timesteps // 2
    accuracies = list(np.linspace(0.1, 0.99, CONFIG.timesteps))
    metrics = {"readout_accuracy_per_step": accuracies, "chance_accuracy": 0.1135,
               "probe_accuracy_per_step": {"h": accuracies, "c": accuracies},
               "decision_step": {"median": 19.0}}
    text = explorer_state.why_takeaways(metrics)
    for number in (accuracies[half - 1], accuracies[-1], 0.1135):
        assert f"{number:.1%}" in text
    assert "step 19" in text and f"$h_{{{CONFIG.timesteps}}}$" in text
