"""Benchmarks, as medians over repeated runs: python -m scripts.benchmark [--only NAME ...]

- trace: one full NumPy trace of one drawing, beside Keras's model.predict and model(x) on the
  same single image;
- figure: building the playback figure (and the one-step figure) for one drawing; the first
  figure of a fresh process (what figures.warm_up now pays at model load instead of the first
  stroke); the playback GIF and its size;
- browser: a fresh server's start until healthy and until the page is interactive, its RSS
  with the model loaded, and mouse-up -> updated prediction in headless Chromium;
- server: what one `streamlit run app.py` process costs, read from /proc and measured through
  Streamlit's own websocket protocol (scripts/ws_client.py), without a browser: process start ->
  first page sent, CPU per stroke rerun on the default view, and RSS with 30 open sessions;
- views: the server's CPU per stroke rerun with each "what if" view open (a session opened on
  ?view=whatif or ?view=map, as a link opens it), beside the default view on the same server;
- room: one phone (a phone's user agent: the phone layout) in a room, on a server with a
  throwaway SQLite store: CPU per stroke, and per pick under "I drew" run as the browser runs it
  (the send panel's fragment alone) and as a whole page would.

Numbers on a shared 2-core machine are noisy, which is why this is a script that prints medians
and not a timed test.
"""

import argparse
import statistics
import time

import numpy as np


