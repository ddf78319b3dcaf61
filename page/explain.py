"""The words and equations set beside the charts, every number taken from a trace, the readout's
weights or metrics.json: probabilities for people, the LSTM equations filled in with one step's
figures, and the answer to the question the page exists for, about TensorFlow's MNIST RNN
example: (1) why a logistic regression in the last layer, (2) isn't the final output a better
estimate than earlier steps' outputs, (3) how to use the last output to classify.

The claims about the original code were checked against the sources quoted below (SKFLOW_EXAMPLE,
BASIC_LSTM_CELL, AYMERICDAMIEN_EXAMPLE): TensorFlow's `tensorflow/examples/skflow/mnist_rnn.py`
(TensorFlow 0.x); `BasicLSTMCell` in `tensorflow/python/ops/rnn_cell.py` of the same era, whose
`state_is_tuple` defaults to False ("By default (False), they are concatenated along the column
axis") and whose new state is `array_ops.concat(1, [new_c, new_h])`; and aymericdamien's
TensorFlow-Examples `recurrent_network`, which applies its readout to `outputs[-1]`.
"""

import ast
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.confidence import doubts
from model.config import CONFIG, RowLstmConfig
from model.preprocess import INK_THRESHOLD, MIN_BRUSH_WIDTHS
from model.readout import Readout, pushes
from model.trace import Trace, empty_rows, first_inked_step


def percent(probability: float) -> str:
    """The page's one rounding rule for a probability or a share, used by the card, the captions,
    the charts' labels and hovers: one decimal, never rounded up to 100% nor down to 0% when it
    is not exactly that ("over 99.9%", "under 0.1%")."""
    p = float(probability)
    if p > 0.999:
        return "over 99.9%"
    if 0.0 < p < 0.001:
        return "under 0.1%"
    return f"{p:.1%}"


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


def verdict(probabilities: np.ndarray, decision_step: int, steps: int, energy: float | None = None,
            energy_floor: float | None = None) -> Verdict:
    """Say the answer as surely as the model holds it: "Not sure" when its probability is low,
    when it settled only in the last rows, or when the readout's energy is below the floor that
    99% of validation digits exceed (model/confidence.py has the rule and its thresholds)."""
    order = np.argsort(probabilities)[::-1]
    first, second = int(order[0]), int(order[1])
    p_first, p_second = float(probabilities[first]), float(probabilities[second])
    doubt = doubts(probabilities, decision_step, steps, energy, energy_floor)
    if not doubt.unsure:
        return Verdict(True, "Prediction", f"{percent(p_first)} probability")
    if doubt.low:
        words = f"maybe {first} ({percent(p_first)}) or {second} ({percent(p_second)})"
    elif doubt.unfamiliar:
        words = f"{first} ({percent(p_first)}), but this looks unlike the digits it learned from"
    else:
        words = f"{first} ({percent(p_first)}), but only since row {decision_step} of {steps}"
    return Verdict(False, "Not sure", words)


TOO_SMALL_HEADLINE = "Too small to read"


def too_small_words() -> str:
    """What the card says instead of a digit when the drawing is too small (model.preprocess.too_small)."""
    return (f"Draw the digit bigger: at least {MIN_BRUSH_WIDTHS:g} times as tall as the brush is wide. "
            f"Smaller, the model reads most digits wrong, so no digit is given.")


def step_caption(trace_: Trace, t: int) -> str:
    """What the playback shows at step t, in one line a room can read."""
    probabilities = trace_.step_probabilities[t - 1]
    leader = int(probabilities.argmax())
    return f"Step {t}: reading row {t} - the readout says {leader}, {percent(probabilities[leader])}"


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


# The gallery's names for the digits that behave differently (gallery.GALLERY_KINDS).
LATE_DECIDERS, MISREAD = "Late deciders", "Misread"
MLP_KEY, LOGISTIC_KEY = "h_last_mlp", "h_last_probe"  # rows of metrics["readout_alternatives"]
TOP_UNITS = 3  # units named when saying which ones push a digit up or down
NOISE_STANDARD_ERRORS = 2  # a difference smaller than this many standard errors is noise

