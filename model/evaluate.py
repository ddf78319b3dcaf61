"""Measure a trained row-LSTM: python -m model.evaluate

Writes model/metrics.json, the numbers the page shows to answer "why use the final output?":
test accuracy and confusion matrix; the trained readout's accuracy when applied to each h_t;
logistic-regression probes fitted on each h_t and c_t (how much the state knows at step t,
whatever the readout); readout alternatives at the last step; the step at which each test
digit's prediction settles; and accuracy on scripted, canvas-style drawings. It also records
what produced the numbers: data checksums, training settings, package versions, the seed and
the model file's sha256 (the page refuses metrics that belong to another model).
"""

import argparse
import json
import platform
from importlib.metadata import version
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model.config import CONFIG, METRICS_PATH, MODEL_PATH
from model.data import load_mnist, sha256_of, to_unit_float, validation_split
from model.drawn_digits import drawn_digit_set, render
from model.network import load_model
from model.preprocess import to_model_input
from model.trace import LstmWeights, decision_step, trace

PROBE_EPOCHS = 6  # full convergence is not the point; more epochs change the curve by < 0.2%
PROBE_BATCH_SIZE = 256
PROBE_LEARNING_RATE = 3e-3
CHUNK = 5_000  # images traced at a time, to bound memory
DRAWN_PER_DIGIT = 30


def trace_states(images: np.ndarray, weights: LstmWeights):
    """h_t, c_t and the readout at every step for many uint8 images, in chunks.

    Returns hidden (N, T, u), cell (N, T, u), step_probabilities (N, T, classes).
    """
    hidden, cell, probabilities = [], [], []
    for start in range(0, len(images), CHUNK):
        steps = trace(to_unit_float(images[start : start + CHUNK]), weights)
        hidden.append(steps.hidden_states)
        cell.append(steps.cell_states)
        probabilities.append(steps.step_probabilities)
    return np.concatenate(hidden), np.concatenate(cell), np.concatenate(probabilities)


