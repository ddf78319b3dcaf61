"""The room, on the page: a presenter opens a room, phones send their drawings to it, and a
projector shows its wall, which refreshes by itself.

    ?room=new                      open a room, then move to ?room=CODE
    ?room=CODE                     the explorer, with a panel that sends the drawing to the room
    ?room=CODE&view=wall           the wall: count, accuracy, the drawings, accuracy per step
    ?room=CODE&view=wall&key=...   the wall for the presenter, who may remove drawings and close it

Streamlit only: the rooms are kept by store.py (all the SQL) and the wall's numbers, words and
chart come from wall.py. The presenter key is taken out of the address bar as soon as it has
been checked, so that a projected page never shows it.
"""

from __future__ import annotations  # annotations name store.Store without importing store

import hashlib
import io
import os
import secrets
import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import segno
import streamlit as st

import i18n
from i18n import N_, _, ngettext
from room import records, wall
from room.records import RoomSummary

if TYPE_CHECKING:
    from room import store  # imported where a room is first used: SQLAlchemy is 0.3 s of a first page

NEW_ROOM = "new"
WALL_REFRESH_S = 3  # the wall's fragment re-reads the room this often
WALL_TILES = 50  # drawings shown at once: the newest (or the misread) first
WALL_COLUMNS = 6  # tiles about 100 px wide on a 1280 px projector: a drawing read from the back of a room
# The wall's tiles and captions are read from across a room: captions 18 px, near-black on white
# (about 12:1), not Streamlit's 14 px grey.
WALL_CSS = """
.stMainBlockContainer { padding-top: 2rem; }
[class*="st-key-wall_drawing_"] [data-testid="stImageCaption"],
[class*="st-key-wall_drawing_"] [data-testid="stImageCaption"] * { font-size: 18px; color: #262730; opacity: 1; }
"""
WALL_CHART_HEIGHT = 300  # px: the chart and a row of numbers fit a 720 px projector
PLOT = dict(theme=None, config={"displaylogo": False, "displayModeBar": False})
# Text alternatives (issue 28): marked for the catalogue with N_(), shown with _().
QR_ALT = N_("QR code of the link to join the room: {link}")
TILE_ALT = N_("A drawn {meant}, read by the LSTM as {read}")
WALL_CHART_ALT = N_("Line chart of the share of drawings read as meant after each step, this room's against "
                    "the MNIST test set's. {sentences}")


@st.cache_resource(show_spinner=False)
def connect(url: str, send_interval_s: float) -> store.Store:
    from room import store
    return store.Store(url, send_interval_s=send_interval_s)


def open_store() -> store.Store:
    """One connection pool per server and database: DATABASE_URL, else the SQLite file ROOMS_DB
    (data/rooms.sqlite3 by default). ROOM_SEND_INTERVAL_S changes the per-session rate limit."""
    from room import store
    return connect(store.database_url(), float(os.environ.get("ROOM_SEND_INTERVAL_S", store.SEND_INTERVAL_S)))


def _store_or_warn() -> store.Store | None:
    try:
        return open_store()
    except Exception as error:  # a database that cannot be reached: say so, keep the page
        st.warning(_("The room database cannot be reached ({error_type}); rooms are unavailable "
                     "for now. Drawing works as usual.").format(error_type=type(error).__name__))
        return None


def _session_id() -> str:
    """An opaque id for this browser session, used only for the send rate limit (never stored)."""
    return st.session_state.setdefault("room_session", secrets.token_urlsafe(12))


def _presenter_secret(code: str) -> str | None:
    return st.session_state.get("presenter_secrets", {}).get(code)


def _base_url() -> str:
    """The address phones use: PUBLIC_URL if set (behind a proxy), else the one in this browser."""
    return (os.environ.get("PUBLIC_URL") or st.context.url or "").rstrip("/") + "/"


def join_link(code: str) -> str:
    return f"{_base_url()}?room={code}"


def wall_link(code: str, secret: str | None = None) -> str:
    return f"{_base_url()}?room={code}&view=wall" + (f"&key={secret}" if secret else "")


@st.cache_data(max_entries=64, show_spinner=False)  # drawn once per room, not on every stroke
def qr_png(link: str, scale: int = 6) -> bytes:
    """The link as a QR code (segno), black on white, as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def open_new_room(rooms: store.Store) -> str | None:
    """Create a room, keep its presenter secret in this session and move the address to ?room=CODE."""
    try:
        new = rooms.create_room()
    except ValueError as error:
        st.warning(str(error))
        return None
    st.session_state.setdefault("presenter_secrets", {})[new.code] = new.secret
    st.session_state["new_room"] = new.code  # its presenter link is shown in this session only
    st.query_params.clear()
    st.query_params["room"] = new.code
    return new.code


def room_ui() -> str | None:
    """The room this page belongs to (its code), or None. Opens a room for ?room=new, takes a
    presenter key out of the address, warns about a code that names no open room, and puts the
    lobby in the sidebar. The room bar is the layout's to place (room_bar_ui)."""
    code = _room_from_address()
    if code is None or not is_wall():  # the projected wall keeps the whole screen
        lobby_ui()
    return code


