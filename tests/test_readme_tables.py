"""The README's tables of figures are exactly what model/metrics.json says."""

import json

import pytest

from model.config import METRICS_PATH
from scripts import readme_tables


def test_readme_tables_match_metrics():
    metrics = json.loads(METRICS_PATH.read_text())
    readme = readme_tables.README.read_text()
    assert readme_tables.rewritten(readme, metrics) == readme, \
        "README.md is out of date: run python -m scripts.readme_tables"


def test_a_changed_figure_is_caught():
    metrics = json.loads(METRICS_PATH.read_text())
    readme = readme_tables.README.read_text()
    metrics["readout_alternatives"][0]["accuracy"] = 0.1234
    assert readme_tables.rewritten(readme, metrics) != readme


def test_a_missing_block_is_an_error():
    metrics = json.loads(METRICS_PATH.read_text())
    with pytest.raises(ValueError, match="<!-- metrics:"):
        readme_tables.rewritten("no blocks here", metrics)
