"""Redraw MNIST digits the way a browser canvas would: the same writers, a round brush.

A scanned pen stroke and a canvas stroke differ mostly in thickness and its evenness: the canvas
paints every stroke with one round brush, from hairline to very thick. To teach the LSTM that
look without losing MNIST's 60,000 writers, each training digit is thinned to its skeleton
(scikit-image; Zhang & Suen's thinning) at four times the resolution, and the skeleton is painted
again with a round brush of random width (every pixel within the brush's radius of the skeleton
is ink, with an anti-aliased edge). The result then goes through the page's own preprocessing
(`from_ink`: crop, scale to 20 px, centre by mass), exactly as a drawing on the page would.

Optionally the skeleton is first bent by the scripted drawings' own proportion warp
(`drawn_digits.proportion_warp`): long, smooth waves across the digit's box that lengthen a flag,
shrink a loop or raise a bar, as one writer's proportions differ from another's. The writers are
still MNIST's; only their proportions vary more.
"""

import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.morphology import skeletonize

from model.drawn_digits import proportion_warp
from model.preprocess import DIGIT_BOX, from_ink

UPSAMPLE = 4  # skeletonise at 112 x 112 so that the brush radius can vary smoothly
# Brush width as a share of the digit's box: about 0.04 (a hairline) to 0.33 (a marker on a
# small digit), the range seen on the page's 280 px canvas with brushes of 8-40 px.
WIDTH_SHARE = (0.04, 0.33)


def warped(skeleton: np.ndarray, warp) -> np.ndarray:
    """The skeleton's pixels moved by `warp`, a map of the unit box (x to the right, y down, as
    in model/drawn_digits.py). The unit box is the square on the skeleton's longer side, so a
    thin 1 is warped as a thin line in a box, not stretched to fill it."""
    rows, cols = np.nonzero(skeleton)
    top, left = rows.min(), cols.min()
    side = max(rows.max() - top, cols.max() - left, 1)
    moved = warp(np.stack([cols - left, rows - top], axis=1) / side)
    cols = np.rint(left + moved[:, 0] * side).astype(int)
    rows = np.rint(top + moved[:, 1] * side).astype(int)
    inside = (rows >= 0) & (rows < skeleton.shape[0]) & (cols >= 0) & (cols < skeleton.shape[1])
    result = np.zeros_like(skeleton)
    # The warp stretches a line by at most about 1.8, so neighbours land at most 2.5 px apart:
    # within reach of the thinnest brush (radius 1.6 px at this scale, plus its soft edge).
    result[rows[inside], cols[inside]] = True
    return result


def restroke(image: np.ndarray, brush_share: float, warp=None) -> np.ndarray | None:
    """One uint8 (28, 28) MNIST digit -> the (28, 28) float32 input of a canvas-drawn copy,
    its skeleton bent by `warp` first if one is given."""
    size = image.shape[0] * UPSAMPLE
    large = np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
    skeleton = skeletonize(large > 127)
    if not skeleton.any():
        return None
    if warp is not None:
        skeleton = warped(skeleton, warp)
    distance = ndimage.distance_transform_edt(~skeleton)  # pixels to the nearest skeleton pixel
    radius = brush_share * DIGIT_BOX * UPSAMPLE / 2
    ink = np.clip(radius + 0.5 - distance, 0.0, 1.0)  # a round brush with a one-pixel soft edge
    return from_ink(ink)


def restroke_set(images: np.ndarray, rng: np.random.Generator,
                 proportions: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Redraw many uint8 digits, each with a brush width drawn log-uniformly from WIDTH_SHARE
    and, if `proportions` > 0, its own proportion warp of that strength. The warps come from a
    generator spawned from `rng`, so the brush widths, and whatever `rng` draws next, are the
    same with or without them.

    Returns the float32 inputs (M, 28, 28) and the indices of the images they came from (a digit
    whose skeleton is empty is skipped).
    """
    low, high = np.log(WIDTH_SHARE[0]), np.log(WIDTH_SHARE[1])
    shares = np.exp(rng.uniform(low, high, size=len(images)))
    warp_rng = rng.spawn(1)[0]
    redrawn, kept = [], []
    for index, (image, share) in enumerate(zip(images, shares)):
        result = restroke(image, share, proportion_warp(warp_rng, proportions) if proportions else None)
        if result is not None:
            redrawn.append(result)
            kept.append(index)
    return np.stack(redrawn).astype(np.float32), np.asarray(kept)
