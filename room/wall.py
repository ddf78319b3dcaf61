"""The room wall's numbers, words and chart, without Streamlit: what a room's drawings say about
the LSTM, set against what the MNIST test set said (model/metrics.json).

A drawing counts as read correctly when the readout's answer after the last row is the digit its
author meant. Per step, the same comparison is made with the readout applied to h_t, as in
metrics["readout_accuracy_per_step"]. A drawing "settles" at the first step from which the
readout's answer stays the same to the last row (model.trace.decision_step, the definition
metrics.json and the explorer page use); only drawings read as meant count as settling on their
digit.

The wall states something about the room only when it rests on enough drawings. A share of n
drawings has a binomial standard error of at most 0.5 / sqrt(n): with MIN_ROOM_DRAWINGS = 25 that
is 10 percentage points, so "half the room" means 30-70% at two standard errors, and below it
the noise swamps the claim. A median settle step needs MIN_DIGIT_DRAWINGS = 5 drawings of one
digit: the true median then lies between the smallest and the largest of them with probability
1 - 2 * 0.5**5 = 94%, and one odd drawing cannot move the middle one far.

The words are in the page's language (i18n/__init__.py, which imports nothing of the page).
"""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from i18n import _, ngettext
from model.config import CONFIG
from model.trace import decision_step
from room.records import Drawing

ROOM_COLOUR, MNIST_COLOUR, MUTED = "#d62728", "#1f77b4", "#9aa0a6"
FONT = dict(family="Source Sans Pro, sans-serif", size=16)  # read from the back of a room
TILE_SCALE = 4  # 28 px -> 112 px, pixels kept sharp
HALF = 0.5
MIN_ROOM_DRAWINGS = 25  # before a statement about the whole room (see the module docstring)
MIN_DIGIT_DRAWINGS = 5  # drawings of one digit read as meant, before saying where they settle


@dataclass(frozen=True)
class WallNumbers:
    drawings: int
    correct: int
    step_accuracy: np.ndarray | None  # (28,) share read as meant by the readout on h_t; None without drawings
    settle_steps: np.ndarray | None  # (N,) each drawing's settle step, in the summary's order
    meant: np.ndarray  # (N,) the digits meant
    read: np.ndarray  # (N,) the readout's final answers

    @property
    def correct_mask(self) -> np.ndarray:
        """(N,) whether each drawing's final reading is the digit meant."""
        return self.read == self.meant

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.drawings if self.drawings else None


def wall_numbers(drawings: tuple[Drawing, ...] | list[Drawing]) -> WallNumbers:
    """Count, accuracy, accuracy per step and settle steps of a room's drawings."""
    meant = np.array([d.meant for d in drawings], dtype=int)  # (N,)
    read = np.array([d.read for d in drawings], dtype=int)  # (N,)
    if len(drawings) == 0:
        return WallNumbers(0, 0, None, None, meant, read)
    step_predictions = np.stack([d.step_predictions for d in drawings]).astype(int)  # (N, T)
    one_hot = np.eye(CONFIG.classes)[step_predictions]  # (N, T, classes): decision_step takes scores
    return WallNumbers(len(drawings), int(sum(d.correct for d in drawings)),
                       (step_predictions == meant[:, None]).mean(axis=0), decision_step(one_hot), meant, read)


def first_step_at_least(accuracy_per_step, share: float) -> int | None:
    """The first step (1-based) whose accuracy reaches `share`, or None if none does."""
    reached = np.flatnonzero(np.asarray(accuracy_per_step) >= share)
    return int(reached[0]) + 1 if len(reached) else None


def _steps(values) -> str:
    """A median (of MNIST's) as whole steps: "step 20", or "between steps 20 and 21" when it falls between two."""
    low, high = int(np.floor(np.median(values))), int(np.ceil(np.median(values)))
    if low == high:
        return _("step {step}").format(step=low)
    return _("between steps {low} and {high}").format(low=low, high=high)


def _middle_steps(values) -> str:
    """The median of whole steps as whole steps, from the drawings themselves: the middle one, or
    "between" the two middle ones when they differ."""
    ordered = np.sort(np.asarray(values))
    middle = len(ordered) // 2
    low, high = (ordered[middle], ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1], ordered[middle])
    if low == high:
        return _("at step {step}").format(step=low)
    return _("between steps {low} and {high}").format(low=low, high=high)


