"""Scripted drawings that are no digit at all: what a room of students draws to test the page.

A classifier with a softmax always names one of its ten classes, so a dash, a star or a letter
gets an answer too. These shapes, placed, wobbled and brushed like the digit drawings
(`drawn_digits.random_placement`), measure how often the page then says "not sure" instead of
showing a confident digit. None of them reaches training. Shapes that people would read as a
digit (a ring is a 0, an S a 5, a Z a 2, an I a 1) are left out on purpose.
"""

import math

import numpy as np

from model.drawn_digits import CANVAS_SIZE, Drawing, random_placement

NOT_A_DIGIT = -1  # the Drawing.digit of a shape that is no digit


def _star(points=5):
    """A star drawn in one stroke without lifting the pen, from its top point."""
    angles = np.radians(90 - np.arange(points + 1) * 720 / points)
    return [(0.5 + 0.5 * math.cos(a), 0.5 - 0.5 * math.sin(a)) for a in angles]


def _wave(cycles=2.0, points=40):
    x = np.linspace(0, 1, points)
    return list(zip(x, 0.5 - 0.3 * np.sin(2 * math.pi * cycles * x)))


def _zigzag(turns=7):
    """A pen rubbing back and forth down the box: a scribbled-out patch."""
    return [(0.0 if k % 2 == 0 else 1.0, k / turns) for k in range(turns + 1)]


SHAPES: dict[str, tuple] = {
    "dash": ([(0.0, 0.5), (1.0, 0.5)],),
    "plus": ([(0.0, 0.5), (1.0, 0.5)], [(0.5, 0.0), (0.5, 1.0)]),
    "cross": ([(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]),
    "hash": ([(0.3, 0.0), (0.25, 1.0)], [(0.75, 0.0), (0.7, 1.0)], [(0.0, 0.33), (1.0, 0.33)],
             [(0.0, 0.67), (1.0, 0.67)]),
    "star": (_star(),),
    "triangle": ([(0.5, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.0)],),
    "wave": (_wave(),),
    "scribble": (_zigzag(),),
    "letter A": ([(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)], [(0.22, 0.6), (0.78, 0.6)]),
    "letter H": ([(0.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (1.0, 1.0)], [(0.0, 0.5), (1.0, 0.5)]),
    "letter M": ([(0.0, 1.0), (0.1, 0.0), (0.5, 0.6), (0.9, 0.0), (1.0, 1.0)],),
    "letter W": ([(0.0, 0.0), (0.25, 1.0), (0.5, 0.4), (0.75, 1.0), (1.0, 0.0)],),
}


def not_digit_set(per_shape: int = 20, seed: int = 0, canvas_size: int = CANVAS_SIZE,
                  **placement) -> list[Drawing]:
    """A fixed, reproducible set of per_shape drawings of every shape, digit NOT_A_DIGIT."""
    rng = np.random.default_rng(seed)
    drawings = []
    for name, strokes in SHAPES.items():
        for _ in range(per_shape):
            placed, brush = random_placement(strokes, rng, canvas_size, **placement)
            drawings.append(Drawing(NOT_A_DIGIT, placed, brush_width=brush, style=name))
    return drawings
