"""Many sessions, no browsers: python -m scripts.ws_load --sessions 30 --seconds 120 --interval 3

Each session is a websocket client speaking Streamlit's protocol (scripts/ws_client.py): it opens
the page, then sends a new drawing every `interval` seconds, as a canvas would, and reads the
server's answer. A drawing is a scripted digit (model/drawn_digits.py), a new one for every send
(a repeat would be served from the page's caches), sent with a stroke count that is unique
within its session; the session checks that the answer's card (Prediction, or Not sure) equals
what the NumPy trace says for ITS drawing and that the run marker names its stroke count, so an
answer meant for another session, or for an older drawing, is an error.

Sessions start spread over one interval, so that they do not all draw at the same instant. A
session sends its next drawing on schedule, or as soon as its previous answer arrived if that
took longer ("late" sends: the server is saturated). Reported: errors, answers checked, the
latency from sending the drawing to the Prediction message (p50, p95, max) and to the end of the
run, the server's CPU (from /proc: per rerun and as a share of one core) and its RSS, and this
client's own CPU, so server and client costs are apart.

With --room CODE every session joins that room and sends every `--send-every`th drawing to it
(picks the digit the model read under "I drew", then presses Send, as a phone does); the report
then compares the sends the page confirmed with the drawings the room's database holds (reached
through DATABASE_URL or ROOMS_DB, as the page's): none lost, none doubled. With --phones the
sessions send an iPhone's or an Android's user agent, so the page gives them its phone layout, as
it gives a class's phones. A class in one room:

    python -m scripts.ws_load --url http://127.0.0.1:8501 --sessions 60 --interval 3 --room ACDE --send-every 4 --phones

Without --url it starts `streamlit run app.py` itself; with --url it drives a running server (or
a load balancer) and reads CPU and RSS only for the processes named by --server-pid.
"""

import argparse
import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scripts.browser import PHONES
from scripts.ws_client import Run, Session, png_data_url

PHONE_AGENTS = [phone["user_agent"] for phone in PHONES.values()]  # --phones: an iPhone's, an Android's
# The page's run marker (app.py, marker_ui): a hidden element whose data attributes name the source.
MARKER = re.compile(r'data-run="\d+" data-source="drawing with (\d+) strokes?" data-prediction="(\d)"')


@dataclass(frozen=True)
class Drawing:
    data_url: str
    expected: int  # what the NumPy trace predicts for it


