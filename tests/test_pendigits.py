"""Real pen digits (model/pendigits.py): the UNIPEN reader, the writer-disjoint split, and the
drawing of a trajectory on the page's canvas."""

import numpy as np
import pytest

from model import pendigits
from model.config import CANVAS_SIZE
from model.drawn_digits import render
from model.pendigits import PenDigit, drawings_of, parse_unipen, to_drawing, writer_split
from model.preprocess import to_model_input


@pytest.fixture(scope="module")
def synthetic(synthetic_unipen):
    return parse_unipen(synthetic_unipen, "synthetic")


def test_a_known_digit_is_read_with_its_label_writer_and_points(synthetic):
    seven = synthetic[0]
    assert (seven.label, seven.writer, len(seven.strokes)) == (7, 1, 1)
    # The tablet's y points up; the canvas's down: y is negated, x kept, every point in order.
    np.testing.assert_array_equal(seven.strokes[0], [[0, -100], [50, -100], [100, -100], [65, -50], [30, 0]])
    assert [d.label for d in synthetic] == [7, 4, 1, 7, 0]
    assert [d.writer for d in synthetic] == [1, 1, 2, 2, 3]


def test_a_digit_of_two_strokes_keeps_them_apart(synthetic):
    four = synthetic[1]
    assert four.label == 4 and [len(stroke) for stroke in four.strokes] == [3, 2]


@pytest.mark.parametrize("bad, message", [
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n 10 20\n', "outside a stroke"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n.PEN_DOWN\n 10 twenty\n.PEN_UP\n', "two integers"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n.PEN_DOWN\n 10 20 30\n.PEN_UP\n', "two integers"),
    ('.SEGMENT DIGIT 0 ? "seven"\n', "digit label"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n.PEN_UP\n', "without .PEN_DOWN"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n.PEN_DOWN\n 10 20\n', "inside a stroke"),
    ('.SEGMENT DIGIT 0 ? "7"\n.PEN_DOWN\n 10 20\n.PEN_UP\n', "writer"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 1 1\n', "no strokes"),
    ('.SEGMENT DIGIT 0 ? "7"\n.COMMENT 7 one 1\n', "writer"),
])
def test_bad_lines_give_a_clear_value_error_naming_the_line(bad, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_unipen(bad, "bad.txt")
    assert str(raised.value).startswith("bad.txt:")


def test_the_file_reads_whole(pen_digits):
    """The real file (7,494 digits by 30 writers, counts as its README gives), or the synthetic one."""
    labels = np.bincount([d.label for d in pen_digits], minlength=10)
    if len(pen_digits) > 100:
        assert labels.tolist() == [780, 779, 780, 719, 780, 720, 720, 778, 719, 719]
        assert sorted({d.writer for d in pen_digits}) == list(range(1, 31))
    assert all(len(stroke) >= 1 for d in pen_digits for stroke in d.strokes)


def test_the_writer_split_puts_no_writer_in_both_halves(pen_digits):
    writers = {d.writer for d in pen_digits}
    held_out = min(pendigits.VALIDATION_WRITERS, len(writers) - 1)
    train, validation = writer_split(pen_digits, held_out)
    train_writers, validation_writers = {d.writer for d in train}, {d.writer for d in validation}
    assert not train_writers & validation_writers
    assert train_writers | validation_writers == writers and len(validation_writers) == held_out
    assert len(train) + len(validation) == len(pen_digits)
    assert writer_split(pen_digits, held_out)[1] == validation  # the same writers every time


def ink_box(canvas):
    """(top, bottom, left, right) of the ink, canvas px."""
    rows, cols = np.flatnonzero(canvas[..., 3].any(axis=1)), np.flatnonzero(canvas[..., 3].any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def test_a_drawn_seven_has_its_bar_at_the_top(synthetic):
    """The y flip reaches the canvas: the 7's bar, high on the tablet, is drawn at the top."""
    rng = np.random.default_rng(0)
    for _ in range(10):
        image = to_model_input(render(to_drawing(synthetic[0], rng)))  # (28, 28)
        rows = image.sum(axis=1)
        inked = np.flatnonzero(rows > 0.1 * rows.max())
        top, bottom = rows[inked[0] : inked[0] + 4].sum(), rows[inked[-1] - 3 : inked[-1] + 1].sum()
        assert top > 2 * bottom


def test_drawings_keep_their_proportions_and_stay_in_the_size_and_brush_ranges(synthetic):
    rng = np.random.default_rng(1)
    one = synthetic[2]  # a straight down stroke
    for _ in range(20):
        drawing = to_drawing(one, rng)
        assert pendigits.BRUSH_RANGE[0] <= drawing.brush_width <= pendigits.BRUSH_RANGE[1]
        top, bottom, left, right = ink_box(render(drawing))
        height, width = bottom - top + 1, right - left + 1
        assert width < 0.6 * height + drawing.brush_width  # a 1 stays a thin 1 (a slant and a turn at most)
        longer = max(height, width) - drawing.brush_width
        assert pendigits.SIZE_RANGE[0] * CANVAS_SIZE * 0.9 <= longer <= pendigits.SIZE_RANGE[1] * CANVAS_SIZE * 1.05
        assert 0 <= left and right < CANVAS_SIZE and 0 <= top and bottom < CANVAS_SIZE


def test_a_two_stroke_digit_is_drawn_as_two_strokes(synthetic):
    drawing = to_drawing(synthetic[1], np.random.default_rng(2))
    assert drawing.digit == 4 and len(drawing.strokes) == 2


def test_the_same_seed_draws_the_same_set(synthetic):
    first, labels = drawings_of(synthetic, 3, seed=5)
    again, _ = drawings_of(synthetic, 3, seed=5)
    other, _ = drawings_of(synthetic, 3, seed=6)
    assert labels.tolist() == [d.label for d in synthetic for _ in range(3)]
    assert [d.strokes for d in first] == [d.strokes for d in again] != [d.strokes for d in other]


def test_a_single_point_is_a_dot_not_an_error():
    dot = PenDigit((np.array([[5.0, -5.0]]),), label=0, writer=1)
    canvas = render(to_drawing(dot, np.random.default_rng(3)))
    assert canvas[..., 3].any()


def test_a_named_folder_without_the_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="PENDIGITS_DIR"):
        pendigits.pendigits_dir(tmp_path)