def _room_from_address() -> str | None:
    asked = st.query_params.get("room")
    if not asked:
        if st.query_params.get("view") == "wall":
            st.warning(_("The wall shows a room: open one with **Open a room** in the sidebar, or add "
                         "`?room=CODE` to the address."))
        return None
    rooms = _store_or_warn()
    if rooms is None:
        return None
    if asked.strip().lower() == NEW_ROOM:
        return open_new_room(rooms)
    try:
        code = rooms.room_status(asked).code
    except ValueError as error:
        st.warning(_("{problem} You can still draw here, or open a new room from the sidebar.").format(
            problem=error))
        return None
    key = st.query_params.get("key")
    if key is not None:
        del st.query_params["key"]  # never left in the address bar of a projected page
        if rooms.is_presenter(code, key):
            st.session_state.setdefault("presenter_secrets", {})[code] = key
        else:
            st.warning(_("That presenter link is not the one made for room {code}: you can watch the "
                         "wall, but not remove drawings or close the room.").format(code=code))
    return code


def is_wall() -> bool:
    return st.query_params.get("view") == "wall"


def lobby_ui() -> None:
    """In the sidebar: open a room, or join one by its code."""
    with st.sidebar:
        st.subheader(_(":material/groups: Rooms"))
        st.caption(_("Draw together: a presenter opens a room, everyone joins with its code or QR code, "
                     "and a projector shows what the LSTM made of the room's drawings."))
        if st.button(_("Open a room"), icon=":material/add:", key="open_room"):
            rooms = _store_or_warn()
            if rooms is not None and open_new_room(rooms):
                st.rerun()
        with st.form("join_room", border=False):
            typed = st.text_input(_("Join a room"), max_chars=records.CODE_LENGTH, placeholder=_("code, e.g. KTXW"))
            if st.form_submit_button(_("Join")):
                try:
                    code = records.normalise_code(typed)
                except ValueError as error:
                    st.warning(str(error))
                else:
                    st.query_params.clear()
                    st.query_params["room"] = code
                    st.rerun()


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def network_address() -> str | None:
    """This machine's address on its local network (the interface its default route uses), or None.
    Connecting a UDP socket sends nothing; it only picks the interface."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def unreachable_words(base_url: str, network: str | None) -> str | None:
    """What to tell a presenter whose join link names this computer itself (localhost, 127.x),
    which no phone can open; None for any other address. `network`: the machine's own network
    address, offered when known."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_HOSTS and not host.startswith("127."):
        return None
    port = f":{parts.port}" if parts.port else ""
    example = f"PUBLIC_URL=http://{network or '192.168.1.20'}{port} streamlit run app.py --server.address 0.0.0.0"
    words = _("**Phones cannot open this link**: `{host}` is this computer's own name for itself. Start the app "
              "with `PUBLIC_URL` set to an address the phones can reach, e.g. `{example}`.").format(
                  host=host, example=example)
    if network is not None:
        words += " " + _("On this computer's network that is **{address}** (with `--server.address 0.0.0.0`, "
                         "and a firewall that lets phones in).").format(address=f"http://{network}{port}/")
    return words


def invite_ui(code: str, qr_width: int = 180) -> None:
    """The join link and its QR code, and a warning when phones cannot reach the link."""
    link = join_link(code)
    st.image(qr_png(link), width=qr_width, caption=_("Scan to join"), alt=_(QR_ALT).format(link=link))
    st.markdown(_("Join at **{link}**").format(link=link))
    unreachable_ui()


def unreachable_ui() -> None:
    words = unreachable_words(_base_url(), network_address())
    if words is not None:
        with st.container(key="room_unreachable"):
            st.warning(words, icon=":material/wifi_off:")