def median_ms(function, repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def a_drawn_input(digit: int = 7) -> np.ndarray:
    from model.drawn_digits import random_drawing, render
    from model.preprocess import to_model_input

    return to_model_input(render(random_drawing(digit, np.random.default_rng(0))))


def bench_trace(repeats: int) -> dict:
    from model.config import MODEL_PATH
    from model.network import load_model
    from model.trace import LstmWeights, trace

    model = load_model(MODEL_PATH)
    weights = LstmWeights.from_keras(model)
    image = a_drawn_input()
    batch = image[None]
    return {
        "NumPy trace, one drawing (all 28 steps, gates, states, readouts)":
            median_ms(lambda: trace(image, weights), repeats),
        "Keras model.predict, same image": median_ms(lambda: model.predict(batch, verbose=0), repeats // 10),
        "Keras model(x), same image": median_ms(lambda: model(batch, training=False), repeats // 10),
    }


def bench_figure(repeats: int) -> dict:
    import plotly.io as pio

    from model.config import MODEL_PATH
    from model.network import load_model
    from model.trace import LstmWeights, trace
    from page import figures
    from page.chart_spec import ChartSpec

    steps = trace(a_drawn_input(), LstmWeights.from_keras(load_model(MODEL_PATH)))
    first_started = time.perf_counter()
    figures.playback_figure(steps).to_json()
    first_ms = (time.perf_counter() - first_started) * 1000
    from page import export

    gif_kb = len(export.playback_gif(steps)) / 1024

    def as_sent() -> str:  # what st.plotly_chart puts on the wire for the page's playback
        return pio.to_json(ChartSpec(figures.playback_spec(steps)).to_dict(), validate=False)
    return {
        "first playback figure of a fresh process, built and serialised (cold)": first_ms,
        "playback GIF (28 frames, Pillow), built": median_ms(lambda: export.playback_gif(steps), repeats // 50),
        "playback GIF size": f"{gif_kb:.0f} KB",
        "playback figure (28 animation frames), built": median_ms(lambda: figures.playback_figure(steps),
                                                                  repeats // 10),
        "playback figure, built and serialised to JSON":
            median_ms(lambda: figures.playback_figure(steps).to_json(), repeats // 10),
        "one-step figure (gates, c_t, h_t), built": median_ms(lambda: figures.step_figure(steps, 14),
                                                              repeats // 10),
        "playback as the page sends it: spec dict, ChartSpec, JSON (no go.Figure)": median_ms(as_sent, repeats // 10),
        "... its JSON size": f"{len(as_sent()) / 1024:.0f} KB",
    }


def bench_browser(repeats: int) -> dict:
    """Cold starts of a fresh server, then mouse-up -> prediction for a run of drawings."""
    from playwright.sync_api import sync_playwright

    from scripts.browser import AppServer, launch_chromium, open_app
    from scripts.sessions import RssSampler, SessionResult, draw_play_clear, known_drawings

    starts, interactive, rss_loaded, result = [], [], [], SessionResult()
    drawings = known_drawings(20)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for attempt in range(3):
            started = time.perf_counter()
            with AppServer(start_timeout_s=60) as server:
                starts.append((time.perf_counter() - started) * 1000)
                page = open_app(browser, server.url, timeout_ms=120_000)  # waits for the first run
                interactive.append((time.perf_counter() - started) * 1000)
                with RssSampler(server.process.pid) as rss:
                    rss_loaded.append(rss.read_mb())
                    if attempt == 0:
                        for drawing in drawings:
                            draw_play_clear(page, drawing, result)
                page.close()
        browser.close()
    if result.errors:
        raise RuntimeError(f"browser benchmark saw errors: {result.errors}")
    return {
        "server start -> health endpoint answers (cold, 3 starts)": statistics.median(starts),
        "server start -> page interactive, first run done (cold)":
            statistics.median(interactive),
        f"mouse-up -> updated prediction in headless Chromium ({len(result.latencies_s)} drawings)":
            statistics.median(result.latencies_s) * 1000,
        "mouse-up -> whole page updated (playback and charts redrawn)":
            statistics.median(result.complete_s) * 1000,
        "server RSS with the model loaded, after the first page": f"{statistics.median(rss_loaded):.0f} MB",
    }


SERVER_STARTS, STROKE_BATCHES, STROKES_PER_BATCH, RSS_SESSIONS = 3, 5, 6, 30


async def stroke_cpu_ms(url: str, pid: int, pool, query: str = "") -> list[float]:
    """One session's strokes, each a new drawing (no cache hits): the server's CPU per stroke
    rerun, one figure per batch of STROKES_PER_BATCH (/proc counts in 10 ms ticks)."""
    from scripts.ws_client import Session
    from scripts.ws_load import cpu_seconds

    per_rerun = []
    async with Session(url, query=query) as session:
        await session.rerun()
        for stroke in range(2):  # warm-up: first imports and caches
            await session.draw(pool[stroke].data_url, stroke + 1)
        for batch in range(STROKE_BATCHES):
            before = cpu_seconds([pid])
            for k in range(STROKES_PER_BATCH):
                number = 2 + batch * STROKES_PER_BATCH + k
                await session.draw(pool[number % len(pool)].data_url, number + 1)
            per_rerun.append((cpu_seconds([pid]) - before) / STROKES_PER_BATCH * 1000)
    return per_rerun


def bench_server(repeats: int) -> dict:
    """A fresh server per start; then one session's strokes, then RSS_SESSIONS sessions at once.

    CPU is the server process's user + system time (all threads) from /proc, so it holds what a
    stroke costs Streamlit itself (reading the canvas state, sending the page) besides the script.
    /proc counts in 10 ms ticks, so CPU per rerun is a batch's total over its strokes, and the
    median is taken over batches.
    """
    import asyncio

    from scripts.browser import AppServer
    from scripts.ws_client import Session
    from scripts.ws_load import cpu_seconds, drawing_pool, rss_mb

    pool = drawing_pool()

    async def first_page(url: str) -> None:
        async with Session(url) as session:
            await session.rerun()

    async def many_sessions(url: str, pid: int) -> float:
        sessions = [Session(url) for _ in range(RSS_SESSIONS)]
        for index, session in enumerate(sessions):
            await session.__aenter__()
            await session.rerun()
            await session.draw(pool[index % len(pool)].data_url, 1)
        rss = rss_mb([pid])
        for session in sessions:
            await session.__aexit__(None, None, None)
        return rss

    ready_s, ready_cpu_s = [], []
    for attempt in range(SERVER_STARTS):
        started = time.perf_counter()
        with AppServer(start_timeout_s=60) as server:
            asyncio.run(first_page(server.url))
            ready_s.append(time.perf_counter() - started)
            ready_cpu_s.append(cpu_seconds([server.process.pid]))
            if attempt == 0:
                cpu_ms = asyncio.run(stroke_cpu_ms(server.url, server.process.pid, pool))
                rss = asyncio.run(many_sessions(server.url, server.process.pid))
    return {
        f"server start -> first page sent over the websocket (cold, {SERVER_STARTS} starts)":
            statistics.median(ready_s) * 1000,
        "... the server's CPU time by then (imports, model, first run; less sensitive to a busy machine)":
            statistics.median(ready_cpu_s) * 1000,
        f"server CPU per stroke rerun, default view (median of {STROKE_BATCHES} batches of "
        f"{STROKES_PER_BATCH}; all: {', '.join(f'{ms:.0f}' for ms in cpu_ms)})": statistics.median(cpu_ms),
        f"server RSS with {RSS_SESSIONS} sessions open, each having drawn once": f"{rss:.0f} MB",
    }


def bench_views(repeats: int) -> dict:
    """CPU per stroke rerun with each analysis view open, on one server, the default view first.

    A stroke with "Rows, what if" open traces the edited digit and (once per drawing, then
    cached) the 2 x 29 digits of the influence strip, and builds two figures; with "Where the
    state travels" open, it projects the path and builds the map.
    """
    import asyncio

    from scripts.browser import AppServer
    from scripts.ws_load import drawing_pool

    pool = drawing_pool()
    results = {}
    with AppServer(start_timeout_s=60) as server:
        for view, name in (("play", "Row by row (the default view)"), ("whatif", "Rows, what if"),
                           ("map", "Where the state travels")):
            cpu_ms = asyncio.run(stroke_cpu_ms(server.url, server.process.pid, pool, query=f"view={view}"))
            results[f"server CPU per stroke rerun, {name} open (median of {STROKE_BATCHES} batches of "
                    f"{STROKES_PER_BATCH}; all: {', '.join(f'{ms:.0f}' for ms in cpu_ms)})"] = statistics.median(cpu_ms)
    return results


def bench_room(repeats: int) -> dict:
    import asyncio
    import tempfile
    from pathlib import Path

    from room import store
    from scripts.browser import PHONES, AppServer
    from scripts.ws_client import Session
    from scripts.ws_load import cpu_seconds, drawing_pool

    pool = drawing_pool()
    database = Path(tempfile.mkdtemp(prefix="bench-room-")) / "rooms.sqlite3"
    code = store.Store(f"sqlite:///{database}").create_room().code

    async def costs(url: str, pid: int) -> dict:
        async with Session(url, query=f"room={code}", user_agent=PHONES["iphone"]["user_agent"]) as session:
            await session.rerun()
            for stroke in range(3):  # warm-up
                await session.draw(pool[stroke].data_url, stroke + 1)

            async def per_run_ms(run_once, count: int = 20) -> float:
                before = cpu_seconds([pid])
                for k in range(count):
                    await run_once(k)
                return (cpu_seconds([pid]) - before) / count * 1000

            stroke_ms = await per_run_ms(lambda k: session.draw(pool[(3 + k) % len(pool)].data_url, 4 + k))
            canvas, meant = {session.canvas_id: session.canvas}, session.widget_ids["room_meant"]
            picks = {}
            for fragment, name in ((session.fragment_ids["room_meant"], "the send panel alone (as the browser asks)"),
                                   ("", "the whole page")):
                picks[name] = await per_run_ms(lambda k: session.rerun(canvas, {meant: [str(k % 10)]},
                                                                       fragment=fragment))
            return {"server CPU per stroke, a phone in a room (20 strokes)": stroke_ms,
                    **{f"server CPU per pick under 'I drew', run as {name} (20 picks)": ms for name, ms in picks.items()}}

    with AppServer(start_timeout_s=60, env={"ROOMS_DB": str(database)}) as server:
        return asyncio.run(costs(server.url, server.process.pid))


BENCHMARKS = {"trace": bench_trace, "figure": bench_figure, "browser": bench_browser, "server": bench_server,
              "views": bench_views, "room": bench_room}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=sorted(BENCHMARKS))
    parser.add_argument("--repeats", type=int, default=500)
    args = parser.parse_args(argv)
    for name in args.only:
        print(f"## {name}")
        for label, value in BENCHMARKS[name](args.repeats).items():
            print(f"{value:10.2f} ms  {label}" if isinstance(value, float) else f"{value:>10}  {label}")


if __name__ == "__main__":
    main()
