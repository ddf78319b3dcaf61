"""A Streamlit session without a browser: Streamlit's own websocket protocol, spoken from asyncio.

The browser and the server exchange protobufs over one websocket at `/_stcore/stream`
(streamlit/web/server/starlette/starlette_websocket.py): the browser sends `BackMsg`s, chiefly
`rerun_script` carrying every widget's value (`ClientState.widget_states`); the server answers
with `ForwardMsg`s: `new_session`, then one `delta` per element the script writes, then
`script_finished`. A page run here costs the server exactly what a browser's would.

The drawable canvas (streamlit-drawable-canvas 0.13) is a `st.components.v2` bidi component: its
JavaScript calls `setStateValue("drawing", {raw, data})` (raw: Fabric.js's JSON with one object
per stroke; data: the canvas as a `data:image/png;base64,...` URL), and Streamlit sends the
component's whole state as one widget whose `json_value` is that state as JSON, under the
element id the server gave the component (`$$ID-<hash>-<key>`). `Session.draw` sends the same.
"""

import asyncio
import base64
import io
import json
import time
from dataclasses import dataclass, field

import numpy as np
import websockets
from PIL import Image
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"


def png_data_url(rgba: np.ndarray) -> str:
    """An image as the canvas sends it: a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def canvas_state(data_url: str | None, strokes: int) -> dict:
    """The canvas component's state: Fabric.js's JSON (one short path object per stroke, as the
    page counts and links strokes) and the image."""
    path = {"type": "path", "path": [["M", 100, 100], ["L", 140, 180]], "strokeWidth": 22}
    return {"drawing": {"raw": {"objects": [path] * strokes}, "data": data_url}, "backgroundFit": None}


@dataclass
class Element:
    """What the page wrote, as read off one delta: its kind and the text a test looks for."""

    kind: str
    text: str = ""
    label: str = ""
    element_id: str = ""


def element_of(message: ForwardMsg) -> Element | None:
    if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
        return None
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    if kind == "metric":
        return Element(kind, proto.body, proto.label)
    if kind in ("markdown", "alert", "heading", "html"):
        return Element(kind, proto.body)
    if kind == "exception":
        return Element(kind, "\n".join([f"{proto.type}: {proto.message}", *proto.stack_trace]))
    if kind in ("bidi_component", "button", "button_group"):
        return Element(kind, element_id=proto.id)
    return Element(kind)


@dataclass
class Run:
    """One script run as this session saw it: the elements in order, with their arrival times."""

    sent_at: float
    elements: list[tuple[float, Element]] = field(default_factory=list)
    finished_at: float | None = None
    status: str = ""

    def first(self, kind: str, label: str = "", starts_with: str = "") -> tuple[float, Element] | None:
        for arrived, element in self.elements:
            if element.kind == kind and element.label == label and element.text.startswith(starts_with):
                return arrived, element
        return None

    def texts(self, kind: str) -> list[str]:
        return [element.text for _, element in self.elements if element.kind == kind]


class Session:
    """One browser-less session: `async with Session(url) as s: run = await s.rerun()`."""

    def __init__(self, url: str, timeout_s: float = 60.0, cookie: str | None = None, query: str = "",
                 user_agent: str | None = None):
        """`query`: the page address's query string without "?" (e.g. "view=whatif"), as a browser
        opening a link sends it with every run. `user_agent`: the browser's, which picks the page's
        layout (a phone's gets the phone layout)."""
        self.url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + STREAM_PATH
        self.timeout_s, self.cookie, self.query, self.user_agent = timeout_s, cookie, query, user_agent
        self.websocket = None
        self.canvas_id: str | None = None
        self.widget_ids: dict[str, str] = {}  # a keyed widget's key -> its element id ("$$ID-<hash>-<key>")
        self.fragment_ids: dict[str, str] = {}  # a keyed widget's key -> the fragment it is drawn in, if any
        self.canvas: dict | None = None  # the canvas state last sent
        self.response_headers: dict = {}

    async def __aenter__(self) -> "Session":
        headers = {name: value for name, value in (("Cookie", self.cookie), ("User-Agent", self.user_agent))
                   if value} or None
        self.websocket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                                  additional_headers=headers, open_timeout=self.timeout_s)
        self.response_headers = dict(self.websocket.response.headers)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.websocket.close()

    async def send(self, payload: bytes | str) -> None:
        """Send one raw frame (bytes: binary, str: text), as a client may, right or wrong."""
        await self.websocket.send(payload)

    async def rerun(self, widget_values: dict[str, dict] | None = None, picks: dict[str, list[str]] | None = None,
                    press: str | None = None, fragment: str = "") -> Run:
        """Ask for a script run with these component states (element id -> state), pills or
        segmented controls picked (element id -> formatted options) and a button pressed (its
        element id), and read the run to the end. `fragment`: run only that fragment, as a browser
        asks when the widget is inside one (st.fragment)."""
        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.page_script_hash = ""
        message.rerun_script.fragment_id = fragment
        for element_id, state in (widget_values or {}).items():
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = element_id
            widget.json_value = json.dumps(state)
        for element_id, options in (picks or {}).items():
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = element_id
            widget.string_array_value.data.extend(options)
        if press is not None:
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = press
            widget.trigger_value = True
        run = Run(sent_at=time.perf_counter())
        await self.websocket.send(message.SerializeToString())
        return await self.read_run(run)

    async def read_run(self, run: Run) -> Run:
        """Read ForwardMsgs until this run's script_finished (a run cut short for a newer one counts too)."""
        deadline = run.sent_at + self.timeout_s
        while True:
            raw = await asyncio.wait_for(self.websocket.recv(), max(0.01, deadline - time.perf_counter()))
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            element = element_of(message)
            if element is not None:
                run.elements.append((time.perf_counter(), element))
                if element.kind == "bidi_component" and self.canvas_id is None \
                        and element.element_id.rsplit("-", 1)[-1].startswith("canvas_"):  # the pad's key
                    self.canvas_id = element.element_id
                if element.kind in ("button", "button_group") and "-" in element.element_id:
                    key = element.element_id.rsplit("-", 1)[1]
                    self.widget_ids[key] = element.element_id
                    self.fragment_ids[key] = message.delta.fragment_id
            elif kind == "script_finished":
                run.finished_at = time.perf_counter()
                run.status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                return run

    async def draw(self, data_url: str | None, strokes: int) -> Run:
        """Send a drawing the way the canvas does, and read the run it causes."""
        if self.canvas_id is None:
            raise RuntimeError("no canvas seen yet: rerun() once first")
        self.canvas = canvas_state(data_url, strokes)
        return await self.rerun({self.canvas_id: self.canvas})

    async def send_to_room(self, digit: int) -> Run:
        """In a room (query_string "room=CODE"): pick `digit` under "I drew" for the drawing on the
        canvas, then press "Send to the room", as a phone does; returns the run of the press."""
        canvas = {self.canvas_id: self.canvas}
        picked = {self.widget_ids["room_meant"]: [str(digit)]}
        await self.rerun(canvas, picked, fragment=self.fragment_ids["room_meant"])  # the pick enables Send
        return await self.rerun(canvas, picked, press=self.widget_ids["room_send_button"],
                                fragment=self.fragment_ids["room_send_button"])
