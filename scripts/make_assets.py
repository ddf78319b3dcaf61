"""Make the pictures the README shows: MNIST_DIR=... python -m scripts.make_assets

Starts the app on a free port, draws a 7 with the mouse in headless Chromium (the helpers of
scripts/browser.py) and writes to assets/:

    overview.png          the page after the drawing: canvas, input, prediction, playback
    step_up_close.png     one step's gates and states beside the LSTM equations
    why_final_output.png  the "why the final output?" tab, with this model's numbers
    gallery.png           MNIST test digits that decide late (only when MNIST_DIR is set)
    playback.gif          the playback, one frame per row read
    presenter.png         presenter mode on a 1280 x 720 projector, the playback at step 16
    phone.png             the phone layout (390 x 844) right after drawing
    rows_what_if.png      "Rows, what if": the 7 without rows 7-11 (its top bar) beside the
                          original, and the row-influence strip
    state_map.png         "Where the state travels": the 7's path over the map of the test digits'
                          hidden states, at step 16

`--only whatif` makes just those two.

`--only room` makes just those two.

    wall.png              a room's wall on a 1280 x 720 projector, after 30 scripted drawings
                          (scripts/room_demo.py) were sent to it (`--only wall`)

The GIF is scaled down and shares one 256-colour palette across its frames, so that all the
pictures together stay well under 2 MB. Needs Chromium (/usr/bin/chromium, or $CHROMIUM).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

from model.drawn_digits import random_drawing
from room import store
from scripts import browser as app_browser
from scripts.room_demo import room_drawings

ASSETS = app_browser.REPO / "assets"
VIEWPORT = {"width": 1280, "height": 1700}
DRAWING = (7, 3)  # digit and seed of the drawing shown: a 7 that looks like other digits for a while
GIF_WIDTH = 760
GIF_FRAME_MS, GIF_LAST_FRAME_MS = 250, 2500
SPEED_FOR_CAPTURE = 800  # ms per step while capturing, so that no frame is missed
WALL_VIEWPORT = {"width": 1280, "height": 720}
BLANKED = (7, 11)  # the rows taken from the README's 7 in "Rows, what if": its top bar
WALL_DRAWINGS, WALL_SEED = 30, 1
WALL_PUBLIC_URL = "http://classroom.example:8501"  # the join link shown, as PUBLIC_URL would set it


def save_png(png: bytes, path: Path) -> None:
    Image.open(io.BytesIO(png)).convert("RGB").save(path, optimize=True)
    print(f"wrote {path.relative_to(app_browser.REPO)} ({path.stat().st_size // 1024} KB)")


def clip_between(page, top_selector: str, bottom_selector: str, margin: int = 16) -> dict:
    """A full-width clip from the top of one element to the bottom of another."""
    top = page.locator(top_selector).first.bounding_box()
    bottom = page.locator(bottom_selector).first.bounding_box()
    y = max(0, top["y"] - margin)
    return {"x": 0, "y": y, "width": VIEWPORT["width"], "height": bottom["y"] + bottom["height"] + margin - y}


def capture_playback(page) -> list[Image.Image]:
    """Slow the playback down, press Play and screenshot the chart once per step."""
    speed = page.locator(".st-key-speed input[type='range']")
    app_browser.next_run(page, lambda: (speed.focus(), speed.press("End")))
    app_browser.wait_for_playback(page)
    assert "800" in page.locator(".st-key-speed").inner_text(), "speed slider did not move"
    chart = page.locator(".st-key-playback")
    frames: dict[int, Image.Image] = {}
    app_browser.press_play(page)
    page.mouse.move(0, 0)  # no hover labels in the pictures
    deadline = time.monotonic() + 28 * SPEED_FOR_CAPTURE / 1000 + 20
    while len(frames) < 28 and time.monotonic() < deadline:
        step = app_browser.playback_step(page)
        if step is not None and step not in frames and (frames or step == 1):
            frames[step] = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
        time.sleep(0.05)
    missing = sorted(set(range(1, 29)) - set(frames))
    if missing:
        raise RuntimeError(f"steps {missing} were not captured; try a slower SPEED_FOR_CAPTURE")
    return [frames[step] for step in sorted(frames)]


def save_gif(frames: list[Image.Image], path: Path) -> None:
    height = round(frames[0].height * GIF_WIDTH / frames[0].width)
    small = [frame.resize((GIF_WIDTH, height), Image.Resampling.LANCZOS) for frame in frames]
    # One palette for all frames, taken from a strip of every fourth frame so that it holds the
    # colours each step shows; octree keeps small areas of colour, such as the thin lines.
    sample = small[::4] + small[-1:]
    strip = Image.new("RGB", (GIF_WIDTH, height * len(sample)))
    for index, frame in enumerate(sample):
        strip.paste(frame, (0, index * height))
    palette = strip.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    paletted = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in small]
    durations = [GIF_FRAME_MS] * (len(paletted) - 1) + [GIF_LAST_FRAME_MS]
    paletted[0].save(path, save_all=True, append_images=paletted[1:], duration=durations, loop=0,
                     optimize=True)
    print(f"wrote {path.relative_to(app_browser.REPO)} ({path.stat().st_size // 1024} KB)")


def page_assets(chromium, url: str) -> None:
    """The laptop layout: overview, one step up close, why the final output, the playback GIF."""
    digit, seed = DRAWING
    page = app_browser.open_app(chromium, f"{url}/?t=16", viewport=VIEWPORT, timeout_ms=180_000)
    draw(page, digit, seed)
    page.mouse.move(0, 0)
    time.sleep(0.5)  # let the charts finish their first paint
    save_png(page.screenshot(clip=clip_between(page, "h1", ".st-key-playback")), ASSETS / "overview.png")

    app_browser.open_tab(page, "One step up close")
    page.locator(".st-key-step input[type='range']").wait_for(state="attached")
    time.sleep(0.5)
    save_png(page.screenshot(clip=clip_between(page, "[data-testid='stTab']:has-text('Row by row')",
                                               "[data-testid='stCaptionContainer']:has-text('Gates:')")),
             ASSETS / "step_up_close.png")

    app_browser.open_tab(page, "Why the final output?")
    page.locator("[data-testid='stTable']").wait_for()
    time.sleep(0.5)
    tabs = "[data-testid='stTab']:has-text('Row by row')"
    why = clip_between(page, tabs, "[data-testid='stTable']")
    save_png(page.screenshot(clip=why), ASSETS / "why_final_output.png")

    app_browser.open_tab(page, "Row by row")
    save_gif(capture_playback(page), ASSETS / "playback.gif")


def whatif_assets(chromium, url: str) -> None:
    """The two "what if" views on a laptop, for the README's "What you are looking at"."""
    digit, seed = DRAWING
    page = app_browser.open_app(chromium, f"{url}/?t=16&view=whatif", viewport=VIEWPORT, timeout_ms=180_000)
    draw(page, digit, seed, playback=False)
    thumbs = page.locator(".st-key-rows_blanked input[type='range']")
    for thumb, presses in ((thumbs.nth(0), 18 - BLANKED[0]), (thumbs.nth(1), 22 - BLANKED[1])):
        for _ in range(presses):  # from the default band, 18-22, one row at a time
            app_browser.next_run(page, lambda: thumb.press("ArrowLeft"))
    page.locator(".st-key-whatif_influence .js-plotly-plot").wait_for(timeout=60_000)
    tabs = page.locator("[data-testid='stTab']:has-text('Row by row')")
    save_png(page.screenshot(clip=view_clip(page, tabs, ".st-key-influence_sentence")), ASSETS / "rows_what_if.png")
    app_browser.open_tab(page, "Where the state travels")
    page.locator(".st-key-state_map .js-plotly-plot").wait_for(timeout=60_000)
    save_png(page.screenshot(clip=view_clip(page, tabs, ".st-key-map_sentence")), ASSETS / "state_map.png")


