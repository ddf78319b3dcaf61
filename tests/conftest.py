"""Shared fixtures. Data and browser tests skip with a reason on a user's machine that lacks
MNIST or Chromium, and fail loudly in CI (CI=true), where both must be present."""

import os
import shutil
from pathlib import Path

import pytest

from model.config import MODEL_PATH

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def skip_or_fail(reason: str):
    """Skip on a user's machine; in CI a missing prerequisite is an error, never a skip."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mnist():
    from model.data import load_mnist

    folder = os.environ.get("MNIST_DIR")
    if not folder or not Path(folder).is_dir():
        skip_or_fail("MNIST_DIR does not name a folder with the MNIST IDX files")
    return load_mnist(folder)


@pytest.fixture(scope="session")
def keras_model():
    from model.network import load_model

    return load_model(MODEL_PATH)


@pytest.fixture(scope="session")
def weights(keras_model):
    from model.trace import LstmWeights

    return LstmWeights.from_keras(keras_model)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    skip_or_fail("Chromium is not installed (apt-get install chromium)")
