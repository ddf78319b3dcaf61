"""What a visitor can take away: the playback as an animated GIF and the trace as JSON.

Both are pure functions of a trace. The GIF is drawn with Pillow rather than captured from the
browser, so it is built on the server in a fraction of a second: per step, the input with the
row being read outlined and the unread rows dimmed, the readout's ten bars, and the caption the
page shows ("Step 16: reading row 16 - the readout says 4, 63%"), in the page's language.

Latin text is drawn in Pillow's own font. Japanese needs a CJK font, which the project installs
from Debian (fonts-ipafont-gothic, by .ci/run and the Dockerfile; fonts are never committed) and
finds by path or with fontconfig's `fc-match`. Without one, a Japanese GIF is captioned in
English rather than in empty boxes.
"""

import io
import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import i18n
from i18n import _
from model.trace import Trace
from page import explain
from page.figures import CLASS_COLOURS, HIGHLIGHT

PIXEL = 8  # screen pixels per input pixel: 28 -> 224
WIDTH, HEIGHT = 640, 330
MARGIN = 20
CAPTION_HEIGHT = 44
BAR_AREA = (300, 40, 620, 250)  # left, top, right, bottom of the bars (digit labels below)
BACKGROUND, TEXT, UNREAD_DIM = (255, 255, 255), (30, 30, 30), 0.25
FRAME_MS, LAST_FRAME_MS = 400, 2500  # a pace a room can follow, and a pause on the answer
FONT_SIZES = (16, 22)  # labels, caption
LATIN_LANGUAGES = frozenset({"en"})  # languages Pillow's own font can write
# Where Debian's Japanese fonts land (fonts-ipafont-gothic, fonts-noto-cjk), tried before fc-match.
CJK_FONTS = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _frame(trace: Trace, t: int, fonts: tuple) -> Image.Image:
    """One step of the playback (t is 1-based)."""
    small, large = fonts
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    # The input: rows 1..t as read, the rest dimmed, row t outlined.
    pixels = np.asarray(trace.inputs) * 255  # (28, 28)
    pixels[t:] *= UNREAD_DIM
    size = pixels.shape[0] * PIXEL
    left, top = MARGIN, MARGIN + 20
    digit = Image.fromarray(pixels.astype(np.uint8)).resize((size, size), Image.Resampling.NEAREST)
    image.paste(digit.convert("RGB"), (left, top))
    row_top = top + (t - 1) * PIXEL
    draw.rectangle((left - 2, row_top - 2, left + size + 1, row_top + PIXEL + 1), outline=_rgb(HIGHLIGHT),
                   width=3)
    draw.text((left, MARGIN - 2), _("Input: rows 1-{t} of {steps} read").format(t=t, steps=trace.inputs.shape[0]),
              fill=TEXT, font=small)
    # The readout's bars at step t, the leader labelled.
    probabilities = trace.step_probabilities[t - 1]
    leader = int(probabilities.argmax())
    bar_left, bar_top, bar_right, bar_bottom = BAR_AREA
    draw.text((bar_left, MARGIN - 2), _("Readout at step {t}").format(t=t), fill=TEXT, font=small)
    slot = (bar_right - bar_left) / len(probabilities)
    for digit_index, probability in enumerate(probabilities):
        x0 = bar_left + digit_index * slot + 4
        y0 = bar_bottom - probability * (bar_bottom - bar_top)
        draw.rectangle((x0, y0, x0 + slot - 8, bar_bottom), fill=_rgb(CLASS_COLOURS[digit_index]))
        draw.text((x0 + slot / 2 - 4, bar_bottom + 4), str(digit_index), fill=TEXT, font=small, anchor="mt")
        if digit_index == leader:
            draw.text((x0 + slot / 2 - 4, y0 - 4), explain.percent(probability), fill=TEXT, font=small, anchor="mb")
    draw.line((bar_left, bar_bottom, bar_right, bar_bottom), fill=TEXT, width=1)
    # The caption, as on the page.
    draw.text((MARGIN, HEIGHT - CAPTION_HEIGHT + 6), explain.step_caption(trace, t), fill=TEXT, font=large)
    return image


