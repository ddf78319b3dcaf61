"""The one small config shared by the architecture, training, the NumPy trace and the tests."""

from dataclasses import dataclass
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent
MODEL_PATH = MODEL_DIR / "row_lstm.keras"  # the readout trained on h_28 only: the model of record
# The same architecture trained with its readout applied, and its loss averaged, at every step.
EVERY_STEP_MODEL_PATH = MODEL_DIR / "row_lstm_every_step.keras"
METRICS_PATH = MODEL_DIR / "metrics.json"


@dataclass(frozen=True)
class RowLstmConfig:
    image_size: int = 28  # MNIST images are 28 x 28 ...
    units: int = 128  # ... read by one LSTM layer of 128 units ...
    classes: int = 10  # ... and a softmax readout over the ten digits.
    seed: int = 1234

    @property
    def timesteps(self) -> int:
        """One image row per timestep, top row first."""
        return self.image_size

    @property
    def features(self) -> int:
        """Each timestep sees one row: image_size pixels."""
        return self.image_size


CONFIG = RowLstmConfig()
