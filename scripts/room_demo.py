"""Drawings for a room whose readings are real: scripted canvas-style drawings
(model/drawn_digits.py) through the page's own preprocessing and NumPy trace, as the send panel
would store them. Some are left unfinished (their last stroke missing), as in a hurried room,
so that the wall has misreads to show. Used by scripts/make_assets.py and scripts/room_load.py.
"""

from dataclasses import dataclass, replace

import numpy as np

from model.config import MODEL_PATH
from model.drawn_digits import random_drawing, render
from model.network import load_model
from model.preprocess import to_model_input
from model.trace import LstmWeights, trace

UNFINISHED_SHARE = 0.2  # of the drawings with more than one stroke


@dataclass(frozen=True)
class SentDrawing:
    """What room.send_ui hands to Store.add_drawing."""

    pixels: np.ndarray  # (28, 28) uint8
    strokes: int
    meant: int
    read: int
    step_predictions: np.ndarray  # (28,)

    def as_arguments(self) -> dict:
        return dict(pixels=self.pixels, strokes=self.strokes, meant=self.meant, read=self.read,
                    step_predictions=self.step_predictions)


def room_drawings(count: int, seed: int = 0, weights: LstmWeights | None = None) -> list[SentDrawing]:
    """`count` drawings cycling through the digits, read by the model as the page reads them."""
    weights = weights or LstmWeights.from_keras(load_model(MODEL_PATH))
    rng = np.random.default_rng(seed)
    drawings = []
    for index in range(count):
        drawing = random_drawing(index % 10, rng)
        if len(drawing.strokes) > 1 and rng.random() < UNFINISHED_SHARE:
            drawing = replace(drawing, strokes=drawing.strokes[:-1])
        drawings.append(drawing)
    images = np.stack([to_model_input(render(drawing)) for drawing in drawings])  # (N, 28, 28) in [0, 1]
    traced = trace(images, weights)
    pixels = np.clip(np.round(images * 255), 0, 255).astype(np.uint8)  # as room.send_ui stores them
    return [SentDrawing(pixels[i], len(drawing.strokes), drawing.digit, int(traced.prediction[i]),
                        traced.step_predictions[i]) for i, drawing in enumerate(drawings)]
