"""The room wall's numbers, words and chart, without Streamlit: what a room's drawings say about
the LSTM, set against what the MNIST test set said (model/metrics.json).

A drawing counts as read correctly when the readout's answer after the last row is the digit its
author meant. Per step, the same comparison is made with the readout applied to h_t, as in
metrics["readout_accuracy_per_step"]. A drawing "settles" at the first step from which the
readout's answer no longer changes (model.trace.decision_step, the definition metrics.json uses).
The words are in the page's language (page/i18n.py, which imports nothing of the page).
"""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from model.config import CONFIG
from model.trace import decision_step
from page.i18n import _, ngettext
from room.records import Drawing

ROOM_COLOUR, MNIST_COLOUR, MUTED = "#d62728", "#1f77b4", "#9aa0a6"
FONT = dict(family="Source Sans Pro, sans-serif", size=16)  # read from the back of a room
TILE_SCALE = 4  # 28 px -> 112 px, pixels kept sharp
HALF = 0.5


@dataclass(frozen=True)
class WallNumbers:
    drawings: int
    correct: int
    step_accuracy: np.ndarray | None  # (28,) share read as meant by the readout on h_t; None without drawings
    settle_steps: np.ndarray | None  # (N,) each drawing's settle step, in the summary's order
    meant: np.ndarray  # (N,) the digits meant

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.drawings if self.drawings else None


def wall_numbers(drawings: tuple[Drawing, ...] | list[Drawing]) -> WallNumbers:
    """Count, accuracy, accuracy per step and settle steps of a room's drawings."""
    meant = np.array([d.meant for d in drawings], dtype=int)  # (N,)
    if len(drawings) == 0:
        return WallNumbers(0, 0, None, None, meant)
    step_predictions = np.stack([d.step_predictions for d in drawings]).astype(int)  # (N, T)
    one_hot = np.eye(CONFIG.classes)[step_predictions]  # (N, T, classes): decision_step takes scores
    return WallNumbers(len(drawings), int(sum(d.correct for d in drawings)),
                       (step_predictions == meant[:, None]).mean(axis=0), decision_step(one_hot), meant)


def first_step_at_least(accuracy_per_step, share: float) -> int | None:
    """The first step (1-based) whose accuracy reaches `share`, or None if none does."""
    reached = np.flatnonzero(np.asarray(accuracy_per_step) >= share)
    return int(reached[0]) + 1 if len(reached) else None


def wall_sentences(numbers: WallNumbers, metrics: dict | None) -> list[str]:
    """What the room's numbers say, each sentence computed from them (and from metrics.json)."""
    if numbers.drawings == 0:
        return []
    sentences = []
    counts = np.bincount(numbers.meant, minlength=CONFIG.classes)
    digit = int(np.argmax(counts))  # the room's most drawn digit; ties go to the smaller digit
    own = numbers.settle_steps[numbers.meant == digit]
    many = _("median of {n} drawings").format(n=len(own)) if len(own) > 1 else _("one drawing")
    mnist_median = (metrics or {}).get("decision_step", {}).get("median_per_class", [None] * CONFIG.classes)[digit]
    values = dict(digit=digit, step=f"{np.median(own):g}", steps=CONFIG.timesteps, many=many,
                  mnist_step=f"{mnist_median:g}" if mnist_median else "")
    sentences.append((_("Your room's {digit}s settle at step {step} of {steps} ({many}); MNIST's test {digit}s at "
                        "step {mnist_step}.") if mnist_median else
                      _("Your room's {digit}s settle at step {step} of {steps} ({many}).")).format(**values))
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