# The original code, quoted from the sources named in the module docstring.
SKFLOW_EXAMPLE = '''\
# tensorflow/examples/skflow/mnist_rnn.py (TensorFlow 0.x)
scaler = preprocessing.StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
...
  # Define a GRU cell with tensorflow
  lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)
  # Get lstm cell output
  _, encoding = tf.nn.rnn(lstm_cell, X, dtype=tf.float32)

  return learn.models.logistic_regression(encoding, y)'''
BASIC_LSTM_CELL = '''\
# tensorflow/python/ops/rnn_cell.py, class BasicLSTMCell (TensorFlow 0.x)
  def __init__(self, num_units, forget_bias=1.0, input_size=None,
               state_is_tuple=False, activation=tanh):
    """...
      state_is_tuple: If True, accepted and returned states are 2-tuples of
        the `c_state` and `m_state`.  By default (False), they are concatenated
        along the column axis.  This default behavior will soon be deprecated.
    ..."""
  ...
        new_state = array_ops.concat(1, [new_c, new_h])
      return new_h, new_state'''
AYMERICDAMIEN_EXAMPLE = '''\
# aymericdamien/TensorFlow-Examples, "3 - Neural Networks", recurrent network
# (the structure the skflow example says it borrowed)
    outputs, states = rnn.rnn(lstm_cell, _X, initial_state=_istate)

    # Linear activation
    # Get inner loop last output
    return tf.matmul(outputs[-1], _weights['out']) + _biases['out']'''


# Plain glosses for the names the question and its sources use.
SKFLOW_GLOSS = ("Scikit Flow, TensorFlow's early add-on for training a model with scikit-learn-style "
                "`fit` and `predict`")
AYMERICDAMIEN_GLOSS = ("Aymeric Damien, whose GitHub collection *TensorFlow-Examples* was a popular set of "
                       "beginner scripts")
FIT_TERMS = {  # words in metrics' "method" line, and what they mean
    "standardised": "*standardised* means each number is shifted and scaled to mean 0 and spread 1 first",
    "L-BFGS": "*L-BFGS* is a standard method that adjusts the weights step by step until the fit stops improving",
    "C = ": "*C* sets how large the weights may grow (1 is scikit-learn's default)",
    "tol": "*tol* is how small an improvement counts as done",
}


def names_words() -> str:
    """Who and what the names in the table and the question's code are, in plain words."""
    return (f"Two names come up below. The example in the question comes from **skflow** ({SKFLOW_GLOSS}). "
            f"It says it borrowed its structure from an example by **aymericdamien** ({AYMERICDAMIEN_GLOSS}).")


# --- The original code ---------------------------------------------------------------------

def original_code_words(config: RowLstmConfig = CONFIG) -> str:
    """What the example in the question fed its logistic regression, in plain words."""
    u = config.units
    return (
        f"In TensorFlow's skflow example (skflow: {SKFLOW_GLOSS}), `tf.nn.rnn` returns two things: "
        f"the outputs $h_1 \\dots "
        f"h_{{{config.timesteps}}}$ (thrown away as `_`) and the final **state**. `BasicLSTMCell` then "
        f"defaulted to `state_is_tuple=False`, which concatenates the cell state and the hidden state "
        f"along the column axis, $c$ first. So `encoding` is $[c_{{{config.timesteps}}}; "
        f"h_{{{config.timesteps}}}]$, {2 * u} numbers, and the original fed its logistic regression the "
        f"final cell state and hidden state together. The example it says it borrowed its structure "
        f"from, aymericdamien's `recurrent_network` (aymericdamien: {AYMERICDAMIEN_GLOSS}), uses "
        f"`outputs[-1]`: $h_{{{config.timesteps}}}$ "
        f"alone, {u} numbers, as this project's model does. (The skflow script also refits its "
        f"`StandardScaler` on the test images, `scaler.fit_transform(X_test)`, so test digits are "
        f"scaled with their own statistics rather than the training set's.)")


