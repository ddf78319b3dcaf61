"""The measuring tools behind metrics.json: calibration error, temperature, probes, breakdowns."""

import numpy as np
import pytest

from model.evaluate import (
    accuracy_by,
    confident_misread_share,
    expected_calibration_error,
    fit_mlp_head,
    fit_probe,
    uncalibrated,
    unsure_figures,
)
from model.trace import softmax
from model.train import fit_temperature


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    # 10 predictions at 80% confidence, 8 of them right: perfectly calibrated.
    probabilities = np.tile([0.8, 0.2], (10, 1))
    labels = np.array([0] * 8 + [1] * 2)
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.0)


def test_calibration_error_measures_overconfidence():
    probabilities = np.tile([0.99, 0.01], (10, 1))
    labels = np.array([0] * 5 + [1] * 5)  # 99% sure, right half the time
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.49)


def test_confident_misread_share():
    probabilities = np.array([[0.95, 0.05], [0.6, 0.4], [0.3, 0.7], [0.99, 0.01]])
    labels = np.array([1, 1, 1, 0])  # misreads: the first (95% sure) and the second (60%)
    assert confident_misread_share(probabilities, labels) == pytest.approx(0.5)
    assert confident_misread_share(probabilities[2:], labels[2:]) is None  # no misreads at all


def test_temperature_fit_recovers_a_known_temperature_and_can_be_undone():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(4000, 10))
    labels = np.array([rng.choice(10, p=p) for p in softmax(logits)])  # labels drawn from softmax(logits)
    overconfident = softmax(logits * 2.5)  # a model whose logits are 2.5 times too large
    temperature = fit_temperature(overconfident, labels)
    assert temperature == pytest.approx(2.5, rel=0.1)
    calibrated = softmax(np.log(overconfident) / temperature)
    np.testing.assert_allclose(uncalibrated(calibrated, temperature), overconfident, atol=1e-6)
    assert expected_calibration_error(calibrated, labels) < expected_calibration_error(overconfident, labels)


def test_probe_fits_to_convergence_on_separable_classes():
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 5, size=(10, 8))
    labels = rng.integers(0, 10, size=2000)
    features = centres[labels] + rng.normal(0, 1, size=(2000, 8))
    result = fit_probe(features[:1500], labels[:1500], features[1500:], labels[1500:])
    assert result["accuracy"] > 0.95 and 0 < result["iterations"] < 3000
    assert fit_mlp_head(features[:1500], labels[:1500], features[1500:], labels[1500:], seed=0) > 0.9


def test_accuracy_by_buckets():
    values = np.array([8, 10, 17, 30, 39])
    correct = np.array([True, False, True, True, False])
    rows = accuracy_by(((8, 16), (16, 24), (24, 32), (32, 40)), values, correct)
    assert [r["count"] for r in rows] == [2, 1, 1, 1]
    assert [r["accuracy"] for r in rows] == [0.5, 1.0, 1.0, 0.0]


def test_unsure_figures_count_misreads_and_right_answers_apart():
    # Four readings of digit 0: sure and right; sure, right but unfamiliar; sure and wrong; unsure and wrong.
    probabilities = np.full((4, 10), 0.01)
    probabilities[[0, 1, 2], [0, 0, 5]] = 0.91
    probabilities[3, [5, 0]] = [0.5, 0.41]
    settle = np.array([10, 10, 10, 10])
    energies = np.array([9.0, 3.0, 9.0, 9.0])
    figures = unsure_figures(probabilities, settle, energies, np.zeros(4, int), floor=5.0)
    assert figures["correct_not_sure"] == 0.5 and figures["correct_not_sure_without_energy"] == 0.0
    assert figures["misreads_not_sure"] == 0.5 and figures["misreads_not_sure_without_energy"] == 0.5
    assert figures["unfamiliar"] == 0.25
