"""The IDX loader: real MNIST sanity facts, and one-line errors for broken files."""

import gzip

import numpy as np
import pytest

from model import data
from model.data import (
    FILES,
    IMAGES_MAGIC,
    LABELS_MAGIC,
    MnistFileError,
    load_idx_folder,
    read_idx,
    validation_split,
)


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def images():
    return np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)


@pytest.mark.parametrize("compress", [False, True])
def test_reads_raw_and_gzip(tmp_path, images, compress):
    data = idx_bytes(images, IMAGES_MAGIC)
    path = tmp_path / "images"
    path.write_bytes(gzip.compress(data) if compress else data)
    np.testing.assert_array_equal(read_idx(path, IMAGES_MAGIC), images)


def test_wrong_magic_names_file_and_expectation(tmp_path, images):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes(images, LABELS_MAGIC)[:4] + idx_bytes(images, IMAGES_MAGIC)[4:])
    with pytest.raises(MnistFileError, match=r"train-images-idx3-ubyte: magic number 0x00000801, expected 0x00000803"):
        read_idx(path, IMAGES_MAGIC)


@pytest.mark.parametrize("keep", [2, 10, 100])
def test_truncated_file(tmp_path, images, keep):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(images, IMAGES_MAGIC)[:keep]))
    with pytest.raises(MnistFileError, match=r"t10k-images-idx3-ubyte\.gz: .*(too short|truncated)"):
        read_idx(path, IMAGES_MAGIC)


def test_truncated_gzip_stream(tmp_path, images):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(images, IMAGES_MAGIC))[:50])
    with pytest.raises(MnistFileError, match=r"labels\.gz: corrupt gzip data"):
        read_idx(path, IMAGES_MAGIC)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(MnistFileError, match=r"train-images-idx3-ubyte: cannot read MNIST file"):
        load_idx_folder(tmp_path)


def test_error_is_one_line(tmp_path):
    with pytest.raises(MnistFileError) as error:
        load_idx_folder(tmp_path)
    assert "\n" not in str(error.value)


def test_wrong_counts_are_reported(tmp_path, images):
    for name, stem in FILES.items():
        array = images if name.endswith("images") else np.zeros(3, np.uint8)
        (tmp_path / stem).write_bytes(idx_bytes(array, IMAGES_MAGIC if name.endswith("images") else LABELS_MAGIC))
    with pytest.raises(MnistFileError, match=r"train images have shape \(3, 28, 28\), expected \(60000, 28, 28\)"):
        load_idx_folder(tmp_path)


def test_validation_split_is_disjoint_and_reproducible():
    train, validation = validation_split(1000, 100, seed=7)
    assert len(train) == 900 and len(validation) == 100
    assert not set(train) & set(validation)
    np.testing.assert_array_equal(validation, validation_split(1000, 100, seed=7)[1])


def test_real_mnist_matches_its_readme(mnist):
    """The sanity facts from ../shared/mnist/README.md."""
    assert np.bincount(mnist.train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist.train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.test_labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert mnist.sha256["train-images-idx3-ubyte.gz"] == (
        "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971")


def test_without_a_folder_or_keras_cache_loading_says_where_to_point_and_downloads_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(data, "KERAS_CACHE", tmp_path / "no-mnist.npz")
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("tried to download"))
    with pytest.raises(FileNotFoundError, match="MNIST_DIR"):
        data.load_mnist()
