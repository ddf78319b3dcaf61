"""Serving: the page runs without TensorFlow, in a process of its own, as a server would."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter: this test process has TensorFlow loaded by other tests already.
SERVE_ONE_DRAWING = textwrap.dedent("""
    import sys
    import numpy as np
    from streamlit.testing.v1 import AppTest
    sys.path.insert(0, "tests")
    from test_app import draw, prediction
    from model.drawn_digits import random_drawing, render

    at = draw(AppTest.from_file("app.py", default_timeout=60).run(),
              render(random_drawing(7, np.random.default_rng(0))))
    assert not at.exception, at.exception
    print("prediction", prediction(at))
    print("loaded", *sorted({name.split(".")[0] for name in sys.modules} & {"tensorflow", "keras", "jax", "torch"}))
""")


def test_the_page_predicts_without_importing_tensorflow():
    result = subprocess.run([sys.executable, "-c", SERVE_ONE_DRAWING], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "prediction 7" in lines
    assert lines[-1] == "loaded", f"the page imported a framework: {lines[-1]}"
