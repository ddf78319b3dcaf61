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

import io
import os
import secrets
import time
from typing import TYPE_CHECKING

import numpy as np
import segno
import streamlit as st

from page import i18n
from page.i18n import _, ngettext
from room import records, wall
from room.records import RoomSummary

if TYPE_CHECKING:
    from room import store  # imported where a room is first used: SQLAlchemy is 0.3 s of a first page

NEW_ROOM = "new"
WALL_REFRESH_S = 3  # the wall's fragment re-reads the room this often
WALL_TILES = 50  # drawings shown at once: the newest (or the misread) first
WALL_COLUMNS = 10
WALL_CHART_HEIGHT = 300  # px: the chart and a row of numbers fit a 720 px projector
PLOT = dict(theme=None, config={"displaylogo": False, "displayModeBar": False})


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
    lobby in the sidebar and, outside the wall, the room bar above the page."""
    code = _room_from_address()
    if code is None or not is_wall():  # the projected wall keeps the whole screen
        lobby_ui()
    if code is not None and not is_wall():
        room_bar_ui(code)
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


def invite_ui(code: str, qr_width: int = 180) -> None:
    """The join link and its QR code."""
    link = join_link(code)
    st.image(qr_png(link), width=qr_width, caption=_("Scan to join"))
    st.markdown(_("Join at **{link}**").format(link=link))


def room_bar_ui(code: str) -> None:
    """Above the explorer in a room: the code, the invitation, and for the presenter the links."""
    secret = _presenter_secret(code)
    with st.container(key="room_bar", border=True):
        text, links = st.columns([3, 2], vertical_alignment="center")
        text.markdown("### " + _("Room {code}").format(code=code))
        text.caption(_("Draw a digit, pick the digit you meant under the prediction, and send it to the "
                       "room's wall."))
        links.link_button(_("Open the wall"), wall_link(code, secret), icon=":material/co_present:")
        with st.expander(_("Invite others: QR code and link"), expanded=st.session_state.get("new_room") == code):
            invite_ui(code)
        if secret is not None and st.session_state.get("new_room") == code:
            st.info(_("**Presenter link** (shown only here; keep it): it opens the wall with the right to remove "
                      "drawings and close the room."), icon=":material/key:")
            st.code(wall_link(code, secret), language=None)


def to_query(code: str | None) -> dict[str, str]:
    """The room's part of the address, kept when the page rewrites its query parameters."""
    return {"room": code} if code else {}


def send_ui(code: str, image: np.ndarray | None, strokes: int, analysis) -> None:
    """Under the prediction: "I drew" (0-9) and "Send to the room"; says whether it arrived.
    `analysis` is the model's trace of `image` (None when nothing is drawn)."""
    with st.container(key="room_send", border=True):
        st.markdown(_("**Send to room {code}**").format(code=code))
        meant = st.pills(_("I drew"), range(10), key="room_meant")
        drawn = image is not None and analysis is not None
        if st.button(_("Send to the room"), type="primary", icon=":material/send:", key="room_send_button",
                     disabled=not drawn):
            if meant is None:
                st.warning(_("Pick the digit you drew under “I drew”, then send."))
                return
            rooms = _store_or_warn()
            if rooms is None:
                return
            pixels = np.clip(np.round(image * 255), 0, 255).astype(np.uint8)  # (28, 28) in [0, 1] -> uint8
            prediction = int(analysis.prediction)
            try:
                rooms.add_drawing(code, _session_id(), pixels, strokes, meant, prediction, analysis.step_predictions)
                count = rooms.room_status(code).drawings
            except ValueError as error:
                st.warning(str(error))
                return
            with st.container(key="room_sent"):
                sent = (_("Sent: your {meant} is on the wall (the LSTM read it as meant).") if meant == prediction
                        else _("Sent: your {meant} is on the wall (the LSTM read it as {read}).")).format(
                            meant=meant, read=prediction)
                room_count = ngettext("The room has {n} drawing.", "The room has {n} drawings.", count).format(n=count)
                st.success(f"{sent} {room_count}", icon=":material/check_circle:")
        elif not drawn:
            st.caption(_("Draw a digit first; then pick the digit you meant and send it.") if image is None else
                       _("Draw the digit bigger first: a drawing too small to read is not sent."))


def wall_ui(code: str, metrics: dict | None) -> None:
    """The projector's page (1280 x 720): the invitation above the live wall."""
    st.html("<style>.stMainBlockContainer { padding-top: 2rem; }</style>")  # a projector has no height to spare
    title, invitation = st.columns([5, 1], vertical_alignment="center")
    title.title(_("Room {code}").format(code=code))
    title.markdown(_("Draw on your phone at **{link}**, pick the digit you meant and send it.").format(
        link=join_link(code)))
    with invitation:
        st.image(qr_png(join_link(code), scale=4), width=130)
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
    with words_column:
        if summary.closed:
            st.info(_("This room is closed: it takes no more drawings."), icon=":material/lock:")
        for sentence in wall.wall_sentences(numbers, metrics):
            st.markdown(sentence)
    chart_column, grid_column = st.columns([2, 3], gap="medium")
    with chart_column:
        st.caption(_("Read as meant, step by step: the readout applied after each row"))
        st.plotly_chart(wall.room_accuracy_figure(numbers, metrics, WALL_CHART_HEIGHT), key="wall_chart", **PLOT)
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
                st.image(wall.tile(drawing.pixels), caption=caption, width="stretch")
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