def room_bar_ui(code: str, mode: str) -> None:
    """The room on the explorer: its code and, on a laptop, the invitation and the wall's link.
    The presenter link (the key) only for the person who opened the room, folded away, and never
    in presenter mode, which is for projecting. On a phone one line, so that the canvas fits the
    first screen."""
    with st.container(key="room_bar", border=mode != "phone"):
        if mode == "phone":
            st.markdown(_("**Room {code}** · draw, pick your digit, send.").format(code=code))
            return
        if mode == "present":
            st.markdown(_("**Room {code}**: join at **{link}**").format(code=code, link=join_link(code)))
            return
        secret = _presenter_secret(code)
        text, links = st.columns([3, 2], vertical_alignment="center")
        text.markdown("### " + _("Room {code}").format(code=code))
        text.caption(_("Draw a digit, pick the digit you meant under the prediction, and send it to the "
                       "room's wall."))
        links.link_button(_("Open the wall"), wall_link(code, secret), icon=":material/co_present:")
        with st.expander(_("Invite others: QR code and link"), expanded=st.session_state.get("new_room") == code):
            invite_ui(code)
        if secret is not None and st.session_state.get("new_room") == code:
            with st.expander(_("Presenter link (the key to this room)"), icon=":material/key:", key="presenter_key"):
                st.caption(_("Shown only to you, who opened the room; keep it off the projector. It opens the wall "
                             "with the right to remove drawings and close the room."))
                st.code(wall_link(code, secret), language=None)


def to_query(code: str | None) -> dict[str, str]:
    """The room's part of the address, kept when the page rewrites its query parameters."""
    return {"room": code} if code else {}


@st.fragment  # picking a digit and pressing Send rerun this panel alone, not the page and its charts
def send_ui(code: str, image: np.ndarray | None, strokes: int, analysis) -> None:
    """Under the prediction: "I drew" (0-9) and "Send to the room"; says whether it arrived.
    `analysis` is the model's trace of `image` (None when nothing is drawn).

    One drawing, one send: a new stroke or Clear (a new image) empties "I drew", Send waits for a
    digit, and a drawing already sent is said to be in the room, not sent again (the store refuses
    a copy too)."""
    pixels = None if image is None else np.clip(np.round(image * 255), 0, 255).astype(np.uint8)  # (28, 28)
    drawing = None if pixels is None else hashlib.sha256(pixels.tobytes()).hexdigest()
    if st.session_state.get("room_drawing") != drawing:  # before the pills exist: a new drawing, no digit yet
        st.session_state["room_drawing"] = drawing
        st.session_state["room_meant"] = None
    sent = st.session_state.setdefault("room_sent_drawings", {}).setdefault(code, {})
    with st.container(key="room_send", border=True):
        st.markdown(_("**Send to room {code}**").format(code=code))
        meant = st.pills(_("I drew"), range(10), key="room_meant")
        drawn = image is not None and analysis is not None
        pressed = st.button(_("Send to the room"), type="primary", icon=":material/send:", key="room_send_button",
                            disabled=not drawn or meant is None)
        if not drawn:
            st.caption(_("Draw a digit first; then pick the digit you meant and send it.") if image is None else
                       _("Draw the digit bigger first: a drawing too small to read is not sent."))
            return
        if meant is None:
            st.caption(_("Pick the digit you meant under “I drew”; then send it."))
            return
        if not pressed:
            return
        if drawing in sent:
            with st.container(key="room_already"):
                st.info(_("This drawing is already in room {code} (sent as a {meant}); it counts once. "
                          "Clear the canvas to draw another.").format(code=code, meant=sent[drawing]),
                        icon=":material/done_all:")
            return
        rooms = _store_or_warn()
        if rooms is None:
            return
        prediction = int(analysis.prediction)
        try:
            rooms.add_drawing(code, _session_id(), pixels, strokes, meant, prediction, analysis.step_predictions)
            count = rooms.room_status(code).drawings
        except ValueError as error:
            from room import store  # loaded already: open_store() imported it
            if isinstance(error, store.AlreadySent):
                sent[drawing] = meant
                st.info(_("This drawing is already in room {code}; it counts once.").format(code=code),
                        icon=":material/done_all:")
            else:
                st.warning(str(error))
            return
        sent[drawing] = meant
        with st.container(key="room_sent"):
            words = (_("Sent: your {meant} is on the wall (the LSTM read it as meant).") if meant == prediction
                     else _("Sent: your {meant} is on the wall (the LSTM read it as {read}).")).format(
                         meant=meant, read=prediction)
            room_count = ngettext("The room has {n} drawing.", "The room has {n} drawings.", count).format(n=count)
            st.success(f"{words} {room_count}", icon=":material/check_circle:")


def wall_ui(code: str, metrics: dict | None) -> None:
    """The projector's page (1280 x 720): the invitation above the live wall."""
    st.html(f"<style>{WALL_CSS}</style>")  # a projector has no height to spare
    title, invitation = st.columns([5, 1], vertical_alignment="center")
    title.title(_("Room {code}").format(code=code))
    title.markdown(_("Draw on your phone at **{link}**, pick the digit you meant and send it.").format(
        link=join_link(code)))
    with invitation:
        st.image(qr_png(join_link(code), scale=4), width=130, alt=_(QR_ALT).format(link=join_link(code)))
    unreachable_ui()
    if metrics is None:
        st.info(_("MNIST's accuracy per step comes from `model/metrics.json`, which is missing or belongs to "
                  "another model file; the room's own numbers are shown alone."))
    live_wall_ui(code, metrics, _presenter_secret(code))