def view_clip(page, tabs, bottom_selector: str, margin: int = 16) -> dict:
    """The analysis tabs down to an element, scrolled to the top of Streamlit's own scrolling
    container first (a clip beyond the window shows nothing), without the sidebar."""
    tabs.first.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.mouse.move(0, 0)  # no hover labels in the pictures
    time.sleep(0.8)  # let the charts finish their first paint
    top, bottom = tabs.first.bounding_box(), page.locator(bottom_selector).first.bounding_box()
    x, y = max(0, top["x"] - margin), max(0, top["y"] - margin)
    return {"x": x, "y": y, "width": VIEWPORT["width"] - x - margin,
            "height": bottom["y"] + bottom["height"] + margin - y}


def gallery_asset(chromium, url: str) -> None:
    page = app_browser.open_app(chromium, url, viewport=VIEWPORT, timeout_ms=180_000)
    app_browser.open_tab(page, "MNIST test digits", timeout_ms=180_000)
    app_browser.next_run(page, page.get_by_text("Late deciders", exact=True).click)
    app_browser.next_run(page, page.get_by_role("button", name="#").nth(1).click)
    app_browser.wait_for_playback(page)
    page.mouse.move(0, 0)
    time.sleep(0.5)
    save_png(page.screenshot(clip=clip_between(page, "[data-testid='stTab']:has-text('Draw')",
                                               ".st-key-playback")), ASSETS / "gallery.png")


