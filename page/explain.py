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

Every sentence is written in English inside `_()` (i18n/__init__.py) with named placeholders, and is
said in the language of the run; LaTeX, code and numbers are the same in every language.
"""

import ast
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from i18n import N_, _, ngettext
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
        return _("over 99.9%")
    if 0.0 < p < 0.001:
        return _("under 0.1%")
    return f"{p:.1%}"


def runner_up_words(probabilities: np.ndarray) -> str:
    """The second choice in words: "Runner-up: 4 at 12.3%", or that there is none worth naming."""
    runner_up = int(np.argsort(probabilities)[-2])
    if probabilities[runner_up] < 0.0005:
        return _("No runner-up: every other digit is below 0.1%.")
    return _("Runner-up: {digit} at {probability}.").format(digit=runner_up,
                                                            probability=percent(probabilities[runner_up]))


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
    values = dict(first=first, p_first=percent(p_first), second=second, p_second=percent(p_second),
                  row=decision_step, steps=steps)
    if not doubt.unsure:
        return Verdict(True, _("Prediction"), _("{p_first} probability").format(**values))
    if doubt.low:
        words = _("maybe {first} ({p_first}) or {second} ({p_second})")
    elif doubt.unfamiliar:
        words = _("{first} ({p_first}), but this looks unlike the digits it learned from")
    else:
        words = _("{first} ({p_first}), but only since row {row} of {steps}")
    return Verdict(False, _("Not sure"), words.format(**values))


TOO_SMALL_HEADLINE = N_("Too small to read")  # said with _()


def too_small_words() -> str:
    """What the card says instead of a digit when the drawing is too small (model.preprocess.too_small)."""
    return _("Draw the digit bigger: at least {widths:g} times as tall as the brush is wide. Smaller, the model "
             "reads most digits wrong, so no digit is given.").format(widths=MIN_BRUSH_WIDTHS)


def step_caption(trace_: Trace, t: int) -> str:
    """What the playback shows at step t, in one line a room can read."""
    probabilities = trace_.step_probabilities[t - 1]
    leader = int(probabilities.argmax())
    return _("Step {t}: reading row {t} - the readout says {digit}, {probability}").format(
        t=t, digit=leader, probability=percent(probabilities[leader]))


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


def step_equations(numbers: dict, stacked: bool = False) -> str:
    """The LSTM equations in LaTeX, each beside the figure that step_numbers measured for it, or
    (stacked, for a narrow column) each with its figure on the line below."""
    n = numbers
    beside = r" \\ &\quad " if stacked else " && "
    return (r"\begin{aligned}"
            rf"i_t &= \sigma(W_i x_t + U_i h_{{t-1}} + b_i){beside}\text{{mean }} {n['mean_i']:.2f},"
            rf"\ {n['writing']} \text{{ open}} \\"
            rf"f_t &= \sigma(W_f x_t + U_f h_{{t-1}} + b_f){beside}{n['forgetting']} \text{{ forgetting}}"
            r"\ (f < \tfrac12) \\"
            rf"g_t &= \tanh(W_g x_t + U_g h_{{t-1}} + b_g){beside}\text{{mean }} |g_t| = {n['mean_abs_g']:.2f} \\"
            rf"o_t &= \sigma(W_o x_t + U_o h_{{t-1}} + b_o){beside}{n['showing']} \text{{ open}} \\"
            rf"c_t &= f_t \odot c_{{t-1}} + i_t \odot g_t{beside}\text{{mean }} |c_t - c_{{t-1}}| = "
            rf"{n['c_change']:.2f} \\"
            rf"h_t &= o_t \odot \tanh(c_t){beside}\text{{mean }} |h_t| = {n['mean_abs_h']:.2f} \\"
            rf"p_t &= \operatorname{{softmax}}(V h_t + b_V){beside}\text{{leader }} {n['leader']} "
            rf"\text{{ at }} {100 * n['leader_probability']:.1f}\%"
            r"\end{aligned}")


# The gallery's names for the digits that behave differently (gallery.GALLERY_KINDS).
LATE_DECIDERS, MISREAD = N_("Late deciders"), N_("Misread")
GALLERY_TAB = N_("MNIST test digits")  # the source tab that holds the gallery
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
# (Marked with N_ and said with _() where they are used, in the language of that run.)
SKFLOW_GLOSS = N_("Scikit Flow, TensorFlow's early add-on for training a model with scikit-learn-style "
                  "`fit` and `predict`")
AYMERICDAMIEN_GLOSS = N_("Aymeric Damien, whose GitHub collection *TensorFlow-Examples* was a popular set of "
                         "beginner scripts")
FIT_TERMS = {  # words in metrics' "method" line, and what they mean
    "standardised": N_("*standardised* means each number is shifted and scaled to mean 0 and spread 1 first"),
    "L-BFGS": N_("*L-BFGS* is a standard method that adjusts the weights step by step until the fit stops "
                 "improving"),
    "C = ": N_("*C* sets how large the weights may grow (1 is scikit-learn's default)"),
    "tol": N_("*tol* is how small an improvement counts as done"),
}


def names_words() -> str:
    """Who and what the names in the table and the question's code are, in plain words."""
    return _("Two names come up below. The example in the question comes from **skflow** ({skflow}). "
             "It says it borrowed its structure from an example by **aymericdamien** ({aymericdamien}).").format(
                 skflow=_(SKFLOW_GLOSS), aymericdamien=_(AYMERICDAMIEN_GLOSS))


# --- The original code ---------------------------------------------------------------------