@st.fragment(run_every=WALL_REFRESH_S)
def live_wall_ui(code: str, metrics: dict | None, secret: str | None) -> None:
    """Re-read the room and redraw the wall: only this fragment reruns, never the whole page."""
    i18n.use(st.session_state.get("lang"))  # a fragment's own reruns skip app.py's language_ui
    rooms = _store_or_warn()
    if rooms is None:
        return
    try:
        summary = rooms.room_summary(code)
    except ValueError as error:
        st.warning(_("{problem} The wall stops here.").format(problem=error))
        return
    except Exception as error:  # the database hiccuped: keep the wall, try again at the next refresh
        st.warning(_("The room could not be read just now ({error_type}); retrying in {seconds} s.").format(
            error_type=type(error).__name__, seconds=WALL_REFRESH_S))
        return
    numbers = wall.wall_numbers(summary.drawings)
    count_column, accuracy_column, words_column = st.columns([1, 1, 3], vertical_alignment="center")
    with count_column.container(key="wall_count"):
        st.metric(_("Drawings"), numbers.drawings, border=True)
    with accuracy_column.container(key="wall_accuracy"):
        st.metric(_("Room accuracy"), "–" if numbers.accuracy is None else f"{numbers.accuracy:.0%}",
                  border=True, help=_("Drawings whose final reading is the digit their author meant."))
    sentences = wall.wall_sentences(numbers, metrics)
    with words_column:
        if summary.closed:
            st.info(_("This room is closed: it takes no more drawings."), icon=":material/lock:")
        for sentence in sentences:
            st.markdown(sentence)
    chart_column, grid_column = st.columns([2, 3], gap="medium")
    with chart_column:
        st.caption(_("Read as meant, step by step: the readout applied after each row"))
        st.plotly_chart(wall.room_accuracy_figure(numbers, metrics, WALL_CHART_HEIGHT), key="wall_chart",
                        alt=_(WALL_CHART_ALT).format(sentences=" ".join(sentences).replace("**", "")), **PLOT)
    with grid_column:
        drawings_grid_ui(summary, secret)
    if secret is not None:
        presenter_ui(summary, secret)
    # Invisible to people: when the wall was last redrawn, for tests that wait for a refresh.
    st.html(f"<span data-testid='wall-refreshed' data-at='{time.time():.3f}'></span>")


def drawings_grid_ui(summary: RoomSummary, secret: str | None) -> None:
    """The drawings as tiles with what the LSTM read; misreads first on demand."""
    misreads_first = st.toggle(_("Misreads first"), key="wall_misreads_first")
    if not summary.drawings:
        st.info(_("No drawings yet. Scan the QR code, draw a digit, pick what you drew and send it."),
                icon=":material/draw:")
        return
    shown = wall.wall_order(summary.drawings, misreads_first)[:WALL_TILES]
    if len(summary.drawings) > len(shown):
        st.caption((_("The {shown} misread and newest of {count} drawings.") if misreads_first else
                    _("The {shown} newest of {count} drawings.")).format(shown=len(shown), count=len(summary.drawings)))
    for row_start in range(0, len(shown), WALL_COLUMNS):
        for column, drawing in zip(st.columns(WALL_COLUMNS), shown[row_start:row_start + WALL_COLUMNS]):
            with column.container(key=f"wall_drawing_{drawing.id}"):
                caption = (f"{drawing.meant} ✓" if drawing.correct else
                           _("{meant} read as {read}").format(meant=drawing.meant, read=drawing.read))
                st.image(wall.tile(drawing.pixels), caption=caption, width="stretch",
                         alt=_(TILE_ALT).format(meant=drawing.meant, read=drawing.read))
                if secret is not None:
                    st.button(":material/delete:", key=f"remove_{drawing.id}", type="tertiary",
                              help=_("Remove this drawing from the wall"),
                              on_click=_remove, args=(summary.code, secret, drawing.id))


def _remove(code: str, secret: str, drawing_id: int) -> None:
    try:
        open_store().remove_drawing(code, secret, drawing_id)
    except ValueError as error:
        st.session_state["wall_problem"] = str(error)


def presenter_ui(summary: RoomSummary, secret: str) -> None:
    """The presenter's controls under the wall."""
    problem = st.session_state.pop("wall_problem", None)
    if problem:
        st.warning(problem)
    if not summary.closed and st.button(_("Close the room"), icon=":material/lock:", key="close_room",
                                        help=_("No more drawings are taken; the wall stays until the room expires.")):
        try:
            open_store().close_room(summary.code, secret)
        except ValueError as error:
            st.warning(str(error))
        else:
            st.rerun(scope="fragment")