def fit_probes(train_features, train_labels, test_features, test_labels, seed) -> list[float]:
    """Fit one multinomial logistic regression per probe and report each one's test accuracy.

    features: (N, P, D), P independent probes of D features each. An EinsumDense with a weight
    matrix per probe fits all P at once; features are standardised with training statistics.
    """
    mean = train_features.mean(axis=0)
    scale = train_features.std(axis=0) + 1e-6
    probes, dims = train_features.shape[1:]
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((probes, dims))
    logits = keras.layers.EinsumDense(
        "npd,pdk->npk", output_shape=(probes, CONFIG.classes), bias_axes="pk"
    )(inputs)
    model = keras.Model(inputs, logits)
    model.compile(
        optimizer=keras.optimizers.Adam(PROBE_LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    repeated = np.repeat(train_labels[:, None], probes, axis=1)  # every probe sees the labels
    model.fit((train_features - mean) / scale, repeated, batch_size=PROBE_BATCH_SIZE,
              epochs=PROBE_EPOCHS, verbose=0)
    predicted = model.predict((test_features - mean) / scale, batch_size=4096, verbose=0).argmax(-1)
    return [float(a) for a in (predicted == test_labels[:, None]).mean(axis=0)]


def drawn_digit_accuracy(model_weights: LstmWeights, seed: int) -> dict:
    drawings, labels = drawn_digit_set(DRAWN_PER_DIGIT, seed)
    images = np.stack([to_model_input(render(drawing)) for drawing in drawings])
    predicted = trace(images, model_weights).prediction
    return {
        "count": int(len(labels)),
        "accuracy": float((predicted == labels).mean()),
        "per_class_accuracy": [float((predicted[labels == d] == d).mean()) for d in range(10)],
        "command": "python -m model.evaluate (model/drawn_digits.py, seed "
                   f"{seed}, {DRAWN_PER_DIGIT} per digit)",
    }


def measure(model_path: Path, mnist, training: dict | None, limit: int | None = None) -> dict:
    model_path = Path(model_path)
    weights = LstmWeights.from_keras(load_model(model_path))
    seed = training["settings"]["seed"] if training else CONFIG.seed
    validation_size = training["settings"]["validation_size"] if training else 5_000
    train_index, _ = validation_split(len(mnist.train_images), validation_size, seed)
    train_index = train_index[:limit]
    test_images, test_labels = mnist.test_images[:limit], mnist.test_labels[:limit]

    test_h, test_c, test_probabilities = trace_states(test_images, weights)
    predicted = test_probabilities[:, -1].argmax(-1)
    confusion = np.zeros((CONFIG.classes, CONFIG.classes), dtype=int)
    np.add.at(confusion, (test_labels, predicted), 1)
    readout_per_step = (test_probabilities.argmax(-1) == test_labels[:, None]).mean(axis=0)
    settle = decision_step(test_probabilities)

    train_h, train_c, _ = trace_states(mnist.train_images[train_index], weights)
    train_labels = mnist.train_labels[train_index]

    def probe(train_features, test_features):
        return fit_probes(train_features, train_labels, test_features, test_labels, seed)

    probe_h = probe(train_h, test_h)
    probe_c = probe(train_c, test_c)
    last_both = probe(np.concatenate([train_c[:, -1:], train_h[:, -1:]], axis=-1),
                      np.concatenate([test_c[:, -1:], test_h[:, -1:]], axis=-1))[0]
    mean_h = probe(train_h.mean(axis=1, keepdims=True), test_h.mean(axis=1, keepdims=True))[0]

    steps = CONFIG.timesteps
    return {
        "model": {"path": model_path.name, "sha256": sha256_of(model_path),
                  "bytes": model_path.stat().st_size},
        "config": {"units": CONFIG.units, "timesteps": steps, "features": CONFIG.features,
                   "classes": CONFIG.classes},
        "seed": seed,
        "data": {"source": mnist.source, "sha256": mnist.sha256,
                 "test_images": int(len(test_labels)), "probe_training_images": int(len(train_labels))},
        "packages": {"python": platform.python_version(),
                     "tensorflow": tf.__version__,
                     **{name: version(name) for name in ("keras", "numpy", "pillow")}},
        "training": training,
        "test_accuracy": float((predicted == test_labels).mean()),
        "chance_accuracy": float(np.bincount(test_labels).max() / len(test_labels)),
        "confusion_matrix": confusion.tolist(),  # rows: true digit, columns: predicted
        "readout_accuracy_per_step": [float(a) for a in readout_per_step],
        "probe_accuracy_per_step": {"h": probe_h, "c": probe_c},
        "readout_alternatives": [
            {"name": "h_28, trained readout", "accuracy": float(readout_per_step[-1]),
             "note": "what this model uses"},
            {"name": "h_28, refitted probe", "accuracy": probe_h[-1],
             "note": "the last output; the original TensorFlow example's readout input, outputs[-1]"},
            {"name": "c_28, refitted probe", "accuracy": probe_c[-1], "note": "the last cell state"},
            {"name": "[c_28; h_28], refitted probe", "accuracy": last_both,
             "note": "the full LSTM state, as the original example's 2 x n_hidden state tensor"},
            {"name": "mean of h_1..h_28, refitted probe", "accuracy": mean_h,
             "note": "average of all outputs"},
        ],
        "decision_step": {
            "steps": list(range(1, steps + 1)),
            "counts_per_class": [np.bincount(settle[test_labels == d], minlength=steps + 1)[1:].tolist()
                                 for d in range(CONFIG.classes)],
            "median_per_class": [float(np.median(settle[test_labels == d])) if (test_labels == d).any()
                                 else None for d in range(CONFIG.classes)],
            "median": float(np.median(settle)),
        },
        "drawn_digits": drawn_digit_accuracy(weights, seed),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: $MNIST_DIR)")
    parser.add_argument("--model-path", type=Path, default=MODEL_PATH)
    parser.add_argument("--metrics-path", type=Path, default=METRICS_PATH)
    parser.add_argument("--eval-limit", type=int, help="evaluate on only this many images")
    args = parser.parse_args(argv)

    # Training settings cannot be recovered from the weights: keep those recorded at training
    # time, but only if they describe this very model file.
    training = None
    if args.metrics_path.exists():
        previous = json.loads(args.metrics_path.read_text())
        if previous.get("model", {}).get("sha256") == sha256_of(args.model_path):
            training = previous.get("training")
    metrics = measure(args.model_path, load_mnist(args.data_dir), training, args.eval_limit)
    args.metrics_path.write_text(json.dumps(metrics, indent=1) + "\n")
    print(f"test accuracy {metrics['test_accuracy']:.4f}; drawn digits "
          f"{metrics['drawn_digits']['accuracy']:.3f}; wrote {args.metrics_path}")


if __name__ == "__main__":
    main()
