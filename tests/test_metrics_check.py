"""metrics.json is quoted only when it is whole and measured on the model file in use."""

import json

import pytest

from page import metrics_check


@pytest.fixture
def metrics_file(tmp_path):
    def write(content) -> str:
        path = tmp_path / "metrics.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path
    return write


def complete_metrics(sha256: str) -> dict:
    return {"model": {"sha256": sha256}, **{key: 0 for key in metrics_check.METRICS_KEYS[1:]}}


def test_metrics_are_used_only_for_the_model_they_measured(metrics_file, tmp_path):
    path = metrics_file(complete_metrics("abc"))
    assert metrics_check.check_metrics(path, "abc").metrics is not None
    mismatch = metrics_check.check_metrics(path, "def")
    assert mismatch.metrics is None and "different model" in mismatch.problem


@pytest.mark.parametrize("content, words", [
    (None, "missing"), ("{not json", "cannot be read"), ({"model": {"sha256": "abc"}}, "lacks"),
    ([1, 2], "lacks"),
])
def test_unusable_metrics_say_why(metrics_file, tmp_path, content, words):
    path = tmp_path / "absent.json" if content is None else metrics_file(content)
    check = metrics_check.check_metrics(path, "abc")
    assert check.metrics is None and words in check.problem
