"""The shapes that are no digit: each renders to a model input, reproducibly."""

from model.drawn_digits import render
from model.not_digits import NOT_A_DIGIT, SHAPES, not_digit_set
from model.preprocess import to_model_input


def test_every_shape_renders_to_an_input_and_the_set_is_reproducible():
    drawings = not_digit_set(per_shape=3, seed=4)
    assert [d.style for d in drawings] == [name for name in SHAPES for _ in range(3)]
    assert all(d.digit == NOT_A_DIGIT for d in drawings)
    for drawing in drawings:
        image = to_model_input(render(drawing))
        assert image is not None and image.shape == (28, 28) and image.max() == 1.0
    again = not_digit_set(per_shape=3, seed=4)
    assert [d.strokes for d in drawings] == [d.strokes for d in again]
    assert [d.strokes for d in drawings] != [d.strokes for d in not_digit_set(per_shape=3, seed=5)]

