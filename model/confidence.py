"""When the model's answer deserves "not sure": the rule the page applies to every drawing,
written for arrays so that model/evaluate.py measures the very rule the page shows.

A softmax always names a digit, so the page looks for three signs that an answer is shaky:

- **low**: the top probability is below SURE_PROBABILITY;
- **late**: the readout settled on its answer only in the last LATE_ROWS rows;
- **unfamiliar**: the readout's scores are all low. The logits V h + b of a digit like those in
  training give one digit a high score; a dash or a star, which no training image resembles,
  often leaves every score low, while the softmax can still turn the least-low one into 95%.
  The *energy* log(sum_k exp(logit_k)) (Liu et al. 2020, "Energy-based out-of-distribution
  detection") measures that, and an answer is unfamiliar when its energy is below the floor that
  99% of validation digits exceed (the floor is measured by model/evaluate.py, per model).
"""

from dataclasses import dataclass

import numpy as np

SURE_PROBABILITY = 0.8  # below this top probability the answer is "not sure" ...
LATE_ROWS = 4  # ... as it is when it settled only this few rows before the end (step 25 of 28 or later) ...
FAMILIAR_PERCENTILE = 1.0  # ... or when its energy is below this percentile of validation digits'


def readout_energy(hidden_states: np.ndarray, readout_weights: np.ndarray, readout_bias: np.ndarray) -> np.ndarray:
    """log(sum_k exp(V h + b)_k) for (..., units) hidden states: (...)."""
    logits = np.asarray(hidden_states, dtype=np.float64) @ readout_weights + readout_bias
    top = logits.max(axis=-1)
    return top + np.log(np.exp(logits - top[..., None]).sum(axis=-1))


def energy_floor(validation_energies: np.ndarray) -> float:
    """The energy that all but FAMILIAR_PERCENTILE % of validation digits exceed."""
    return float(np.percentile(validation_energies, FAMILIAR_PERCENTILE))


@dataclass(frozen=True)
class Doubts:
    """Which signs of a shaky answer each reading shows: boolean arrays of the batch's shape."""

    low: np.ndarray
    late: np.ndarray
    unfamiliar: np.ndarray

    @property
    def unsure(self) -> np.ndarray:
        return self.low | self.late | self.unfamiliar


def doubts(probabilities: np.ndarray, decision_steps, steps: int, energies=None, floor: float | None = None) -> Doubts:
    """The three signs for final probabilities (..., classes) and decision steps (...). Without an
    energy floor (no measured one for this model) nothing counts as unfamiliar."""
    probabilities = np.asarray(probabilities)
    low = probabilities.max(axis=-1) < SURE_PROBABILITY
    late = np.asarray(decision_steps) > steps - LATE_ROWS
    if floor is None or energies is None:
        unfamiliar = np.zeros_like(low)
    else:
        unfamiliar = np.asarray(energies) < floor
    return Doubts(low, late, unfamiliar)
