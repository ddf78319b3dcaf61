"""Permalinks: what is on screen, kept in the address bar's query parameters so that a link
reproduces it in a fresh browser.

    ?d=<drawing>   the strokes (to redraw them on the canvas) and the 28 x 28 input they made
                   (so that the analysis is exactly the one that was seen), packed, zlib-compressed
                   and base64url-encoded: a few hundred characters for a typical digit
    ?g=123         or an MNIST test digit, by its index in the test set
    ?view=play     the open analysis tab: play, step, why, readout, whatif or map
    ?t=16          the step shown
    ?mode=present  the layout: desktop, present or phone
    ?lang=ja       the page's language (i18n/__init__.py), when the sharer chose one; without it the
                   page speaks the language of each reader's browser

Pure functions, no Streamlit: the page reads `st.query_params` into a Link and writes one back.
What could not be read is said in the page's language.
"""

import base64
import math
import re
import zlib
from dataclasses import dataclass

import numpy as np

import i18n
from i18n import _

FORMAT = 1  # first byte of a packed drawing, so that a later format can still read old links
IMAGE_SIZE = 28
MAX_POINTS = 1_500  # per drawing: enough for any digit, and keeps a link under about 4 KB
MAX_STROKES = 200  # per drawing: a digit takes a few; a link keeps the first MAX_STROKES
MIN_STEP_PX = 2.0  # points closer than this to the previous one add nothing a person can see
VIEWS = ("play", "step", "why", "readout", "whatif", "map")
ROOM_VIEWS = ("wall",)  # ?view=wall belongs to the room (room/ui.py), which speaks for it
MODES = ("desktop", "present", "phone")