def original_code_words(config: RowLstmConfig = CONFIG) -> str:
    """What the example in the question fed its logistic regression, in plain words."""
    u = config.units
    return _(
        "In TensorFlow's skflow example (skflow: {skflow}), `tf.nn.rnn` returns two things: the outputs $h_1 \\dots "
        "h_{{{last}}}$ (thrown away as `_`) and the final **state**. `BasicLSTMCell` then "
        "defaulted to `state_is_tuple=False`, which concatenates the cell state and the hidden state "
        "along the column axis, $c$ first. So `encoding` is $[c_{{{last}}}; "
        "h_{{{last}}}]$, {both} numbers, and the original fed its logistic regression the "
        "final cell state and hidden state together. The example it says it borrowed its structure "
        "from, aymericdamien's `recurrent_network` (aymericdamien: {aymericdamien}), uses `outputs[-1]`: "
        "$h_{{{last}}}$ alone, {units} numbers, as this project's model does. (The skflow script also refits its "
        "`StandardScaler` on the test images, `scaler.fit_transform(X_test)`, so test digits are "
        "scaled with their own statistics rather than the training set's.)").format(
            skflow=_(SKFLOW_GLOSS), aymericdamien=_(AYMERICDAMIEN_GLOSS), last=config.timesteps, both=2 * u, units=u)


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
    compared = _("A small neural network in its place ({name}) reads {mlp:.2%} of the {images:,} test digits; "
                 "a logistic regression fitted to the same $h_{{{last}}}$, {logistic:.2%}.").format(
                     name=alternative_name(mlp["name"]), mlp=mlp["accuracy"], images=images, last=CONFIG.timesteps,
                     logistic=logistic["accuracy"])
    values = dict(gain=100 * gain, digits=digits, noise=100 * noise)
    if abs(gain) <= noise:
        return compared + " " + ngettext(
            "The difference, {gain:+.2f} points ({digits} digit), is within the test set's own noise (about "
            "±{noise:.2f} points), so a bigger head does not measurably help: the LSTM has already made its last "
            "output easy to read with straight lines.",
            "The difference, {gain:+.2f} points ({digits} digits), is within the test set's own noise (about "
            "±{noise:.2f} points), so a bigger head does not measurably help: the LSTM has already made its last "
            "output easy to read with straight lines.", digits).format(**values)
    return compared + " " + (
        _("The bigger head helps: {gain:+.2f} points ({digits} digits), more than the test set's own noise "
          "(about ±{noise:.2f} points).") if gain > 0 else
        _("The bigger head does worse: {gain:+.2f} points ({digits} digits), more than the test set's own "
          "noise (about ±{noise:.2f} points).")).format(**values)


def why_logistic_regression_words(config: RowLstmConfig = CONFIG) -> str:
    """Part 1 in plain words: what the last layer is for."""
    u, k, last = config.units, config.classes, config.timesteps
    return _(
        "The LSTM's last output $h_{{{last}}}$ is {units} real numbers, not a digit. Something has to turn "
        "them into one of {classes} answers. The simplest thing that can: {classes} weighted sums of the {units} "
        "numbers, one score per digit ($V h_{{{last}}} + b$, the *logits*), then the **softmax**, which "
        "turns {classes} scores into {classes} probabilities that add up to 1. A linear map followed by a softmax "
        "*is* a (multinomial) logistic regression.\n\n"
        "It also gives the network something to learn from. The training loss is the cross-entropy, "
        "$-\\log p(\\text{{true digit}})$, computed from those probabilities; its gradient flows back "
        "through $V$ into every weight of the LSTM. So the last layer is not only where the answer is "
        "read: it is how the whole network is trained, and the LSTM learns to make $h_{{{last}}}$ easy "
        "for it to read.").format(last=last, units=u, classes=k)


def original_readout_sentence(config: RowLstmConfig = CONFIG) -> str:
    """Where the original example's choice sits in the table of readouts."""
    return _("The skflow example in the question fed its logistic regression the final state "
             "$[c_{{{last}}}; h_{{{last}}}]$, {both} numbers, not $h_{{{last}}}$ alone (its code is "
             "quoted in the last tab); the table's $[c_{{{last}}}; h_{{{last}}}]$ row measures that choice.").format(
                 last=config.timesteps, both=2 * config.units)


# The words of metrics.json's table of readouts, as model/evaluate.py writes them, marked for the
# catalogues: a name's phrases and each whole note are said in the reader's language. A note that
# evaluate.py words differently one day is shown as it is, in English, never wrongly translated.
ALTERNATIVE_NAME_PHRASES = (N_("trained readout"), N_("refitted logistic regression"), N_("refitted MLP"),
                            N_("mean of"))
ALTERNATIVE_NOTES = (
    N_("what this model uses: Dense(10) + softmax, trained with the LSTM"),
    N_("the last output, outputs[-1], as in the aymericdamien example the skflow one borrowed from"),
    N_("the last cell state"),
    N_("the final state, 256 numbers: what TensorFlow's skflow mnist_rnn.py fed its logistic regression "
       "(BasicLSTMCell with state_is_tuple=False)"),
    N_("the average of all outputs"),
    N_("a bigger head than logistic regression, on the same last output"),
)


def alternative_name(text: str) -> str:
    """A readout's name from metrics.json ("h_28, refitted logistic regression") in the reader's language."""
    for phrase in ALTERNATIVE_NAME_PHRASES:
        text = text.replace(phrase, _(phrase))
    return text


def alternatives_rows(metrics: dict) -> list[dict]:
    """The table of readouts measured at the last step, for st.table, in the reader's language."""
    return [{_("readout input"): alternative_name(row["name"]), _("test accuracy"): f"{row['accuracy']:.2%}",
             _("note"): _(row["note"]) if row.get("note") else ""}
            for row in metrics.get("readout_alternatives", [])]


# --- Part 2: why the final output ----------------------------------------------------------

