"""Whether the measured files beside the model may be shown on the page: model/metrics.json must
exist, parse, hold the keys the page reads and name the sha256 of the very model file the page
loaded; model/state_map.npz (the map of the hidden state) must be readable and name it too."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from i18n import _
from model.state_map import StateMap, read

METRICS_KEYS = ("model", "test_accuracy", "chance_accuracy", "readout_accuracy_per_step",
                "probe_accuracy_per_step", "readout_alternatives", "decision_step")


@dataclass(frozen=True)
class MetricsCheck:
    metrics: dict | None  # the metrics, when they describe this very model file
    problem: str | None  # otherwise why not, in words for the page (in its language)


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, mtime_ns: int, size: int) -> dict:
    """The file's JSON, parsed once per version of it (its time and size name the version), not on
    every rerun: the page only reads it."""
    return json.loads(path.read_text())


def check_metrics(metrics_path, model_sha256: str) -> MetricsCheck:
    """metrics.json if it exists, parses, has the expected keys and names this model's sha256."""
    metrics_path = Path(metrics_path)
    if not metrics_path.exists():
        return MetricsCheck(None, _("{file} is missing.").format(file=metrics_path.name))
    try:
        version = metrics_path.stat()
        metrics = _parsed(metrics_path, version.st_mtime_ns, version.st_size)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return MetricsCheck(None, _("{file} cannot be read ({error}).").format(file=metrics_path.name, error=error))
    missing = [key for key in METRICS_KEYS if not isinstance(metrics, dict) or key not in metrics]
    if missing:
        return MetricsCheck(None, _("{file} lacks {keys}.").format(file=metrics_path.name, keys=", ".join(missing)))
    if metrics["model"].get("sha256") != model_sha256:
        return MetricsCheck(None, _("{file} was measured on a different model file (its sha256 does not "
                                    "match).").format(file=metrics_path.name))
    return MetricsCheck(metrics, None)


def energy_floor(metrics: dict | None) -> float | None:
    """The readout energy below which this model's answer counts as unfamiliar
    (model/confidence.py); None when the metrics are not this model's or predate the floor."""
    floor = (metrics or {}).get("confidence", {}).get("energy_floor")
    return float(floor) if isinstance(floor, (int, float)) else None


@dataclass(frozen=True)
class StateMapCheck:
    state_map: StateMap | None  # the map, when it was made for this very model file
    problem: str | None  # otherwise why not, in words for the page


def check_state_map(path, model_sha256: str) -> StateMapCheck:
    """The map of the hidden state if it exists, reads and names this model's sha256: a map made
    for another model would place the drawing's states among another model's digits."""
    path = Path(path)
    if not path.exists():
        return StateMapCheck(None, _("{file} is missing.").format(file=path.name))
    try:
        state_map = read(path)
    except ValueError as error:  # model/state_map.py's own words (the model knows no languages)
        return StateMapCheck(None, f"{error}.")
    if state_map.model_sha256 != model_sha256:
        return StateMapCheck(None, _("{file} was made for a different model file (its sha256 does not "
                                     "match).").format(file=path.name))
    return StateMapCheck(state_map, None)
