"""Reading what the canvas sends without trusting it: strokes from any JSON, and PNGs checked for
size, format and dimensions before their pixels are decoded."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from page.canvas_data import MAX_PNG_BYTES, MAX_SIDE, decode_png, stroke_count


def png_bytes(array: np.ndarray, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=format)
    return buffer.getvalue()


@pytest.mark.parametrize("raw, strokes", [
    ({"objects": [{"type": "path"}] * 3}, 3), ({"objects": []}, 0), (None, 0), ([1, 2], 0),
    ("objects", 0), ({"objects": "many"}, 0), ({}, 0),
])
def test_stroke_count_of_any_json(raw, strokes):
    assert stroke_count(raw) == strokes


def test_a_canvas_png_decodes_to_its_rgba_pixels():
    rgba = np.random.default_rng(0).integers(0, 256, (280, 280, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(png_bytes(rgba)), rgba)


@pytest.mark.parametrize("png, words", [
    ("data:image/png;base64,AAAA", "not an image"),
    (b"hello", "not a readable PNG"),
    (png_bytes(np.zeros((8, 8, 3), dtype=np.uint8), "JPEG"), "not a readable PNG"),
    (png_bytes(np.zeros((280, 280, 4), dtype=np.uint8))[:60], "not a readable PNG"),  # truncated
    (png_bytes(np.zeros((4, MAX_SIDE + 1), dtype=np.uint8)), f"{MAX_SIDE + 1} x 4 px"),
    (b"\x89PNG\r\n\x1a\n" + bytes(MAX_PNG_BYTES), "MB; a drawing is at most"),
], ids=["a string", "text", "a JPEG", "truncated", "too wide", "too many bytes"])
def test_what_is_not_a_canvas_png_is_refused_with_a_reason(png, words):
    with pytest.raises(ValueError) as error:
        decode_png(png)
    assert words in str(error.value)


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1 x 1 PNG whose header claims width x height: a few bytes that would decode to a lot."""
    png = bytearray(png_bytes(np.zeros((1, 1, 4), dtype=np.uint8)))
    ihdr = png.index(b"IHDR")
    png[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    png[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(png[ihdr:ihdr + 17])))
    return bytes(png)


@pytest.mark.parametrize("width, height, words", [
    (5_000, 5_000, "5000 x 5000 px"),  # 100 MB of RGBA, under PIL's own bomb limit
    (20_000, 20_000, "exceeds limit"),  # 1.6 GB: PIL's DecompressionBombError, turned into ValueError
])
def test_a_small_file_of_huge_dimensions_is_refused_before_decoding(width, height, words):
    with pytest.raises(ValueError, match=words):
        decode_png(png_claiming(width, height))
