"""Many users at once: python -m scripts.load_test --sessions 1 5 10

For each N, starts the app, opens N real browser sessions (Playwright + Debian's Chromium, one
page each, each in its own thread and browser), lets them all draw, play and clear several
digits at the same time, and reports errors (must be 0), mouse-up -> prediction median and
p95, and the server's RSS over the run. Each session checks that the page shows the digit it
drew itself, so a session that saw another's drawing would count as an error.

The browsers share this machine's two cores with the server, so the latencies include their
own rendering load; they are an upper bound for real users on their own machines. To tell the
two sides apart, the run's CPU time is reported twice (from /proc): the server's, per drawing,
and everything else the machine did meanwhile (the browsers, this driver), per drawing.
"""

import argparse
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.browser import AppServer, launch_chromium, open_app
from scripts.sessions import RssSampler, SessionResult, draw_play_clear, known_drawings, median, percentile
from scripts.ws_load import cpu_seconds

# Generous: with ten browsers and the server on two cores, each browser waits its turn to draw.
STROKE_TIMEOUT_MS = 60_000


@dataclass
class LoadReport:
    sessions: int
    drawings: int
    errors: list[str]
    median_ms: float
    p95_ms: float
    complete_median_ms: float
    rss_start_mb: float
    rss_peak_mb: float
    rss_end_mb: float
    server_cpu_s: float
    machine_cpu_s: float  # every process on the machine, the server included

    def row(self) -> str:
        per_drawing = 1000 / max(self.drawings, 1)
        return (f"| {self.sessions} | {self.drawings} | {len(self.errors)} | {self.median_ms:.0f} | "
                f"{self.p95_ms:.0f} | {self.complete_median_ms:.0f} | {self.server_cpu_s * per_drawing:.0f} | "
                f"{(self.machine_cpu_s - self.server_cpu_s) * per_drawing:.0f} | {self.rss_start_mb:.0f} | "
                f"{self.rss_peak_mb:.0f} | {self.rss_end_mb:.0f} |")


HEADER = ("| sessions | drawings | errors | mouse-up -> prediction median (ms) | p95 (ms) | "
          "whole page updated, median (ms) | server CPU per drawing (ms) | browsers and driver CPU per "
          "drawing (ms) | server RSS start (MB) | peak (MB) | end (MB) |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (user, nice, system, irq, softirq), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_session(index: int, url: str, chromium: str, drawings, barrier, result: SessionResult) -> None:
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, chromium)
            page = open_app(browser, url, timeout_ms=120_000)
            barrier.wait(timeout=180)  # everyone opens the page first, then all draw at once
            for drawing in drawings:
                draw_play_clear(page, drawing, result, timeout_ms=STROKE_TIMEOUT_MS)
            browser.close()
    except Exception as error:  # a timeout or a crash is an error of the run, not of the script
        result.errors.append(f"session {index}: {type(error).__name__}: {error}".splitlines()[0])


def run_load(sessions: int, digits: int, chromium: str = "/usr/bin/chromium") -> LoadReport:
    drawings = known_drawings(sessions * digits)
    results = [SessionResult() for _ in range(sessions)]
    with AppServer(start_timeout_s=60) as server, RssSampler(server.process.pid) as rss:
        rss_start = rss.read_mb()
        cpu_at_start = {}  # taken once every page is open, so that opening them (and the server's
        # first imports) is not counted as the drawings' cost

        def all_pages_open() -> None:
            cpu_at_start.update(server=cpu_seconds([server.process.pid]), machine=machine_cpu_seconds())

        barrier = threading.Barrier(sessions, action=all_pages_open)
        threads = [
            threading.Thread(target=run_session, args=(i, server.url, chromium,
                                                       drawings[i * digits:(i + 1) * digits], barrier, results[i]))
            for i in range(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server_cpu = cpu_seconds([server.process.pid]) - cpu_at_start.get("server", 0.0)
        machine_cpu = machine_cpu_seconds() - cpu_at_start.get("machine", 0.0)
        rss_end = rss.read_mb()
    latencies_ms = [s * 1000 for result in results for s in result.latencies_s]
    return LoadReport(
        sessions=sessions, drawings=sum(result.drawn for result in results),
        errors=[error for result in results for error in result.errors],
        median_ms=median(latencies_ms), p95_ms=percentile(latencies_ms, 95),
        complete_median_ms=median([s * 1000 for result in results for s in result.complete_s]),
        rss_start_mb=rss_start, rss_peak_mb=max(rss.samples_mb, default=rss_end), rss_end_mb=rss_end,
        server_cpu_s=server_cpu, machine_cpu_s=machine_cpu,
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--digits", type=int, default=5, help="drawings per session")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    print(HEADER, flush=True)
    failed = False
    for sessions in args.sessions:
        report = run_load(sessions, args.digits, args.chromium)
        print(report.row(), flush=True)
        for error in report.errors:
            print(f"  error: {error}", flush=True)
        failed |= bool(report.errors)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
