"""The row-LSTM of TensorFlow's classic MNIST RNN example, in Keras 3.

A 28 x 28 image is read as 28 timesteps of 28 pixels. One LSTM layer turns the rows into a
sequence of hidden states h_1..h_28; a Dense(10) + softmax "logistic regression" readout turns
the last hidden state h_28 into class probabilities. Nothing else: this exact architecture is
what the app explains.

`build_every_step_model` is the same network with the readout applied to every h_t, for the
experiment "what if the loss reached every step?". Its layers have the same names and shapes, so
its weights load into `build_model()` unchanged: the file it ships as is a plain row-LSTM.
"""

import keras

from model.config import CONFIG, RowLstmConfig


def build_model(config: RowLstmConfig = CONFIG) -> keras.Model:
    rows = keras.Input(shape=(config.timesteps, config.features), name="rows")
    last_hidden_state = keras.layers.LSTM(config.units, name="lstm")(rows)  # h_28: (batch, 128)
    probabilities = keras.layers.Dense(config.classes, activation="softmax", name="readout")(
        last_hidden_state
    )  # (batch, 10)
    return keras.Model(rows, probabilities, name="row_lstm")


def build_every_step_model(config: RowLstmConfig = CONFIG) -> keras.Model:
    rows = keras.Input(shape=(config.timesteps, config.features), name="rows")
    hidden_states = keras.layers.LSTM(config.units, return_sequences=True, name="lstm")(rows)  # (batch, 28, 128)
    step_probabilities = keras.layers.Dense(config.classes, activation="softmax", name="readout")(
        hidden_states
    )  # (batch, 28, 10): one readout, applied at every step
    return keras.Model(rows, step_probabilities, name="row_lstm_every_step")


def load_model(path) -> keras.Model:
    """Load a saved row-LSTM with Keras's safe mode on (no arbitrary code from the file)."""
    return keras.saving.load_model(path, compile=False, safe_mode=True)