def probe_definition(metrics: dict, config: RowLstmConfig = CONFIG) -> str:
    """What a "probe" is, in words a first-year student can follow."""
    images = metrics.get("data", {}).get("probe_training_images")
    half = config.timesteps // 2
    method = metrics.get("probe_accuracy_per_step", {}).get("method")
    glosses = [_(gloss) for term, gloss in FIT_TERMS.items() if method and term in method]
    return ((_("A **probe** is a fresh logistic regression fitted to the LSTM's state at one step (say "
               "$h_{{{half}}}$, after {half} rows) on the {images:,} training digits, then scored on the test "
               "digits. The LSTM itself is left as it is: the probe only shows how much that state already "
               "knows.") if images else
             _("A **probe** is a fresh logistic regression fitted to the LSTM's state at one step (say "
               "$h_{{{half}}}$, after {half} rows) on the training digits, then scored on the test digits. The "
               "LSTM itself is left as it is: the probe only shows how much that state already knows.")
             ).format(half=half, images=images)
            + (_(" (Fitted as: {method}.)").format(method=method) if method else "")
            + (_(" In plain words: {glosses}.").format(glosses=_("; ").join(glosses)) if glosses else ""))


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
        _("- **Only the last state has read every row.** A probe fitted to $h_{{{half}}}$, after {half} of "
          "{last} rows, reads {probe_half:.1%} of test digits correctly; fitted to "
          "$h_{{{last}}}$, {probe_last:.1%}. Half a digit can be ambiguous (is it a 1 or the top of "
          "a 7?): the median test digit's answer settles (stays the same from then to the last row) "
          "only at step {median:.0f}.").format(half=half, last=last, probe_half=probes["h"][half - 1],
                                               probe_last=probes["h"][-1], median=metrics["decision_step"]["median"]),
        _("- **The readout speaks only the last state's language.** It was trained on $h_{{{last}}}$ "
          "alone. Applied to $h_{{{half}}}$ it gets {readout_half:.1%} right, against "
          "{probe_half:.1%} for a probe fitted to $h_{{{half}}}$ itself: earlier states hold "
          "the information in a code the readout was never taught. Chance (always guessing the most "
          "common digit) is {chance:.1%}.").format(
              last=last, half=half, readout_half=readout[half - 1], probe_half=probes["h"][half - 1],
              chance=metrics["chance_accuracy"]),
    ]
    if "c" in probes:
        gaps = np.abs(np.subtract(probes["c"], probes["h"]))
        widest = int(np.argmax(gaps))
        lines.append(_(
            "- **The cell state $c_t$, probed the same way,** scores within {gap:.1f} points "
            "of $h_t$ at every step (the widest gap is at step {step}: {c:.1%} against {h:.1%}).").format(
                gap=100 * gaps[widest], step=widest + 1, c=probes["c"][widest], h=probes["h"][widest]))
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
        _("- **What if the loss reached every step?** A second model, the same LSTM and readout, was "
          "trained with its readout applied, and its loss averaged, at all {last} steps. At step {half} "
          "it reads {every_half:.1%} of test digits (the last-step model's readout: "
          "{readout_half:.1%}; a probe on its $h_{{{half}}}$: {probe_half:.1%}). Even a "
          "network trained to answer early cannot know a digit it has only half read.").format(
              last=last, half=half, every_half=curve[half - 1], readout_half=readout[half - 1],
              probe_half=probes["h"][half - 1])]
    every_reach, last_reach = first_step_reaching(curve, 0.9), first_step_reaching(readout, 0.9)
    if every_reach is not None and last_reach is not None:
        words.append(_("It passes 90% at step {every}, the last-step model's readout at step {last}.").format(
            every=every_reach, last=last_reach))
    if images:
        digits = round(abs(gap) * images)
        noise = NOISE_STANDARD_ERRORS * _standard_error(readout[-1], images)
        if abs(gap) <= noise:
            effect = _("At step {last}: {every:.2%} against {readout:.2%} for the last-step model: training only "
                       "the last step makes no measurable difference there.")
        elif gap > 0:
            effect = _("At step {last}: {every:.2%} against {readout:.2%} for the last-step model: training only "
                       "the last step gains {points:.2f} points there ({digits} of {images:,} test digits).")
        else:
            effect = _("At step {last}: {every:.2%} against {readout:.2%} for the last-step model: training only "
                       "the last step costs {points:.2f} points there ({digits} of {images:,} test digits).")
        words.append(effect.format(last=last, every=curve[-1], readout=readout[-1], points=100 * abs(gap),
                                   digits=digits, images=images))
    return " ".join(words)


def _runs(values: np.ndarray) -> list[int]:
    """The values with repeats collapsed: [7, 7, 3, 3, 7] -> [7, 3, 7]."""
    return [int(value) for index, value in enumerate(values) if index == 0 or value != values[index - 1]]


def _answers(trace_: Trace, first: int, last: int) -> str:
    """What the readout says from step `first` to step `last` (1-based): "1", or "1 → 0" if it changes."""
    return " → ".join(map(str, _runs(trace_.step_predictions[first - 1:last])))


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
        words.append((_("Row {first} is empty, so up to step {last} the readout says what it says for every "
                        "image: {answers}.") if empty == 1 else
                      _("Rows {first} to {last} are empty, so up to step {last} the readout says what it says for "
                        "every image: {answers}.")).format(first=1, last=empty, answers=_answers(trace_, 1, empty)))
    if empty < first_ink - 1:
        words.append((_("Row {first} holds only faint ink, under {threshold:.0%} of the brightest pixel (the edge "
                        "of the scaled drawing); there the readout says {answers}.") if empty + 1 == first_ink - 1
                      else _("Rows {first} to {last} hold only faint ink, under {threshold:.0%} of the brightest "
                             "pixel (the edge of the scaled drawing); there the readout says {answers}.")).format(
            first=empty + 1, last=first_ink - 1, threshold=INK_THRESHOLD,
            answers=_answers(trace_, empty + 1, first_ink - 1)))
    return words


