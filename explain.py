"""The words and equations set beside the charts, every number taken from a trace or from
metrics.json: probabilities for people, the LSTM equations filled in with one step's figures,
and the answer to "why the final output?"."""

from dataclasses import dataclass

import numpy as np

from model.trace import Trace

# The model is "not sure" when its answer has less than this probability ...
SURE_PROBABILITY = 0.8
# ... or when it settled on it only this few rows before the end (e.g. at step 25 or later of 28).
LATE_ROWS = 4


def percent(probability: float) -> str:
    """A probability for people: one decimal, without rounding a near-certainty up to 100%."""
    return "over 99.9%" if probability > 0.999 else f"{probability:.1%}"


def runner_up_words(probabilities: np.ndarray) -> str:
    """The second choice in words: "Runner-up: 4 at 12.3%", or that there is none worth naming."""
    runner_up = int(np.argsort(probabilities)[-2])
    if probabilities[runner_up] < 0.0005:
        return "No runner-up: every other digit is below 0.1%."
    return f"Runner-up: {runner_up} at {percent(probabilities[runner_up])}."


@dataclass(frozen=True)
class Verdict:
    """How the page states the model's answer."""

    sure: bool
    headline: str  # the card's label: "Prediction" or "Not sure"
    words: str  # "98.1% probability" or "maybe 7 (55%) or 2 (40%)"


def verdict(probabilities: np.ndarray, decision_step: int, steps: int) -> Verdict:
    """Say the answer as surely as the model holds it. Unsure when the top probability is below
    SURE_PROBABILITY, or when the answer settled only in the last LATE_ROWS rows."""
    order = np.argsort(probabilities)[::-1]
    first, second = int(order[0]), int(order[1])
    p_first, p_second = float(probabilities[first]), float(probabilities[second])
    settled_late = decision_step > steps - LATE_ROWS
    if p_first >= SURE_PROBABILITY and not settled_late:
        return Verdict(True, "Prediction", f"{percent(p_first)} probability")
    if p_first < SURE_PROBABILITY:
        words = f"maybe {first} ({p_first:.0%}) or {second} ({p_second:.0%})"
    else:
        words = f"{first} ({p_first:.0%}), but only since row {decision_step} of {steps}"
    return Verdict(False, "Not sure", words)


def step_caption(trace_: Trace, t: int) -> str:
    """What the playback shows at step t, in one line a room can read."""
    probabilities = trace_.step_probabilities[t - 1]
    leader = int(probabilities.argmax())
    return f"Step {t}: reading row {t} - the readout says {leader}, {probabilities[leader]:.0%}"


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
