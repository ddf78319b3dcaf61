"""Serving: the page runs without TensorFlow, in a process of its own, as a server would; and
what a client sends that no canvas would (forged values, huge images, garbage frames) gets a clear
message or a closed connection, never a traceback or a fallen server."""

import base64
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.drawn_digits import random_drawing, render
from test_app import draw, prediction

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter: this test process has TensorFlow loaded by other tests already.
SERVE_ONE_DRAWING = textwrap.dedent("""
    import sys
    import numpy as np
    from streamlit.testing.v1 import AppTest
    sys.path.insert(0, "tests")
    from test_app import draw, prediction
    from model.drawn_digits import random_drawing, render

    at = draw(AppTest.from_file("app.py", default_timeout=60).run(),
              render(random_drawing(7, np.random.default_rng(0))))
    assert not at.exception, at.exception
    print("prediction", prediction(at))
    print("loaded", *sorted({name.split(".")[0] for name in sys.modules} & {"tensorflow", "keras", "jax", "torch"}))
""")


def test_the_page_predicts_without_importing_tensorflow():
    result = subprocess.run([sys.executable, "-c", SERVE_ONE_DRAWING], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "prediction 7" in lines
    assert lines[-1] == "loaded", f"the page imported a framework: {lines[-1]}"


# --- Bad or oversized messages from a client: a clear message on the page, never a traceback ---

def forged(data_url, raw=None) -> dict:
    return {"drawing": {"raw": {"objects": [{"type": "path"}]} if raw is None else raw, "data": data_url},
            "backgroundFit": None}


def png_url_claiming(width: int, height: int) -> str:
    from test_canvas_data import png_claiming

    return "data:image/png;base64," + base64.b64encode(png_claiming(width, height)).decode("ascii")


BAD_STATES = {
    "drawing is a string": ({"drawing": "nonsense", "backgroundFit": None}, "not a drawing"),
    "image is a number": (forged(5), "not a drawing"),
    "no base64 marker": (forged("data:image/png,abc"), "not a drawing"),
    "malformed base64": (forged("data:image/png;base64,@@@@%%%"), "not a readable PNG"),
    "not a PNG": (forged("data:image/png;base64," + base64.b64encode(b"GIF89a hello").decode()),
                  "not a readable PNG"),
    "forged background fit": ({**forged(None), "backgroundFit": {"x": 1}}, "not a drawing"),
    "huge dimensions": (forged(png_url_claiming(20_000, 20_000)), "could not be read"),
    "3 MB data URL": (forged("data:image/png;base64," + base64.b64encode(bytes(3 * 2**20)).decode()),
                      "a drawing is at most"),
}


@pytest.mark.parametrize("state, words", BAD_STATES.values(), ids=BAD_STATES.keys())
def test_forged_canvas_values_get_a_message_and_the_page_recovers(state, words):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    (canvas,) = at.get("bidi_component")
    at.session_state[canvas.key] = state
    at.run()
    assert not at.exception
    assert any(words in warning.value for warning in at.warning), [w.value for w in at.warning]
    assert prediction(at) is None
    draw(at.run(), render(random_drawing(7, np.random.default_rng(0))))  # on the pad as it is now: it works
    assert not at.exception and prediction(at) == "7"