SETTLE_DEFINITION = N_("from that step to the last row, its answer stays the same")


def settle_sentence(trace_: Trace) -> str:
    """When the readout's answer stopped changing, said with what "settle" means, counted from the
    first inked row (model.trace.decision_step: the first step from which the readout's leading
    digit is its final answer at every step to the end)."""
    final, settle = int(trace_.prediction), int(trace_.decision_step)
    steps = len(trace_.step_probabilities)
    first_ink = first_inked_step(trace_.inputs)
    if first_ink is None:
        return _("There is no ink in this image (no pixel reaches {threshold:.0%} of full ink).").format(
            threshold=INK_THRESHOLD)
    if settle < first_ink:
        return _("The readout **settles** on an answer at the step from which its answer stays the same to "
                 "the last row. Yours says **{digit}** from step {step}, before the ink starts (row "
                 "{first_ink}), and the ink never changed it.").format(digit=final, step=settle, first_ink=first_ink)
    later, left = settle - first_ink, steps - settle
    when = (_("at the first inked row itself") if later == 0 else
            ngettext("{later} row after the ink starts (row {first_ink})",
                     "{later} rows after the ink starts (row {first_ink})", later).format(later=later,
                                                                                         first_ink=first_ink))
    return ngettext("The readout settled on **{digit}** at step {step} ({definition}), {when}, with {left} row "
                    "still to read.",
                    "The readout settled on **{digit}** at step {step} ({definition}), {when}, with {left} rows "
                    "still to read.", left).format(digit=final, step=settle, definition=_(SETTLE_DEFINITION),
                                                   when=when, left=left)


def drawing_story(trace_: Trace) -> str:
    """The current drawing's path to its answer, in words from its own trace."""
    probabilities = trace_.step_probabilities  # (T, classes)
    steps = len(probabilities)
    final, settle = int(trace_.prediction), int(trace_.decision_step)
    first_ink = first_inked_step(trace_.inputs)
    words = [_("**Your {digit}** ({probability} at step {steps}).").format(
        digit=final, probability=percent(probabilities[-1, final]), steps=steps)]
    if first_ink is None:
        return words[0]
    words += rows_above_the_ink(trace_)
    answers = _runs(trace_.step_predictions[first_ink - 1:])
    if len(answers) > 1:
        words.append(_("From the first inked row on, its answer went {answers}.").format(
            answers=" → ".join(map(str, answers))))
    # The moment the readout was surest of another digit, between the first ink and settling.
    window = np.arange(first_ink - 1, settle - 1)  # 0-based steps
    if len(window):
        others = probabilities[window].copy()
        others[:, final] = -1.0
        row, digit = np.unravel_index(np.argmax(others), others.shape)
        words.append(_("At step {step} the readout said {digit} ({probability}).").format(
            step=int(window[row]) + 1, digit=int(digit), probability=percent(others[row, digit])))
    words.append(settle_sentence(trace_))
    return " ".join(words)


def gallery_pointer(trace_: Trace, late_step: int) -> str:
    """Where in the MNIST gallery to find digits that behave differently from this one."""
    settle = int(trace_.decision_step)
    values = dict(step=settle, late_step=late_step, late=_(LATE_DECIDERS), misread=_(MISREAD),
                  gallery=_(GALLERY_TAB))
    if settle >= late_step:
        lead = _("Yours settled late (step {step}), like the gallery's *{late}*, which settle at "
                 "step {late_step} or later.")
    else:
        lead = _("For digits that decide late, open **{gallery}** → *{late}*: they settle "
                 "only at step {late_step} or later.")
    return (lead + " " + _("*{misread}* there shows the test digits the model gets wrong, the most confident "
                           "first.")).format(**values)


def _settles_at(trace_: Trace) -> str:
    """When a model settles, counted from the ink; an answer held from before the ink is said
    with what every image gets there (over empty rows the states are the same for every image)."""
    settle, answer = int(trace_.decision_step), int(trace_.prediction)
    first_ink = first_inked_step(trace_.inputs)
    if first_ink is None or settle >= first_ink:
        return _("settles at step {step}").format(step=settle)
    empty = empty_rows(trace_.inputs)
    if settle <= empty:
        held = trace_.step_probabilities[settle - 1:empty, answer]
        low, high = percent(held.min()), percent(held.max())
        every = (_("at {low}") if len(held) == 1 or low == high else _("at {low} to {high}")).format(low=low, high=high)
        return _("says {digit} from step {step}, as it does for every image over the empty rows "
                 "({every}), and the ink never changed it").format(digit=answer, step=settle, every=every)
    return _("says {digit} from step {step}, in the faint rows above the ink (row {first_ink}), and "
             "the ink never changed it").format(digit=answer, step=settle, first_ink=first_ink)


