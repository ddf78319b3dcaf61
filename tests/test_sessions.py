"""The drawings the load, soak and replica checks draw in the browser (scripts/sessions.py)."""

from dataclasses import replace

import numpy as np

from model.drawn_digits import CANVAS_SIZE, random_drawing
from scripts.sessions import known_drawings, on_canvas


def test_a_point_past_the_canvas_edge_is_off_the_canvas():
    drawing = random_drawing(8, np.random.default_rng(0))
    inside = [(10.0, 10.0), (CANVAS_SIZE - 0.5, 100.0)]
    assert on_canvas(replace(drawing, strokes=[inside]))
    assert not on_canvas(replace(drawing, strokes=[inside + [(150.0, CANVAS_SIZE + 1.6)]]))
    assert not on_canvas(replace(drawing, strokes=[inside, [(-0.1, 50.0)]]))


def test_known_drawings_are_one_stroke_and_lie_on_the_canvas():
    # Without the on-canvas check, the model shipped on 1 December picks one with a point at y = 281.6.
    drawings = known_drawings(9)
    assert all(len(drawing.strokes) == 1 and on_canvas(drawing) for drawing in drawings)