def drawing_pool(size: int = 40) -> list[Drawing]:
    """`size` different scripted drawings, the digits in turn, with the prediction the page must
    show for each (computed here, without TF)."""
    from model.config import MODEL_PATH
    from model.drawn_digits import random_drawing, render
    from model.preprocess import to_model_input
    from model.trace import trace
    from model.weights_file import read_weights

    weights = read_weights(MODEL_PATH)
    pool = []
    for index in range(size):
        rgba = render(random_drawing(index % 10, np.random.default_rng(1000 + index // 10)))
        pool.append(Drawing(png_data_url(rgba), int(trace(to_model_input(rgba), weights).prediction)))
    return pool


@dataclass
class Tally:
    sent: int = 0
    checked: int = 0  # answers that showed this session's own drawing and its prediction
    late: int = 0  # sends that went out after their slot, because the previous answer came late
    errors: list[str] = field(default_factory=list)
    to_prediction_s: list[float] = field(default_factory=list)
    to_finished_s: list[float] = field(default_factory=list)
    sends_confirmed: int = 0  # drawings the page said were sent to the room
    send_s: list[float] = field(default_factory=list)  # pick + press, until the press's run finished
    send_reruns: int = 0  # a send is two runs of the page: the pick under "I drew", then the press


def answer_card(run: Run):
    """(arrival time, element) of the answer's card: "Prediction", or "Not sure" for a shaky answer
    (explain.verdict), which shows the same digit."""
    return run.first("metric", "Prediction") or run.first("metric", "Not sure")


def check(run: Run, drawing: Drawing, strokes: int) -> str | None:
    """None if the run answered this drawing; else what was wrong."""
    if run.status != "FINISHED_SUCCESSFULLY":
        return f"run ended {run.status}"
    if exceptions := run.texts("exception"):
        return f"exception on the page: {exceptions[0][:200]}"
    shown = answer_card(run)
    if shown is None:
        return "no answer card (Prediction or Not sure) in the answer"
    markers = [MARKER.search(text) for text in run.texts("html") if "data-run=" in text]
    if not markers or markers[0] is None:
        return f"no drawing's run marker in the answer: {run.texts('html')[-1:]}"
    marker_strokes, marker_prediction = int(markers[0].group(1)), int(markers[0].group(2))
    if (marker_strokes, marker_prediction, shown[1].text) != (strokes, drawing.expected, str(drawing.expected)):
        return (f"answer for another drawing: {marker_strokes} strokes, prediction {shown[1].text} "
                f"(sent {strokes} strokes, expected {drawing.expected})")
    return None


async def one_session(index: int, args, pool: list[Drawing], sends_per_session: int, start: float,
                      tally: Tally) -> None:
    await asyncio.sleep(index * args.interval / args.sessions)  # spread over one interval
    try:
        query = f"room={args.room}" if args.room else ""
        phone = PHONE_AGENTS[index % len(PHONE_AGENTS)] if args.phones else None
        async with Session(args.url, timeout_s=args.timeout, query=query, user_agent=phone) as session:
            await session.rerun()  # the page as a new visitor gets it
            first_slot = start + args.warmup + index * args.interval / args.sessions
            await asyncio.sleep(max(0.0, first_slot - time.perf_counter()))
            end = start + args.warmup + args.seconds
            k = 0
            while time.perf_counter() < end:
                drawing, strokes = pool[(index * sends_per_session + k) % len(pool)], k + 1
                tally.sent += 1
                run = await session.draw(drawing.data_url, strokes)
                problem = check(run, drawing, strokes)
                if problem:
                    tally.errors.append(f"session {index}, drawing {strokes}: {problem}")
                else:
                    tally.checked += 1
                    tally.to_prediction_s.append(answer_card(run)[0] - run.sent_at)
                    tally.to_finished_s.append(run.finished_at - run.sent_at)
                    if args.room and args.send_every and (k + 1) % args.send_every == 0:
                        await send_to_room(session, drawing, index, strokes, tally)
                k += 1
                next_slot = first_slot + k * args.interval
                if next_slot < time.perf_counter():
                    tally.late += 1
                await asyncio.sleep(max(0.0, next_slot - time.perf_counter()))
    except Exception as error:  # a lost connection or a timeout: counted, the other sessions go on
        tally.errors.append(f"session {index}: {type(error).__name__}: {error}")


async def send_to_room(session: Session, drawing: Drawing, index: int, strokes: int, tally: Tally) -> None:
    """Send the drawing on the canvas to the room, meant as what the model read; count the confirmation."""
    began = time.perf_counter()
    tally.send_reruns += 2
    run = await session.send_to_room(drawing.expected)
    if any(text.startswith(f"Sent: your {drawing.expected}") for text in run.texts("alert")):
        tally.sends_confirmed += 1
        tally.send_s.append(time.perf_counter() - began)
    else:
        tally.errors.append(f"session {index}, drawing {strokes}: not sent: {run.texts('alert')[-1:]}")


def room_drawings(code: str) -> int:
    """How many drawings the room's database holds (the page's DATABASE_URL or ROOMS_DB)."""
    from room import store
    rooms = store.Store(store.database_url())
    try:
        return len(rooms.room_summary(code).drawings)
    finally:
        rooms.close()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (all threads), from /proc/PID/stat."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def drive(args, pids: list[int]) -> dict:
    # One drawing per send, none repeated: a class does not draw the same pixels twice, and a
    # repeat would be served from the page's caches and cost the server less than a new digit.
    sends_per_session = int(args.seconds // args.interval) + 2
    pool = drawing_pool(args.sessions * sends_per_session)
    tally = Tally()
    start = time.perf_counter()
    rss_samples = []

    async def sample_rss():
        while True:
            rss_samples.append(rss_mb(pids))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_rss()) if pids else None
    sessions = [asyncio.create_task(one_session(i, args, pool, sends_per_session, start, tally)) for i in range(args.sessions)]
    await asyncio.sleep(max(0.0, start + args.warmup - 0.05 - time.perf_counter()))  # just before the first drawing
    cpu_before, client_before, window_start = cpu_seconds(pids) if pids else 0.0, time.process_time(), time.perf_counter()
    await asyncio.gather(*sessions)
    window = time.perf_counter() - window_start
    cpu_used = (cpu_seconds(pids) - cpu_before) if pids else float("nan")
    if sampler:
        sampler.cancel()
    reruns = tally.sent + tally.send_reruns  # a drawing is one rerun, a send two; all fall in the window
    return {"tally": tally, "window_s": window, "server_cpu_s": cpu_used, "reruns": reruns,
            "client_cpu_s": time.process_time() - client_before, "rss_mb": rss_samples}


def percentile_ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def report(args, result: dict) -> None:
    tally, reruns = result["tally"], result["reruns"]
    rss = result["rss_mb"] or [float("nan")]
    print(f"sessions {args.sessions}, {args.seconds:.0f} s, a drawing every {args.interval} s per session")
    print(f"  drawings sent {tally.sent}, answers checked (own drawing, right prediction) {tally.checked}, "
          f"errors {len(tally.errors)}, late sends {tally.late}")
    for error in tally.errors[:10]:
        print(f"    {error}")
    print(f"  drawing -> Prediction message: p50 {percentile_ms(tally.to_prediction_s, 50):.0f} ms, "
          f"p95 {percentile_ms(tally.to_prediction_s, 95):.0f} ms, max {percentile_ms(tally.to_prediction_s, 100):.0f} ms")
    print(f"  drawing -> run finished:       p50 {percentile_ms(tally.to_finished_s, 50):.0f} ms, "
          f"p95 {percentile_ms(tally.to_finished_s, 95):.0f} ms")
    print(f"  reruns answered {reruns} ({tally.sent} drawings, {tally.send_reruns} for sends) in "
          f"{result['window_s']:.0f} s ({reruns / result['window_s']:.1f}/s); "
          f"server CPU {result['server_cpu_s']:.1f} s = {100 * result['server_cpu_s'] / result['window_s']:.0f}% "
          f"of one core, {1000 * result['server_cpu_s'] / max(reruns, 1):.0f} ms per rerun")
    print(f"  server RSS start {rss[0]:.0f} MB, peak {max(rss):.0f} MB, end {rss[-1]:.0f} MB; "
          f"this client's CPU {result['client_cpu_s']:.1f} s "
          f"({1000 * result['client_cpu_s'] / max(reruns, 1):.0f} ms per rerun)")
    print(f"  all sessions saw only their own drawings: {tally.checked == tally.sent and not tally.errors}")
    if args.room:
        stored = room_drawings(args.room) - args.room_before
        print(f"  room {args.room}: sends confirmed {tally.sends_confirmed}, new drawings stored {stored} "
              f"(lost {max(0, tally.sends_confirmed - stored)}, doubled {max(0, stored - tally.sends_confirmed)}); "
              f"pick + send p50 {percentile_ms(tally.send_s, 50):.0f} ms, p95 {percentile_ms(tally.send_s, 95):.0f} ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120.0, help="how long every session keeps drawing")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between one session's drawings")
    parser.add_argument("--warmup", type=float, default=None,
                        help="seconds for all sessions to open the page before drawing (default: interval + 5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one answer")
    parser.add_argument("--url", help="a running server or load balancer (default: start app.py here)")
    parser.add_argument("--server-pid", type=int, nargs="*", default=[], help="with --url: pids to measure")
    parser.add_argument("--room", help="a room's code: every session joins it (and sends, with --send-every)")
    parser.add_argument("--send-every", type=int, default=4, help="with --room: send every Nth drawing (0: never)")
    parser.add_argument("--phones", action="store_true",
                        help="sessions say they are phones (iPhone and Android user agents): the phone layout")
    args = parser.parse_args(argv)
    args.warmup = args.interval + 5 if args.warmup is None else args.warmup
    args.room_before = room_drawings(args.room) if args.room else 0
    if args.url:
        report(args, asyncio.run(drive(args, args.server_pid)))
        return
    from scripts.browser import AppServer

    with AppServer(start_timeout_s=60) as server:
        args.url = server.url
        report(args, asyncio.run(drive(args, [server.process.pid])))


if __name__ == "__main__":
    main()