def two_models_story(trace_: Trace, every_step_trace: Trace) -> str:
    """The drawing read by both models: halfway, when each settles, and what each ends on."""
    steps = len(trace_.step_probabilities)
    final, other = int(trace_.prediction), int(every_step_trace.prediction)
    half = steps // 2
    words = [_("Halfway (step {half}), the last-step model gives your {digit} {last_step}, the every-step "
               "model {every_step}.").format(half=half, digit=final,
                                             last_step=percent(trace_.step_probabilities[half - 1, final]),
                                             every_step=percent(every_step_trace.step_probabilities[half - 1, final]))]
    if other == final:
        words.append(_("Both end on {digit}: the last-step model {last_step}, the every-step model "
                       "{every_step}.").format(digit=final, last_step=_settles_at(trace_),
                                               every_step=_settles_at(every_step_trace)))
    else:
        words.append(_("They disagree at the end: the last-step model says {digit} ({probability}), the "
                       "every-step model {other} ({other_probability}).").format(
            digit=final, probability=percent(trace_.step_probabilities[-1, final]), other=other,
            other_probability=percent(every_step_trace.step_probabilities[-1, other])))
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
    values = dict(steps=t, features=config.features, units=u, classes=k, inked=inked_rows,
                  digit=readout.prediction, logit=readout.logits[readout.prediction], next=runner_up,
                  next_logit=readout.logits[runner_up])
    rows = [
        (_("input"), f"(batch, {t}, {config.features})",
         _("{steps} rows of {features} pixels, top row first").format(**values),
         _("{inked} of {steps} rows hold ink").format(**values)),
        (f"LSTM({u}), `return_sequences=False`", f"(batch, {u})",
         _("$h_{{{steps}}}$, the last output. With `return_sequences=True` the LSTM returns every step's "
           "output, (batch, {steps}, {units}), and $h_{{{steps}}}$ is `outputs[:, -1, :]`").format(**values),
         f"`{_vector(trace_.hidden_states[-1])}`"),
        (f"Dense({k}): logits $= V h_{{{t}}} + b$", f"(batch, {k})",
         _("$V$ is {classes} × {units} and $b$ has {classes} numbers: one weighted sum per digit").format(**values),
         _("largest {digit}: {logit:.2f}; next {next}: {next_logit:.2f}").format(**values)),
        ("softmax", f"(batch, {k})", _("{classes} probabilities that add up to 1").format(**values),
         f"{readout.prediction}: {percent(readout.probabilities[readout.prediction])}; {runner_up}: "
         f"{percent(readout.probabilities[runner_up])}"),
        ("argmax", "(batch,)", _("the digit with the highest probability"), f"**{readout.prediction}**"),
    ]
    lines = ["| {} | {} | {} | {} |".format(_("layer"), _("shape"), _("what it is"), _("your drawing")),
             "|---|---|---|---|"]
    lines += [f"| {layer} | `{shape}` | {what} | {yours} |" for layer, shape, what, yours in rows]
    return "\n".join(lines)


def logit_sentence(readout: Readout, digit: int) -> str:
    """One digit's logit taken apart: bias, the units' sum, the strongest pushes either way."""
    contributions = readout.contributions[digit]
    bias = readout.logits[digit] - contributions.sum()
    up, down = pushes(contributions, TOP_UNITS)
    up_words, down_words = (_(", ").join(_("unit {unit} ({share:+.2f})").format(unit=j, share=share)
                                          for j, share in pairs) or _("no unit") for pairs in (up, down))
    return _("Digit {digit}: its logit {logit:.2f} is the bias {bias:+.2f} plus {units} shares "
             "$V_{{{digit},j}} h_j$ adding up to {total:+.2f}. Pushing it up most: {up}. Down most: {down}. "
             "Softmax makes it {probability}.").format(
                 digit=digit, logit=readout.logits[digit], bias=bias, units=contributions.size,
                 total=contributions.sum(), up=up_words, down=down_words,
                 probability=percent(readout.probabilities[digit]))


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


# The "what if" views' words, in one place: str.format templates marked for the catalogue with
# N_() and translated with _() where they are used (here and in whatif_view.py).
WHATIF_WORDS = {
    # Widgets.
    "edit_label": N_("Edit the rows"),
    "edit_first_rows_choice": N_("Only the first rows"),
    "edit_blank_choice": N_("Without some rows"),
    "edit_reverse_choice": N_("Reverse the order"),
    "edit_shuffle_choice": N_("Shuffle the order"),
    "rows_kept_label": N_("Keep rows 1 to"),
    "rows_blanked_label": N_("Blank rows"),
    "seed_label": N_("Shuffle seed"),
    "step_label": N_("Step t"),
    "no_digit_rows": N_("Edit the rows of a digit here once there is one to read."),
    "no_digit_map": N_("The drawing's path through the hidden state appears here once there is a digit to "
                       "read."),
    "no_map": N_("The map of the hidden state is not shown: {problem} Make it with `python -m "
                 "model.state_map` (it needs MNIST_DIR)."),
    "influence_heading": N_("Which rows did the answer need?"),
    # The edits, as the edited input's title ...
    "edit_first_rows": N_("Only rows 1–{last}"),
    "edit_blank": N_("Without rows {first}–{last}"),
    "edit_blank_one": N_("Without row {first}"),
    "edit_reverse": N_("Rows reversed"),
    "edit_shuffle": N_("Rows shuffled (seed {seed})"),
    # ... and as the start of the sentence.
    "clause_first_rows": N_("With only rows 1–{last}"),
    "clause_blank": N_("Without rows {first}–{last}"),
    "clause_blank_one": N_("Without row {first}"),
    "clause_reverse": N_("With its rows reversed"),
    "clause_shuffle": N_("With its rows shuffled (seed {seed})"),
    # What the edit did.
    "edit_same": N_("{edit}, your {digit} is still read as {digit} ({before} before, {after} now), settling "
                    "at step {settle} (the original at step {original_settle})."),
    "edit_changed": N_("{edit}, your {digit} is read as {new} ({p_new}; {digit} falls from {before} to "
                       "{after}), settling at step {settle}."),
    "edit_blank_left": N_("{edit}, no ink of your {digit} is left: a blank input reads as {new} ({p_new})."),
    "edit_unchanged": N_("{edit}, your digit is what it was: the rows changed hold no ink."),
    "reason_blank_before": N_("The final answer needed the ink of rows {first}–{last}: the original's "
                              "readout settled on {digit} only at step {settle}, after reading them."),
    "reason_blank_while": N_("The final answer needed the ink of rows {first}–{last}: the original's readout "
                             "settled on {digit} at step {settle}, while reading them."),
    "reason_blank_after": N_("The original's readout had settled on {digit} at step {settle}, before row "
                             "{first}, yet the final answer still needed rows {first}–{last}: settling "
                             "early is not deciding early."),
    "reason_first_rows": N_("At step {last} the original's readout said {leader} ({p_leader}); {blank_rows} "
                            "blank rows later the same state reads as {new}: the final answer needed rows "
                            "{next}–{rows}."),
    "reason_reverse": N_("Read bottom row first, the same ink is another sequence, and the LSTM learned its "
                         "digits top row first."),
    "reason_shuffle": N_("The same ink in another order is another sequence: the LSTM reads the order of the "
                         "rows, not only their ink."),
    # The influence strip.
    "influence_none": N_("There is no ink, so no row can matter: blanking or scaling any row changes "
                         "nothing."),
    "influence_flat": N_("No single row decides it: blanking any one row alone lowers p({digit}) by under "
                         "one point (at most {most} points, row {row}); the other rows carry the {digit} "
                         "without it."),
    "influence_top": N_("Blanking one row at a time, row {row} matters most: without it p({digit}) falls "
                        "from {before} to {after}. {count} of the {inked} inked rows lower it by over one "
                        "point."),
    "sensitivity": N_("The ink that still moves h_{steps} most is row {row}'s; the inked row that moves it "
                      "least is row {least} ({ratio} times less). Sensitivity here is ‖h_{steps}(x with row "
                      "k's ink × (1 + ε)) − h_{steps}(x)‖ / ε, a finite difference over the row's own "
                      "pixels."),
    "sensitivity_one": N_("Only row {row} holds ink, so only its ink can move h_{steps}."),
    # The map.
    "map": N_("Each faint dot is one of {points} MNIST test digits' hidden state at step {t}, coloured by "
              "its true digit; the ringed numbers are each digit's centre over all {images:,} test digits, "
              "and the black line is your drawing's path h_1 … h_{t}. The map is a PCA of h_t over all test "
              "digits and steps: its two axes keep {kept} of the variance{kept_here}; the other {lost} lies "
              "in the {hidden} directions the map cannot show, so digits that overlap here may be far apart "
              "in the {units}-dimensional state."),
    "map_kept_here": N_(" ({kept_t} of it at step {t})"),
    "map_nearest": N_("At step {t} your h_t lies nearest the centre of the {digit}s on the map."),
}


