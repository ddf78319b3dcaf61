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


@pytest.mark.parametrize("top, settle, sure, words", [
    (0.981, 12, True, "98.1% probability"),
    (0.55, 12, False, "maybe 7 (55%) or 2 (40%)"),
    (0.79, 3, False, "maybe 7 (79%)"),
    (0.95, 26, False, "7 (95%), but only since row 26 of 28"),
    (0.95, 24, True, "95.0% probability"),
])
def test_verdict_is_unsure_for_low_or_late_answers(top, settle, sure, words):
    probabilities = np.full(10, (1 - top - 0.4) / 8 if top < 0.6 else (1 - top) / 9)
    probabilities[7] = top
    if top < 0.6:
        probabilities[2] = 0.4
    verdict = explain.verdict(probabilities, settle, 28)
    assert verdict.sure is sure
    assert verdict.headline == ("Prediction" if sure else "Not sure")
    assert words in verdict.words


def test_runner_up_words():
    probabilities = np.zeros(10)
    probabilities[[4, 7]] = [0.123, 0.877]
    assert explain.runner_up_words(probabilities) == "Runner-up: 4 at 12.3%."
    probabilities[[4, 7]] = [0.00001, 0.99999]
    assert explain.runner_up_words(probabilities).startswith("No runner-up")


def test_step_caption_names_the_row_and_the_leader(weights):
    steps = trace(np.eye(CONFIG.image_size, dtype=np.float32), weights)
    leader = int(steps.step_probabilities[15].argmax())
    assert explain.step_caption(steps, 16) == (
        f"Step 16: reading row 16 - the readout says {leader}, {steps.step_probabilities[15, leader]:.0%}")
