"""A room with 30 phones: python -m scripts.room_load [--sessions 30] [--sends 3]

Two measurements, each on a fresh room, each counting what was sent against what the room holds
afterwards (lost = accepted by the send but missing from the room; it must be 0):

  store   N threads, one per phone session, send their drawings at once through the store API
          (Store.add_drawing) with the real rate limit (one send per 2 s per session), while a wall
          thread re-reads the room every 3 s as the wall's fragment does.
  page    N Streamlit sessions of the real page (AppTest, in-process) join the room by its link,
          get a drawing (injected as the canvas component would send it, strokes included), pick
          "I drew" and press "Send to the room"; each checks that the page said it arrived. They
          take turns: AppTest sessions cannot run at once in one process (they share Streamlit's
          runtime singleton), so this checks the page's path to the store, not concurrency.

The database is a fresh SQLite file in a temporary folder, or DATABASE_URL's (PostgreSQL) when
set. Drawings are scripted canvas drawings read by the model (scripts/room_demo.py).
"""

import argparse
import base64
import io
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from model.drawn_digits import random_drawing, render
from page import links
from room import store
from room import ui as room
from scripts.room_demo import room_drawings

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGE_TIMEOUT_S = 120  # one AppTest run on a busy machine
APP_BRUSH = 22  # the page's default brush width


def percentile(values, q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def measure_store(url: str, sessions: int, sends: int) -> dict:
    rooms = store.Store(url)
    code = rooms.create_room().code
    drawings = room_drawings(sessions * sends, seed=7)
    accepted, refused, add_ms, wall_ms = [], [], [], []
    lock, done = threading.Lock(), threading.Event()
    start = threading.Barrier(sessions + 1)

    def phone(number: int) -> None:
        start.wait()
        for send in range(sends):
            drawing = drawings[number * sends + send]
            began = time.perf_counter()
            try:
                drawing_id = rooms.add_drawing(code, f"phone-{number}", **drawing.as_arguments())
                with lock:
                    accepted.append(drawing_id)
                    add_ms.append((time.perf_counter() - began) * 1000)
            except ValueError as error:
                with lock:
                    refused.append(str(error))
            time.sleep(rooms.send_interval_s + 0.05)  # a person who waits out the rate limit

    def projector() -> None:
        start.wait()
        while not done.is_set():
            began = time.perf_counter()
            rooms.room_summary(code)
            wall_ms.append((time.perf_counter() - began) * 1000)
            done.wait(room.WALL_REFRESH_S)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(sessions)]
    wall_thread = threading.Thread(target=projector)
    for thread in [*threads, wall_thread]:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    wall_thread.join()
    stored = {d.id for d in rooms.room_summary(code).drawings}
    rooms.close()
    return dict(sent=sessions * sends, accepted=len(accepted), refused=len(refused), stored=len(stored),
                lost=len(set(accepted) - stored), add_median_ms=statistics.median(add_ms),
                add_p95_ms=percentile(add_ms, 95), wall_reads=len(wall_ms),
                wall_median_ms=statistics.median(wall_ms), refusals=sorted(set(refused)))


def canvas_state(digit: int, seed: int) -> dict:
    """What the canvas component sends for one drawing: its Fabric.js paths and a PNG data URL."""
    drawing = random_drawing(digit, np.random.default_rng(seed))
    buffer = io.BytesIO()
    Image.fromarray(render(drawing)).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    paths = links.canvas_drawing(tuple((APP_BRUSH, np.array(stroke)) for stroke in drawing.strokes), "#ffffff")
    return {"drawing": {"raw": paths, "data": url}, "backgroundFit": None}


def measure_page(sessions: int) -> dict:
    from streamlit.testing.v1 import AppTest

    rooms = store.Store(store.database_url())
    code = rooms.create_room().code
    confirmed, problems, send_s = [], [], []
    for number in range(sessions):
        digit = number % 10
        try:
            at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT_S)
            at.query_params["room"] = code
            at.run()
            (canvas,) = at.get("bidi_component")
            at.session_state[canvas.key] = canvas_state(digit, seed=number)
            at.run()
            at.session_state["room_meant"] = digit
            at.run()  # the pick enables Send, as a tap on the digit would
            began = time.perf_counter()
            at.button(key="room_send_button").click()
            at.run()
            send_s.append(time.perf_counter() - began)
            if [s.value for s in at.success if s.value.startswith(f"Sent: your {digit}")]:
                confirmed.append(number)
            else:
                problems.append(f"phone {number}: {[w.value for w in at.warning]} {list(at.exception)}")
        except Exception as error:  # counted and reported, never hidden
            problems.append(f"phone {number}: {type(error).__name__}: {error}")
    summary = rooms.room_summary(code)
    rooms.close()
    return dict(sessions=sessions, confirmed=len(confirmed), stored=len(summary.drawings),
                lost=len(confirmed) - len(summary.drawings), problems=problems,
                send_median_s=statistics.median(send_s) if send_s else float("nan"),
                send_p95_s=percentile(send_s, 95),
                digits_match=sorted(d.meant for d in summary.drawings) == sorted(n % 10 for n in confirmed))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--sends", type=int, default=3, help="drawings per session in the store measurement")
    parser.add_argument("--page-sessions", type=int, default=30, help="0 skips the page measurement")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        os.environ["ROOMS_DB"] = str(Path(tempfile.mkdtemp(prefix="room-load-")) / "rooms.sqlite3")
    url = store.database_url()
    print(f"database: {store.Store(url).engine.dialect.name}")

    report = measure_store(url, args.sessions, args.sends)
    print(f"store: {args.sessions} sessions x {args.sends} sends = {report['sent']} sent, "
          f"{report['accepted']} accepted, {report['refused']} refused, {report['stored']} stored, "
          f"{report['lost']} lost; add_drawing median {report['add_median_ms']:.1f} ms, "
          f"p95 {report['add_p95_ms']:.1f} ms; wall read ({report['wall_reads']} reads) median "
          f"{report['wall_median_ms']:.1f} ms")
    for refusal in report["refusals"]:
        print(f"  refused: {refusal}")
    if args.page_sessions:
        page = measure_page(args.page_sessions)
        print(f"page: {page['sessions']} sessions, in turn: {page['confirmed']} told it arrived, "
              f"{page['stored']} stored, {page['lost']} lost, digits match: {page['digits_match']}; "
              f"press -> confirmation median {page['send_median_s']:.2f} s, p95 {page['send_p95_s']:.2f} s")
        for problem in page["problems"]:
            print(f"  problem: {problem}")


if __name__ == "__main__":
    main()
