"""Property-based tests of preprocessing and the trace: whatever arrives from a canvas, the
outcome is a valid 28 x 28 input with a finite trace whose per-step probabilities sum to 1,
the documented "nothing drawn" (None), or the documented ValueError. Never anything else."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageDraw

from model.preprocess import to_model_input
from model.trace import trace

PROPERTY_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
SIZES = st.one_of(st.integers(1, 64), st.integers(65, 600), st.sampled_from([1, 2, 3, 27, 28, 29, 280]))
KINDS = ["empty", "all_ink", "single_pixel", "noise", "alpha_only", "inverted", "strokes", "faint"]


def paint(kind: str, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A (height, width, 4) uint8 RGBA canvas of the given kind."""
    canvas = np.zeros((height, width, 4), np.uint8)
    if kind == "all_ink":
        canvas[:] = 255
    elif kind == "single_pixel":
        canvas[rng.integers(height), rng.integers(width)] = (*rng.integers(0, 256, 3), 255)
    elif kind == "noise":
        canvas[:] = rng.integers(0, 256, canvas.shape)
    elif kind == "alpha_only":
        canvas[..., 3] = rng.integers(0, 256, (height, width)) * (rng.random((height, width)) < 0.1)
    elif kind in ("inverted", "strokes", "faint"):
        background = (255, 255, 255, 255) if kind == "inverted" else (0, 0, 0, 0)
        ink = (0, 0, 0, 255) if kind == "inverted" else (*rng.integers(0, 256, 3), 255 if kind == "strokes" else 20)
        image = Image.new("RGBA", (width, height), background)
        points = [tuple(p) for p in rng.uniform(0, [width, height], size=(rng.integers(2, 6), 2))]
        ImageDraw.Draw(image).line(points, fill=ink, width=int(rng.integers(1, max(2, min(height, width) // 8 + 2))))
        canvas = np.array(image)
    return canvas


def check_valid_outcome(image, weights):
    if image is None:  # "nothing drawn yet"
        return
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert np.isfinite(image).all() and image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    steps = trace(image, weights)
    for values in (steps.hidden_states, steps.cell_states, steps.step_probabilities):
        assert np.isfinite(values).all()
    np.testing.assert_allclose(steps.step_probabilities.sum(axis=-1), 1.0, atol=1e-5)
    assert 0 <= steps.prediction < 10


@settings(max_examples=700, **PROPERTY_SETTINGS)
@given(kind=st.sampled_from(KINDS), height=SIZES, width=SIZES, as_float=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_any_canvas_gives_a_valid_input_or_nothing_drawn(weights, kind, height, width, as_float, seed):
    canvas = paint(kind, height, width, np.random.default_rng(seed))
    if as_float:
        canvas = canvas.astype(np.float32) / 255.0
    image = to_model_input(canvas)
    check_valid_outcome(image, weights)
    if kind == "empty":
        assert image is None


@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(
    shape=st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple),
    dtype=st.sampled_from([np.uint8, np.int8, np.int16, np.int64, np.uint16, np.float16, np.float32,
                           np.float64, np.complex64, np.bool_]),
    poison=st.sampled_from([None, np.nan, np.inf, -np.inf, -0.5, 1.5, 300.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_array_gives_a_valid_input_or_a_value_error(weights, shape, dtype, poison, seed):
    rng = np.random.default_rng(seed)
    array = rng.random(shape)
    if np.issubdtype(dtype, np.integer):
        array = array * 255
    array = array.astype(dtype)
    if poison is not None and array.size and np.issubdtype(dtype, np.floating):
        array.flat[rng.integers(array.size)] = poison
    try:
        image = to_model_input(array)
    except ValueError as error:
        assert str(error)  # a message, not an empty error
        return
    assert len(shape) == 3 and shape[2] == 4 and shape[0] > 0 and shape[1] > 0
    check_valid_outcome(image, weights)


@settings(max_examples=200, **PROPERTY_SETTINGS)
@given(image=arrays(np.float32, (28, 28), elements=st.floats(-1e6, 1e6, width=32)))
def test_trace_of_any_finite_image_is_finite_and_normalised(weights, image):
    steps = trace(image, weights)
    assert np.isfinite(steps.hidden_states).all() and np.isfinite(steps.cell_states).all()
    np.testing.assert_allclose(steps.step_probabilities.sum(axis=-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("kind", ["empty", "strokes", "inverted"])
def test_a_4000_by_4000_canvas(weights, kind):
    canvas = paint(kind, 4000, 4000, np.random.default_rng(0))
    image = to_model_input(canvas)
    check_valid_outcome(image, weights)
    assert (image is None) == (kind == "empty")
