"""The words and equations beside the charts quote the trace and the metrics."""

import numpy as np
import pytest

import explain
from model.config import CONFIG
from model.trace import trace


def test_step_numbers_quote_the_trace(weights):
    image = np.zeros((CONFIG.image_size, CONFIG.image_size), np.float32)
    image[6:22, 13:15] = 1.0
    steps = trace(image, weights)
    numbers = explain.step_numbers(steps, 10)
    assert numbers["units"] == CONFIG.units and numbers["ink"] == pytest.approx(2.0)
    assert numbers["forgetting"] == int((steps.forget_gates[9] < 0.5).sum())
    assert numbers["mean_i"] == pytest.approx(float(steps.input_gates[9].mean()))
    assert numbers["leader"] == int(steps.step_probabilities[9].argmax())
    assert explain.step_numbers(steps, 1)["c_change"] == pytest.approx(
        float(np.abs(steps.cell_states[0]).mean()))  # c_0 = 0


def test_percent_never_rounds_up_to_certainty():
    assert explain.percent(0.12345) == "12.3%"
    assert explain.percent(0.99995) == "over 99.9%"


def test_equations_and_takeaways_quote_their_numbers(weights):
    steps = trace(np.eye(CONFIG.image_size, dtype=np.float32), weights)
    numbers = explain.step_numbers(steps, 7)
    equations = explain.step_equations(numbers)
    assert equations.startswith(r"\begin{aligned}") and equations.endswith(r"\end{aligned}")
    assert f"{numbers['mean_i']:.2f}" in equations and f"{numbers['forgetting']} " in equations
    half = CONFIG.timesteps // 2
    accuracies = list(np.linspace(0.1, 0.99, CONFIG.timesteps))
    metrics = {"readout_accuracy_per_step": accuracies, "chance_accuracy": 0.1135,
               "probe_accuracy_per_step": {"h": accuracies, "c": accuracies},
               "decision_step": {"median": 19.0}}
    text = explain.why_takeaways(metrics)
    for number in (accuracies[half - 1], accuracies[-1], 0.1135):
        assert f"{number:.1%}" in text
    assert "step 19" in text and f"$h_{{{CONFIG.timesteps}}}$" in text
