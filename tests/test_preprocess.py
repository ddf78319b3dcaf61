"""Canvas RGBA -> the 28 x 28 model input, MNIST-style."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.drawn_digits import Drawing, render
from model.preprocess import DIGIT_BOX, FIELD, to_model_input

SEVEN = [[(60.0, 50.0), (200.0, 50.0), (110.0, 240.0)]]


def drawing(strokes, scale=1.0, shift=(0.0, 0.0), width=18.0) -> Drawing:
    moved = [[(x * scale + shift[0], y * scale + shift[1]) for x, y in stroke] for stroke in strokes]
    return Drawing(digit=7, strokes=moved, brush_width=width * scale)


def centre_of_mass(image):
    ys, xs = np.indices(image.shape)
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def test_blank_canvas_means_nothing_drawn():
    assert to_model_input(np.zeros((280, 280, 4), np.uint8)) is None


def test_nearly_blank_canvas_means_nothing_drawn():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[100, 100] = (255, 255, 255, 255)  # one stray pixel
    assert to_model_input(canvas) is None
    opaque_white = np.full((280, 280, 4), 255, np.uint8)
    assert to_model_input(opaque_white) is None


def test_output_is_a_28x28_float_image():
    image = to_model_input(render(drawing(SEVEN)))
    assert image.shape == (FIELD, FIELD) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)


@pytest.mark.parametrize("scale, shift", [(1.0, (0, 0)), (0.5, (10, 20)), (0.5, (130, 120)), (0.35, (170, 5))])
def test_centre_of_mass_at_the_centre(scale, shift):
    image = to_model_input(render(drawing(SEVEN, scale, shift)))
    y, x = centre_of_mass(image)
    assert abs(y - 13.5) <= 1.0 and abs(x - 13.5) <= 1.0


def test_same_digit_at_other_positions_and_sizes_gives_nearly_the_same_input():
    reference = to_model_input(render(drawing(SEVEN)))
    for scale, shift in [(0.5, (10, 20)), (0.5, (130, 120)), (0.35, (170, 5)), (0.7, (40, 70))]:
        image = to_model_input(render(drawing(SEVEN, scale, shift)))
        assert np.abs(image - reference).mean() < 0.03, (scale, shift)
        assert np.corrcoef(image.ravel(), reference.ravel())[0, 1] > 0.95, (scale, shift)


def test_aspect_ratio_is_kept():
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).rectangle([100, 40, 159, 239], fill=(255, 255, 255, 255))  # 60 x 200
    image = to_model_input(np.asarray(canvas))
    rows = np.flatnonzero((image > 0.5).any(axis=1))
    cols = np.flatnonzero((image > 0.5).any(axis=0))
    assert len(rows) == DIGIT_BOX  # the longer side is scaled to 20 px ...
    assert abs(len(cols) - DIGIT_BOX * 60 / 200) <= 1  # ... and the shorter one in proportion


def test_ink_colour_and_background_do_not_matter():
    transparent_white_ink = render(drawing(SEVEN))
    reference = to_model_input(transparent_white_ink)
    ink = transparent_white_ink[..., 3:] / 255.0
    paper, pen = np.array([250, 248, 240]), np.array([20, 40, 160])  # blue pen on off-white paper
    rgb = (paper * (1 - ink) + pen * ink).round().astype(np.uint8)
    opaque = np.concatenate([rgb, np.full((280, 280, 1), 255, np.uint8)], axis=-1)
    assert np.abs(to_model_input(opaque) - reference).max() < 0.1
    as_float = transparent_white_ink.astype(np.float64) / 255.0
    np.testing.assert_allclose(to_model_input(as_float), reference, atol=1e-5)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((280, 280), np.uint8), "shape"),
        (np.zeros((280, 280, 3), np.uint8), "shape"),
        (np.zeros((0, 280, 4), np.uint8), "shape"),
        (np.zeros((28, 28, 4), np.int64), "dtype"),
        (np.zeros((28, 28, 4), bool), "dtype"),
        (np.full((28, 28, 4), np.nan, np.float32), "NaN"),
        (np.full((28, 28, 4), np.inf), "NaN or infinite"),
        (np.full((28, 28, 4), 255.0), r"\[0, 1\]"),
        ([[[0, 0, 0, 0]]], "NumPy array"),
    ],
)
def test_bad_input_raises_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        to_model_input(bad)
