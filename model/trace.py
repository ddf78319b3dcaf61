"""The row-LSTM, step by step, in NumPy: every gate, state and readout of every timestep.

The equations are those of the Keras LSTM cell (Hochreiter & Schmidhuber 1997, with the
forget gate of Gers et al. 2000), for input row x_t and previous state (h_prev, c_prev):

    i_t = sigmoid(x_t W_i + h_prev U_i + b_i)      input gate
    f_t = sigmoid(x_t W_f + h_prev U_f + b_f)      forget gate
    g_t = tanh(x_t W_g + h_prev U_g + b_g)         candidate cell update
    o_t = sigmoid(x_t W_o + h_prev U_o + b_o)      output gate
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * tanh(c_t)

Keras stores the four blocks of `kernel` (W), `recurrent_kernel` (U) and `bias` (b) side by
side in the order [i, f, c(=g), o]. The readout is the model's Dense + softmax, here applied to
every h_t, not only to h_28, so that the page can show what it would say at each step.
"""

from dataclasses import dataclass

import numpy as np

from model.config import CONFIG, RowLstmConfig
from model.preprocess import INK_THRESHOLD


@dataclass(frozen=True)
class LstmWeights:
    kernel: np.ndarray  # W: (features, 4u)
    recurrent_kernel: np.ndarray  # U: (u, 4u)
    bias: np.ndarray  # b: (4u,)
    readout_weights: np.ndarray  # (u, classes)
    readout_bias: np.ndarray  # (classes,)

    @classmethod
    def from_keras(cls, model, config: RowLstmConfig = CONFIG) -> "LstmWeights":
        kernel, recurrent_kernel, bias = (w.numpy() for w in model.get_layer("lstm").weights)
        readout_weights, readout_bias = (w.numpy() for w in model.get_layer("readout").weights)
        return cls.checked(kernel, recurrent_kernel, bias, readout_weights, readout_bias, config, model.name)

    @classmethod
    def checked(cls, kernel, recurrent_kernel, bias, readout_weights, readout_bias,
                config: RowLstmConfig = CONFIG, source: str = "the model") -> "LstmWeights":
        """The five arrays as float32, after checking each shape against `config` (ValueError if not)."""
        u, gates = config.units, 4 * config.units
        expected = {"kernel": (kernel, (config.features, gates)),
                    "recurrent kernel": (recurrent_kernel, (u, gates)),
                    "bias": (bias, (gates,)),
                    "readout weights": (readout_weights, (u, config.classes)),
                    "readout bias": (readout_bias, (config.classes,))}
        wrong = [f"{name} {array.shape} (expected {shape})" for name, (array, shape) in expected.items()
                 if array.shape != shape]
        if wrong:
            raise ValueError(f"{source} does not fit the row-LSTM config: " + ", ".join(wrong))
        return cls(*(np.asarray(array, dtype=np.float32) for array, _ in expected.values()))


@dataclass(frozen=True)
class Trace:
    """Everything the LSTM computed. Leading axes (...) are the batch, absent for one image."""

    inputs: np.ndarray  # x_t, the rows: (..., T, features)
    input_gates: np.ndarray  # i_t: (..., T, u)
    forget_gates: np.ndarray  # f_t: (..., T, u)
    candidates: np.ndarray  # g_t: (..., T, u)
    output_gates: np.ndarray  # o_t: (..., T, u)
    cell_states: np.ndarray  # c_t: (..., T, u)
    hidden_states: np.ndarray  # h_t: (..., T, u)
    step_probabilities: np.ndarray  # softmax(h_t W + b): (..., T, classes)

    @property
    def probabilities(self) -> np.ndarray:
        """The model's output: the readout of the last hidden state h_T. (..., classes)"""
        return self.step_probabilities[..., -1, :]

    @property
    def prediction(self):
        return np.argmax(self.probabilities, axis=-1)

    @property
    def step_predictions(self) -> np.ndarray:
        """The readout's argmax at every step: (..., T)."""
        return np.argmax(self.step_probabilities, axis=-1)

    @property
    def decision_step(self):
        """The first step t (1-based) after which the readout's argmax no longer changes."""
        return decision_step(self.step_probabilities)


