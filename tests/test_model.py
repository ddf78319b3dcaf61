"""The committed model: it loads with Keras, is small, carries no optimizer state, reaches
99.0% on the MNIST test set, and metrics.json describes this very file."""

import json
import zipfile

import h5py
import pytest
import numpy as np

from model.config import METRICS_PATH, MODEL_PATH
from model.data import sha256_of

TARGET_ACCURACY = 0.990


def test_model_file_is_small_and_has_no_optimizer_state(tmp_path):
    assert MODEL_PATH.stat().st_size < 1_000_000
    with zipfile.ZipFile(MODEL_PATH) as archive:
        archive.extract("model.weights.h5", tmp_path)
    groups = []
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        weights.visit(groups.append)
    assert groups and not any("optimizer" in name for name in groups), groups


def test_keras_model_reaches_99_percent_on_mnist_test(keras_model, mnist):
    probabilities = keras_model.predict(mnist.test_images.astype(np.float32) / 255.0,
                                        batch_size=1000, verbose=0)
    accuracy = (probabilities.argmax(axis=1) == mnist.test_labels).mean()
    assert accuracy >= TARGET_ACCURACY, accuracy


def test_metrics_belong_to_the_committed_model():
    metrics = json.loads(METRICS_PATH.read_text())
    assert metrics["model"]["sha256"] == sha256_of(MODEL_PATH)
    steps = metrics["config"]["timesteps"]
    assert len(metrics["readout_accuracy_per_step"]) == steps
    assert len(metrics["probe_accuracy_per_step"]["h"]) == steps
    assert len(metrics["probe_accuracy_per_step"]["c"]) == steps
    assert np.array(metrics["confusion_matrix"]).sum() == metrics["data"]["test_images"] == 10_000
    assert np.trace(metrics["confusion_matrix"]) / 10_000 == pytest.approx(metrics["test_accuracy"])
    assert metrics["readout_accuracy_per_step"][-1] == metrics["test_accuracy"]
    assert [sum(counts) for counts in metrics["decision_step"]["counts_per_class"]] == \
        np.array(metrics["confusion_matrix"]).sum(axis=1).tolist()
    assert {"h_28, trained readout", "c_28, refitted probe", "[c_28; h_28], refitted probe",
            "mean of h_1..h_28, refitted probe"} <= {a["name"] for a in metrics["readout_alternatives"]}
    assert metrics["drawn_digits"]["count"] > 0
    assert len(metrics["data"]["sha256"]) == 4
    assert metrics["training"]["settings"]["seed"] == metrics["seed"]
    assert set(metrics["packages"]) >= {"tensorflow", "keras", "numpy", "python"}


def test_metrics_match_a_fresh_measurement_of_accuracy(weights, mnist):
    """The headline figure in metrics.json is reproduced by the NumPy trace here and now."""
    from model.trace import trace

    metrics = json.loads(METRICS_PATH.read_text())
    steps = trace(mnist.test_images.astype(np.float32) / 255.0, weights)
    per_step = (steps.step_predictions == mnist.test_labels[:, None]).mean(axis=0)
    np.testing.assert_allclose(per_step, metrics["readout_accuracy_per_step"], atol=1e-4)
