"""The gallery of MNIST test digits: the model's verdict on every test image, and which digits
each kind of gallery page shows (random, one digit's, misread, late deciders)."""

from dataclasses import dataclass

import numpy as np

from i18n import N_
from model.data import to_unit_float
from model.trace import LstmWeights, decision_step, trace

SUMMARY_CHUNK = 2_000  # test images traced at a time: bounds memory to about 150 MB
GALLERY_SIZE = 8  # thumbnails per gallery page
LATE_DECIDER_STEP = 25  # "late deciders" settle on their answer at this step or later
THUMBNAIL_SCALE = 3  # 28 px -> 84 px, pixels kept sharp
# The kinds are keys (links and tests use them) and English names, shown with _() in the page's language.
GALLERY_KINDS = (N_("Random"), N_("By digit"), N_("Misread"), N_("Late deciders"))


@dataclass(frozen=True)
class TestSetSummary:
    """The model's verdict on every test image; the traces themselves are not kept (1 GB)."""

    labels: np.ndarray  # (N,) true digits
    predictions: np.ndarray  # (N,) the readout's argmax at the last step
    confidences: np.ndarray  # (N,) probability of the prediction
    decision_steps: np.ndarray  # (N,) step from which the prediction no longer changes

    __test__ = False  # not a pytest test class, despite the name


def summarise_test_set(images: np.ndarray, labels: np.ndarray, weights: LstmWeights) -> TestSetSummary:
    """Trace uint8 images (N, 28, 28) in chunks and keep only what the gallery sorts by."""
    predictions, confidences, steps = [], [], []
    for start in range(0, len(images), SUMMARY_CHUNK):
        probabilities = trace(to_unit_float(images[start : start + SUMMARY_CHUNK]),
                              weights).step_probabilities  # (n, T, classes)
        predictions.append(probabilities[:, -1].argmax(-1))
        confidences.append(probabilities[:, -1].max(-1))
        steps.append(decision_step(probabilities))
    return TestSetSummary(np.asarray(labels), np.concatenate(predictions), np.concatenate(confidences),
                          np.concatenate(steps))


def gallery_indices(summary: TestSetSummary, kind: str, digit: int = 0, page: int = 0,
                    count: int = GALLERY_SIZE) -> np.ndarray:
    """Test-set indices for one gallery page: random (the page number seeds the draw), one
    digit's, misread (most confident mistakes first) or late deciders, in test-set order."""
    if kind == "Random":
        return np.random.default_rng(page).choice(len(summary.labels), size=count, replace=False)
    if kind == "By digit":
        pool = np.flatnonzero(summary.labels == digit)
    elif kind == "Misread":
        misread = np.flatnonzero(summary.predictions != summary.labels)
        pool = misread[np.argsort(-summary.confidences[misread], kind="stable")]
    elif kind == "Late deciders":
        pool = np.flatnonzero(summary.decision_steps >= LATE_DECIDER_STEP)
    else:
        raise ValueError(f"unknown gallery kind {kind!r}; expected one of {GALLERY_KINDS}")
    if len(pool) == 0:
        return pool
    start = (page * count) % len(pool)
    return np.take(pool, np.arange(start, start + min(count, len(pool))), mode="wrap")


def thumbnail(image: np.ndarray, scale: int = THUMBNAIL_SCALE) -> np.ndarray:
    """A uint8 image enlarged by pixel repetition, so that the browser shows sharp pixels."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
