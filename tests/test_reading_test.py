"""scripts/reading_test.py: pages for a blind reader, and their answers scored beside the model's."""

import json

import numpy as np
import pytest

from model.drawn_digits import render
from model.preprocess import to_model_input
from scripts import reading_test


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reading")
    reading_test.make(folder)
    return folder


def test_pages_hold_every_tile_and_the_key_stays_apart(pages):
    assert sorted(p.name for p in pages.glob("page*.png")) == [f"page{n}.png" for n in range(1, 9)]
    key = json.loads((pages / "key" / "key.json").read_text())
    assert [t["tile"] for t in key] == list(range(1, 201))
    assert sum(t["digit"] == 1 for t in key) == reading_test.ONES
    assert {t["style"] for t in key if t["digit"] == 1} == {"long flag"}


def test_a_reader_s_answers_are_scored_tile_by_tile(pages, capsys):
    key = json.loads((pages / "key" / "key.json").read_text())
    # A reader who gets every 1 right and calls every 7 a 1.
    (pages / "answers.txt").write_text("".join(f"#{t['tile']} 1\n" for t in key))
    reading_test.score(pages, reading_test.MODEL_PATH)
    printed = capsys.readouterr().out
    assert "the reader read 100 of 100 as 1" in printed
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in printed.splitlines()
            if line.startswith("| 1 ") or line.startswith("| 7 ")]
    assert sum(int(r[4]) for r in rows if r[0] == "7" and r[2] == "wrong") == reading_test.SEVENS
    assert sum(int(r[4]) for r in rows) == 200


def test_a_key_from_other_drawings_is_refused(pages, tmp_path):
    key = json.loads((pages / "key" / "key.json").read_text())
    key[0]["digit"] = 8 - key[0]["digit"]
    (tmp_path / "key").mkdir()
    (tmp_path / "key" / "key.json").write_text(json.dumps(key))  # the shared pages stay as made
    with pytest.raises(ValueError, match="does not match"):
        reading_test.score(tmp_path, reading_test.MODEL_PATH)


def test_the_model_s_view_shows_its_own_input_tile_for_tile():
    drawing = reading_test.reading_set()[0]
    picture = np.asarray(reading_test.tile_picture(drawing, as_the_model_sees=True), dtype=float)
    pixel = reading_test.TILE // 28
    # Each of the 28 x 28 inputs is one flat square on the tile, ink dark.
    expected = 255 - 255 * to_model_input(render(drawing))
    assert np.abs(picture[pixel // 2::pixel, pixel // 2::pixel] - expected).max() <= 1
    canvas = np.asarray(reading_test.tile_picture(drawing, as_the_model_sees=False))
    assert canvas.shape == picture.shape and not np.array_equal(canvas, picture)