def wall_sentences(numbers: WallNumbers, metrics: dict | None) -> list[str]:
    """What the room's numbers say, each sentence computed from them (and from metrics.json), and
    only when enough drawings stand behind it (MIN_ROOM_DRAWINGS, MIN_DIGIT_DRAWINGS)."""
    if numbers.drawings == 0:
        return []
    sentences = []
    read_as_meant = numbers.meant[numbers.correct_mask]
    counts = np.bincount(read_as_meant, minlength=CONFIG.classes)
    digit = int(np.argmax(counts))  # the digit most often read as meant; ties go to the smaller digit
    if counts[digit] >= MIN_DIGIT_DRAWINGS:
        own = numbers.settle_steps[numbers.correct_mask & (numbers.meant == digit)]
        mnist_median = ((metrics or {}).get("decision_step", {}).get("median_per_class")
                        or [None] * CONFIG.classes)[digit]
        values = dict(digit=digit, when=_middle_steps(own), steps=CONFIG.timesteps, n=len(own),
                      mnist_when=_steps([mnist_median]) if mnist_median else "")
        sentences.append((_("Your room's {digit}s settle {when} of {steps}: from there to the last row, the "
                            "readout's answer stays {digit} (the middle of {n} drawings read as {digit}). MNIST's "
                            "test {digit}s: {mnist_when}.") if mnist_median else
                          _("Your room's {digit}s settle {when} of {steps}: from there to the last row, the "
                            "readout's answer stays {digit} (the middle of {n} drawings read as {digit}).")
                          ).format(**values))
    if numbers.drawings < MIN_ROOM_DRAWINGS:
        noise = 100 * HALF / np.sqrt(MIN_ROOM_DRAWINGS)  # a share's largest standard error, in points
        sentences.append(ngettext(
            "{n} drawing so far: the wall compares the whole room with MNIST from {minimum} drawings on (even "
            "then, a share of the room is uncertain by about ±{noise:.0f} points).",
            "{n} drawings so far: the wall compares the whole room with MNIST from {minimum} drawings on (even "
            "then, a share of the room is uncertain by about ±{noise:.0f} points).",
            numbers.drawings).format(n=numbers.drawings, minimum=MIN_ROOM_DRAWINGS, noise=noise))
        return sentences
    room_half = first_step_at_least(numbers.step_accuracy, HALF)
    mnist_half = first_step_at_least(metrics["readout_accuracy_per_step"], HALF) if metrics else None
    if room_half is None:
        sentence = (_("The readout never reads half of the room's drawings as meant, not even at the last step "
                      "(the MNIST test set: step {mnist_step}).") if mnist_half else
                    _("The readout never reads half of the room's drawings as meant, not even at the last step."))
    else:
        sentence = (_("The readout first reads half of the room's drawings as meant at step {step} (the MNIST "
                      "test set: step {mnist_step}).") if mnist_half else
                    _("The readout first reads half of the room's drawings as meant at step {step}."))
    sentences.append(sentence.format(step=room_half, mnist_step=mnist_half))
    return sentences


def wall_order(drawings, misreads_first: bool = False) -> list[Drawing]:
    """Newest first; with misreads_first, the misread drawings (newest first) before the rest."""
    newest_first = sorted(drawings, key=lambda d: d.id, reverse=True)
    return sorted(newest_first, key=lambda d: d.correct) if misreads_first else newest_first


def tile(pixels: np.ndarray, scale: int = TILE_SCALE) -> np.ndarray:
    """A drawing's 28 x 28 uint8 input enlarged by pixel repetition: sharp on a projector."""
    return np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)


def room_accuracy_figure(numbers: WallNumbers, metrics: dict | None, height: int = 380) -> go.Figure:
    """The room's readout accuracy per step against the MNIST test set's (metrics.json)."""
    fig = go.Figure()
    steps = np.arange(1, CONFIG.timesteps + 1)
    if metrics is not None:
        tested = metrics.get("data", {}).get("test_images")
        fig.add_trace(go.Scatter(x=steps, y=metrics["readout_accuracy_per_step"], mode="lines",
                                 name=(_("MNIST test set ({count:,} digits)").format(count=tested) if tested
                                       else _("MNIST test set")), line=dict(color=MNIST_COLOUR, width=3)))
    if numbers.step_accuracy is not None:
        fig.add_trace(go.Scatter(x=steps, y=numbers.step_accuracy, mode="lines+markers",
                                 name=ngettext("this room ({n} drawing)", "this room ({n} drawings)",
                                               numbers.drawings).format(n=numbers.drawings),
                                 line=dict(color=ROOM_COLOUR, width=4), marker_size=7))
    fig.update_xaxes(title_text=_("step t (rows read)"), range=[0.5, CONFIG.timesteps + 0.5], dtick=4)
    fig.update_yaxes(title_text=_("read as meant"), range=[0, 1.03], tickformat=".0%")
    fig.update_traces(hovertemplate=_("step %{x}: %{y:.0%}"))
    fig.update_layout(height=height, font=FONT, template="plotly_white", hovermode="x unified",
                      margin=dict(l=70, r=20, t=10, b=60),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return fig