def decision_step(step_probabilities: np.ndarray):
    """The first step t (1-based) from which on the argmax equals the final one: (..., T, K) -> (...)."""
    step_predictions = np.argmax(step_probabilities, axis=-1)  # (..., T)
    changed = step_predictions != step_predictions[..., -1:]
    steps = changed.shape[-1]
    # The last step that disagrees with the final prediction, counted from the end; 0 if none.
    last_disagreement = np.where(changed.any(axis=-1), steps - np.argmax(changed[..., ::-1], axis=-1), 0)
    return last_disagreement + 1


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function as 1 / (1 + e^-z), without overflow


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def trace(images: np.ndarray, weights: LstmWeights) -> Trace:
    """Run the LSTM over (28, 28) or (N, 28, 28) images in [0, 1], recording every step."""
    images = np.asarray(images, dtype=np.float32)
    single = images.ndim == 2
    x = images[None] if single else images  # (N, T, features)
    if x.ndim != 3 or x.shape[2] != weights.kernel.shape[0]:
        raise ValueError(f"expected images of shape (T, {weights.kernel.shape[0]}) or "
                         f"(N, T, {weights.kernel.shape[0]}), got {images.shape}")
    if not np.isfinite(x).all():
        raise ValueError("images contain NaN or infinite values")
    n, steps, _ = x.shape
    u = weights.recurrent_kernel.shape[0]

    x_projected = x @ weights.kernel + weights.bias  # (N, T, 4u): every row's input term at once
    gates = np.empty((n, steps, 4 * u), dtype=np.float32)  # [i, f, g, o] per step, after activation
    c = np.empty((n, steps, u), dtype=np.float32)
    h = np.empty((n, steps, u), dtype=np.float32)
    h_prev = np.zeros((n, u), dtype=np.float32)
    c_prev = np.zeros((n, u), dtype=np.float32)
    for t in range(steps):
        z = x_projected[:, t] + h_prev @ weights.recurrent_kernel  # (N, 4u)
        a = gates[:, t]
        a[:] = sigmoid(z)  # i, f and o use the sigmoid ...
        a[:, 2 * u : 3 * u] = np.tanh(z[:, 2 * u : 3 * u])  # ... the candidate g uses tanh
        i, f, g, o = a[:, :u], a[:, u : 2 * u], a[:, 2 * u : 3 * u], a[:, 3 * u :]
        c[:, t] = c_prev = f * c_prev + i * g  # (N, u)
        h[:, t] = h_prev = o * np.tanh(c_prev)  # (N, u)

    step_probabilities = softmax(h @ weights.readout_weights + weights.readout_bias)  # (N, T, 10)
    squeeze = (lambda a: a[0]) if single else (lambda a: a)
    return Trace(
        inputs=squeeze(x),
        input_gates=squeeze(gates[..., :u]),
        forget_gates=squeeze(gates[..., u : 2 * u]),
        candidates=squeeze(gates[..., 2 * u : 3 * u]),
        output_gates=squeeze(gates[..., 3 * u :]),
        cell_states=squeeze(c),
        hidden_states=squeeze(h),
        step_probabilities=squeeze(step_probabilities),
    )


def first_inked_step(inputs: np.ndarray, threshold: float = INK_THRESHOLD) -> int | None:
    """The first row (1-based) holding ink, the step at which the LSTM first meets the digit;
    None for a blank image: (T, features) -> int. The rows above it are blank in every image,
    so up to that step every image has the same states and the same readout."""
    inked = np.flatnonzero(np.asarray(inputs).max(axis=-1) >= threshold)
    return int(inked[0]) + 1 if len(inked) else None


def empty_rows(inputs: np.ndarray) -> int:
    """How many rows at the top hold no ink at all, not even faint ink (every pixel exactly 0):
    (T, features) -> int, T for a blank image. Up to that step every image has the same states,
    so the readout says the same thing for every image. Rows between these and
    first_inked_step hold only faint ink, below the threshold (the edges of the scaled drawing)."""
    touched = np.flatnonzero(np.asarray(inputs).max(axis=-1) > 0)
    return int(touched[0]) if len(touched) else int(np.asarray(inputs).shape[-2])
