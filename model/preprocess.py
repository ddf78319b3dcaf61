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
