"""`python -m model.train` end to end: one short epoch on a small subset, in seconds."""

import json

import numpy as np

from model import train
from model.network import load_model


def test_training_runs_end_to_end_and_writes_a_loadable_model(tmp_path, mnist):
    model_path, metrics_path = tmp_path / "tiny.keras", tmp_path / "tiny.json"
    train.main([
        "--data-dir", mnist.source, "--epochs", "1", "--train-limit", "256",
        "--validation-size", "256", "--eval-limit", "300",
        "--model-path", str(model_path), "--metrics-path", str(metrics_path),
    ])
    model = load_model(model_path)
    probabilities = model.predict(np.zeros((2, 28, 28), np.float32), verbose=0)
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert not list(tmp_path.glob("*.weights.h5"))  # the best-epoch checkpoint is cleaned up
    metrics = json.loads(metrics_path.read_text())
    assert metrics["data"]["test_images"] == 300
    assert metrics["training"]["training_images"] == 256
    assert len(metrics["probe_accuracy_per_step"]["h"]) == 28
