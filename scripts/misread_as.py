"""What the drawn-digit exam's drawings of one digit are read as: python -m scripts.misread_as 6

model.evaluate reports how many of each digit's drawings the model reads right; this says what
the others were taken for, on the same drawings (the held-out styles' exam, or with --seen the
seen styles'), for one model file. Prints one line, e.g.
"6 (small loop) read by model/row_lstm.keras: 6 952, 8 43, 5 5" (the digit read, how many times).
"""

import argparse
from collections import Counter
from pathlib import Path

from model.config import MODEL_PATH
from model.evaluate import exam_drawings
from scripts.reading_test import model_reads


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("digit", type=int, choices=range(10))
    parser.add_argument("--model-path", type=Path, default=MODEL_PATH)
    parser.add_argument("--seen", action="store_true",
                        help="the seen styles' exam instead of the held-out one")
    args = parser.parse_args(argv)
    drawings = exam_drawings(args.digit, held_out=not args.seen)
    counts = Counter(int(answer) for answer in model_reads(drawings, args.model_path))
    styles = ", ".join(sorted({drawing.style for drawing in drawings}))
    print(f"{args.digit} ({styles}) read by {args.model_path}: "
          + ", ".join(f"{answer} {count}" for answer, count in counts.most_common()))


if __name__ == "__main__":
    main()
