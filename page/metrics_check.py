"""Whether model/metrics.json may be quoted on the page: it must exist, parse, hold the keys the
page reads and name the sha256 of the very model file the page loaded."""

import json
from dataclasses import dataclass
from pathlib import Path

from page.i18n import _

METRICS_KEYS = ("model", "test_accuracy", "chance_accuracy", "readout_accuracy_per_step",
                "probe_accuracy_per_step", "readout_alternatives", "decision_step")


@dataclass(frozen=True)
class MetricsCheck:
    metrics: dict | None  # the metrics, when they describe this very model file
    problem: str | None  # otherwise why not, in words for the page (in its language)


def check_metrics(metrics_path, model_sha256: str) -> MetricsCheck:
    """metrics.json if it exists, parses, has the expected keys and names this model's sha256."""
    metrics_path = Path(metrics_path)
    if not metrics_path.exists():
        return MetricsCheck(None, _("{file} is missing.").format(file=metrics_path.name))
    try:
        metrics = json.loads(metrics_path.read_text())
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
