"""The room on the page, run in-process with AppTest: opening a room, the presenter key, sending
a drawing, the wall and its presenter controls, and bad codes. The drawings are injected as the
canvas component would send them (see test_app.py)."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, png_data_url

from model.drawn_digits import Drawing, random_drawing, render
from page import links
from room import store

BRUSH = 22  # the page's default brush width

TIMEOUT_S = 180  # the first run imports TensorFlow and warms the figures up, on a busy machine


@pytest.fixture
def rooms(tmp_path, monkeypatch):
    """The page's database: a fresh SQLite file for each test (the page reads ROOMS_DB)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ROOMS_DB", str(tmp_path / "rooms.sqlite3"))
    monkeypatch.setenv("ROOM_SEND_INTERVAL_S", "600")  # a second send is always too soon, however slow the run
    opened = store.Store(store.database_url(), send_interval_s=0)  # the test's own, unthrottled view
    yield opened
    opened.close()


def page(**query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update(query)
    return at.run()


def warnings(at: AppTest) -> str:
    return " ".join(warning.value for warning in at.warning)


def draw_a_seven(at: AppTest) -> AppTest:
    """Send a one-stroke 7 as the canvas component would: its Fabric.js path and its PNG."""
    drawing = random_drawing(7, np.random.default_rng(0))
    paths = links.canvas_drawing(tuple((BRUSH, np.array(stroke)) for stroke in drawing.strokes), "#ffffff")
    (canvas,) = at.get("bidi_component")
    at.session_state[canvas.key] = {"drawing": {"raw": paths, "data": png_data_url(render(drawing))},
                                    "backgroundFit": None}
    return at.run()


def send(at: AppTest, meant: int | None) -> AppTest:
    if meant is not None:
        at.session_state["room_meant"] = meant
        at.run()  # the pick enables Send, as a tap on the digit would
    at.button(key="room_send_button").click()
    return at.run()


def metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def test_room_new_opens_a_room_moves_to_its_code_and_shows_the_presenter_link_once(rooms):
    at = page(room="new")
    code = at.query_params["room"]
    status = rooms.room_status(code)
    assert (status.code, status.drawings) == (code, 0)
    (presenter_link,) = [block.value for block in at.code if "key=" in block.value]
    secret = presenter_link.split("key=")[1]
    assert rooms.is_presenter(code, secret)
    assert any(f"?room={code}" in text.value for text in at.markdown)  # the join link
    assert [image for image in at.get("image") if "Scan to join" in image.captions]  # the QR code
    assert not any("key=" in block.value for block in page(room=code).code)  # another session: not shown


@pytest.mark.parametrize("asked, message", [("zz", "not a room code"), ("ACDE", "There is no room ACDE")])
def test_a_bad_or_unknown_code_warns_and_the_page_still_works(rooms, asked, message):
    at = page(room=asked)
    assert message in warnings(at) and not at.exception
    assert "Send to the room" not in [button.label for button in at.button]
    draw_a_seven(at)
    assert any(m.value == "7" for m in at.metric)  # the prediction card


def test_a_joiner_sends_a_drawing_with_the_digit_they_meant(rooms):
    code = rooms.create_room().code
    at = page(room=code)
    assert at.button(key="room_send_button").disabled  # nothing drawn yet
    draw_a_seven(at)
    assert at.button(key="room_send_button").disabled  # drawn, but no digit picked yet
    assert any("Pick the digit you meant" in caption.value for caption in at.caption)
    assert rooms.room_status(code).drawings == 0
    send(at, 7)
    assert at.query_params["room"] == code  # kept when the page rewrites its own parameters
    assert any("Sent: your 7 is on the wall" in s.value and "1 drawing." in s.value for s in at.success)
    (stored,) = rooms.room_summary(code).drawings
    assert (stored.meant, stored.read, stored.strokes) == (7, 7, len(random_drawing(7, np.random.default_rng(0)).strokes))
    assert stored.pixels.dtype == np.uint8 and stored.pixels.max() > 200
    send(at, 7)  # the same drawing again: said to be in the room already, nothing is stored
    assert any("already in room" in info.value for info in at.info) and not at.success
    assert rooms.room_status(code).drawings == 1


def test_a_new_drawing_or_clear_empties_i_drew_and_disables_send(rooms):
    code = rooms.create_room().code
    at = page(room=code)
    draw_a_seven(at)
    at.session_state["room_meant"] = 7
    at.run()
    assert not at.button(key="room_send_button").disabled
    (clear,) = [button for button in at.button if button.label == "Clear"]
    clear.click()
    at.run()
    assert at.session_state["room_meant"] is None and at.button(key="room_send_button").disabled
    draw_a_seven(at)  # a new stroke (here: a new drawing on the fresh pad)
    assert at.session_state["room_meant"] is None and at.button(key="room_send_button").disabled


def test_the_presenter_link_is_folded_away_and_never_in_presenter_mode(rooms):
    at = page(room="new")
    (expander,) = [e for e in at.expander if "Presenter link" in e.label]
    assert any("key=" in block.value for block in expander.code)
    code = at.query_params["room"]
    at.query_params["mode"] = "present"
    at.session_state["mode"] = "present"
    at.run()
    assert not any("key=" in block.value for block in at.code)
    assert not [e for e in at.expander if "Presenter link" in e.label]


@pytest.mark.parametrize("base, network, says", [
    ("http://127.0.0.1:8501/", "192.168.1.7", "http://192.168.1.7:8501/"),
    ("http://localhost:8501/", None, "PUBLIC_URL=http://192.168.1.20:8501"),
    ("http://127.0.1.1/", None, "PUBLIC_URL"),
    ("https://rooms.example.org/", "192.168.1.7", None),
    ("http://192.168.1.7:8501/", None, None),
])
def test_a_localhost_join_link_says_phones_cannot_reach_it(base, network, says):
    from room import ui
    words = ui.unreachable_words(base, network)
    if says is None:
        assert words is None
    else:
        assert "Phones cannot open this link" in words and says in words


def test_the_wall_counts_the_room_and_only_the_presenter_may_remove(rooms):
    room, other = rooms.create_room(), rooms.create_room()
    pixels = np.zeros((28, 28), np.uint8)
    pixels[4:24, 12:16] = 255
    steps = np.r_[np.full(20, 4), np.full(8, 1)]
    rooms.add_drawing(room.code, "a", pixels, 1, 1, 1, steps)
    rooms.add_drawing(room.code, "b", pixels, 1, 7, 1, steps)
    rooms.add_drawing(other.code, "c", pixels, 1, 3, 3, np.full(28, 3))

    at = page(room=room.code, view="wall")
    assert metric(at, "Drawings") == "2" and metric(at, "Room accuracy") == "50%"
    assert "Row-LSTM Explorer" not in [title.value for title in at.title]  # the wall, not the explorer
    assert not [button for button in at.button if button.key and button.key.startswith("remove_")]

    at = page(room=room.code, view="wall", key="not-the-secret")
    assert "not the one made for room" in warnings(at)
    assert "key" not in at.query_params  # taken out of the address bar either way
    assert not [button for button in at.button if button.key and button.key.startswith("remove_")]

    at = page(room=room.code, view="wall", key=room.secret)
    assert "key" not in at.query_params
    removes = [button for button in at.button if button.key and button.key.startswith("remove_")]
    assert len(removes) == 2
    removes[0].click()
    at.run()
    assert metric(at, "Drawings") == "1"
    at.button(key="close_room").click()
    at.run()
    assert rooms.room_summary(room.code).closed
    assert len(rooms.room_summary(other.code).drawings) == 1  # the other room untouched


def test_an_expired_room_on_the_wall_warns_instead_of_breaking(rooms):
    code = rooms.create_room().code
    with rooms.engine.begin() as connection:  # as if its 24 hours were up
        connection.execute(store.rooms.update().values(expires_at=0))
    at = page(room=code, view="wall")
    assert f"There is no room {code}" in warnings(at) and not at.exception


def test_a_drawing_too_small_to_read_is_not_sent(rooms):
    """A dot gets no digit on the card, and Send stays off: the room never holds it."""
    code = rooms.create_room().code
    at = page(room=code)
    dot = ((BRUSH, np.array([[140, 140]])),)
    (canvas,) = at.get("bidi_component")
    at.session_state[canvas.key] = {"drawing": {"raw": links.canvas_drawing(dot, "#ffffff"),
                                                "data": png_data_url(render(Drawing(0, [[(140.0, 140.0)]], BRUSH)))},
                                    "backgroundFit": None}
    at.run()
    assert metric(at, "Too small to read") == "–"
    assert at.button(key="room_send_button").disabled
    assert any("Draw the digit bigger" in caption.value for caption in at.caption)
    assert rooms.room_status(code).drawings == 0
