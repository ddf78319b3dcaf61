"""Read a saved row-LSTM's weights without TensorFlow: the `.keras` archive opened by hand.

A Keras 3 `.keras` file is a zip holding `config.json` (the architecture) and `model.weights.h5`
(the variables). Serving needs only the five arrays the NumPy trace uses, so the page reads them
with zipfile and h5py and never imports TensorFlow (about 500 MB and 4 s per server process).
TensorFlow stays the framework that trains and verifies: tests/test_weights_file.py checks this
reader against `LstmWeights.from_keras(load_model(...))`, array for array.

Keras names the weight groups in the h5 file after each layer's class, not its name: the n-th
layer of class `Dense` is stored under `layers/dense` (then `dense_1`, ...), in the order of the
model's layers (keras/src/saving/saving_lib.py, `_save_container_state`). The layers are found
by their names in config.json ("lstm" and "readout"), as `LstmWeights.from_keras` finds them.
"""

import io
import json
import re
import zipfile
from pathlib import Path

import h5py
import numpy as np

from model.config import CONFIG, RowLstmConfig
from model.trace import LstmWeights

LSTM_LAYER, READOUT_LAYER = "lstm", "readout"  # the layer names given in model/network.py
MAX_MEMBER_BYTES = 64 * 2**20  # the weights are 339 KiB; a larger member is not a row-LSTM


def read_weights(path, config: RowLstmConfig = CONFIG) -> LstmWeights:
    """The LSTM and readout weights of the `.keras` file at `path`, checked against `config`.

    Raises ValueError, naming the file and what is wrong, for a file that is not a zip, lacks
    config.json or the weights, or holds another architecture.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            model_config = json.loads(_member(archive, "config.json"))
            weights_h5 = _member(archive, "model.weights.h5")
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name} is not a Keras model archive ({error})") from error
    groups = _layer_groups(model_config, path.name)
    lstm, readout = _layer(groups, LSTM_LAYER, "LSTM", path.name), _layer(groups, READOUT_LAYER, "Dense", path.name)
    _check_architecture(lstm["config"], readout["config"], config, path.name)
    try:
        with h5py.File(io.BytesIO(weights_h5), "r") as h5:
            kernel, recurrent_kernel, bias = _arrays(h5, f"layers/{lstm['group']}/cell/vars", 3)
            readout_weights, readout_bias = _arrays(h5, f"layers/{readout['group']}/vars", 2)
    except (OSError, KeyError) as error:  # h5py raises OSError for a corrupt file, KeyError for a missing group
        raise ValueError(f"{path.name}: the weights file inside the archive is unreadable ({error})") from error
    return LstmWeights.checked(kernel, recurrent_kernel, bias, readout_weights, readout_bias, config,
                               source=path.name)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(f"{Path(archive.filename).name} has no {name}: not a Keras 3 model archive") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValueError(f"{name} in {Path(archive.filename).name} is {info.file_size:,} bytes: not a row-LSTM")
    return archive.read(name)


def _snake_case(class_name: str) -> str:
    """Keras's keras.src.utils.naming.to_snake_case, which names the h5 groups."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _layer_groups(model_config: dict, file_name: str) -> dict[str, dict]:
    """Each layer's name -> its class, config and h5 group, numbered as Keras numbers them."""
    try:
        layers = model_config["config"]["layers"]
        used, groups = {}, {}
        for layer in layers:
            base = _snake_case(layer["class_name"])
            group = base if base not in used else f"{base}_{used[base] + 1}"
            used[base] = used.get(base, -1) + 1
            groups[layer["config"]["name"]] = {"class_name": layer["class_name"], "config": layer["config"],
                                               "group": group}
    except (KeyError, TypeError) as error:
        raise ValueError(f"{file_name}: config.json does not describe a Keras functional model "
                         f"(missing {error})") from error
    return groups


def _layer(groups: dict, name: str, class_name: str, file_name: str) -> dict:
    layer = groups.get(name)
    if layer is None or layer["class_name"] != class_name:
        found = ", ".join(f"{n} ({g['class_name']})" for n, g in groups.items())
        raise ValueError(f"{file_name} is not a row-LSTM: expected a {class_name} layer named {name!r}, "
                         f"found {found or 'no layers'}")
    return layer


def _check_architecture(lstm: dict, readout: dict, config: RowLstmConfig, file_name: str) -> None:
    """The settings the NumPy trace assumes: anything else would be traced wrongly, silently.

    The input width (features) is checked with the kernel's shape, in LstmWeights.checked.
    """
    expected = {
        "LSTM units": (lstm.get("units"), config.units),
        "LSTM activation": (lstm.get("activation"), "tanh"),
        "LSTM recurrent activation": (lstm.get("recurrent_activation"), "sigmoid"),
        "LSTM bias": (lstm.get("use_bias"), True),
        "LSTM direction (go_backwards)": (lstm.get("go_backwards"), False),
        "readout classes": (readout.get("units"), config.classes),
        "readout activation": (readout.get("activation"), "softmax"),
        "readout bias": (readout.get("use_bias"), True),
    }
    wrong = [f"{what} is {found!r}, expected {wanted!r}" for what, (found, wanted) in expected.items()
             if found != wanted]
    if wrong:
        raise ValueError(f"{file_name} holds another architecture: " + "; ".join(wrong))


def _arrays(h5: h5py.File, group: str, count: int) -> list[np.ndarray]:
    variables = h5[group]
    if len(variables) != count:
        raise ValueError(f"{group} holds {len(variables)} arrays, expected {count}")
    return [np.asarray(variables[str(i)][()]) for i in range(count)]
