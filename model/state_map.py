"""A 2-D map of the hidden state: python -m model.state_map [--data-dir DIR]

Writes model/state_map.npz, the map the page's "Where the state travels" view draws: a principal
component analysis (PCA) of the row-LSTM's hidden states h_t, fitted once on the MNIST test set's
h_t at every step (10,000 digits x 28 steps), and a small summary of where the test digits lie
on it at each step. No MNIST image is stored, only 2-D points:

    components     (2, u) float32   the two principal directions of h_t, unit length
    mean           (u,)   float32   the mean h_t over all test digits and steps
    explained      (2,)   float64   each axis's share of h_t's total variance (all steps)
    explained_per_step (T,) float64 the two axes' share of h_t's variance about its mean at step t
    points         (T, P, 2) float16  P test digits' projected h_t at each step (the same digits at
                                   every step, POINTS_PER_DIGIT of each digit, picked with SEED)
    point_labels   (P,)   uint8     their true digits
    centroids      (T, classes, 2) float32  each digit's mean projected h_t over all its test digits
    model_sha256, model_file, data_sha256, test_images: what produced it. The page draws the map
                   only when model_sha256 is that of the model file it loaded (as for metrics.json).

It needs the NumPy trace and the weights file only (no TensorFlow): 22 s on this project's
2-core machine when quiet, about 70 s when it is busy, so that it can be rerun whenever the model
is retrained (then commit the new file with the new model).
"""

import argparse
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.config import MODEL_DIR, MODEL_PATH
from model.data import load_mnist, sha256_of, to_unit_float
from model.trace import LstmWeights, trace
from model.weights_file import read_weights

STATE_MAP_PATH = MODEL_DIR / "state_map.npz"
POINTS_PER_DIGIT = 30  # 300 faint points per step: the digits' regions show, the drawing's path stays visible
SEED = 0
CHUNK = 2_000  # test digits traced at a time, to bound memory (2,000 x 28 x 128 float32: 29 MB of h)
COMPONENTS = 2
KEYS = ("components", "mean", "explained", "explained_per_step", "points", "point_labels", "centroids",
        "model_sha256", "model_file", "data_sha256", "test_images")


@dataclass(frozen=True)
class StateMap:
    components: np.ndarray  # (2, u)
    mean: np.ndarray  # (u,)
    explained: np.ndarray  # (2,)
    explained_per_step: np.ndarray  # (T,)
    points: np.ndarray  # (T, P, 2)
    point_labels: np.ndarray  # (P,)
    centroids: np.ndarray  # (T, classes, 2)
    model_sha256: str
    model_file: str
    data_sha256: str
    test_images: int

    def project(self, hidden_states: np.ndarray) -> np.ndarray:
        """Hidden states (..., u) on the map: (..., 2)."""
        return (np.asarray(hidden_states, dtype=np.float32) - self.mean) @ self.components.T


def _hidden_states(images: np.ndarray, weights: LstmWeights):
    """The test digits' h_t, CHUNK digits at a time: yields (n, T, u) float32 arrays."""
    for start in range(0, len(images), CHUNK):
        yield trace(to_unit_float(images[start : start + CHUNK]), weights).hidden_states


