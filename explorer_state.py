"""What the page needs besides figures, kept free of Streamlit so that it can be tested directly:
checking that metrics.json belongs to the model file, summarising the MNIST test set for the
gallery, picking gallery digits, and the words and numbers set beside the charts (the LSTM
equations with one step's figures, the answer to "why the final output?")."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.data import to_unit_float
from model.trace import LstmWeights, Trace, decision_step, trace

METRICS_KEYS = ("model", "test_accuracy", "chance_accuracy", "readout_accuracy_per_step",
                "probe_accuracy_per_step", "readout_alternatives", "decision_step")
SUMMARY_CHUNK = 2_000  # test images traced at a time: bounds memory to about 150 MB
GALLERY_SIZE = 8  # thumbnails per gallery page
LATE_DECIDER_STEP = 25  # "late deciders" settle on their answer at this step or later
THUMBNAIL_SCALE = 3  # 28 px -> 84 px, pixels kept sharp


@dataclass(frozen=True)
class MetricsCheck:
    metrics: dict | None  # the metrics, when they describe this very model file
    problem: str | None  # otherwise why not, in words for the page


def check_metrics(metrics_path, model_sha256: str) -> MetricsCheck:
    """metrics.json if it exists, parses, has the expected keys and names this model's sha256."""
    metrics_path = Path(metrics_path)
    if not metrics_path.exists():
        return MetricsCheck(None, f"{metrics_path.name} is missing.")
    try:
        metrics = json.loads(metrics_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return MetricsCheck(None, f"{metrics_path.name} cannot be read ({error}).")
    missing = [key for key in METRICS_KEYS if not isinstance(metrics, dict) or key not in metrics]
    if missing:
        return MetricsCheck(None, f"{metrics_path.name} lacks {', '.join(missing)}.")
    if metrics["model"].get("sha256") != model_sha256:
        return MetricsCheck(None, f"{metrics_path.name} was measured on a different model file "
                                  "(its sha256 does not match).")
    return MetricsCheck(metrics, None)


@dataclass(frozen=True)
class TestSetSummary:
    """The model's verdict on every test image; the traces themselves are not kept (1 GB)."""

    labels: np.ndarray  # (N,) true digits
    predictions: np.ndarray  # (N,) the readout's argmax at the last step
    confidences: np.ndarray  # (N,) probability of the prediction
    decision_steps: np.ndarray  # (N,) step from which the prediction no longer changes

    __test__ = False  # not a pytest test class, despite the name


def summarise_test_set(images: np.ndarray, labels: np.ndarray, weights: LstmWeights) -> TestSetSummary:
    """Trace uint8 images (N, 28, 28) in chunks and keep only what the gallery sorts by."""
    predictions, confidences, steps = [], [], []
    for start in range(0, len(images), SUMMARY_CHUNK):
        probabilities = trace(to_unit_float(images[start : start + SUMMARY_CHUNK]),
                              weights).step_probabilities  # (n, T, classes)
        predictions.append(probabilities[:, -1].argmax(-1))
        confidences.append(probabilities[:, -1].max(-1))
        steps.append(decision_step(probabilities))
    return TestSetSummary(np.asarray(labels), np.concatenate(predictions), np.concatenate(confidences),
                          np.concatenate(steps))


GALLERY_KINDS = ("Random", "By digit", "Misread", "Late deciders")


def gallery_indices(summary: TestSetSummary, kind: str, digit: int = 0, page: int = 0,
                    count: int = GALLERY_SIZE) -> np.ndarray:
    """Test-set indices for one gallery page: random (the page number seeds the draw), one
    digit's, misread (most confident mistakes first) or late deciders, in test-set order."""
    if kind == "Random":
        return np.random.default_rng(page).choice(len(summary.labels), size=count, replace=False)
    if kind == "By digit":
        pool = np.flatnonzero(summary.labels == digit)
    elif kind == "Misread":
        misread = np.flatnonzero(summary.predictions != summary.labels)
        pool = misread[np.argsort(-summary.confidences[misread], kind="stable")]
    elif kind == "Late deciders":
        pool = np.flatnonzero(summary.decision_steps >= LATE_DECIDER_STEP)
    else:
        raise ValueError(f"unknown gallery kind {kind!r}; expected one of {GALLERY_KINDS}")
    if len(pool) == 0:
        return pool
    start = (page * count) % len(pool)
    return np.take(pool, np.arange(start, start + min(count, len(pool))), mode="wrap")


def percent(probability: float) -> str:
    """A probability for people: one decimal, without rounding a near-certainty up to 100%."""
    return "over 99.9%" if probability > 0.999 else f"{probability:.1%}"


def thumbnail(image: np.ndarray, scale: int = THUMBNAIL_SCALE) -> np.ndarray:
    """A uint8 image enlarged by pixel repetition, so that the browser shows sharp pixels."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def step_numbers(trace_: Trace, t: int) -> dict:
    """The figures quoted beside the LSTM equations for step t (1-based)."""
    i, f, g, o = (trace_.input_gates[t - 1], trace_.forget_gates[t - 1], trace_.candidates[t - 1],
                  trace_.output_gates[t - 1])
    c, h = trace_.cell_states[t - 1], trace_.hidden_states[t - 1]
    c_prev = trace_.cell_states[t - 2] if t > 1 else np.zeros_like(c)
    probabilities = trace_.step_probabilities[t - 1]
    leader = int(probabilities.argmax())
    return {
        "units": len(h),
        "ink": float(trace_.inputs[t - 1].sum()),  # how much ink row t carries
        "mean_i": float(i.mean()), "writing": int((i > 0.5).sum()),
        "mean_f": float(f.mean()), "forgetting": int((f < 0.5).sum()),
        "mean_abs_g": float(np.abs(g).mean()),
        "mean_o": float(o.mean()), "showing": int((o > 0.5).sum()),
        "c_change": float(np.abs(c - c_prev).mean()), "max_abs_c": float(np.abs(c).max()),
        "mean_abs_h": float(np.abs(h).mean()),
        "leader": leader, "leader_probability": float(probabilities[leader]),
    }


def step_equations(numbers: dict) -> str:
    """The LSTM equations in LaTeX, each beside the figure that step_numbers measured for it."""
    n = numbers
    return (r"\begin{aligned}"
            rf"i_t &= \sigma(W_i x_t + U_i h_{{t-1}} + b_i) && \text{{mean }} {n['mean_i']:.2f},"
            rf"\ {n['writing']} \text{{ open}} \\"
            rf"f_t &= \sigma(W_f x_t + U_f h_{{t-1}} + b_f) && {n['forgetting']} \text{{ forgetting}}"
            r"\ (f < \tfrac12) \\"
            rf"g_t &= \tanh(W_g x_t + U_g h_{{t-1}} + b_g) && \text{{mean }} |g_t| = {n['mean_abs_g']:.2f} \\"
            rf"o_t &= \sigma(W_o x_t + U_o h_{{t-1}} + b_o) && {n['showing']} \text{{ open}} \\"
            rf"c_t &= f_t \odot c_{{t-1}} + i_t \odot g_t && \text{{mean }} |c_t - c_{{t-1}}| = "
            rf"{n['c_change']:.2f} \\"
            rf"h_t &= o_t \odot \tanh(c_t) && \text{{mean }} |h_t| = {n['mean_abs_h']:.2f} \\"
            rf"p_t &= \operatorname{{softmax}}(V h_t + b_V) && \text{{leader }} {n['leader']} "
            rf"\text{{ at }} {100 * n['leader_probability']:.1f}\%"
            r"\end{aligned}")


def why_takeaways(metrics: dict) -> str:
    """The answer to "why the final output?" in plain words, every number from metrics.json."""
    readout, probes = metrics["readout_accuracy_per_step"], metrics["probe_accuracy_per_step"]
    last = len(readout)
    half = last // 2
    alternatives = [row["accuracy"] for row in metrics.get("readout_alternatives", [])]
    span = (f" They score from {min(alternatives):.2%} to {max(alternatives):.2%}."
            if alternatives else "")
    return (
        f"- **Only the last state has read every row.** A logistic regression fitted to $h_{{{half}}}$, "
        f"after {half} of {last} rows, reads {probes['h'][half - 1]:.1%} of test digits correctly; fitted "
        f"to $h_{{{last}}}$, {probes['h'][-1]:.1%}. Half a digit can be ambiguous: the median test digit's "
        f"prediction settles only at step {metrics['decision_step']['median']:.0f}.\n"
        f"- **The readout speaks only the last state's language.** It is a logistic regression trained on "
        f"$h_{{{last}}}$ alone. Applied to $h_{{{half}}}$ it gets {readout[half - 1]:.1%} right, against "
        f"{probes['h'][half - 1]:.1%} for a regression fitted to $h_{{{half}}}$ itself: earlier states "
        f"hold the information in a code the readout was never taught. Chance is "
        f"{metrics['chance_accuracy']:.1%}.\n"
        f"- **Training made $h_{{{last}}}$ the summary.** The loss reached every step only through "
        f"$h_{{{last}}}$, so the LSTM learned to carry what matters to the end. The table below refits a "
        f"logistic regression on other candidates at the last step.{span}")
