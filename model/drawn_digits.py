"""Scripted, canvas-style drawings of the ten digits, to check the model on input like people's.

MNIST digits are pen scans; people draw with a mouse or a finger, thick or thin, off-centre,
small or large, slanted. Each digit here is a few strokes in a unit box (x to the right, y
down), in one or two common styles. `random_drawing` places one on a canvas with a random size,
position, slant, rotation and brush width, and `render` paints it the way the browser canvas
does: round-capped strokes of solid ink on a transparent background (RGBA).

The same strokes drive the browser tests' mouse, so what is tested is what is measured.
"""

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

CANVAS_SIZE = 280


def _arc(cx, cy, rx, ry, start_degrees, end_degrees, points=24):
    """Points along an ellipse arc, angles counter-clockwise from 3 o'clock (y points down)."""
    angles = np.radians(np.linspace(start_degrees, end_degrees, points))
    return [(cx + rx * math.cos(a), cy - ry * math.sin(a)) for a in angles]


# Each style: a list of strokes; each stroke: a list of (x, y) points in the unit box.
STYLES: dict[int, list[list[list[tuple[float, float]]]]] = {
    0: [[_arc(0.5, 0.5, 0.45, 0.5, 90, 450, 40)]],
    1: [
        [[(0.5, 0.0), (0.5, 1.0)]],
        [[(0.2, 0.25), (0.55, 0.0), (0.55, 1.0)]],
    ],
    2: [
        [_arc(0.5, 0.3, 0.4, 0.3, 160, -40) + [(0.05, 1.0), (0.95, 1.0)]],
    ],
    3: [
        [_arc(0.5, 0.26, 0.38, 0.26, 150, -90) + _arc(0.5, 0.74, 0.42, 0.26, 90, -150)],
    ],
    4: [
        [[(0.65, 0.0), (0.05, 0.65), (0.95, 0.65)], [(0.7, 0.35), (0.7, 1.0)]],
        [[(0.2, 0.0), (0.1, 0.55), (0.9, 0.55)], [(0.75, 0.0), (0.75, 1.0)]],
    ],
    5: [
        [[(0.85, 0.0), (0.2, 0.0), (0.15, 0.45)] + _arc(0.5, 0.7, 0.42, 0.3, 140, -150)],
    ],
    6: [
        [[(0.75, 0.0), (0.35, 0.3), (0.12, 0.7)] + _arc(0.5, 0.72, 0.38, 0.28, 180, 540, 32)],
    ],
    7: [
        [[(0.05, 0.0), (0.95, 0.0), (0.35, 1.0)]],
        [[(0.05, 0.0), (0.95, 0.0), (0.35, 1.0)], [(0.3, 0.5), (0.85, 0.5)]],
    ],
    8: [
        [_arc(0.5, 0.24, 0.34, 0.24, 0, 360, 32), _arc(0.5, 0.73, 0.42, 0.27, 90, 450, 32)],
    ],
    9: [
        [_arc(0.5, 0.28, 0.42, 0.28, 0, 360, 32) + [(0.92, 0.28), (0.85, 1.0)]],
        [_arc(0.5, 0.28, 0.42, 0.28, 0, 360, 32) + _arc(0.3, 0.3, 0.62, 0.7, 0, -80, 12)],
    ],
}


@dataclass(frozen=True)
class Drawing:
    digit: int
    strokes: list[list[tuple[float, float]]]  # canvas pixel coordinates
    brush_width: float


def random_drawing(digit: int, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> Drawing:
    """One of the digit's styles at a random size, position, slant, rotation and brush width."""
    styles = STYLES[digit]
    strokes = styles[rng.integers(len(styles))]
    height = rng.uniform(0.3, 0.8) * canvas_size
    width = height * rng.uniform(0.5, 0.75)
    slant = rng.uniform(-0.35, 0.35)  # x shifts by slant * (distance above the middle)
    angle = math.radians(rng.uniform(-10, 10))
    margin = 0.04 * canvas_size + max(width, height) / 2
    cx, cy = rng.uniform(margin, canvas_size - margin, size=2)

    def place(x, y):
        dx, dy = (x - 0.5) * width, (y - 0.5) * height
        dx -= slant * dy
        return (cx + dx * math.cos(angle) - dy * math.sin(angle),
                cy + dx * math.sin(angle) + dy * math.cos(angle))

    placed = [[place(x, y) for x, y in stroke] for stroke in strokes]
    return Drawing(digit, placed, brush_width=float(rng.uniform(0.035, 0.12) * canvas_size))


def render(drawing: Drawing, canvas_size: int = CANVAS_SIZE, colour=(255, 255, 255)) -> np.ndarray:
    """Paint the strokes with round caps on a transparent canvas: (size, size, 4) uint8 RGBA."""
    image = Image.new("RGBA", (canvas_size, canvas_size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = drawing.brush_width / 2
    ink = (*colour, 255)
    for stroke in drawing.strokes:
        draw.line(stroke, fill=ink, width=round(drawing.brush_width), joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=ink)
    return np.asarray(image)


def drawn_digit_set(per_digit: int = 30, seed: int = 0) -> tuple[list[Drawing], np.ndarray]:
    """A fixed, reproducible set of drawings: per_digit of each digit, and their labels."""
    rng = np.random.default_rng(seed)
    drawings = [random_drawing(digit, rng) for digit in range(10) for _ in range(per_digit)]
    return drawings, np.array([drawing.digit for drawing in drawings])
