"""Real pen-drawn digits: the UCI pendigits trajectories, drawn on the page's canvas.

Alpaydin & Alimoglu's "Pen-Based Recognition of Handwritten Digits" (UCI, 1998) recorded 44
people writing digits with a stylus on a tablet screen; the training half of its original
UNIPEN-style file holds 7,494 digits by 30 writers, each digit a few pen strokes of tablet
points (x to the right, y **up**). Training on them shows the row-LSTM how strangers really write
on a screen; splitting them by writer measures how it reads people it has never seen.

`read_pendigits` parses the file into `PenDigit`s; `writer_split` holds out whole writers;
`to_drawing` places one digit on the 280 px canvas at a random size, position, slant, rotation
and brush width (model/drawn_digits.py's `random_placement`, with the digit's own proportions
kept) and returns the `Drawing` that `drawn_digits.render` paints, as it paints the scripted ones.

The file is read from an explicit folder, else $PENDIGITS_DIR, else ../shared/pendigits; the app
never needs it, and nothing is downloaded.
"""

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.config import CANVAS_SIZE
from model.drawn_digits import Drawing, random_placement

FILE_NAME = "pendigits-orig.tra.gz"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "pendigits"  # ../shared beside the clone
# Six of the 30 writers are held out, chosen by a fixed seed of their own so that every training
# seed is validated on the same people.
VALIDATION_WRITERS = 6
SPLIT_SEED = 26
# The canvas the real-writer figures ask for: brushes of 10-28 px, the digit's longer side from a
# third of the canvas to nearly all of it, a small turn and slant, as people draw.
BRUSH_RANGE = (10.0, 28.0)
SIZE_RANGE = (1 / 3, 0.93)


@dataclass(frozen=True)
class PenDigit:
    strokes: tuple  # strokes, each an (n, 2) float array of tablet points, y pointing down
    label: int
    writer: int


def pendigits_dir(folder=None) -> Path | None:
    """The folder with the pendigits file: the explicit one, else $PENDIGITS_DIR, else
    ../shared/pendigits if it has the file, else None. A folder named explicitly or by the
    environment that lacks the file is an error (FileNotFoundError), never a silent fallback."""
    named = folder or os.environ.get("PENDIGITS_DIR")
    if named:
        if not (Path(named) / FILE_NAME).exists():
            raise FileNotFoundError(f"{Path(named) / FILE_NAME} does not exist: pass --pendigits-dir or set "
                                    f"PENDIGITS_DIR to the folder holding {FILE_NAME}")
        return Path(named)
    return DEFAULT_DIR if (DEFAULT_DIR / FILE_NAME).exists() else None


def read_pendigits(path) -> list[PenDigit]:
    """Every digit in a UNIPEN-style file (gzip or plain), its y axis flipped to point down.

    Raises ValueError naming the line for anything it cannot read: a point outside a stroke, a
    malformed point or label, a digit without ink or without its writer."""
    path = Path(path)
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("ascii")
    return parse_unipen(text, str(path))


