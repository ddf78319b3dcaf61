"""The map of the hidden state (model/state_map.py): fitted as a PCA should be, written with the
model file's sha256, small, and refused by the page when it was made for another model."""

import numpy as np
import pytest
from conftest import skip_or_fail

from model import state_map
from model.config import CONFIG, MODEL_PATH
from model.data import sha256_of, to_unit_float
from model.trace import trace
from model.weights_file import read_weights
from page.metrics_check import check_state_map

CLASSES, ROWS = CONFIG.classes, CONFIG.timesteps
MAX_BYTES = 200 * 1024  # the shipped file must stay small: it is committed beside metrics.json


@pytest.fixture(scope="module")
def weights():
    return read_weights(MODEL_PATH)


@pytest.fixture(scope="module")
def digits():
    """Synthetic uint8 "digits" (random strokes), 40 of each label: enough to fit and check a map."""
    rng = np.random.default_rng(1)
    images = np.zeros((400, ROWS, ROWS), dtype=np.uint8)
    for image in images:
        top, left = rng.integers(4, 14, size=2)
        image[top : top + rng.integers(6, 14), left : left + rng.integers(2, 10)] = rng.integers(80, 256)
    return images, np.repeat(np.arange(CLASSES), 40).astype(np.uint8)


@pytest.fixture(scope="module")
def fitted(digits, weights):
    images, labels = digits
    return state_map.fit(images, labels, weights)


def test_the_map_is_the_pca_of_every_h_t(fitted, digits, weights):
    images, labels = digits
    hidden = trace(to_unit_float(images), weights).hidden_states.reshape(-1, CONFIG.units).astype(np.float64)
    centred = hidden - hidden.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    shares = singular ** 2 / np.sum(singular ** 2)
    np.testing.assert_allclose(fitted["explained"], shares[:2], rtol=1e-4)
    for component, direction in zip(fitted["components"], directions[:2]):
        assert abs(float(component @ direction)) == pytest.approx(1.0, abs=1e-4)  # the same axis, either sign
    np.testing.assert_allclose(fitted["components"] @ fitted["components"].T, np.eye(2), atol=1e-5)
    np.testing.assert_allclose(fitted["mean"], hidden.mean(axis=0), atol=1e-5)


def test_points_and_centroids_are_the_projected_states(fitted, digits, weights):
    images, labels = digits
    projected = (trace(to_unit_float(images), weights).hidden_states - fitted["mean"]) @ fitted["components"].T
    chosen = state_map._chosen_points(labels, CLASSES)
    assert len(chosen) == state_map.POINTS_PER_DIGIT * CLASSES
    np.testing.assert_array_equal(fitted["point_labels"], labels[chosen])
    np.testing.assert_allclose(fitted["points"].astype(np.float32), projected[chosen].transpose(1, 0, 2),
                               atol=5e-3, rtol=2e-3)  # float16
    for digit in range(CLASSES):
        np.testing.assert_allclose(fitted["centroids"][:, digit], projected[labels == digit].mean(axis=0), atol=1e-4)
    shares = fitted["explained_per_step"]
    assert shares.shape == (ROWS,) and np.all((shares[np.isfinite(shares)] > 0) & (shares[np.isfinite(shares)] <= 1))


def test_written_map_names_its_model_and_reads_back(fitted, tmp_path):
    path = tmp_path / "state_map.npz"
    state_map.write(path, fitted, MODEL_PATH, {"t10k-images": "abc"})
    read = state_map.read(path)
    assert read.model_sha256 == sha256_of(MODEL_PATH) and read.model_file == MODEL_PATH.name
    np.testing.assert_array_equal(read.points, fitted["points"])
    assert path.stat().st_size < MAX_BYTES
    np.testing.assert_allclose(read.project(read.mean), [0.0, 0.0], atol=1e-6)


def test_the_page_refuses_a_map_made_for_another_model(fitted, tmp_path):
    path = tmp_path / "state_map.npz"
    state_map.write(path, fitted, MODEL_PATH, {})
    assert check_state_map(path, sha256_of(MODEL_PATH)).state_map is not None
    other = check_state_map(path, "0" * 64)
    assert other.state_map is None and "different model" in other.problem
    assert "missing" in check_state_map(tmp_path / "absent.npz", "0" * 64).problem
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    assert "cannot be read" in check_state_map(tmp_path / "junk.npz", "0" * 64).problem
    np.savez(tmp_path / "partial.npz", components=fitted["components"])
    assert "lacks" in check_state_map(tmp_path / "partial.npz", "0" * 64).problem


def test_the_shipped_map_is_small_and_whole():
    path = state_map.STATE_MAP_PATH
    if not path.exists():
        skip_or_fail("model/state_map.npz is missing: python -m model.state_map")
    assert path.stat().st_size < MAX_BYTES
    shipped = state_map.read(path)
    assert shipped.components.shape == (2, CONFIG.units)
    assert shipped.points.shape[0] == shipped.centroids.shape[0] == ROWS
    assert shipped.test_images == 10_000 and 0 < shipped.explained.sum() < 1


@pytest.mark.slow  # 20 s on a quiet 2-core machine, over a minute on a busy one
def test_the_command_writes_a_map_from_mnist(mnist, tmp_path):
    """python -m model.state_map, end to end on the MNIST test set."""
    out = tmp_path / "state_map.npz"
    state_map.main(["--data-dir", mnist.source, "--out", str(out)])
    written = state_map.read(out)
    assert written.model_sha256 == sha256_of(MODEL_PATH) and written.test_images == len(mnist.test_images)
    assert out.stat().st_size < MAX_BYTES
