"""The scripted drawing generator: every style draws its digit, held-out styles stay apart."""

import numpy as np
import pytest

from model.drawn_digits import (
    BRUSH_RANGE,
    CANVAS_SIZE,
    MEDIUM_FLAG_ONE,
    PROPORTIONS,
    STYLES,
    drawn_digit_set,
    proportion_warp,
    random_drawing,
    render,
)
from model.preprocess import to_model_input


def test_every_digit_has_several_styles_and_exactly_one_held_out():
    for digit, styles in STYLES.items():
        assert len(styles) >= 3, digit
        assert sum(style.held_out for style in styles) == 1, digit
        assert len({style.name for style in styles}) == len(styles), digit


@pytest.mark.parametrize("named", ["7 crossed", "9 hooked tail", "1 flag", "1 flag and base",
                                   "4 open, one stroke", "4 closed", "2 looped", "3 flat top"])
def test_the_styles_people_write_are_there(named):
    digit, name = int(named[0]), named[2:]
    assert name in {style.name for style in STYLES[digit]}


@pytest.mark.parametrize("held_out", [True, False])
def test_held_out_choice_is_respected(held_out):
    rng = np.random.default_rng(0)
    for digit, styles in STYLES.items():
        allowed = {style.name for style in styles if style.held_out == held_out}
        drawn = {random_drawing(digit, rng, held_out=held_out).style for _ in range(20)}
        assert drawn <= allowed, (digit, drawn, allowed)


def test_extra_styles_join_their_digit_s_seen_styles():
    widened, labels = drawn_digit_set(per_digit=40, seed=3, held_out=False, extra_styles={1: [MEDIUM_FLAG_ONE]})
    styles = {digit: {d.style for d, label in zip(widened, labels) if label == digit} for digit in range(10)}
    seen_ones = {style.name for style in STYLES[1] if not style.held_out}
    assert styles[1] == seen_ones | {"medium flag"}  # drawn beside the seen styles, never the held-out one
    assert all("medium flag" not in names for digit, names in styles.items() if digit != 1)


def test_the_medium_flag_lies_between_the_seen_flag_and_the_held_out_one():
    def flag(name):  # (length, drop) of the first stroke's first segment, in the unit box
        (start, top, *_), *_ = next(s for s in STYLES[1] + [MEDIUM_FLAG_ONE] if s.name == name).strokes
        return top[0] - start[0], start[1] - top[1]

    for short, medium, long in zip(flag("flag"), flag("medium flag"), flag("long flag")):
        assert short < medium < long


def test_drawings_stay_on_the_canvas_with_a_brush_in_range():
    drawings, labels = drawn_digit_set(per_digit=20, seed=3)
    assert labels.tolist() == [d for d in range(10) for _ in range(20)]
    for drawing in drawings:
        points = np.concatenate([np.asarray(stroke) for stroke in drawing.strokes])
        assert points.min() >= -0.05 * CANVAS_SIZE and points.max() <= 1.05 * CANVAS_SIZE
        assert BRUSH_RANGE[0] <= drawing.brush_width <= BRUSH_RANGE[1]


def test_the_same_seed_gives_the_same_set_and_another_seed_another():
    first, _ = drawn_digit_set(per_digit=2, seed=5)
    again, _ = drawn_digit_set(per_digit=2, seed=5)
    other, _ = drawn_digit_set(per_digit=2, seed=6)
    assert [d.strokes for d in first] == [d.strokes for d in again]
    assert [d.strokes for d in first] != [d.strokes for d in other]


def test_every_style_renders_to_a_digit_sized_input():
    rng = np.random.default_rng(2)
    for digit, styles in STYLES.items():
        for _ in range(3 * len(styles)):
            image = to_model_input(render(random_drawing(digit, rng)))
            assert image is not None and image.shape == (28, 28)
            rows = np.flatnonzero((image > 0.3).any(axis=1))
            assert rows[-1] - rows[0] >= 10, digit  # a digit, not a dot


def distance_to_strokes(strokes, size) -> np.ndarray:
    """Every pixel centre's distance to the nearest point of any stroke's polyline: (size, size)."""
    grid = np.stack(np.meshgrid(np.arange(size) + 0.5, np.arange(size) + 0.5), axis=-1)[..., None, :]
    nearest = np.full((size, size), np.inf)
    for stroke in strokes:
        points = np.asarray(stroke)
        starts, ends = points[:-1], points[1:]  # every stroke has two points or more
        along = ends - starts
        t = np.clip(((grid - starts) * along).sum(-1) / np.maximum((along ** 2).sum(-1), 1e-9), 0, 1)
        gaps = np.linalg.norm(grid - (starts + t[..., None] * along), axis=-1)
        nearest = np.minimum(nearest, gaps.min(axis=-1))
    return nearest


@pytest.mark.parametrize("seed", range(6))
def test_render_paints_the_brush_s_whole_footprint_and_nothing_else(seed):
    """A round brush's stroke is every pixel within its radius of the path: no seams inside (the
    canvas has none), no ink outside (the edge may be off by a pixel and a half: pixel corners,
    the width rounded)."""
    drawing = random_drawing(seed % 10, np.random.default_rng(seed), brush_range=(30.0, 40.0))
    alpha = render(drawing)[..., 3]
    distance = distance_to_strokes(drawing.strokes, alpha.shape[0])
    radius = drawing.brush_width / 2
    assert (alpha[distance < radius - 1] == 255).all()
    assert (alpha[distance > radius + 1.5] == 0).all()


def test_each_drawing_has_its_own_proportions_that_move_smoothly_and_boundedly():
    """The proportion warp moves a style's parts (a flag's tip, a bar's height) by up to two
    waves of PROPORTIONS each, differently in every drawing, and nearby points together."""
    grid = np.stack(np.meshgrid(np.linspace(0, 1, 21), np.linspace(0, 1, 21)), axis=-1).reshape(-1, 2)
    rng = np.random.default_rng(4)
    moves = np.stack([proportion_warp(rng, PROPORTIONS)(grid) - grid for _ in range(200)])
    assert np.abs(moves).max() <= 2 * PROPORTIONS
    assert moves.std(axis=0).min() > PROPORTIONS / 4  # every point moves, and differently each time
    # Smooth: points 0.05 apart move within 2 waves x 2 pi x 0.8 cycles x PROPORTIONS x 0.05 of each other.
    neighbours = np.abs(np.diff(moves.reshape(200, 21, 21, 2), axis=2))
    assert neighbours.max() <= 2 * 2 * np.pi * 0.8 * PROPORTIONS * 0.05
    np.testing.assert_array_equal(proportion_warp(rng, 0.0)(grid), grid)