# --- Part 1: why a logistic regression at all ----------------------------------------------

def _alternative(metrics: dict, key: str) -> dict | None:
    rows = [row for row in metrics.get("readout_alternatives", []) if row.get("key") == key]
    return rows[0] if rows else None


def _standard_error(accuracy: float, images: int) -> float:
    """Sampling noise of an accuracy measured on `images` test images (binomial)."""
    return math.sqrt(accuracy * (1.0 - accuracy) / images)


def _test_images(metrics: dict) -> int | None:
    return metrics.get("data", {}).get("test_images")


def mlp_head_verdict(metrics: dict) -> str | None:
    """Whether a bigger head on h_28 helps, in one sentence from the alternatives table; None
    until metrics.json holds both the MLP row and the logistic regression on the same h_28."""
    mlp, logistic = _alternative(metrics, MLP_KEY), _alternative(metrics, LOGISTIC_KEY)
    images = _test_images(metrics)
    if mlp is None or logistic is None or not images:
        return None
    gain = mlp["accuracy"] - logistic["accuracy"]
    digits = round(abs(gain) * images)
    noise = NOISE_STANDARD_ERRORS * _standard_error(logistic["accuracy"], images)
    compared = (f"A small neural network in its place ({mlp['name']}) reads {mlp['accuracy']:.2%} of the "
                f"{images:,} test digits; a logistic regression fitted to the same "
                f"$h_{{{CONFIG.timesteps}}}$, "
                f"{logistic['accuracy']:.2%}.")
    if abs(gain) <= noise:
        return (f"{compared} The difference, {100 * gain:+.2f} points ({digits} digit{'s' * (digits != 1)}), "
                f"is within the test set's own noise (about ±{100 * noise:.2f} points), so a bigger head "
                f"does not measurably help: the LSTM has already made its last output easy to read "
                f"with straight lines.")
    verdict = "helps" if gain > 0 else "does worse"
    return (f"{compared} The bigger head {verdict}: {100 * gain:+.2f} points ({digits} digits), more than "
            f"the test set's own noise (about ±{100 * noise:.2f} points).")


def why_logistic_regression_words(config: RowLstmConfig = CONFIG) -> str:
    """Part 1 in plain words: what the last layer is for."""
    u, k, last = config.units, config.classes, config.timesteps
    return (
        f"The LSTM's last output $h_{{{last}}}$ is {u} real numbers, not a digit. Something has to turn "
        f"them into one of {k} answers. The simplest thing that can: {k} weighted sums of the {u} "
        f"numbers, one score per digit ($V h_{{{last}}} + b$, the *logits*), then the **softmax**, which "
        f"turns {k} scores into {k} probabilities that add up to 1. A linear map followed by a softmax "
        f"*is* a (multinomial) logistic regression.\n\n"
        f"It also gives the network something to learn from. The training loss is the cross-entropy, "
        f"$-\\log p(\\text{{true digit}})$, computed from those probabilities; its gradient flows back "
        f"through $V$ into every weight of the LSTM. So the last layer is not only where the answer is "
        f"read: it is how the whole network is trained, and the LSTM learns to make $h_{{{last}}}$ easy "
        f"for it to read.")


def original_readout_sentence(config: RowLstmConfig = CONFIG) -> str:
    """Where the original example's choice sits in the table of readouts."""
    t = config.timesteps
    return (f"The skflow example in the question fed its logistic regression the final state "
            f"$[c_{{{t}}}; h_{{{t}}}]$, {2 * config.units} numbers, not $h_{{{t}}}$ alone (its code is "
            f"quoted in the last tab); the table's $[c_{{{t}}}; h_{{{t}}}]$ row measures that choice.")


def alternatives_rows(metrics: dict) -> list[dict]:
    """The table of readouts measured at the last step, for st.dataframe."""
    return [{"readout input": row["name"], "test accuracy": f"{row['accuracy']:.2%}",
             "note": row.get("note", "")} for row in metrics.get("readout_alternatives", [])]


