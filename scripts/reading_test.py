"""A blind reading test: can a reader tell the held-out long-flag 1s from 7s, where the model cannot?

    python -m scripts.reading_test make FOLDER     numbered pages to read, and an answer key
    python -m scripts.reading_test make FOLDER --as-the-model-sees    the same tiles at 28 x 28
    python -m scripts.reading_test score FOLDER    the reader's answers against the key and the model

`make` draws 100 long-flag 1s (the held-out style the model misreads most) and 100 7s in every
style, seen and held out, with a seed that neither training nor the evaluation uses, shuffles
them and writes FOLDER/page1.png ... page8.png (25 numbered tiles each) and FOLDER/key/key.json
(each tile's digit and style). With --as-the-model-sees each tile shows, instead of the canvas,
the 28 x 28 input the model reads (`to_model_input`, each pixel a 5 x 5 square): the same tiles
in the same order, so two readings can be set side by side. Give a reader the pages only, never
the key. They write FOLDER/answers.txt, one line per tile: "#N 1", "#N 7" or "#N ?". `score`
sets their answers and the model's beside the key. Two readings are kept in docs/reading_test/
(see the README):

    python -m scripts.reading_test make /tmp/reading
    python -m scripts.reading_test score /tmp/reading --answers docs/reading_test/answers-2026-11-30.txt
    python -m scripts.reading_test make /tmp/read28 --as-the-model-sees
    python -m scripts.reading_test score /tmp/read28 --answers docs/reading_test/answers-28px-2026-11-30.txt
"""

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from model.config import MODEL_PATH
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.trace import trace
from model.weights_file import read_weights

SEED = 424_242  # not training's (1234 and on) nor the evaluation's (11,234 and on)
ONES, SEVENS = 100, 100
TILE, TILES_PER_ROW, TILES_PER_PAGE = 140, 5, 25


def reading_set() -> list:
    """The tiles' drawings, in order: the same every time."""
    rng = np.random.default_rng(SEED)
    drawings = [random_drawing(1, rng, held_out=True) for _ in range(ONES)]
    drawings += [random_drawing(7, rng) for _ in range(SEVENS)]
    return [drawings[i] for i in rng.permutation(len(drawings))]


def tile_picture(drawing, as_the_model_sees: bool) -> Image.Image:
    """Dark ink on white, TILE px square: the canvas, or the model's 28 x 28 input enlarged."""
    if as_the_model_sees:
        ink = to_model_input(render(drawing))
        return Image.fromarray(np.uint8(np.rint(255 - 255 * ink))).resize((TILE, TILE), Image.Resampling.NEAREST)
    return Image.fromarray(255 - render(drawing)[..., 3]).resize((TILE, TILE))


def make(folder: Path, as_the_model_sees: bool = False) -> None:
    drawings = reading_set()
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(drawings), TILES_PER_PAGE):
        page = Image.new("L", (TILES_PER_ROW * (TILE + 10), TILES_PER_PAGE // TILES_PER_ROW * (TILE + 30)), 255)
        draw = ImageDraw.Draw(page)
        for k, drawing in enumerate(drawings[start:start + TILES_PER_PAGE]):
            x, y = k % TILES_PER_ROW * (TILE + 10), k // TILES_PER_ROW * (TILE + 30)
            page.paste(tile_picture(drawing, as_the_model_sees), (x + 5, y + 25))
            draw.rectangle([x + 4, y + 24, x + TILE + 5, y + TILE + 25], outline=180)
            draw.text((x + 8, y + 6), f"#{start + k + 1}", fill=0)
        page.save(folder / f"page{start // TILES_PER_PAGE + 1}.png")
    (folder / "key").mkdir(exist_ok=True)
    key = [{"tile": n + 1, "digit": d.digit, "style": d.style} for n, d in enumerate(drawings)]
    (folder / "key" / "key.json").write_text(json.dumps(key, indent=1))
    print(f"wrote {folder}/page*.png for the reader, and {folder}/key/key.json (keep it from them)")


def model_reads(drawings, model_path: Path) -> np.ndarray:
    """The digit the model reads in each drawing, drawn and preprocessed as on the page."""
    inputs = np.stack([to_model_input(render(drawing)) for drawing in drawings])
    return trace(inputs, read_weights(model_path)).prediction


def read_answers(path: Path) -> dict[str, str]:
    """A reader's answers file: {"#N": "1" | "7" | "?"}; lines starting with "# " are comments."""
    return dict(line.split() for line in path.read_text().splitlines()
                if line.strip() and not line.startswith("# "))


def score(folder: Path, model_path: Path, answers: Path | None = None) -> None:
    """The reader's answers and the model's, tile by tile, against the key."""
    key = json.loads((folder / "key" / "key.json").read_text())
    drawings = reading_set()
    if [(t["digit"], t["style"]) for t in key] != [(d.digit, d.style) for d in drawings]:
        raise ValueError("the key does not match these drawings: make the pages again")
    model = model_reads(drawings, model_path)
    read = read_answers(answers or folder / "answers.txt")

    rows = Counter()
    for tile, predicted in zip(key, model):
        answer = read["#%d" % tile["tile"]]
        reader = "right" if answer == str(tile["digit"]) else "can't tell" if answer == "?" else "wrong"
        rows[(tile["digit"], tile["style"], reader, "right" if predicted == tile["digit"] else "wrong")] += 1
    print("| digit | style | reader | model | tiles |\n|---|---|---|---|---|")
    for (digit, style, reader, model_says), count in sorted(rows.items()):
        print(f"| {digit} | {style} | {reader} | {model_says} | {count} |")
    ones = [(read["#%d" % t["tile"]], p) for t, p in zip(key, model) if t["digit"] == 1]
    print(f"long-flag 1s: the reader read {sum(answer == '1' for answer, _ in ones)} of {len(ones)} "
          f"as 1, the model ({model_path.name}) {sum(p == 1 for _, p in ones)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["make", "score"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model-path", type=Path, default=MODEL_PATH, help="the model to score (score only)")
    parser.add_argument("--answers", type=Path, help="the reader's answers (score only; default FOLDER/answers.txt)")
    parser.add_argument("--as-the-model-sees", action="store_true",
                        help="tiles show the model's 28 x 28 input, not the canvas (make only)")
    args = parser.parse_args()
    if args.action == "make":
        make(args.folder, args.as_the_model_sees)
    else:
        score(args.folder, args.model_path, args.answers)
