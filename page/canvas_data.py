"""What the drawable canvas sends, read without trusting it.

The canvas component (streamlit-drawable-canvas 0.13) sends its state from the browser: Fabric.js's
JSON, one object per stroke, and the canvas as a `data:image/png;base64,...` URL. Anyone can send
anything over the websocket in its place, so every part is checked here before it costs memory
or CPU: the PNG's size in bytes, then its header (format and width x height, read without
decoding the pixels, so a small file that would decompress to gigabytes is refused), and only
then its pixels. Streamlit itself closes a connection whose message exceeds
`server.maxWidgetStateSize` (.streamlit/config.toml).
"""

import io
import warnings

import numpy as np
from PIL import Image

MAX_PNG_BYTES = 2 * 2**20  # a 280 x 280 drawing is 5-40 KB; even noise in RGBA is under 320 KB
MAX_SIDE = 2048  # pixels; the canvas sends its own size (280 x 280 on this page)


def stroke_count(raw) -> int:
    """Strokes on the canvas, from Fabric.js's JSON ({"objects": [...]}); 0 for anything else."""
    objects = raw.get("objects") if isinstance(raw, dict) else None
    return len(objects) if isinstance(objects, list) else 0


def decode_png(png: bytes, max_side: int = MAX_SIDE) -> np.ndarray:
    """The canvas PNG as an array (H x W x 4 for the canvas's RGBA; model.preprocess checks the
    shape); ValueError saying what is wrong otherwise."""
    if not isinstance(png, (bytes, bytearray)):
        raise ValueError(f"the canvas sent {type(png).__name__}, not an image")
    if len(png) > MAX_PNG_BYTES:
        raise ValueError(f"the image is {len(png) / 2**20:.1f} MB; a drawing is at most "
                         f"{MAX_PNG_BYTES / 2**20:.0f} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(png), formats=["PNG"])  # reads the header only
            width, height = image.size
            if width > max_side or height > max_side or width < 1 or height < 1:
                raise ValueError(f"the image is {width} x {height} px; the canvas sends at most "
                                 f"{max_side} x {max_side}")
            return np.asarray(image)
    except (OSError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # PIL raises UnidentifiedImageError (an OSError) for a non-PNG, OSError or SyntaxError for a
        # truncated or corrupt one.
        raise ValueError(f"the canvas image is not a readable PNG ({error})") from error