# --- Part 2: why the final output ----------------------------------------------------------

def probe_definition(metrics: dict, config: RowLstmConfig = CONFIG) -> str:
    """What a "probe" is, in words a first-year student can follow."""
    images = metrics.get("data", {}).get("probe_training_images")
    on = f"the {images:,} training digits" if images else "the training digits"
    half = config.timesteps // 2
    method = metrics.get("probe_accuracy_per_step", {}).get("method")
    glosses = [gloss for term, gloss in FIT_TERMS.items() if method and term in method]
    return (f"A **probe** is a fresh logistic regression fitted to the LSTM's state at one step (say "
            f"$h_{{{half}}}$, after {half} rows) on {on}, then scored on the test digits. The LSTM itself "
            f"is left as it is: the probe only shows how much that state already knows."
            + (f" (Fitted as: {method}.)" if method else "")
            + (f" In plain words: {'; '.join(glosses)}." if glosses else ""))


def first_step_reaching(curve, level: float) -> int | None:
    """The first step (1-based) at which an accuracy curve reaches `level`; None if it never does."""
    reached = np.flatnonzero(np.asarray(curve) >= level)
    return int(reached[0]) + 1 if len(reached) else None


def final_output_words(metrics: dict) -> str:
    """The answer to "isn't the final output better?", from the test-set curves."""
    readout, probes = metrics["readout_accuracy_per_step"], metrics["probe_accuracy_per_step"]
    last = len(readout)
    half = last // 2
    lines = [
        f"- **Only the last state has read every row.** A probe fitted to $h_{{{half}}}$, after {half} of "
        f"{last} rows, reads {probes['h'][half - 1]:.1%} of test digits correctly; fitted to "
        f"$h_{{{last}}}$, {probes['h'][-1]:.1%}. Half a digit can be ambiguous (is it a 1 or the top of "
        f"a 7?): the median test digit's answer settles (stays the same from then to the last row) "
        f"only at step "
        f"{metrics['decision_step']['median']:.0f}.",
        f"- **The readout speaks only the last state's language.** It was trained on $h_{{{last}}}$ "
        f"alone. Applied to $h_{{{half}}}$ it gets {readout[half - 1]:.1%} right, against "
        f"{probes['h'][half - 1]:.1%} for a probe fitted to $h_{{{half}}}$ itself: earlier states hold "
        f"the information in a code the readout was never taught. Chance (always guessing the most "
        f"common digit) is {metrics['chance_accuracy']:.1%}.",
    ]
    if "c" in probes:
        gaps = np.abs(np.subtract(probes["c"], probes["h"]))
        widest = int(np.argmax(gaps))
        lines.append(
            f"- **The cell state $c_t$, probed the same way,** scores within {100 * gaps[widest]:.1f} points "
            f"of $h_t$ at every step (the widest gap is at step {widest + 1}: {probes['c'][widest]:.1%} "
            f"against {probes['h'][widest]:.1%}).")
    return "\n".join(lines)


def every_step_words(metrics: dict) -> str | None:
    """What training the readout at every step changes, or None before that model is measured."""
    every = metrics.get("every_step_model") or {}
    curve = every.get("readout_accuracy_per_step")
    if not curve:
        return None
    readout, probes = metrics["readout_accuracy_per_step"], metrics["probe_accuracy_per_step"]
    last = len(curve)
    half = last // 2
    gap = readout[-1] - curve[-1]  # what training only the last step gains at the last step
    images = _test_images(metrics)
    words = [
        f"- **What if the loss reached every step?** A second model, the same LSTM and readout, was "
        f"trained with its readout applied, and its loss averaged, at all {last} steps. At step {half} "
        f"it reads {curve[half - 1]:.1%} of test digits (the last-step model's readout: "
        f"{readout[half - 1]:.1%}; a probe on its $h_{{{half}}}$: {probes['h'][half - 1]:.1%}). Even a "
        f"network trained to answer early cannot know a digit it has only half read."]
    reach = [(name, first_step_reaching(values, 0.9)) for name, values in
             (("the every-step model", curve), ("the last-step model", readout))]
    if all(step is not None for _, step in reach):
        words.append(f"It passes 90% at step {reach[0][1]}, the last-step model's readout at step "
                     f"{reach[1][1]}.")
    if images:
        digits = round(abs(gap) * images)
        noise = NOISE_STANDARD_ERRORS * _standard_error(readout[-1], images)
        effect = ("makes no measurable difference there" if abs(gap) <= noise else
                  f"{'gains' if gap > 0 else 'costs'} {100 * abs(gap):.2f} points there ({digits} of "
                  f"{images:,} test digits)")
        words.append(f"At step {last}: {curve[-1]:.2%} against {readout[-1]:.2%} for the last-step model: "
                      f"training only the last step {effect}.")
    return " ".join(words)