def fit(images: np.ndarray, labels: np.ndarray, weights: LstmWeights, classes: int = 10) -> dict:
    """The map's arrays for uint8 test images (N, T, features) and their labels (N,).

    Two passes over the traced states: the first accumulates the mean and covariance of h_t over
    all digits and steps (in float64), the second projects every h_t onto the top two
    eigenvectors, for the per-step shares, the centroids and the points.
    """
    rows = images.shape[1]
    count, total, outer = 0, None, None
    step_sums, step_squares = None, None  # per step, for each step's own variance
    for hidden in _hidden_states(images, weights):
        flat = hidden.reshape(-1, hidden.shape[-1]).astype(np.float64)  # (n T, u)
        total = flat.sum(axis=0) if total is None else total + flat.sum(axis=0)
        outer = flat.T @ flat if outer is None else outer + flat.T @ flat
        count += len(flat)
        sums, squares = hidden.sum(axis=0, dtype=np.float64), (hidden.astype(np.float64) ** 2).sum(axis=0)
        step_sums = sums if step_sums is None else step_sums + sums  # (T, u)
        step_squares = squares if step_squares is None else step_squares + squares
    mean = total / count
    covariance = outer / count - np.outer(mean, mean)  # (u, u)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending
    components = eigenvectors[:, ::-1][:, :COMPONENTS].T  # (2, u)
    # An eigenvector's sign is arbitrary: fix it so that each component's largest loading is
    # positive, and a refit of the same model draws the same map.
    components *= np.sign(components[np.arange(COMPONENTS), np.abs(components).argmax(axis=1)])[:, None]
    explained = eigenvalues[::-1][:COMPONENTS] / eigenvalues.sum()

    digits = len(images)
    step_variance = (step_squares / digits - (step_sums / digits) ** 2).sum(axis=1)  # (T,) total over units
    projected_sums, projected_squares = np.zeros((rows, COMPONENTS)), np.zeros((rows, COMPONENTS))
    centroid_sums = np.zeros((rows, classes, COMPONENTS))
    chosen = _chosen_points(labels, classes)
    points = np.empty((rows, len(chosen), COMPONENTS), dtype=np.float32)
    for start, hidden in zip(range(0, digits, CHUNK), _hidden_states(images, weights)):
        projected = (hidden - mean) @ components.T  # (n, T, 2)
        projected_sums += projected.sum(axis=0)
        projected_squares += (projected ** 2).sum(axis=0)
        chunk_labels = labels[start : start + len(hidden)]
        for digit in range(classes):
            centroid_sums[:, digit] += projected[chunk_labels == digit].sum(axis=0)
        inside = (chosen >= start) & (chosen < start + len(hidden))
        points[:, inside] = projected[chosen[inside] - start].transpose(1, 0, 2)
    projected_variance = (projected_squares / digits - (projected_sums / digits) ** 2).sum(axis=1)  # (T,)
    per_digit = np.bincount(labels, minlength=classes)[None, :, None]
    # A blank start is the same state for every digit: no variance to keep, so no share to state.
    with np.errstate(invalid="ignore", divide="ignore"):
        explained_per_step = np.where(step_variance > 1e-12, projected_variance / step_variance, np.nan)
    return dict(components=components.astype(np.float32), mean=mean.astype(np.float32), explained=explained,
                explained_per_step=explained_per_step, points=points.astype(np.float16),
                point_labels=labels[chosen].astype(np.uint8),
                centroids=(centroid_sums / np.maximum(per_digit, 1)).astype(np.float32), test_images=digits)


def _chosen_points(labels: np.ndarray, classes: int) -> np.ndarray:
    """POINTS_PER_DIGIT test digits of each class, picked with SEED, in index order."""
    rng = np.random.default_rng(SEED)
    picked = [rng.choice(np.flatnonzero(labels == digit), POINTS_PER_DIGIT, replace=False)
              for digit in range(classes)]
    return np.sort(np.concatenate(picked))


def write(path, arrays: dict, model_path, data_sha256: dict) -> None:
    """Save the map with what produced it (no pickles: the page loads it with allow_pickle=False)."""
    model_path = Path(model_path)
    np.savez_compressed(path, **arrays, model_sha256=np.array(sha256_of(model_path)),
                        model_file=np.array(model_path.name),
                        data_sha256=np.array(", ".join(f"{name} {sha}" for name, sha in sorted(data_sha256.items()))))


def read(path) -> StateMap:
    """The map at `path`; ValueError, saying what is wrong, for a file that is not one."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {key: saved[key] for key in KEYS if key in saved.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:  # missing, truncated, pickled, foreign
        raise ValueError(f"{path.name} cannot be read ({type(error).__name__}: {error})") from error
    missing = [key for key in KEYS if key not in arrays]
    if missing:
        raise ValueError(f"{path.name} lacks {', '.join(missing)}")
    state_map = StateMap(**{key: arrays[key].item() if arrays[key].ndim == 0 else arrays[key] for key in KEYS})
    units = state_map.mean.shape[0] if state_map.mean.ndim == 1 else -1
    shapes_fit = (state_map.components.shape == (COMPONENTS, units) and state_map.points.ndim == 3
                  and state_map.points.shape[2] == COMPONENTS and state_map.centroids.ndim == 3
                  and state_map.point_labels.shape == state_map.points.shape[1:2])
    if not shapes_fit:
        raise ValueError(f"{path.name} holds arrays of the wrong shapes for a map of the hidden state")
    return state_map


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: $MNIST_DIR)")
    parser.add_argument("--model", default=str(MODEL_PATH), help="the .keras file (default: the shipped model)")
    parser.add_argument("--out", default=str(STATE_MAP_PATH))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    mnist = load_mnist(args.data_dir)
    arrays = fit(mnist.test_images, mnist.test_labels, read_weights(args.model))
    write(args.out, arrays, args.model, mnist.sha256)
    shares = ", ".join(f"{share:.1%}" for share in arrays["explained"])
    print(f"wrote {args.out}: {Path(args.out).stat().st_size:,} bytes; the two axes keep {shares} of h_t's "
          f"variance; {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
