"""Permalinks: a drawing survives the round trip through a URL, compactly; bad links say why."""

import base64
import tracemalloc
import zlib

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


PYTHON_WORDS = ("Error", "padding", "decompress", "zlib", "base64", "(", "Traceback")


def packed(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def header(strokes: int = 0) -> bytes:
    return np.array([links.FORMAT, strokes], dtype="<u2").tobytes() + bytes(28 * 28)


def test_the_language_goes_into_the_link_and_comes_back():
    link = links.Link(None, 7, "why", None, None, "ja")
    query = links.to_query(link)
    assert query["lang"] == "ja"
    assert links.from_query(query)[0] == link
    assert "lang" not in links.to_query(links.Link(test_digit=7))  # no choice: each reader's browser decides


@pytest.mark.parametrize("asked, read", [("ja", "ja"), ("en", "en"), ("ja-JP", "ja"), ("", None)])
def test_a_link_names_only_a_language_the_page_speaks(asked, read):
    link, problems = links.from_query({"g": "3", "lang": asked})
    assert link.lang == read and problems == [] and link.test_digit == 3


def test_a_language_the_page_does_not_speak_is_said_and_the_browser_decides():
    link, problems = links.from_query({"g": "3", "lang": "klingon"})
    assert link.lang is None and link.test_digit == 3
    assert len(problems) == 1 and "klingon" in problems[0] and "日本語" in problems[0]


@pytest.mark.parametrize("query, words", [
    ({"d": "not-a-drawing"}, "damaged or incomplete"),  # 13 characters: no base64 is that long
    ({"d": links.pack_drawing(a_drawing())[:-40]}, "damaged or incomplete"),  # cut off when copied
    ({"d": "abc$def!"}, "damaged or incomplete"),  # characters a link never holds
    ({"d": base64.urlsafe_b64encode(b"hello world!").decode()}, "damaged or incomplete"),  # not zlib
    ({"d": packed(header()[:100])}, "damaged or incomplete"),
    ({"d": packed(header() + b"xy")}, "extra data after the drawing"),
    ({"d": base64.urlsafe_b64encode(zlib.compress(header()) + b"tail").decode()}, "extra data after the drawing"),
    ({"d": packed(np.array([7, 0], "<u2").tobytes() + bytes(784))}, "another version of this page"),
    ({"d": packed(header(links.MAX_STROKES + 1))}, f"a drawing has at most {links.MAX_STROKES}"),
    ({"g": "seven"}, "“seven” in this link is not a number"),
])
def test_bad_links_say_what_is_wrong_in_plain_words_and_keep_the_rest(query, words):
    link, problems = links.from_query({**query, "view": "why"})
    assert len(problems) == 1 and words in problems[0], problems
    assert problems[0].count("(") <= 1 and not any(word in problems[0] for word in PYTHON_WORDS[:5])
    assert link.drawing is None and link.view == "why"


@pytest.mark.parametrize("query, words", [
    ({"t": "99"}, "The step “99” in this link is not a whole number from 1 to 28, so the page starts at step 1."),
    ({"t": "0"}, "not a whole number from 1 to 28"),
    ({"mode": "foo"}, "The layout “foo” in this link is not one of desktop, present or phone, so the page chose "
                      "one for this screen."),
    ({"view": "cinema"}, "The tab “cinema” in this link is not one of play, step, why, readout, whatif or map"),
])
def test_an_ignored_parameter_is_said(query, words):
    link, problems = links.from_query(query)
    assert problems == [words] or (len(problems) == 1 and words in problems[0])
    assert (link.step, link.mode, link.view) == (None, None, None)


def test_the_rooms_wall_view_is_left_to_the_room():
    assert links.from_query({"view": "wall"}) == (links.Link(), [])


def test_the_longest_real_drawing_fits_the_limits():
    """The limits come from the format: the most strokes and points pack_drawing writes, in noise
    (which zlib cannot shrink), still opens."""
    rng = np.random.default_rng(1)
    strokes = tuple((40, rng.integers(-32_000, 32_000, size=(30, 2)).astype(np.int16))
                    for _ in range(links.MAX_STROKES + 50))
    image = rng.integers(0, 256, size=(28, 28)).astype(np.float32) / 255
    text = links.pack_drawing(links.Drawing(strokes, image))
    assert len(text) <= links.MAX_LINK_CHARS
    back = links.unpack_drawing(text)
    assert len(back.strokes) == links.MAX_STROKES
    assert sum(len(points) for _, points in back.strokes) <= links.MAX_PACKED_POINTS


def zeros_bomb(megabytes: int) -> str:
    """The issue's crafted link: a valid header, then `megabytes` MB of zeros, zlib-compressed."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(header())]
    chunk = bytes(2**20)
    parts += [compressor.compress(chunk) for _ in range(megabytes)]
    parts.append(compressor.flush())
    return base64.urlsafe_b64encode(b"".join(parts)).decode("ascii").rstrip("=")


@pytest.mark.parametrize("megabytes, words", [
    (45, "longer than any drawing needs"),  # the 58 KB link: refused by its length
    (4, "unpacks to more than a drawing can hold"),  # short enough, refused while unpacking
])
def test_a_crafted_link_is_refused_before_it_costs_memory(megabytes, words):
    text = zeros_bomb(megabytes)
    if megabytes == 45:
        assert 50_000 < len(text) < 70_000
    else:
        assert len(text) <= links.MAX_LINK_CHARS
    tracemalloc.start()
    try:
        _, problems = links.from_query({"d": text})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(problems) == 1 and words in problems[0]
    assert peak < 3 * links.MAX_RAW_BYTES + 64 * 1024  # flat: not the megabytes the link unpacks to