def whatif_words(key: str) -> str:
    """One of WHATIF_WORDS in the reader's language (a str.format template)."""
    return _(WHATIF_WORDS[key])


def whatif_edit_words(kind: str, first: int, last: int, seed: int, use: str = "edit") -> str:
    """An edit in words: the edited input's title (use="edit") or the start of the sentence
    (use="clause")."""
    key = f"{use}_{kind}_one" if kind == "blank" and first == last else f"{use}_{kind}"
    return whatif_words(key).format(first=first, last=last, seed=seed)


def whatif_sentence(original: Trace, edited: Trace, kind: str, first: int, last: int, seed: int) -> str:
    """What the edit did to the answer and, when it changed it, why, from the two traces."""
    edit = whatif_edit_words(kind, first, last, seed, use="clause")
    digit, new = int(original.prediction), int(edited.prediction)
    if np.array_equal(original.inputs, edited.inputs):
        return whatif_words("edit_unchanged").format(edit=edit)
    before, after = percent(original.probabilities[digit]), percent(edited.probabilities[digit])
    if first_inked_step(edited.inputs) is None:
        return whatif_words("edit_blank_left").format(edit=edit, digit=digit, new=new,
                                                  p_new=percent(edited.probabilities[new]))
    if new == digit:
        return whatif_words("edit_same").format(edit=edit, digit=digit, before=before, after=after,
                                            settle=int(edited.decision_step),
                                            original_settle=int(original.decision_step))
    sentence = whatif_words("edit_changed").format(edit=edit, digit=digit, new=new,
                                               p_new=percent(edited.probabilities[new]), before=before,
                                               after=after, settle=int(edited.decision_step))
    rows = len(original.step_probabilities)
    if kind == "blank":
        settle = int(original.decision_step)
        when = "before" if last < settle else "after" if first > settle else "while"
        reason = whatif_words(f"reason_blank_{when}").format(first=first, last=last, digit=digit,
                                                             settle=settle)
    elif kind == "first_rows":
        at_last = original.step_probabilities[last - 1]
        leader = int(at_last.argmax())
        reason = whatif_words("reason_first_rows").format(last=last, leader=leader,
                                                      p_leader=percent(at_last[leader]),
                                                      blank_rows=rows - last, new=new, next=last + 1,
                                                      rows=rows)
    else:
        reason = whatif_words(f"reason_{kind}")
    return f"{sentence} {reason}"


ONE_POINT = 0.01  # a probability change smaller than one percentage point is not worth naming


def influence_sentence(original: Trace, drop: np.ndarray, sensitivity: np.ndarray) -> str:
    """Which rows the answer needed (occlusion) and whose ink still moves h_T (sensitivity)."""
    inked_rows = np.flatnonzero(original.inputs.max(axis=1) >= INK_THRESHOLD)
    if len(inked_rows) == 0:
        return whatif_words("influence_none")
    digit, steps = int(original.prediction), len(drop)
    row = int(np.argmax(drop))
    if drop[row] < ONE_POINT:
        first = whatif_words("influence_flat").format(digit=digit, most=f"{max(drop[row], 0) * 100:.1f}",
                                                  row=row + 1)
    else:
        before = float(original.probabilities[digit])
        first = whatif_words("influence_top").format(row=row + 1, digit=digit, before=percent(before),
                                                 after=percent(before - drop[row]),
                                                 count=int((drop >= ONE_POINT).sum()), inked=len(inked_rows))
    moving = sensitivity[inked_rows]
    if len(inked_rows) == 1:
        second = whatif_words("sensitivity_one").format(row=int(inked_rows[0]) + 1, steps=steps)
    else:
        ratio = float(moving.max() / max(moving.min(), 1e-12))
        second = whatif_words("sensitivity").format(steps=steps, row=int(inked_rows[moving.argmax()]) + 1,
                                                least=int(inked_rows[moving.argmin()]) + 1,
                                                ratio=f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}")
    return f"{first} {second}".strip()


