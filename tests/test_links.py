"""Permalinks: a drawing survives the round trip through a URL, compactly; bad links say why."""

import numpy as np
import pytest

from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from page import links


def fabric_json(strokes, width=22) -> dict:
    """What the canvas sends: one Fabric.js path per stroke, quadratic segments between points."""
    objects = []
    for stroke in strokes:
        path = [["M", *stroke[0]]] + [["Q", *a, *b] for a, b in zip(stroke[:-1], stroke[1:])]
        objects.append({"type": "Path", "path": path, "strokeWidth": width})
    return {"objects": objects + [{"type": "rect"}]}


def a_drawing(digit=7, seed=0) -> links.Drawing:
    drawn = random_drawing(digit, np.random.default_rng(seed))
    strokes = links.strokes_from_canvas(fabric_json(drawn.strokes))
    return links.Drawing(strokes, to_model_input(render(drawn)))


def test_a_drawing_survives_the_round_trip_and_stays_short():
    drawing = a_drawing()
    text = links.pack_drawing(drawing)
    assert len(text) < 4_000
    back = links.unpack_drawing(text)
    np.testing.assert_allclose(back.image, drawing.image, atol=0.5 / 255)
    assert len(back.strokes) == len(drawing.strokes)
    for (width, points), (width_back, points_back) in zip(drawing.strokes, back.strokes):
        assert width == width_back
        np.testing.assert_array_equal(points, points_back)


def test_a_long_scribble_is_thinned_to_a_short_link():
    rng = np.random.default_rng(0)
    scribble = ((22, rng.integers(0, 280, size=(20_000, 2)).astype(np.int16)),)
    text = links.pack_drawing(links.Drawing(scribble, np.zeros((28, 28), np.float32)))
    assert len(text) < 8_000
    assert sum(len(p) for _, p in links.unpack_drawing(text).strokes) <= links.MAX_POINTS + 1


def test_canvas_drawing_redraws_the_strokes():
    drawing = a_drawing()
    initial = links.canvas_drawing(drawing.strokes, "#ffffff")
    assert len(initial["objects"]) == len(drawing.strokes)
    assert links.strokes_from_canvas(initial)[0][1].tolist() == drawing.strokes[0][1].tolist()


def test_query_round_trip():
    link = links.Link(a_drawing(), None, "step", 16, "present")
    back, problems = links.from_query(links.to_query(link))
    assert problems == [] and (back.view, back.step, back.mode) == ("step", 16, "present")
    assert links.from_query({"g": "42", "view": "play"})[0].test_digit == 42


def test_the_language_goes_into_the_link_and_comes_back():
    link = links.Link(None, 7, "why", None, None, "ja")
    query = links.to_query(link)
    assert query["lang"] == "ja"
    assert links.from_query(query)[0] == link
    assert "lang" not in links.to_query(links.Link(test_digit=7))  # no choice: each reader's browser decides


@pytest.mark.parametrize("asked, read", [("ja", "ja"), ("en", "en"), ("ja-JP", "ja"), ("klingon", None), ("", None)])
def test_a_link_names_only_a_language_the_page_speaks(asked, read):
    link, problems = links.from_query({"g": "3", "lang": asked})
    assert link.lang == read and problems == [] and link.test_digit == 3


@pytest.mark.parametrize("query, words", [
    ({"d": "not-a-drawing"}, "could not be read"),
    ({"d": links.pack_drawing(a_drawing())[:-40]}, "could not be read"),
    ({"g": "seven"}, "not a number"),
])
def test_bad_links_say_why_and_keep_the_rest(query, words):
    link, problems = links.from_query({**query, "view": "why", "t": "99", "mode": "cinema"})
    assert len(problems) == 1 and words in problems[0]
    assert link.drawing is None and link.view == "why" and link.step is None and link.mode is None
