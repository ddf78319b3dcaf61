"""Serving: the page runs without TensorFlow, in a process of its own, as a server would; and
what a client sends that no canvas would (forged values, huge images, garbage frames) gets a clear
message or a closed connection, never a traceback or a fallen server."""

import asyncio
import base64
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import websockets
from streamlit.testing.v1 import AppTest
from test_app import draw, prediction

from model.drawn_digits import random_drawing, render
from scripts.ws_client import Run

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
    print("loaded", *sorted({name.split(".")[0] for name in sys.modules}
                            & {"tensorflow", "keras", "jax", "torch", "sqlalchemy"}))
""")


def test_the_page_predicts_without_importing_tensorflow_or_the_database():
    """No framework at serve time; and SQLAlchemy only once a room is used (it is 0.3 s of a
    first page)."""
    result = subprocess.run([sys.executable, "-c", SERVE_ONE_DRAWING], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "prediction 7" in lines
    assert lines[-1] == "loaded", f"the page imported what it does not need: {lines[-1]}"


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
    "2.5 MB data URL": (forged("data:image/png;base64," + base64.b64encode(bytes(5 * 2**19)).decode()),
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


def garbage_scenario(url: str) -> dict:
    """A well-behaved session stays open while others send what no browser would; returns what
    each of them got, and what the well-behaved session sees afterwards."""
    from scripts.ws_client import BackMsg, Session, canvas_state, png_data_url

    async def closed_with(frame) -> int | None:
        async with Session(url) as attacker:
            try:
                await attacker.send(frame)
            except websockets.ConnectionClosed:  # closed while the frame was still going out
                pass
            await asyncio.wait_for(attacker.websocket.wait_closed(), 30)
            return attacker.websocket.close_code

    async def page_after(state_json: str) -> list[str]:
        async with Session(url) as forger:
            await forger.rerun()
            message = BackMsg()
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id, widget.json_value = forger.canvas_id, state_json
            await forger.send(message.SerializeToString())
            run = await forger.read_run(Run(sent_at=time.perf_counter()))
            return [*run.texts("exception"), *run.texts("alert")]

    async def scenario() -> dict:
        drawing = png_data_url(render(random_drawing(7, np.random.default_rng(0))))
        async with Session(url) as bystander:
            await bystander.rerun()
            seen = {
                "not a protobuf": await closed_with(b"\xff" * 64),
                "a text frame": await closed_with("hello"),
                "a 5 MB frame": await closed_with(bytes(5 * 2**20)),
                "state that is not JSON": await page_after("{not json"),
                "a huge image": await page_after(json.dumps(canvas_state(png_url_claiming(20_000, 20_000), 1))),
                "a 2.5 MB data URL": await page_after(json.dumps(canvas_state(
                    "data:image/png;base64," + base64.b64encode(bytes(5 * 2**19)).decode(), 1))),
            }
            run = await bystander.draw(drawing, 1)
            seen["bystander"] = run.first("metric", "Prediction")[1].text
        async with Session(url) as newcomer:  # and a new visitor is served as usual
            await newcomer.rerun()
            seen["newcomer"] = (await newcomer.draw(drawing, 1)).first("metric", "Prediction")[1].text
        return seen

    return asyncio.run(scenario())


def test_garbage_over_the_websocket_costs_only_that_connection():
    from scripts.browser import AppServer

    with AppServer(start_timeout_s=120) as server:
        seen = garbage_scenario(server.url)
        assert server.process.poll() is None, "the server went down"
    assert seen["not a protobuf"] == 1002  # protocol error
    assert seen["a text frame"] is not None  # closed: Streamlit speaks binary protobufs only
    assert seen["a 5 MB frame"] == 1009  # message too big: server.maxWidgetStateSize (4 MB)
    # Fails in Streamlit's callback check before app.py runs: the type and a notice, no traceback.
    (notice,) = seen["state that is not JSON"]
    assert notice.startswith("json.decoder.JSONDecodeError: This app has encountered an error") and "\n" not in notice
    assert any("could not be read" in text for text in seen["a huge image"]), seen["a huge image"]
    assert any("a drawing is at most" in text for text in seen["a 2.5 MB data URL"]), seen["a 2.5 MB data URL"]
    assert not any("Error" in text or "Traceback" in text for key in ("a huge image", "a 2.5 MB data URL")
                   for text in seen[key])
    assert seen["bystander"] == seen["newcomer"] == "7"
