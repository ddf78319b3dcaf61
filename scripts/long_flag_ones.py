"""Which long-flag 1s the model misreads: python -m scripts.long_flag_ones [--model-path P]

The 1 with a long flag is the held-out style the model reads worst: about one in five as a 7.
A 1's flag and a 7's bar differ in their angle: the flag falls from the top of the stem, the bar
runs level. So this prints the long-flag 1s read right, by the flag's angle below the
horizontal (measured on the canvas, from the flag's tip to the top of the stroke):

- the drawn-digit evaluation's long-flag 1s (model/evaluate.py's exam), read by the model;
- the reading test's 100 (scripts/reading_test.py), read by each reader kept in
  docs/reading_test/ and by the model;

and, for comparison, how far the bars of the evaluation's 7s fall by the same measure, and how
many of the 7s whose bars fall most the model reads as 7. A 1's stem stands upright and a 7's
leans, so it also prints how many of the seen exam's 7s with upright stems the model reads as 7:
a model that tells a 1 by its stem alone would miss those.
"""

import argparse
import math
from pathlib import Path

import numpy as np

from model.config import MODEL_PATH
from model.drawn_digits import Drawing
from model.evaluate import DRAWN_PER_DIGIT, exam_drawings
from scripts.reading_test import model_reads, read_answers, reading_set

ANGLE_BINS = ((0, 35), (35, 40), (40, 45), (45, 50), (50, 90))  # degrees below the horizontal
RISING_BAR_DEGREES = 10  # a 7 whose bar falls this much (rises to the right) is the one nearest a flag
UPRIGHT_STEM_DEGREES = 10  # a 7 whose stem leans less than this from vertical stands like a 1's stem
READINGS = sorted((Path(__file__).resolve().parent.parent / "docs" / "reading_test").glob("answers-*.txt"))


def flag_drop_degrees(drawing: Drawing) -> float:
    """How steeply a 1's flag falls, in degrees below the horizontal: from the first point of its
    first stroke (the flag's tip) to the stroke's highest point (where flag meets stem).
    A level bar gives about 0; the held-out style's flag, undistorted, about 45."""
    stroke = np.asarray(drawing.strokes[0])
    tip, top = stroke[0], stroke[stroke[:, 1].argmin()]
    return math.degrees(math.atan2(tip[1] - top[1], top[0] - tip[0]))  # canvas y points down


def stem_lean_degrees(drawing: Drawing) -> float:
    """How far a 7's stem leans from vertical, in degrees, positive with its foot to the left (as
    most 7s lean): from the first stroke's top-right corner (where bar meets stem; the point with
    the largest x - y, canvas y pointing down) to its end."""
    stroke = np.asarray(drawing.strokes[0])
    corner, foot = stroke[(stroke[:, 0] - stroke[:, 1]).argmax()], stroke[-1]
    return math.degrees(math.atan2(corner[0] - foot[0], foot[1] - corner[1]))


def evaluation_sevens(per_digit: int = DRAWN_PER_DIGIT) -> list[Drawing]:
    """The 7s of model.evaluate's seen-style exam that start with the bar (plain and crossed; the
    serif 7 starts with its serif), in the same order."""
    return [drawing for drawing in exam_drawings(7, held_out=False, per_digit=per_digit)
            if drawing.style in ("plain", "crossed")]


def by_angle(angles: np.ndarray, right: np.ndarray) -> list[str]:
    """'right of count' per angle bin."""
    cells = []
    for low, high in ANGLE_BINS:
        inside = (angles >= low) & (angles < high)
        cells.append(f"{int(right[inside].sum())} of {int(inside.sum())}" if inside.any() else "-")
    return cells


def report(model_path: Path = MODEL_PATH, per_digit: int = DRAWN_PER_DIGIT) -> list[list[str]]:
    """Rows of the table: one per reading, each a label and its cells by angle bin."""
    exam = exam_drawings(1, per_digit=per_digit)  # the held-out exam's long-flag 1s
    rows = [[f"evaluation's long-flag 1s, the model ({model_path.name})",
             *by_angle(np.array([flag_drop_degrees(d) for d in exam]), model_reads(exam, model_path) == 1)]]

    tiles = reading_set()
    ones = [n for n, drawing in enumerate(tiles) if drawing.digit == 1]
    angles = np.array([flag_drop_degrees(tiles[n]) for n in ones])
    model = model_reads([tiles[n] for n in ones], model_path)
    for reading in READINGS:
        answers = read_answers(reading)
        rows.append([f"reading test's 1s, the reader of {reading.name}",
                     *by_angle(angles, np.array([answers[f"#{n + 1}"] == "1" for n in ones]))])
    rows.append([f"reading test's 1s, the model ({model_path.name})", *by_angle(angles, model == 1)])
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    header = ["long-flag 1s read as 1, by the flag's angle below the horizontal"]
    header += [f"{low}-{high} deg" for low, high in ANGLE_BINS]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in report(args.model_path):
        print("| " + " | ".join(row) + " |")
    sevens = evaluation_sevens()
    bars = np.array([flag_drop_degrees(drawing) for drawing in sevens])
    print(f"\nThe bars of the evaluation's {len(bars)} plain and crossed 7s fall by "
          f"{np.median(bars):.0f} deg (median), {np.percentile(bars, 99):.0f} deg at the 99th percentile, "
          f"{bars.max():.0f} deg at most.")
    # The other side of the line: the 7s whose bars rise most to the right, the nearest to a flag.
    read_as_seven = model_reads(sevens, args.model_path) == 7
    rising = bars >= RISING_BAR_DEGREES
    print(f"Read as 7: {read_as_seven.sum()} of {len(sevens)}; of those whose bars fall "
          f"{RISING_BAR_DEGREES} deg or more, {read_as_seven[rising].sum()} of {rising.sum()}.")
    every_seven = exam_drawings(7, held_out=False)  # serif 7s too
    upright = np.array([abs(stem_lean_degrees(drawing)) < UPRIGHT_STEM_DEGREES for drawing in every_seven])
    read_as_seven = model_reads(every_seven, args.model_path) == 7
    print(f"Of the seen exam's {len(every_seven)} 7s, those whose stems lean less than "
          f"{UPRIGHT_STEM_DEGREES} deg from vertical: {read_as_seven[upright].sum()} of {upright.sum()} "
          "read as 7.")


if __name__ == "__main__":
    main()
