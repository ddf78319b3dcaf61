"""The one small config shared by the architecture, training, the NumPy trace and the tests."""

from dataclasses import dataclass
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent
MODEL_PATH = MODEL_DIR / "row_lstm.keras"  # the readout trained on h_28 only: the model of record
# The same architecture trained with its readout applied, and its loss averaged, at every step.
EVERY_STEP_MODEL_PATH = MODEL_DIR / "row_lstm_every_step.keras"
METRICS_PATH = MODEL_DIR / "metrics.json"
# The page's square drawing canvas, in CSS pixels; scripted drawings and the browser tests' mouse
# use the same frame. The digit is cropped and scaled to 20 x 20 anyway.
CANVAS_SIZE = 280
BRUSH_RANGE = (8, 40)  # the page's brush-width slider, canvas px; the scripted drawings use it too
DEFAULT_BRUSH = 22


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