def map_sentence(state_map, hidden_states: np.ndarray, t: int) -> str:
    """What the map of the hidden state shows at step t, and what the projection loses, from the
    measured file (model/state_map.py)."""
    kept = float(np.sum(state_map.explained))
    kept_t = float(state_map.explained_per_step[t - 1])
    units = state_map.components.shape[1]
    kept_here = ("" if not np.isfinite(kept_t) else
                 whatif_words("map_kept_here").format(kept_t=f"{kept_t:.0%}", t=t))
    sentence = whatif_words("map").format(points=state_map.points.shape[1], t=t, images=state_map.test_images,
                                      kept=f"{kept:.0%}", kept_here=kept_here, lost=f"{1 - kept:.0%}",
                                      hidden=units - 2, units=units)
    here = state_map.project(hidden_states[t - 1])
    nearest = int(np.argmin(np.linalg.norm(state_map.centroids[t - 1] - here, axis=1)))
    return "{} {}".format(sentence, whatif_words("map_nearest").format(t=t, digit=nearest))

# --- Without sight of the charts: every step in words, and the charts' text alternatives -------
# Every sentence a screen reader speaks for the playback and the charts, as str.format templates
# marked for the catalogue with N_() and translated with _() where they are used (here, and the
# playback controls' labels in views.py).

STEP_SENTENCE = N_("Step {step} of {steps}: row {step} {row}. The readout says {digit} at {probability}, "
                   "{settled}. {change}")
ROW_BLANK = N_("is blank")
ROW_FAINT = N_("holds only faint ink, {ink} pixels' worth")
ROW_INKED = N_("holds {ink} pixels' worth of ink in columns {first} to {last}, mostly {where}")
ROW_PLACES = (N_("on the left"), N_("in the middle"), N_("on the right"))  # the thirds of a row
SETTLED = N_("settled: this is its final answer from here on")
NOT_SETTLED = N_("not settled yet")
CHANGE_FIRST = N_("This is the first row read.")
CHANGE_NEW_ANSWER = N_("Since step {previous}: the answer changed from {before} to {digit}.")
CHANGE_SAME_ANSWER = N_("Since step {previous}: still {digit}, {direction} from {before}.")
CHANGE_UP, CHANGE_DOWN, CHANGE_NONE = N_("up"), N_("down"), N_("unchanged")

TABLE_COLUMNS = (N_("step"), N_("row ink (pixels' worth)"), N_("top 3 probabilities"), N_("settled"))
TABLE_SETTLED, TABLE_NOT_SETTLED = N_("yes"), N_("not yet")
TOP_PROBABILITY = "{digit}: {probability}"  # no words to translate

INPUT_ALT_BLANK = N_("The {size} × {size} input the LSTM reads is blank.")
INPUT_ALT = N_("The {size} × {size} input the LSTM reads: white ink on black, on rows {first_row} to "
               "{last_row} and columns {first_column} to {last_column}.")
PLAYBACK_ALT = N_("Animated chart of the LSTM reading the digit row by row, {steps} steps: the input with "
                  "the row being read, the hidden state's {units} units, the readout's ten probabilities at "
                  "the step, and their curves so far. It ends on {digit} at {probability}; {settle} The "
                  "playback buttons step through it, each step is described in words under them, and the "
                  "table of steps lists every step.")
PLAYBACK_SETTLES = N_("the answer settles at step {settle}.")
PLAYBACK_HELD = N_("it says {digit} from the blank rows on.")
STEP_ALT = N_("Six bar charts of step {step}, across all {units} units: the input gate ({writing} open), the "
              "forget gate ({forgetting} below one half), the candidate, the output gate ({showing} open), "
              "the cell state and the hidden state (mean size {mean_abs_h:.2f}).")
PLAYBACK_CONTROLS = N_("Playback controls")
PLAYBACK_BUTTONS = {"first": N_("First step"), "previous": N_("Previous step"), "play": N_("Play"),
                    "pause": N_("Pause"), "next": N_("Next step"), "last": N_("Last step")}
PLAYBACK_KEYS = N_("Keys: Left and Right arrows step, Home and End go to the first and last step.")
TABLE_TITLE = N_("The playback as a table: every step in numbers")


def _row_words(row: np.ndarray) -> str:
    """Where a row's ink lies: its amount, the inked columns (1-based) and the third of the row
    that holds most of it; or that the row is blank."""
    inked = np.flatnonzero(row >= INK_THRESHOLD)
    ink = "{:.1f}".format(float(row.sum()))  # as the table of steps shows it
    if len(inked) == 0:
        return _(ROW_BLANK) if ink == "0.0" else _(ROW_FAINT).format(ink=ink)
    centre = float((row * np.arange(len(row))).sum() / row.sum())  # the ink's centre of mass, 0-based
    where = _(ROW_PLACES[min(int(3 * (centre + 0.5) / len(row)), len(ROW_PLACES) - 1)])
    return _(ROW_INKED).format(ink=ink, first=int(inked[0]) + 1,
                            last=int(inked[-1]) + 1, where=where)