def _runs(values: np.ndarray) -> list[int]:
    """The values with repeats collapsed: [7, 7, 3, 3, 7] -> [7, 3, 7]."""
    return [int(value) for index, value in enumerate(values) if index == 0 or value != values[index - 1]]


def _answers(trace_: Trace, first: int, last: int) -> str:
    """What the readout says from step `first` to step `last` (1-based): "1", or "1 → 0" if it changes."""
    return " → ".join(map(str, _runs(trace_.step_predictions[first - 1:last])))


def _rows(first: int, last: int) -> str:
    return f"Row {first} is" if first == last else f"Rows {first} to {last} are"


def rows_above_the_ink(trace_: Trace) -> list[str]:
    """What the readout says above the ink, in true words: over rows with no ink at all it says
    what it says for every image (every image has the same states there); rows with only faint
    ink, below the page's ink threshold, are named as such."""
    first_ink = first_inked_step(trace_.inputs)
    if first_ink is None or first_ink == 1:
        return []
    empty = min(empty_rows(trace_.inputs), first_ink - 1)
    words = []
    if empty:
        words.append(f"{_rows(1, empty)} empty, so up to step {empty} the readout says what it says for "
                     f"every image: {_answers(trace_, 1, empty)}.")
    if empty < first_ink - 1:
        faint = "holds" if empty + 1 == first_ink - 1 else "hold"
        rows = f"Row {empty + 1}" if faint == "holds" else f"Rows {empty + 1} to {first_ink - 1}"
        said = _answers(trace_, empty + 1, first_ink - 1)
        words.append(f"{rows} {faint} only faint ink, under {INK_THRESHOLD:.0%} of the brightest pixel "
                     f"(the edge of the scaled drawing); there the readout says {said}.")
    return words


SETTLE_DEFINITION = "from that step to the last row, its answer stays the same"


def settle_sentence(trace_: Trace) -> str:
    """When the readout's answer stopped changing, said with what "settle" means, counted from the
    first inked row (model.trace.decision_step: the first step from which the readout's leading
    digit is its final answer at every step to the end)."""
    final, settle = int(trace_.prediction), int(trace_.decision_step)
    steps = len(trace_.step_probabilities)
    first_ink = first_inked_step(trace_.inputs)
    if first_ink is None:
        return f"There is no ink in this image (no pixel reaches {INK_THRESHOLD:.0%} of full ink)."
    if settle < first_ink:
        return (f"The readout **settles** on an answer at the step from which its answer stays the same to "
                f"the last row. Yours says **{final}** from step {settle}, before the ink starts (row "
                f"{first_ink}), and the ink never changed it.")
    later = settle - first_ink
    when = ("at the first inked row itself" if later == 0 else
            f"{later} row{'s' * (later != 1)} after the ink starts (row {first_ink})")
    return (f"The readout settled on **{final}** at step {settle} ({SETTLE_DEFINITION}), {when}, with "
            f"{steps - settle} row{'s' * (steps - settle != 1)} still to read.")


