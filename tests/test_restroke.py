"""MNIST redrawn with a round brush: same digit, the brush's width, the page's preprocessing."""

import numpy as np
import pytest
from scipy import ndimage

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


def slanted_bar_image():
    image = np.zeros((28, 28), np.uint8)
    for row in range(4, 24):
        left = 11 + (row - 4) * 6 // 19  # leaning back by 6 px over 20 rows, like many MNIST 1s
        image[row, left : left + 2] = 255
    return image


def l_image():
    image = bar_image()
    image[21:24, 13:24] = 255  # a base: the digit's box is as wide as it is tall
    return image


def stretch_down(points):
    """Stretch the lower part of the box: up to twice as long at the bottom."""
    return points * [1.0, 0.0] + points ** 2 * [0.0, 1.0]


def wave_down(points):
    """Move points down by a wave across the box, as drawn_digits.proportion_warp does."""
    return points + np.sin(2 * np.pi * 0.8 * points[:, :1]) * [0.0, 0.16]


@pytest.mark.parametrize("image", [l_image(), slanted_bar_image()], ids=["L", "slanted 1"])
@pytest.mark.parametrize("warp", [stretch_down, wave_down])
def test_a_warped_hairline_stays_one_unbroken_line(image, warp):
    """The warp bends the digit, and leaves no gap that a hairline brush cannot cover."""
    warped = restroke(image, 0.04, warp=warp)
    _, pieces = ndimage.label(warped > 0.05, structure=np.ones((3, 3)))
    assert pieces == 1
    assert warp is wave_down or not np.allclose(warped, restroke(image, 0.04))


def test_warps_change_the_digits_but_not_the_brushes_or_the_generator():
    images = np.stack([l_image(), bar_image(4), l_image()])
    plain_rng, warped_rng = np.random.default_rng(3), np.random.default_rng(3)
    plain, _ = restroke_set(images, plain_rng)
    warped, _ = restroke_set(images, warped_rng, proportions=0.08)
    assert plain_rng.uniform() == warped_rng.uniform()  # validation, drawn next, stays the same
    assert not np.allclose(plain, warped)
    assert np.allclose(plain.sum(axis=(1, 2)), warped.sum(axis=(1, 2)), rtol=0.25)  # same brushes: similar ink