def _palette() -> Image.Image:
    """One fixed palette for every frame: the digits' colours, the highlight and 240 greys
    (the input and the anti-aliased text), so that no colour shifts from frame to frame."""
    colours = [_rgb(colour) for colour in (*CLASS_COLOURS, HIGHLIGHT)]
    colours += [(level, level, level) for level in np.linspace(0, 255, 256 - len(colours)).astype(int)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """A font file with Japanese glyphs: a known Debian path, else what fontconfig offers for
    Japanese (only if it really is a CJK font), else None."""
    for candidate in CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "--format=%{file}", ":lang=ja"], capture_output=True, text=True,
                                   timeout=5, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found and Path(found).is_file() and has_glyph(ImageFont.truetype(found, 16), "語"):
            return Path(found)
    return None


def has_glyph(font, character: str) -> bool:
    """Whether `font` draws `character` as itself, not as the box it draws for what it lacks."""
    def bitmap(text: str) -> bytes:
        image = Image.new("L", (40, 40), 0)
        ImageDraw.Draw(image).text((4, 4), text, fill=255, font=font)
        return image.tobytes()
    drawn = bitmap(character)
    return any(drawn) and drawn != bitmap("\uffff")  # a non-character: always the missing-glyph box


def fonts_for(lang: str) -> tuple | None:
    """The (labels, caption) fonts that write `lang`; None when this machine has none for it."""
    if lang in LATIN_LANGUAGES:
        return tuple(ImageFont.load_default(size=size) for size in FONT_SIZES)
    path = cjk_font_path()
    return None if path is None else tuple(ImageFont.truetype(str(path), size) for size in FONT_SIZES)


def playback_gif(trace: Trace, frame_ms: int = FRAME_MS) -> bytes:
    """The playback as an animated GIF: one frame per step, looping, the last held longer, its
    words in the page's language (in English where no font on this machine can write it)."""
    if trace.inputs.ndim != 2:
        raise ValueError("playback_gif takes the trace of one image")
    fonts = fonts_for(i18n.current())
    lang = i18n.current() if fonts is not None else i18n.SOURCE_LANGUAGE
    fonts = fonts or fonts_for(lang)
    steps = trace.inputs.shape[0]
    with i18n.language(lang):
        frames = [_frame(trace, t, fonts) for t in range(1, steps + 1)]
    palette = _palette()
    paletted = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    buffer = io.BytesIO()
    paletted[0].save(buffer, format="GIF", save_all=True, append_images=paletted[1:], loop=0,
                     duration=[frame_ms] * (steps - 1) + [LAST_FRAME_MS], optimize=False)
    return buffer.getvalue()


def trace_json(trace: Trace, source: str) -> str:
    """The trace for a notebook: per-step probabilities, gate summaries and h_t, as JSON."""
    def rounded(values) -> list:
        return np.round(np.asarray(values, dtype=np.float64), 5).tolist()

    steps = trace.inputs.shape[0]
    return json.dumps({
        "source": source,
        "prediction": int(trace.prediction),
        "decision_step": int(trace.decision_step),
        "steps": [{
            "t": t,
            "probabilities": rounded(trace.step_probabilities[t - 1]),
            "gates": {name: {"mean": round(float(gate[t - 1].mean()), 5),
                             "open": int((gate[t - 1] > 0.5).sum())}
                      for name, gate in (("i", trace.input_gates), ("f", trace.forget_gates),
                                         ("o", trace.output_gates))},
            "mean_abs_g": round(float(np.abs(trace.candidates[t - 1]).mean()), 5),
            "h": rounded(trace.hidden_states[t - 1]),
        } for t in range(1, steps + 1)],
        "input": rounded(trace.inputs),
    })