def drawing_story(trace_: Trace) -> str:
    """The current drawing's path to its answer, in words from its own trace."""
    probabilities = trace_.step_probabilities  # (T, classes)
    steps = len(probabilities)
    final, settle = int(trace_.prediction), int(trace_.decision_step)
    first_ink = first_inked_step(trace_.inputs)
    words = [f"**Your {final}** ({percent(probabilities[-1, final])} at step {steps})."]
    if first_ink is None:
        return words[0]
    words += rows_above_the_ink(trace_)
    answers = _runs(trace_.step_predictions[first_ink - 1:])
    if len(answers) > 1:
        words.append(f"From the first inked row on, its answer went {' → '.join(map(str, answers))}.")
    # The moment the readout was surest of another digit, between the first ink and settling.
    window = np.arange(first_ink - 1, settle - 1)  # 0-based steps
    if len(window):
        others = probabilities[window].copy()
        others[:, final] = -1.0
        row, digit = np.unravel_index(np.argmax(others), others.shape)
        words.append(f"At step {int(window[row]) + 1} the readout said {int(digit)} "
                     f"({percent(others[row, digit])}).")
    words.append(settle_sentence(trace_))
    return " ".join(words)


def gallery_pointer(trace_: Trace, late_step: int) -> str:
    """Where in the MNIST gallery to find digits that behave differently from this one."""
    settle = int(trace_.decision_step)
    if settle >= late_step:
        lead = (f"Yours settled late (step {settle}), like the gallery's *{LATE_DECIDERS}*, which settle at "
                f"step {late_step} or later.")
    else:
        lead = (f"For digits that decide late, open **MNIST test digits** → *{LATE_DECIDERS}*: they settle "
                f"only at step {late_step} or later.")
    return f"{lead} *{MISREAD}* there shows the test digits the model gets wrong, the most confident first."


def _settles_at(trace_: Trace) -> str:
    """When a model settles, counted from the ink; an answer held from before the ink is said
    with what every image gets there (over empty rows the states are the same for every image)."""
    settle, answer = int(trace_.decision_step), int(trace_.prediction)
    first_ink = first_inked_step(trace_.inputs)
    if first_ink is None or settle >= first_ink:
        return f"settles at step {settle}"
    empty = empty_rows(trace_.inputs)
    if settle <= empty:
        held = trace_.step_probabilities[settle - 1:empty, answer]
        every = (f"at {percent(held.min())}" if len(held) == 1 or percent(held.min()) == percent(held.max())
                 else f"at {percent(held.min())} to {percent(held.max())}")
        return (f"says {answer} from step {settle}, as it does for every image over the empty rows "
                f"({every}), and the ink never changed it")
    return (f"says {answer} from step {settle}, in the faint rows above the ink (row {first_ink}), and "
            f"the ink never changed it")


def two_models_story(trace_: Trace, every_step_trace: Trace) -> str:
    """The drawing read by both models: halfway, when each settles, and what each ends on."""
    steps = len(trace_.step_probabilities)
    final, other = int(trace_.prediction), int(every_step_trace.prediction)
    half = steps // 2
    words = [f"Halfway (step {half}), the last-step model gives your {final} "
             f"{percent(trace_.step_probabilities[half - 1, final])}, the every-step model "
             f"{percent(every_step_trace.step_probabilities[half - 1, final])}."]
    if other == final:
        words.append(f"Both end on {final}: the last-step model {_settles_at(trace_)}, "
                     f"the every-step model {_settles_at(every_step_trace)}.")
    else:
        words.append(f"They disagree at the end: the last-step model says {final} "
                     f"({percent(trace_.step_probabilities[-1, final])}), the every-step model {other} "
                     f"({percent(every_step_trace.step_probabilities[-1, other])}).")
    return " ".join(words)


# --- Part 3: from the last output to a digit ----------------------------------------------

def _vector(values: np.ndarray, shown: int = 3) -> str:
    values = np.asarray(values)
    head = ", ".join(f"{v:.2f}" for v in values[:shown])
    return f"[{head}, …, {values[-1]:.2f}]" if len(values) > shown + 1 else \
        "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


