"""From a canvas drawing to the 28 x 28 input, the way MNIST itself was made.

LeCun, Cortes & Burges describe the MNIST digits as size-normalised to fit a 20 x 20 box,
keeping their aspect ratio, with anti-aliasing (hence the grey levels), then centred in a
28 x 28 field by their centre of mass. `to_model_input` does the same to whatever the canvas
returns: an RGBA array of any size, ink of any colour on a transparent or solid background.
"""

import numpy as np
from PIL import Image

from model.config import CONFIG

DIGIT_BOX = 20  # MNIST fits each digit's longer side into 20 pixels ...
FIELD = CONFIG.image_size  # ... and centres it in a 28 x 28 field.
INK_THRESHOLD = 0.1  # a pixel with less ink than this (of the strongest) is background
MIN_INK_FRACTION = 1e-4  # below this share of inked pixels, the canvas counts as blank
# Below this size, in brush widths (the longer side of the ink, brush included, over the brush's
# width), the page asks for a bigger drawing instead of naming a digit. What makes a digit
# unreadable is its size against its strokes, whatever the brush: `python -m scripts.too_small`
# draws scripted digits and real pen digits (UCI pendigits) at 1 to 6 brush widths with brushes of
# 8, 22 and 40 px. Accuracy is 85-99.5% at 3.5 widths, 62-87% at 3, 40-62% at 2.5 and 24-31% at 2
# (10% is chance); a dot is 1 width. Below 3 widths the answer is more often wrong than right
# for some sets, so the page does not give one.
MIN_BRUSH_WIDTHS = 3.0


def ink_intensity(rgba: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds, in [0, 1]: (H, W, 4) float in [0, 1] -> (H, W).

    On a transparent background the alpha channel is the ink. On an opaque canvas the ink is
    whatever differs from the background colour, taken as the median colour of the border,
    so dark-on-light and light-on-dark drawings in any colour both work.
    """
    rgb, alpha = rgba[..., :3], rgba[..., 3]
    if alpha.min() < 0.5:  # some of the canvas is transparent: alpha marks the strokes
        return alpha
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    background = np.median(border, axis=0)  # (3,)
    return np.abs(rgb - background).max(axis=-1)


def _validated(rgba) -> np.ndarray:
    """The drawing as float32 in [0, 1], or ValueError saying what is wrong with it."""
    if not isinstance(rgba, np.ndarray):
        raise ValueError(f"expected a NumPy array, got {type(rgba).__name__}")
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.shape[0] < 1 or rgba.shape[1] < 1:
        raise ValueError(f"expected an RGBA array of shape (height, width, 4), got {rgba.shape}")
    if rgba.dtype == np.uint8:
        return rgba.astype(np.float32) / 255.0
    if not np.issubdtype(rgba.dtype, np.floating):
        raise ValueError(f"expected uint8 (0..255) or float (0..1) values, got dtype {rgba.dtype}")
    if not np.isfinite(rgba).all():
        raise ValueError("the drawing contains NaN or infinite values")
    if rgba.min() < 0.0 or rgba.max() > 1.0:
        raise ValueError(f"float values must lie in [0, 1], got {rgba.min()}..{rgba.max()}")
    return rgba.astype(np.float32)


def ink_extent(ink: np.ndarray) -> int:
    """The longer side, in pixels, of the box around the ink (the pixels above INK_THRESHOLD of
    the strongest): (H, W) -> int; 0 for a blank canvas."""
    strongest = ink.max()
    if strongest < INK_THRESHOLD:
        return 0
    inked = ink > INK_THRESHOLD * strongest
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    return int(max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1)


def strokes_extent(strokes) -> tuple[float, float]:
    """The ink's longer side and the widest brush, from strokes [(brush width, points (n, 2)), ...]
    in canvas pixels (what a drawing link keeps): the points' span plus the brush. (0, 0) without
    strokes."""
    strokes = [(float(width), np.asarray(points, dtype=float).reshape(-1, 2)) for width, points in strokes]
    strokes = [(width, points) for width, points in strokes if len(points)]
    if not strokes:
        return 0.0, 0.0
    points = np.concatenate([points for _, points in strokes])
    brush = max(width for width, _ in strokes)
    return float((points.max(axis=0) - points.min(axis=0)).max() + brush), brush


def too_small(extent_px: float, brush_px: float) -> bool:
    """Whether a drawing whose ink spans `extent_px` (ink_extent), drawn with a brush `brush_px`
    wide, is too small to read: under MIN_BRUSH_WIDTHS brush widths. Preprocessing would blow it
    up to 20 pixels anyway, turning a dot into a disc and a tiny 7 into a blob."""
    return extent_px < MIN_BRUSH_WIDTHS * brush_px


def to_model_input(rgba) -> np.ndarray | None:
    """Canvas RGBA -> (28, 28) float32 in [0, 1], ink bright on dark; None if nothing is drawn.

    Raises ValueError for input that is not an RGBA image (wrong shape or dtype, NaN, inf).
    """
    return from_ink(ink_intensity(_validated(rgba)))


def from_ink(ink: np.ndarray) -> np.ndarray | None:
    """(H, W) ink intensities in [0, 1] -> (28, 28) float32 input, or None if nothing is drawn."""
    strongest = ink.max()
    inked = ink > INK_THRESHOLD * strongest
    if strongest < INK_THRESHOLD or inked.mean() < MIN_INK_FRACTION:
        return None

    # Crop to the ink's bounding box.
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    digit = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] / strongest

    # Scale the longer side to 20 px, keeping the aspect ratio, and place the result so that its
    # centre of mass falls on the centre of the 28 x 28 field. Both happen in one Lanczos
    # resampling (which anti-aliases) of a window around the centre of mass, so the centring is
    # exact to a fraction of a pixel rather than rounded to whole pixels.
    scale = DIGIT_BOX / max(digit.shape)  # output pixels per canvas pixel
    half_window = FIELD / 2 / scale  # canvas pixels from the field's centre to its edge
    margin = int(np.ceil(half_window))
    padded = np.pad(digit, margin)  # so that the window never leaves the image
    ys, xs = np.indices(digit.shape)
    mass = digit.sum()
    # Centre of mass in continuous coordinates, where pixel i covers [i, i + 1).
    centre_y = (ys * digit).sum() / mass + 0.5 + margin
    centre_x = (xs * digit).sum() / mass + 0.5 + margin
    window = (centre_x - half_window, centre_y - half_window,
              centre_x + half_window, centre_y + half_window)
    field = Image.fromarray(padded.astype(np.float32)).resize(
        (FIELD, FIELD), Image.Resampling.LANCZOS, box=window
    )
    image = np.clip(np.asarray(field, dtype=np.float32), 0.0, 1.0)
    return image / image.max()
