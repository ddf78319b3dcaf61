"""A long session: python -m scripts.soak --cycles 300

One server, one browser page, hundreds of draw / play / clear cycles. Reports the server's RSS
after warm-up and at the end (growth must stay within 10%), and whether mouse-up -> prediction
latency drifts (median of the first and the last fifth of the cycles after warm-up).
"""

import argparse

from playwright.sync_api import sync_playwright

from scripts.browser import AppServer, launch_chromium, open_app
from scripts.sessions import RssSampler, SessionResult, draw_play_clear, known_drawings, median

MAX_RSS_GROWTH = 0.10


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30, help="cycles before the RSS baseline")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    drawings = known_drawings(50)
    result = SessionResult()
    rss_after_cycle = []
    with AppServer(start_timeout_s=60) as server, RssSampler(server.process.pid, every_s=2) as rss:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, args.chromium)
            page = open_app(browser, server.url, timeout_ms=120_000)
            for cycle in range(args.cycles):
                errors_before = len(result.errors)
                try:
                    draw_play_clear(page, drawings[cycle % len(drawings)], result)
                except Exception as error:  # count it, then carry on in a fresh page
                    result.errors.append(f"{type(error).__name__}: {error}".splitlines()[0])
                    page.close()
                    page = open_app(browser, server.url, timeout_ms=120_000)
                for error in result.errors[errors_before:]:
                    print(f"cycle {cycle + 1}: error: {error}", flush=True)
                rss_after_cycle.append(rss.read_mb())
                if (cycle + 1) % 50 == 0:
                    print(f"cycle {cycle + 1}: RSS {rss_after_cycle[-1]:.0f} MB, "
                          f"latency median so far {1000 * median(result.latencies_s):.0f} ms, "
                          f"errors {len(result.errors)}", flush=True)
            browser.close()

    baseline, end, peak = rss_after_cycle[args.warmup - 1], rss_after_cycle[-1], max(rss_after_cycle)
    growth = end / baseline - 1
    after_warmup = result.latencies_s[args.warmup:]
    fifth = max(1, len(after_warmup) // 5)
    first, last = 1000 * median(after_warmup[:fifth]), 1000 * median(after_warmup[-fifth:])
    print(f"cycles {args.cycles}, errors {len(result.errors)}")
    print(f"server RSS after {args.warmup} warm-up cycles {baseline:.0f} MB, at the end {end:.0f} MB "
          f"({growth:+.1%}), peak {peak:.0f} MB")
    print(f"mouse-up -> prediction median: first {fifth} cycles after warm-up {first:.0f} ms, "
          f"last {fifth} cycles {last:.0f} ms")
    raise SystemExit(1 if result.errors or growth > MAX_RSS_GROWTH else 0)


if __name__ == "__main__":
    main()
