"""How small can a drawing get before the model cannot read it? Prints the accuracy of the
last-step model on digits drawn at a range of sizes, for three brush widths, so that the page's
"draw bigger" threshold (model.preprocess.MIN_BRUSH_WIDTHS) rests on measurements.

Two sets of digits stand in for people: the scripted canvas drawings of model/drawn_digits.py,
and, when $PENDIGITS_DIR (or ../shared/pendigits) holds it, real pen trajectories from the UCI
pendigits set, each scaled so that its longer side is the size asked for. Size is the longer side
of the ink's bounding box on the 280 px canvas, brush included (what model.preprocess.ink_extent
measures on the page), in brush widths: a dot is one brush width wide.

    python -m scripts.too_small [--per-digit 20] [--widths 1,1.5,2,...]
"""

import argparse

import numpy as np

from model import pendigits
from model.config import CANVAS_SIZE, DEFAULT_BRUSH, MODEL_PATH
from model.drawn_digits import Drawing, random_drawing, render
from model.preprocess import MIN_BRUSH_WIDTHS, ink_extent, ink_intensity, to_model_input
from model.trace import trace
from model.weights_file import read_weights

WIDTHS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0)  # ink size in brush widths
BRUSHES = (8, DEFAULT_BRUSH, 40)


def pendigits_sample(per_digit: int, seed: int = 0) -> list[tuple[int, list[np.ndarray]]]:
    """(label, strokes) for per_digit real pen digits of each class (model/pendigits.py reads the
    file, y pointing down); empty when no pendigits folder is found."""
    folder = pendigits.pendigits_dir()
    if folder is None:
        return []
    digits = pendigits.read_pendigits(folder / pendigits.FILE_NAME)
    rng = np.random.default_rng(seed)
    chosen = []
    for digit in range(10):
        own = [d for d in digits if d.label == digit]
        chosen += [(d.label, list(d.strokes)) for d in (own[i] for i in rng.choice(len(own), per_digit, replace=False))]
    return chosen


def placed(strokes: list[np.ndarray], size: float, brush: float) -> list[list[tuple[float, float]]]:
    """Strokes scaled so that the ink (centre line plus the brush) is `size` px on its longer side,
    centred on the canvas."""
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    scale = max(size - brush, 1.0) / max((high - low).max(), 1e-9)
    middle = (low + high) / 2
    return [[tuple(p) for p in (s - middle) * scale + CANVAS_SIZE / 2] for s in strokes]


def accuracy(drawings: list[Drawing], weights) -> tuple[float, float]:
    """Share read correctly, and the median measured ink extent (px)."""
    images, extents, labels = [], [], []
    for drawing in drawings:
        rgba = render(drawing)
        images.append(to_model_input(rgba))
        extents.append(ink_extent(ink_intensity(rgba.astype(np.float32) / 255)))
        labels.append(drawing.digit)
    predictions = trace(np.stack(images), weights).prediction
    return float((predictions == np.array(labels)).mean()), float(np.median(extents))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-digit", type=int, default=20)
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)),
                        help="ink sizes to draw, in brush widths")
    args = parser.parse_args()
    widths = [float(w) for w in args.widths.split(",")]
    weights = read_weights(str(MODEL_PATH))
    rng = np.random.default_rng(0)
    scripted = [random_drawing(d, rng) for d in range(10) for _ in range(args.per_digit)]
    sets = {"scripted": [(d.digit, [np.array(s) for s in d.strokes]) for d in scripted]}
    real = pendigits_sample(args.per_digit)
    if real:
        sets["pendigits"] = real
    print(f"Accuracy by ink size in brush widths (the longer side of the ink, brush included, on the "
          f"{CANVAS_SIZE} px canvas); {args.per_digit} per digit per set. The page asks for a bigger "
          f"drawing below {MIN_BRUSH_WIDTHS:g} brush widths.")
    print(f"{'set':10} {'brush':>5} " + " ".join(f"{w:>6g}" for w in widths))
    for name, digits in sets.items():
        for brush in BRUSHES:
            row = []
            for width in widths:
                drawings = [Drawing(label, placed(strokes, width * brush, brush), brush)
                            for label, strokes in digits]
                row.append(accuracy(drawings, weights)[0])
            print(f"{name:10} {brush:>5} " + " ".join(f"{a:>6.1%}" for a in row))
    dots = [Drawing(0, [[(140.0, 140.0)]], brush) for brush in range(BRUSHES[0], BRUSHES[-1] + 1, 2)]
    dot_sizes = [ink_extent(ink_intensity(render(d).astype(np.float32) / 255)) for d in dots]
    print(f"a dot's ink size at brush {BRUSHES[0]}..{BRUSHES[-1]}: {min(dot_sizes)}..{max(dot_sizes)} px")


if __name__ == "__main__":
    main()