# The largest packed drawing, from the format: a 4-byte header, the 28 x 28 input (a byte a pixel),
# then per stroke 4 bytes (width, point count) and 4 bytes a point. _thin keeps fewer than
# MAX_POINTS + 2 points per stroke in all (each stroke keeps its last point and rounds up).
HEADER_BYTES = 4 + IMAGE_SIZE * IMAGE_SIZE
MAX_PACKED_POINTS = MAX_POINTS + 2 * MAX_STROKES
MAX_RAW_BYTES = HEADER_BYTES + 4 * MAX_STROKES + 4 * MAX_PACKED_POINTS
# zlib's worst case for incompressible data (its deflateBound: n + n/4096 + n/16384 + 13, plus the
# 6-byte wrapper), then base64's 4 characters per 3 bytes: no real drawing's link is longer.
MAX_LINK_CHARS = math.ceil((MAX_RAW_BYTES + MAX_RAW_BYTES // 4096 + MAX_RAW_BYTES // 16384 + 19) * 4 / 3)
LINK_CHARACTERS = re.compile(r"[A-Za-z0-9_-]*")  # base64url without padding
DAMAGED = i18n.N_("the link is damaged or incomplete; it may have been cut off when it was copied")  # said with _()

Stroke = tuple[int, np.ndarray]  # (brush width in px, points (n, 2) in canvas pixels)


@dataclass(frozen=True)
class Drawing:
    strokes: tuple[Stroke, ...]
    image: np.ndarray  # (28, 28) float32 in [0, 1], as the model read it (to 1/255)


@dataclass(frozen=True)
class Link:
    drawing: Drawing | None = None
    test_digit: int | None = None
    view: str | None = None
    step: int | None = None
    mode: str | None = None
    lang: str | None = None


def strokes_from_canvas(json_data: dict | None) -> tuple[Stroke, ...]:
    """The freehand strokes of a canvas's json_data (Fabric.js paths): each command's end point,
    thinned so that consecutive points are at least MIN_STEP_PX apart."""
    strokes = []
    for item in (json_data or {}).get("objects", []):
        if str(item.get("type", "")).lower() != "path" or not item.get("path"):  # Fabric 6 says "Path"
            continue
        points, last = [], None
        for command in item["path"]:
            point = np.asarray(command[-2:], dtype=np.float64)
            if last is None or np.hypot(*(point - last)) >= MIN_STEP_PX:
                points.append(point)
                last = point
        strokes.append((int(round(item.get("strokeWidth", 1))), np.round(np.asarray(points)).astype(np.int16)))
    return tuple(strokes)


def canvas_drawing(strokes: tuple[Stroke, ...], colour: str) -> dict:
    """Strokes as a canvas `initial_drawing`: one Fabric.js path per stroke, round-capped."""
    objects = []
    for width, points in strokes:
        path = [["M", float(points[0][0]), float(points[0][1])]]
        path += [["L", float(x), float(y)] for x, y in points[1:]] or [["L", float(points[0][0]),
                                                                      float(points[0][1])]]
        objects.append({"type": "path", "path": path, "stroke": colour, "strokeWidth": width,
                        "fill": None, "strokeLineCap": "round", "strokeLineJoin": "round"})
    return {"version": "5.3.0", "objects": objects}


def _thin(strokes: tuple[Stroke, ...]) -> tuple[Stroke, ...]:
    """Keep the first MAX_STROKES strokes and about MAX_POINTS points in all, by taking every k-th
    point (and each end)."""
    strokes = strokes[:MAX_STROKES]
    total = sum(len(points) for _, points in strokes)
    if total <= MAX_POINTS:
        return strokes
    every = int(np.ceil(total / MAX_POINTS))
    return tuple((width, np.concatenate([points[:-1:every], points[-1:]])) for width, points in strokes)


def pack_drawing(drawing: Drawing) -> str:
    """A drawing as a short URL-safe string (see the module docstring)."""
    if drawing.image.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"the input must be {IMAGE_SIZE} x {IMAGE_SIZE}, not {drawing.image.shape}")
    strokes = _thin(drawing.strokes)
    parts = [np.array([FORMAT, len(strokes)], dtype="<u2").tobytes(),
             np.round(np.clip(drawing.image, 0, 1) * 255).astype(np.uint8).tobytes()]
    for width, points in strokes:
        parts.append(np.array([width, len(points)], dtype="<u2").tobytes())
        parts.append(np.asarray(points, dtype="<i2").tobytes())
    return base64.urlsafe_b64encode(zlib.compress(b"".join(parts), 9)).decode("ascii").rstrip("=")


def _unpacked_bytes(text: str) -> bytes:
    """The packed bytes of a link's drawing, refused (ValueError, in plain words) before any large
    allocation: a link longer than the largest drawing needs, one that unpacks past the format's
    largest size, or one with anything after the packed drawing."""
    text = text.rstrip("=")  # padding, which pack_drawing leaves out, is allowed
    if len(text) > MAX_LINK_CHARS:
        raise ValueError(_("the link is longer than any drawing needs ({length:,} characters; a drawing "
                           "takes at most {most:,})").format(length=len(text), most=MAX_LINK_CHARS))
    if not LINK_CHARACTERS.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError(_(DAMAGED))
    packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    unpacker = zlib.decompressobj()
    try:
        raw = unpacker.decompress(packed, MAX_RAW_BYTES + 1)  # never more than a drawing can hold, plus one
    except zlib.error:
        raise ValueError(_(DAMAGED)) from None
    if len(raw) > MAX_RAW_BYTES:
        raise ValueError(_("it unpacks to more than a drawing can hold ({most:,} bytes)").format(most=MAX_RAW_BYTES))
    if not unpacker.eof:
        raise ValueError(_(DAMAGED))
    if unpacker.unused_data:
        raise ValueError(_("it has extra data after the drawing"))
    return raw


def unpack_drawing(text: str) -> Drawing:
    """The inverse of pack_drawing; ValueError, in plain words, for anything that is not a packed
    drawing (see _unpacked_bytes for the limits)."""
    raw = _unpacked_bytes(text)
    if len(raw) < HEADER_BYTES:
        raise ValueError(_(DAMAGED))
    version, count = (int(v) for v in np.frombuffer(raw[:4], dtype="<u2"))
    if version != FORMAT:
        raise ValueError(_("it was made by another version of this page (drawing format {version}; this page "
                           "reads format {format})").format(version=version, format=FORMAT))
    if count > MAX_STROKES:
        raise ValueError(_("it holds {count:,} strokes; a drawing has at most {most}").format(
            count=count, most=MAX_STROKES))
    image = np.frombuffer(raw[4:HEADER_BYTES], dtype=np.uint8).reshape(IMAGE_SIZE, IMAGE_SIZE)
    strokes, offset = [], HEADER_BYTES
    for _stroke in range(count):
        if offset + 4 > len(raw):
            raise ValueError(_(DAMAGED))
        width, points = (int(v) for v in np.frombuffer(raw[offset:offset + 4], dtype="<u2"))
        end = offset + 4 + 4 * points
        if points == 0 or end > len(raw):
            raise ValueError(_(DAMAGED))
        strokes.append((width, np.frombuffer(raw[offset + 4:end], dtype="<i2").reshape(points, 2)))
        offset = end
    if offset != len(raw):
        raise ValueError(_("it has extra data after the drawing"))
    return Drawing(tuple(strokes), image.astype(np.float32) / 255)


def to_query(link: Link) -> dict[str, str]:
    """Query parameters for a link; absent parts are left out."""
    query = {}
    if link.drawing is not None:
        query["d"] = pack_drawing(link.drawing)
    if link.test_digit is not None:
        query["g"] = str(link.test_digit)
    for name, value in (("view", link.view), ("t", link.step), ("mode", link.mode), ("lang", link.lang)):
        if value is not None:
            query[name] = str(value)
    return query


def from_query(query: dict[str, str], steps: int = IMAGE_SIZE) -> tuple[Link, list[str]]:
    """A Link from query parameters, and what could not be read in them (in words for the page).
    Parts that cannot be read are left out, and said; the rest of the link still works."""
    problems, drawing, test_digit, view, step, mode, lang = [], None, None, None, None, None, None
    if query.get("d"):
        try:
            drawing = unpack_drawing(query["d"])
        except ValueError as error:
            problems.append(_("The drawing in this link could not be opened: {problem}.").format(problem=error))
    if query.get("g"):
        if query["g"].isdigit():
            test_digit = int(query["g"])
        else:
            problems.append(_("The test digit “{asked}” in this link is not a number, so no test digit was "
                              "opened.").format(asked=query["g"][:12]))
    if query.get("view"):
        if query["view"] in VIEWS:
            view = query["view"]
        elif query["view"] not in ROOM_VIEWS:
            problems.append(_("The tab “{asked}” in this link is not one of {names}, so the page opened on its "
                              "first tab.").format(asked=query["view"][:12], names=_listed(VIEWS)))
    if query.get("t"):
        if query["t"].isdigit() and 1 <= int(query["t"]) <= steps:
            step = int(query["t"])
        else:
            problems.append(_("The step “{asked}” in this link is not a whole number from 1 to {steps}, so the "
                              "page starts at step 1.").format(asked=query["t"][:12], steps=steps))
    if query.get("mode"):
        if query["mode"] in MODES:
            mode = query["mode"]
        else:
            problems.append(_("The layout “{asked}” in this link is not one of {names}, so the page chose one for "
                              "this screen.").format(asked=query["mode"][:12], names=_listed(MODES)))
    if query.get("lang"):
        lang = i18n.normalise(query["lang"])  # "ja", "ja-JP" -> "ja"
        if lang is None:
            problems.append(_("The language “{asked}” in this link is not one this page speaks ({names}), so it "
                              "follows your browser's.").format(
                                  asked=query["lang"][:12],
                                  names=_listed([i18n.language_name(name) for name in i18n.languages()])))
    return Link(drawing, test_digit, view, step, mode, lang), problems


def _listed(names) -> str:
    """Names as a list in words: "play, step, why or readout"."""
    names = list(names)
    return _(", ").join(names[:-1]) + _(" or ") + names[-1] if len(names) > 1 else names[0]