def parse_unipen(text: str, source: str = "<text>") -> list[PenDigit]:
    """UNIPEN text -> PenDigits (see read_pendigits)."""
    digits = []
    label = writer = None
    strokes, stroke = [], None

    def finish(number):
        if label is None:
            return
        if stroke is not None:
            raise ValueError(f"{source}:{number}: a digit ends inside a stroke (no .PEN_UP)")
        if not strokes:
            raise ValueError(f"{source}:{number}: digit '{label}' has no strokes")
        if writer is None:
            raise ValueError(f"{source}:{number}: digit '{label}' has no .COMMENT naming its writer")
        # Tablet y points up; the canvas's points down.
        digits.append(PenDigit(tuple(np.array(s, float) * (1, -1) for s in strokes), label, writer))

    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command == ".SEGMENT":
            finish(number)
            quoted = line.split('"')
            if len(quoted) < 3 or not quoted[1].isdigit() or len(quoted[1]) != 1:
                raise ValueError(f"{source}:{number}: expected a digit label in quotes, got {line.strip()!r}")
            label, writer, strokes, stroke = int(quoted[1]), None, [], None
        elif command == ".COMMENT" and label is not None:
            if len(words) < 3 or not words[2].isdigit():
                raise ValueError(f"{source}:{number}: expected '.COMMENT label writer sample', got {line.strip()!r}")
            writer = int(words[2])
        elif command == ".PEN_DOWN":
            if label is None or stroke is not None:
                raise ValueError(f"{source}:{number}: .PEN_DOWN outside a digit or inside a stroke")
            stroke = []
        elif command == ".PEN_UP":
            if stroke is None:
                raise ValueError(f"{source}:{number}: .PEN_UP without .PEN_DOWN")
            if not stroke:
                raise ValueError(f"{source}:{number}: a stroke with no points")
            strokes.append(stroke)
            stroke = None
        elif command.startswith("."):
            continue  # header lines (.INCLUDE, .LEXICON, .HIERARCHY) and the sampling interval (.DT)
        else:
            if stroke is None:
                raise ValueError(f"{source}:{number}: a point outside a stroke: {line.strip()!r}")
            try:
                x, y = (int(word) for word in words)
            except ValueError:
                raise ValueError(f"{source}:{number}: expected two integers 'x y', got {line.strip()!r}") from None
            stroke.append((x, y))
    finish(len(text.splitlines()))
    return digits


def writer_split(digits: list[PenDigit], validation_writers: int = VALIDATION_WRITERS,
                 seed: int = SPLIT_SEED) -> tuple[list[PenDigit], list[PenDigit]]:
    """(training digits, validation digits), no writer in both: `validation_writers` writers,
    drawn by `seed` from the sorted writer numbers, are held out whole."""
    writers = sorted({digit.writer for digit in digits})
    held_out = set(validation_held_out(writers, validation_writers, seed))
    return ([d for d in digits if d.writer not in held_out], [d for d in digits if d.writer in held_out])


def validation_held_out(writers, validation_writers: int = VALIDATION_WRITERS, seed: int = SPLIT_SEED) -> list[int]:
    """The held-out writers' numbers, sorted."""
    writers = sorted(writers)
    chosen = np.random.default_rng(seed).permutation(len(writers))[:validation_writers]
    return sorted(writers[i] for i in chosen)


def unit_strokes(digit: PenDigit) -> list[np.ndarray]:
    """The strokes scaled so that the digit's longer side spans the unit box, centred in it: its
    own proportions, a thin 1 stays thin."""
    points = np.concatenate(digit.strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    side = max(float((high - low).max()), 1.0)
    centre = (low + high) / 2
    return [(stroke - centre) / side + 0.5 for stroke in digit.strokes]


def to_drawing(digit: PenDigit, rng: np.random.Generator, brush_range=BRUSH_RANGE, size_range=SIZE_RANGE,
               canvas_size: int = CANVAS_SIZE, **placement) -> Drawing:
    """The digit as a person might draw it on the page: its longer side a random share
    (`size_range`) of the canvas, at a random place, slant and small rotation, smoothed like the
    canvas's pencil brush, with a random brush width. `placement` goes on to `random_placement`
    (jitter, proportions); both default to none, as the pen already wobbled."""
    options = {"jitter": 0.0, "proportions": 0.0, **placement}
    strokes, brush_width = random_placement(unit_strokes(digit), rng, canvas_size, brush_range=brush_range,
                                            height_range=size_range, aspect_range=(1.0, 1.0), **options)
    return Drawing(digit.label, strokes, brush_width=brush_width, style=f"writer {digit.writer}")


def drawings_of(digits: list[PenDigit], renders: int, seed: int, **options) -> tuple[list[Drawing], np.ndarray]:
    """`renders` drawings of every digit, each placed afresh, and their labels: a fixed,
    reproducible set for a seed."""
    rng = np.random.default_rng(seed)
    drawings = [to_drawing(digit, rng, **options) for digit in digits for _ in range(renders)]
    return drawings, np.array([drawing.digit for drawing in drawings])
