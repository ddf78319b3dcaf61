"""MNIST from the standard IDX files (LeCun, Cortes & Burges), gzip-compressed or raw.

The folder comes from an explicit argument or the MNIST_DIR environment variable. Only with
neither given does `load_mnist` fall back to `keras.datasets.mnist.load_data()`, which downloads
the data on a machine with internet access.

IDX layout: a big-endian header (two zero bytes, a type byte 0x08 for unsigned bytes, a byte
giving the number of dimensions, then one uint32 per dimension), then the data in C order.
"""

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.config import CONFIG

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension
EXPECTED_COUNTS = {"train": 60_000, "test": 10_000}
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz").expanduser()


class MnistFileError(ValueError):
    """A missing, truncated or malformed MNIST file; the message names the file."""


@dataclass(frozen=True)
class Mnist:
    train_images: np.ndarray  # (60000, 28, 28) uint8, ink bright on dark
    train_labels: np.ndarray  # (60000,) uint8 in 0..9
    test_images: np.ndarray  # (10000, 28, 28) uint8
    test_labels: np.ndarray  # (10000,) uint8
    source: str  # the folder the files came from, or "keras.datasets"
    sha256: dict  # file name -> sha256 of the file as read (empty for keras.datasets)


def read_idx(path: Path, magic: int) -> np.ndarray:
    """Read one IDX file (gzip or raw), checking its magic number and its length."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise MnistFileError(f"{path}: cannot read MNIST file ({error.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise MnistFileError(f"{path}: corrupt gzip data ({error})") from None
    if len(raw) < 4:
        raise MnistFileError(f"{path}: {len(raw)} bytes, too short for an IDX header")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise MnistFileError(f"{path}: magic number 0x{found:08x}, expected 0x{magic:08x}")
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise MnistFileError(f"{path}: truncated header, expected {header_size} bytes")
    shape = tuple(int.from_bytes(raw[4 + 4 * d : 8 + 4 * d], "big") for d in range(ndim))
    expected = header_size + int(np.prod(shape))
    if len(raw) != expected:
        raise MnistFileError(
            f"{path}: {len(raw)} bytes, expected {expected} for shape {shape} (truncated?)"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


def _check(images: np.ndarray, labels: np.ndarray, split: str, where: str) -> None:
    size = CONFIG.image_size
    count = EXPECTED_COUNTS[split]
    if images.shape != (count, size, size):
        raise MnistFileError(f"{where}: {split} images have shape {images.shape}, "
                             f"expected ({count}, {size}, {size})")
    if labels.shape != (count,):
        raise MnistFileError(f"{where}: {split} labels have shape {labels.shape}, expected ({count},)")
    if labels.max() >= CONFIG.classes:
        raise MnistFileError(f"{where}: {split} labels reach {labels.max()}, expected 0..9")


def find_file(folder: Path, stem: str) -> Path:
    """The gzip file if it is there, else the raw one (the error then names the raw file)."""
    gzipped = folder / f"{stem}.gz"
    return gzipped if gzipped.exists() else folder / stem


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_idx_folder(folder) -> Mnist:
    folder = Path(folder)
    paths = {name: find_file(folder, stem) for name, stem in FILES.items()}
    arrays = {
        name: read_idx(path, LABELS_MAGIC if name.endswith("labels") else IMAGES_MAGIC)
        for name, path in paths.items()
    }
    for split in EXPECTED_COUNTS:
        _check(arrays[f"{split}_images"], arrays[f"{split}_labels"], split, str(folder))
    return Mnist(
        **arrays,
        source=str(folder),
        sha256={path.name: sha256_of(path) for path in paths.values()},
    )


def data_dir_from_env(data_dir=None) -> Path | None:
    """The explicit folder, else $MNIST_DIR, else None."""
    folder = data_dir or os.environ.get("MNIST_DIR")
    return Path(folder) if folder else None


def load_mnist(data_dir=None) -> Mnist:
    """MNIST from `data_dir`, else $MNIST_DIR, else Keras's cached copy. It never downloads:
    FileNotFoundError, saying where to point, when none of the three is there."""
    mnist = load_mnist_if_available(data_dir)
    if mnist is None:
        raise FileNotFoundError(f"no MNIST found: pass --data-dir or set MNIST_DIR to a folder with the four "
                                f"IDX files (or put Keras's mnist.npz at {KERAS_CACHE}); nothing is downloaded")
    return mnist


def load_mnist_if_available(data_dir=None) -> Mnist | None:
    """MNIST from `data_dir`, else $MNIST_DIR, else Keras's cache; None when none has it."""
    folder = data_dir_from_env(data_dir)
    if folder is not None:
        return load_idx_folder(folder)
    if not KERAS_CACHE.exists():
        return None
    with np.load(KERAS_CACHE, allow_pickle=False) as cached:
        arrays = {name: cached[name] for name in ("x_train", "y_train", "x_test", "y_test")}
    _check(arrays["x_train"], arrays["y_train"], "train", str(KERAS_CACHE))
    _check(arrays["x_test"], arrays["y_test"], "test", str(KERAS_CACHE))
    return Mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                 str(KERAS_CACHE), {})


def validation_split(count: int, validation_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation) into the 60,000 training images; test stays untouched."""
    order = np.random.default_rng(seed).permutation(count)
    return np.sort(order[validation_size:]), np.sort(order[:validation_size])


def to_unit_float(images: np.ndarray) -> np.ndarray:
    """uint8 0..255 -> float32 0..1, the model's input scale."""
    return images.astype(np.float32) / 255.0
