"""`python -m model.train` end to end: one short epoch on a small subset, in seconds."""

import json

import numpy as np

from model import evaluate, pendigits, train
from model.network import load_model


def test_training_runs_end_to_end_and_writes_a_loadable_model(tmp_path, mnist):
    model_path, metrics_path = tmp_path / "tiny.keras", tmp_path / "tiny.json"
    train.main([
        "--data-dir", mnist.source, "--epochs", "1", "--train-limit", "256", "--seed", "7",
        "--validation-size", "256", "--eval-limit", "300", "--drawn-per-digit", "3", "--no-cache",
        "--model-path", str(model_path), "--metrics-path", str(metrics_path),
    ])
    model = load_model(model_path)
    probabilities = model.predict(np.zeros((2, 28, 28), np.float32), verbose=0)
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert not list(tmp_path.glob("*.weights.h5"))  # the best-epoch checkpoint is cleaned up
    metrics = json.loads(metrics_path.read_text())
    assert metrics["data"]["test_images"] == 300
    assert metrics["training"]["training_images"]["mnist"] == 256
    assert metrics["training"]["training_images"]["canvas_style"] > 256  # redrawn MNIST + 30 drawings
    assert len(metrics["probe_accuracy_per_step"]["h"]) == 28
    # Trained with its own seed, and examined on the same drawings as every other model.
    assert metrics["seed"] == 7 and metrics["drawn_digits"]["seed"] == evaluate.DRAWN_SEED
    assert metrics["training"]["augmentation"]["flag_safe_sevens"] is True  # on unless turned off
    assert metrics["training"]["settings"]["slashed_zeros"] is True
    assert metrics["drawn_digits"]["slashed_zero"]["count"] == 300
    if pendigits.pendigits_dir() is None:  # a user's machine without the file: MNIST and drawings only
        assert metrics["training"]["real_writers"] is None and metrics["real_writers"] is None
        return
    # Real writers: drawn for training, and validated on writers training never saw.
    record, real = metrics["training"]["real_writers"], metrics["real_writers"]
    assert metrics["training"]["training_images"]["real_writers"] == 6 * record["training_trajectories"] > 0
    assert not set(record["training_writers"]) & set(record["validation_writers"])
    assert set(real["writers"]) <= set(record["validation_writers"])
    assert real["count"] == 4 * real["trajectories"] > 0 and 0 <= real["accuracy"] <= 1
    assert len(real["per_class_accuracy"]) == 10 and len(real["per_brush_accuracy"]) == 3
    assert "ece" in real and "confident_misread_share" in real
    assert len(metrics["training"]["history"]["val_real_writers_accuracy"]) == 1


def test_every_step_training_files_its_model_beside_the_first(tmp_path, mnist):
    model_path, metrics_path = tmp_path / "every.keras", tmp_path / "tiny.json"
    train.main([
        "--data-dir", mnist.source, "--every-step", "--epochs", "1", "--train-limit", "256",
        "--rotation-degrees", "6", "--no-flag-safe-sevens", "--medium-flag-ones",
        "--pendigits-renders", "0",
        "--validation-size", "256", "--eval-limit", "300", "--drawn-per-digit", "3", "--no-cache",
        "--model-path", str(model_path), "--metrics-path", str(metrics_path),
    ])
    assert load_model(model_path).output_shape == (None, 10)  # shipped as the plain architecture
    record = json.loads(metrics_path.read_text())["every_step_model"]
    assert record["path"] == "every.keras" and len(record["readout_accuracy_per_step"]) == 28
    assert record["test_accuracy"] == record["readout_accuracy_per_step"][-1]
    assert record["training"]["temperature"] == 1.0
    assert record["training"]["augmentation"]["max_rotation_degrees"] == 6  # the flags reached augment
    assert record["training"]["augmentation"]["flag_safe_sevens"] is False
    assert record["training"]["settings"]["medium_flag_ones"] is True
    assert record["training"]["training_images"]["real_writers"] == 0  # --pendigits-renders 0: none
