"""What if the rows were different? Edits of the 28 x 28 input, and how much each row mattered.

The row-LSTM reads one image row per step, so the questions a learner asks of it are about rows:
what if the digit stopped after row t, what if rows a..b were missing, what if the rows came in
another order, and which rows did the final answer depend on. Every function here is pure (an
image and the weights in, new arrays out) and runs the model through the NumPy trace
(model/trace.py), whose `trace` takes a batch: the 28 edited images of an influence measure go
through it as one batch of 28, with the LSTM's equations written once, there.

Rows are numbered 1..28 from the top, as the page numbers the steps; a blanked row is set to 0,
MNIST's background.
"""

from dataclasses import dataclass

import numpy as np

from model.trace import LstmWeights, trace

# The relative change of a row's ink for the sensitivity measure. Small enough that h_28 responds
# almost linearly (halving it moved the measure's total by 0.2% and no inked row's by over 1.5%,
# on the first 20 MNIST test digits), large enough that float32's rounding (about 1e-7 of h)
# stays far below the differences it divides.
SENSITIVITY_EPS = 1e-2


def _checked(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise ValueError(f"expected a square image (rows, columns), got shape {image.shape}")
    return image


def keep_first_rows(image: np.ndarray, t: int) -> np.ndarray:
    """The image with only rows 1..t kept and the rows below blanked: what the LSTM would read if
    the drawing ended at row t (0 <= t <= rows)."""
    image = _checked(image)
    if not 0 <= t <= image.shape[0]:
        raise ValueError(f"t must lie in 0..{image.shape[0]}, got {t}")
    edited = image.copy()
    edited[t:] = 0.0
    return edited


def blank_rows(image: np.ndarray, first: int, last: int) -> np.ndarray:
    """The image with rows first..last (1-based, both included) blanked."""
    image = _checked(image)
    if not 1 <= first <= last <= image.shape[0]:
        raise ValueError(f"rows must satisfy 1 <= first <= last <= {image.shape[0]}, got {first}..{last}")
    edited = image.copy()
    edited[first - 1 : last] = 0.0
    return edited


def reverse_rows(image: np.ndarray) -> np.ndarray:
    """The image upside down: the LSTM reads the bottom row first."""
    return _checked(image)[::-1].copy()


def row_order(seed: int, rows: int = 28) -> np.ndarray:
    """A shuffled order of the rows, 0-based, the same for the same seed."""
    return np.random.default_rng(seed).permutation(rows)


def shuffle_rows(image: np.ndarray, seed: int) -> np.ndarray:
    """The image's rows in the order row_order(seed): row k of the result is row order[k]."""
    image = _checked(image)
    return image[row_order(seed, image.shape[0])].copy()


def blanked_one_at_a_time(image: np.ndarray) -> np.ndarray:
    """28 images, the k-th with row k + 1 alone blanked: (rows, rows, columns)."""
    image = _checked(image)
    rows = image.shape[0]
    edited = np.repeat(image[None], rows, axis=0)
    edited[np.arange(rows), np.arange(rows)] = 0.0
    return edited


def occlusion(image: np.ndarray, weights: LstmWeights) -> np.ndarray:
    """For each row k, how much the final answer's probability falls when row k alone is blanked:
    p(answer | image) - p(answer | image without row k), where the answer is the digit the model
    names for the unedited image. (rows,); negative where blanking the row makes the answer surer.
    One batched trace of 1 + 28 images."""
    image = _checked(image)
    batch = np.concatenate([image[None], blanked_one_at_a_time(image)])
    probabilities = trace(batch, weights).probabilities  # (1 + rows, classes)
    answer = int(np.argmax(probabilities[0]))
    return probabilities[0, answer] - probabilities[1:, answer]


def sensitivity(image: np.ndarray, weights: LstmWeights, eps: float = SENSITIVITY_EPS) -> np.ndarray:
    """For each row k, how much the final hidden state moves with row k's ink:

        || h_28(x with row k scaled by 1 + eps) - h_28(x) || / eps     (rows,)

    a forward finite difference along the row's own pixels. As eps -> 0 this is the norm of the
    Jacobian of h_28 times the row, (d h_28 / d x_k) x_k: the "gradient times input" of
    attribution work, summed over h's 128 units by its Euclidean length. Why this and not an
    analytic gradient: it needs no backward pass through the LSTM, so the equations stay written
    once, in the trace, and it costs one batched trace of 1 + 28 images (a pixel-by-pixel finite
    difference would cost 784). Why scaled and not shifted: scaling moves only the ink that is
    there, so a blank row, which the drawing does not use, scores zero, as it does under
    occlusion; the measure says how much the ink read at step k still moves h_28, not how much
    new ink there would.
    """
    image = _checked(image)
    rows = image.shape[0]
    scaled = np.repeat(image[None], rows, axis=0)
    scaled[np.arange(rows), np.arange(rows)] *= 1.0 + eps
    final = trace(np.concatenate([image[None], scaled]), weights).hidden_states[:, -1]  # (1 + rows, u)
    # In float64: the differences are about eps times h, and float32 would round them coarsely.
    difference = final[1:].astype(np.float64) - final[0].astype(np.float64)
    return np.linalg.norm(difference, axis=1) / eps


EDIT_KINDS = ("first_rows", "blank", "reverse", "shuffle")


@dataclass(frozen=True)
class RowEdit:
    """One edit, as the page offers them: keep rows 1..last ("first_rows"), blank rows first..last
    ("blank"), "reverse" the rows, or "shuffle" them with `seed`."""

    kind: str
    first: int = 1
    last: int = 28
    seed: int = 0

    def apply(self, image: np.ndarray) -> np.ndarray:
        if self.kind == "first_rows":
            return keep_first_rows(image, self.last)
        if self.kind == "blank":
            return blank_rows(image, self.first, self.last)
        if self.kind == "reverse":
            return reverse_rows(image)
        if self.kind == "shuffle":
            return shuffle_rows(image, self.seed)
        raise ValueError(f"unknown row edit {self.kind!r}; expected one of {', '.join(EDIT_KINDS)}")
