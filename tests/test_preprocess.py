"""Canvas RGBA -> the 28 x 28 model input, MNIST-style."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.drawn_digits import Drawing, render
from model.preprocess import DIGIT_BOX, FIELD, strokes_extent, to_model_input

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


# --- Too small to read ---------------------------------------------------------------------

def test_ink_extent_is_the_longer_side_of_the_ink():
    from model.preprocess import ink_extent

    ink = np.zeros((280, 280), np.float32)
    assert ink_extent(ink) == 0
    ink[100:160, 120:140] = 1.0  # 60 tall, 20 wide
    ink[10, 10] = 0.05  # under the threshold: not ink
    assert ink_extent(ink) == 60


@pytest.mark.parametrize("brush", [8, 22, 40])
def test_a_dot_is_too_small_at_every_brush(brush):
    from model.preprocess import ink_extent, ink_intensity, too_small

    dot = render(Drawing(0, [[(140.0, 140.0)]], brush)).astype(np.float32) / 255
    assert to_model_input(dot) is not None  # preprocessing alone would blow it up into a disc
    assert too_small(ink_extent(ink_intensity(dot)), brush)
    assert too_small(*strokes_extent([(brush, np.array([[140, 140]]))]))


@pytest.mark.parametrize("brush", [8, 22, 40])
def test_the_boundary_is_three_brush_widths(brush):
    """At MIN_BRUSH_WIDTHS widths a drawing is read; a pixel less, it is too small."""
    from model.preprocess import MIN_BRUSH_WIDTHS, too_small

    assert not too_small(MIN_BRUSH_WIDTHS * brush, brush)
    assert too_small(MIN_BRUSH_WIDTHS * brush - 1, brush)


def test_a_tiny_seven_is_too_small_and_a_normal_one_is_not():
    """The issue's case: a tiny 7 at the default brush became a blob read as 8."""
    from model.config import DEFAULT_BRUSH
    from model.preprocess import ink_extent, ink_intensity, too_small

    for height, small in ((40, True), (120, False)):
        seven = [[(140 - height / 3, 140 - height / 2), (140 + height / 3, 140 - height / 2),
                  (140, 140 + height / 2)]]
        rgba = render(Drawing(7, seven, DEFAULT_BRUSH)).astype(np.float32) / 255
        extent = ink_extent(ink_intensity(rgba))
        assert abs(extent - (height + DEFAULT_BRUSH)) <= 2
        assert too_small(extent, DEFAULT_BRUSH) is small
        strokes = [(DEFAULT_BRUSH, np.round(np.array(seven[0])).astype(np.int16))]
        assert too_small(*strokes_extent(strokes)) is small  # a link's strokes give the same answer


def test_strokes_extent_spans_every_stroke_plus_the_widest_brush():
    strokes = [(10, np.array([[0, 0], [30, 5]])), (20, np.array([[50, 100]]))]
    assert strokes_extent(strokes) == (120.0, 20.0)  # y from 0 to 100, plus the 20 px brush
    assert strokes_extent([]) == (0.0, 0.0)
