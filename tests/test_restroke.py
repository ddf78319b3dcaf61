"""MNIST redrawn with a round brush: same digit, the brush's width, the page's preprocessing."""

import numpy as np
import pytest

from model.restroke import restroke, restroke_set


def bar_image(width=3):
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 14 - width // 2 : 14 - width // 2 + width] = 255  # a vertical "1"
    return image


def ink_width(image):
    """Ink across the middle row, in pixels' worth."""
    return image[14].sum()


def test_brush_width_sets_the_stroke_width_whatever_the_scan():
    thin, thick = restroke(bar_image(2), 0.06), restroke(bar_image(2), 0.3)
    assert ink_width(thick) > 2 * ink_width(thin)
    # A scan three times as thick comes out within a pixel's worth of the same width.
    assert abs(ink_width(restroke(bar_image(2), 0.15)) - ink_width(restroke(bar_image(6), 0.15))) < 1


def test_result_is_a_preprocessed_input():
    image = restroke(bar_image(), 0.15)
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.max() == pytest.approx(1.0) and image.min() >= 0.0
    rows = np.flatnonzero((image > 0.5).any(axis=1))
    assert rows[-1] - rows[0] + 1 in range(18, 22)  # scaled to MNIST's 20 px box


def test_blank_images_are_skipped():
    images = np.stack([bar_image(), np.zeros((28, 28), np.uint8), bar_image(4)])
    redrawn, kept = restroke_set(images, np.random.default_rng(0))
    assert kept.tolist() == [0, 2] and redrawn.shape == (2, 28, 28)


def test_mnist_digits_stay_recognisable(mnist, weights):
    from model.trace import trace

    redrawn, kept = restroke_set(mnist.test_images[:200], np.random.default_rng(0))
    accuracy = (trace(redrawn, weights).prediction == mnist.test_labels[:200][kept]).mean()
    assert accuracy >= 0.95, accuracy
