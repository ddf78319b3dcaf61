"""The readout taken apart: how the LSTM's last output h becomes a digit, unit by unit.

The readout is Keras's Dense(10) + softmax, a multinomial logistic regression on h:

    logits = V h + b        V: (classes, units), the transpose of Keras's kernel (units, classes)
    p      = softmax(logits)
    digit  = argmax(p)

Each logit is the bias plus one share per unit, V[k, j] * h_j; the shares say which units push
digit k up (positive) or down (negative).
"""

from dataclasses import dataclass

import numpy as np

from model.trace import softmax


@dataclass(frozen=True)
class Readout:
    V: np.ndarray  # (classes, units): the readout's weights, one row per digit
    contributions: np.ndarray  # (classes, units): V[k, j] * h_j, unit j's share of logit k
    logits: np.ndarray  # (classes,): V h + b
    probabilities: np.ndarray  # (classes,): softmax of the logits

    @property
    def prediction(self) -> int:
        return int(np.argmax(self.probabilities))


def take_apart(hidden_state: np.ndarray, readout_weights: np.ndarray, readout_bias: np.ndarray) -> Readout:
    """The readout of one hidden state (units,), with Keras's kernel (units, classes) and bias."""
    V = np.asarray(readout_weights).T  # (classes, units)
    contributions = V * np.asarray(hidden_state)[None, :]  # (classes, units)
    logits = contributions.sum(axis=1) + np.asarray(readout_bias)  # (classes,)
    return Readout(V, contributions, logits, softmax(logits))


def pushes(contributions: np.ndarray, count: int) -> tuple[list, list]:
    """The units (1-based) whose shares push one logit up most, and down most: two lists of
    (unit, share), largest first; a list is shorter when fewer units push that way."""
    order = np.argsort(contributions)
    up = [(int(j) + 1, float(contributions[j])) for j in order[::-1][:count] if contributions[j] > 0]
    down = [(int(j) + 1, float(contributions[j])) for j in order[:count] if contributions[j] < 0]
    return up, down
