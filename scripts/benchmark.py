"""Benchmarks, as medians over repeated runs: python -m scripts.benchmark [--only NAME ...]

- trace: one full NumPy trace of one drawing, beside Keras's model.predict and model(x) on the
  same single image;
- figure: building the playback figure for one drawing;
- browser: mouse-up -> updated prediction in headless Chromium, and server cold start;
- memory: server RSS with the model loaded.

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


BENCHMARKS = {"trace": bench_trace}


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