def room_assets(chromium, url: str) -> None:
    """The page as a room sees it: presenter mode on a projector, and a phone after a stroke."""
    digit, seed = DRAWING
    projector = chromium.new_context(**app_browser.PROJECTOR)
    page = app_browser.open_app(projector, f"{url}/?mode=present&t=16", timeout_ms=180_000)
    draw(page, digit, seed)
    page.mouse.move(0, 0)
    time.sleep(0.5)
    save_png(page.screenshot(), ASSETS / "presenter.png")
    projector.close()
    phone = chromium.new_context(**(app_browser.PHONE | {"device_scale_factor": 1}))
    page = app_browser.open_app(phone, url, timeout_ms=180_000)
    draw(page, digit, seed)
    time.sleep(0.5)
    save_png(page.screenshot(), ASSETS / "phone.png")
    phone.close()


def draw(page, digit: int, seed: int, playback: bool = True) -> None:
    """Draw the README's digit and wait until the whole page (the playback too, when it is the
    open view) shows it."""
    shown = app_browser.draw_digit(page, random_drawing(digit, np.random.default_rng(seed)).strokes,
                                   timeout_ms=60_000, selector=app_browser.RUN_MARKER)
    if shown != str(digit):
        raise RuntimeError(f"drew a {digit}, the page predicts {shown}")
    if playback:
        app_browser.wait_for_playback(page, timeout_ms=60_000)


def capture_wall(chromium_path: str, path: Path) -> None:
    """Send scripted drawings to a new room (through the store, one session each) in a fresh
    SQLite file, then photograph its wall as a projector shows it, on a server of its own."""
    database = Path(tempfile.mkdtemp(prefix="wall-asset-")) / "rooms.sqlite3"
    rooms = store.Store(f"sqlite:///{database}")
    code = rooms.create_room().code
    for number, drawing in enumerate(room_drawings(WALL_DRAWINGS, seed=WALL_SEED)):
        rooms.add_drawing(code, f"phone-{number}", **drawing.as_arguments())
    rooms.close()
    env = {"ROOMS_DB": str(database), "DATABASE_URL": "", "PUBLIC_URL": WALL_PUBLIC_URL}
    with app_browser.AppServer(env=env, start_timeout_s=60) as server, sync_playwright() as playwright:
        chromium = app_browser.launch_chromium(playwright, chromium_path)
        page = chromium.new_page(viewport=WALL_VIEWPORT)
        page.goto(f"{server.url}/?room={code}&view=wall")
        page.wait_for_function("(wanted) => document.querySelectorAll(\"[class*='st-key-wall_drawing_']\").length"
                               " >= wanted", arg=min(WALL_DRAWINGS, 10), timeout=120_000)
        page.locator(".st-key-wall_chart .js-plotly-plot").wait_for(timeout=60_000)
        page.mouse.move(0, 0)
        time.sleep(1.0)  # let the chart and the tiles finish their first paint
        # Between two refreshes: while the fragment reruns, Streamlit fades its elements (data-stale).
        page.wait_for_function("() => document.querySelectorAll('[data-stale=\"true\"]').length === 0",
                               polling="raf", timeout=60_000)
        save_png(page.screenshot(), path)
        chromium.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--only", choices=("page", "gallery", "room", "wall", "whatif"), nargs="+",
                        default=("page", "gallery", "room", "wall", "whatif"))
    args = parser.parse_args(argv)
    ASSETS.mkdir(exist_ok=True)
    if "wall" in args.only:
        capture_wall(args.chromium, ASSETS / "wall.png")
    if not set(args.only) - {"wall"}:
        return
    env = {"MNIST_DIR": os.environ["MNIST_DIR"]} if os.environ.get("MNIST_DIR") else {}
    with app_browser.AppServer(env=env, start_timeout_s=60) as server, sync_playwright() as playwright:
        chromium = app_browser.launch_chromium(playwright, args.chromium)
        if "page" in args.only:
            page_assets(chromium, server.url)
        if "gallery" in args.only and env:  # a fresh session, at the default playback speed
            gallery_asset(chromium, server.url)
        elif "gallery" in args.only:
            print("MNIST_DIR is not set: no gallery.png", file=sys.stderr)
        if "room" in args.only:
            room_assets(chromium, server.url)
        if "whatif" in args.only:
            whatif_assets(chromium, server.url)
        chromium.close()


if __name__ == "__main__":
    main()