def _change_words(trace_: Trace, t: int) -> str:
    if t == 1:
        return _(CHANGE_FIRST)
    now, before = trace_.step_probabilities[t - 1], trace_.step_probabilities[t - 2]
    digit, previous_digit = int(now.argmax()), int(before.argmax())
    if digit != previous_digit:
        return _(CHANGE_NEW_ANSWER).format(previous=t - 1, before=previous_digit, digit=digit)
    # Compared as the page shows them, so that "up" never joins two equal percentages.
    shown_now, shown_before = percent(float(now[digit])), percent(float(before[digit]))
    direction = _(CHANGE_NONE if shown_now == shown_before else
                  CHANGE_UP if now[digit] > before[digit] else CHANGE_DOWN)
    return _(CHANGE_SAME_ANSWER).format(previous=t - 1, digit=digit, direction=direction, before=shown_before)


def step_description(trace_: Trace, t: int) -> str:
    """Step t (1-based) of the playback in one paragraph a screen reader can speak: what row t
    holds, what the readout says and how sure (settled: at or after the decision step), and
    what changed since step t - 1."""
    steps = len(trace_.step_probabilities)
    if not 1 <= t <= steps:
        raise ValueError("step {} is outside 1..{}".format(t, steps))
    probabilities = trace_.step_probabilities[t - 1]
    digit = int(probabilities.argmax())
    return _(STEP_SENTENCE).format(step=t, steps=steps, row=_row_words(trace_.inputs[t - 1]), digit=digit,
                                probability=percent(float(probabilities[digit])),
                                settled=_(SETTLED if t >= int(trace_.decision_step) else NOT_SETTLED),
                                change=_change_words(trace_, t))


def step_descriptions(trace_: Trace) -> list[str]:
    """step_description for every step, in order: what the page's live region reads out."""
    return [step_description(trace_, t) for t in range(1, len(trace_.step_probabilities) + 1)]


def step_table(trace_: Trace) -> list[dict]:
    """The playback as rows of a table, one per step: the row's ink, the readout's top three and
    whether the answer has settled (at or after the decision step)."""
    settle = int(trace_.decision_step)
    columns = [_(name) for name in TABLE_COLUMNS]
    rows = []
    for t, (row, probabilities) in enumerate(zip(trace_.inputs, trace_.step_probabilities), start=1):
        top = np.argsort(probabilities)[::-1][:3]
        values = (t, "{:.1f}".format(float(row.sum())),
                  ", ".join(TOP_PROBABILITY.format(digit=int(d), probability=percent(float(probabilities[d])))
                            for d in top),
                  _(TABLE_SETTLED if t >= settle else TABLE_NOT_SETTLED))
        rows.append(dict(zip(columns, values)))
    return rows


def input_alt(image: np.ndarray) -> str:
    """The 28 x 28 input in one sentence: where its ink lies."""
    size = image.shape[0]
    rows, columns = (np.flatnonzero((image >= INK_THRESHOLD).any(axis=axis)) for axis in (1, 0))
    if len(rows) == 0:
        return _(INPUT_ALT_BLANK).format(size=size)
    return _(INPUT_ALT).format(size=size, first_row=int(rows[0]) + 1, last_row=int(rows[-1]) + 1,
                            first_column=int(columns[0]) + 1, last_column=int(columns[-1]) + 1)


def playback_alt(trace_: Trace) -> str:
    """The playback chart's text alternative: what it shows and how it ends."""
    steps, units = trace_.hidden_states.shape
    digit, settle = int(trace_.prediction), int(trace_.decision_step)
    first_ink = first_inked_step(trace_.inputs)
    held = first_ink is not None and settle < first_ink  # as settle_label says it
    return _(PLAYBACK_ALT).format(steps=steps, units=units, digit=digit,
                               probability=percent(float(trace_.probabilities[digit])),
                               settle=_(PLAYBACK_HELD).format(digit=digit) if held
                               else _(PLAYBACK_SETTLES).format(settle=settle))


def step_alt(numbers: dict, t: int) -> str:
    """The step-up-close chart's text alternative, from step_numbers."""
    return _(STEP_ALT).format(step=t, **numbers)


WHY_ALT_TEST = N_("Line chart of the test digits read correctly after each step: the readout, trained on the "
                "last step only, reaches {readout} at step {steps}; a probe fitted to each step's state, "
                "{probe} at step {steps}.")
WHY_ALT_DRAWING = N_("Your drawing's probability of {digit} after each step, ending at {probability}.")
READOUT_ALT = N_("Bar charts of the last output and the readout: h_{steps}'s {units} numbers, the weights V "
                 "({classes} × {units}), the {classes} logits V h + b (largest: {prediction}, {logit:.2f}), "
                 "and each unit's share of digit {digit}'s logit.")


def why_alt(metrics: dict | None, trace_: Trace | None) -> str:
    """The "isn't the final output better?" chart's text alternative: its curves' last values."""
    words = []
    if metrics is not None and metrics.get("readout_accuracy_per_step") and metrics.get("probe_accuracy_per_step"):
        readout = metrics["readout_accuracy_per_step"]
        words.append(_(WHY_ALT_TEST).format(readout="{:.1%}".format(readout[-1]), steps=len(readout),
                                         probe="{:.1%}".format(metrics["probe_accuracy_per_step"]["h"][-1])))
    if trace_ is not None:
        digit = int(trace_.prediction)
        words.append(_(WHY_ALT_DRAWING).format(digit=digit,
                                               probability=percent(float(trace_.probabilities[digit]))))
    return " ".join(words)


def readout_alt(readout: Readout, digit: int, config: RowLstmConfig = CONFIG) -> str:
    """The readout chart's text alternative."""
    return _(READOUT_ALT).format(steps=config.timesteps, units=config.units, classes=config.classes,
                              prediction=readout.prediction, logit=float(readout.logits[readout.prediction]),
                              digit=digit)
