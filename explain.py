"""The words and equations set beside the charts, every number taken from a trace or from
metrics.json: probabilities for people, the LSTM equations filled in with one step's figures,
and the answer to "why the final output?"."""

import numpy as np

from model.trace import Trace


def percent(probability: float) -> str:
    """A probability for people: one decimal, without rounding a near-certainty up to 100%."""
    return "over 99.9%" if probability > 0.999 else f"{probability:.1%}"


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