def readout_shapes(trace_: Trace, readout: Readout, config: RowLstmConfig = CONFIG) -> str:
    """The shapes from image to digit as a Markdown table, with this drawing's values."""
    t, u, k = config.timesteps, config.units, config.classes
    inked_rows = int((np.asarray(trace_.inputs) >= INK_THRESHOLD).any(axis=1).sum())
    runner_up = int(np.argsort(readout.logits)[-2])
    rows = [
        ("input", f"(batch, {t}, {config.features})", f"{t} rows of {config.features} pixels, top row first",
         f"{inked_rows} of {t} rows hold ink"),
        (f"LSTM({u}), `return_sequences=False`", f"(batch, {u})",
         f"$h_{{{t}}}$, the last output. With `return_sequences=True` the LSTM returns every step's "
         f"output, (batch, {t}, {u}), and $h_{{{t}}}$ is `outputs[:, -1, :]`",
         f"`{_vector(trace_.hidden_states[-1])}`"),
        (f"Dense({k}): logits $= V h_{{{t}}} + b$", f"(batch, {k})",
         f"$V$ is {k} × {u} and $b$ has {k} numbers: one weighted sum per digit",
         f"largest {readout.prediction}: {readout.logits[readout.prediction]:.2f}; next {runner_up}: "
         f"{readout.logits[runner_up]:.2f}"),
        ("softmax", f"(batch, {k})", f"{k} probabilities that add up to 1",
         f"{readout.prediction}: {percent(readout.probabilities[readout.prediction])}; {runner_up}: "
         f"{percent(readout.probabilities[runner_up])}"),
        ("argmax", "(batch,)", "the digit with the highest probability", f"**{readout.prediction}**"),
    ]
    lines = ["| layer | shape | what it is | your drawing |", "|---|---|---|---|"]
    lines += [f"| {layer} | `{shape}` | {what} | {yours} |" for layer, shape, what, yours in rows]
    return "\n".join(lines)


def logit_sentence(readout: Readout, digit: int) -> str:
    """One digit's logit taken apart: bias, the units' sum, the strongest pushes either way."""
    contributions = readout.contributions[digit]
    bias = readout.logits[digit] - contributions.sum()
    up, down = pushes(contributions, TOP_UNITS)
    up_words = ", ".join(f"unit {j} ({share:+.2f})" for j, share in up) or "no unit"
    down_words = ", ".join(f"unit {j} ({share:+.2f})" for j, share in down) or "no unit"
    return (f"Digit {digit}: its logit {readout.logits[digit]:.2f} is the bias {bias:+.2f} plus "
            f"{contributions.size} shares $V_{{{digit},j}} h_j$ adding up to {contributions.sum():+.2f}. "
            f"Pushing it up most: {up_words}. Down most: {down_words}. Softmax makes it "
            f"{percent(readout.probabilities[digit])}.")


def keras_all_outputs_code(config: RowLstmConfig = CONFIG) -> str:
    """Keras code that keeps every step's output and reads the last one: the same h_T as
    `return_sequences=False` (tests/test_explain.py runs it with the trained weights)."""
    t, u = config.timesteps, config.units
    return (f'rows = keras.Input(shape=({t}, {config.features}), name="rows")\n'
            f'outputs = keras.layers.LSTM({u}, return_sequences=True, name="lstm")(rows)'
            f'  # (batch, {t}, {u})\n'
            f'last_output = outputs[:, -1, :]  # h_{t}: (batch, {u})\n'
            f'probabilities = keras.layers.Dense({config.classes}, activation="softmax", name="readout")(\n'
            f'    last_output\n'
            f')  # (batch, {config.classes})')


def model_definition_source(path: Path, function: str = "build_model") -> str:
    """The source of one function in a Python file, read as text (the file is not imported, so
    showing it costs no TensorFlow import); ValueError if the file has no such function."""
    source = Path(path).read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return ast.get_source_segment(source, node)
    raise ValueError(f"{path} defines no function {function!r}")
