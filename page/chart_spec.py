"""Plotly figures handed to st.plotly_chart as finished specifications, without Plotly's checks.

`go.Figure(...)` checks and copies every property of every trace against Plotly's schema. For
the playback figure (42 traces and 28 frames of 32 trace updates) that took about 140 ms of the
server's CPU on every stroke, several times the cost of the rest of the page. The figure
builders in figures.py make plain dicts (`*_spec` functions) whose shape never changes from
one drawing to the next, only their numbers. So the page sends those dicts as they are, and the
tests check, for several inputs, that what it sends is exactly what `go.Figure(**spec)` would
have sent (tests/test_chart_spec.py): Plotly still validates every figure, once per test run
instead of once per stroke.

What `go.Figure.to_dict()` adds to such a dict, and `ChartSpec` does too: the template named
in `layout.template` written out in full, and NumPy arrays as Plotly's base64 typed arrays
(`{"dtype": "f4", "bdata": ...}`), which are also the compact form on the wire.

Animation frames are the exception: they are sent as they are, not searched for arrays (the
playback's 28 frames hold thousands of numbers, and searching them cost more than building them).
The builders write frames as plain lists, which plotly.js needs anyway (it does not decode a 2-D
typed array in a frame), and the tests above would see any array left in one, because
go.Figure.to_dict() would have encoded it.
"""

import base64
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import plotlyjsShortTypes, to_typed_array_spec  # as go.Figure.to_dict() uses it

CONTAINERS = frozenset({dict, list, tuple, np.ndarray})  # what _typed_arrays looks inside
SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})  # _plotly_utils.utils.is_skipped_key

@lru_cache(maxsize=8)
def _template(name: str) -> dict:
    return pio.templates[name].to_plotly_json()


class ChartSpec(go.Figure):
    """A figure whose dict is already made. st.plotly_chart turns a figure into its dict with
    `to_dict()` (plotly.tools.return_figure_from_figure_or_data) and serialises that dict with
    `plotly.io.to_json(..., validate=False)`; here `to_dict()` returns the finished dict."""

    def __init__(self, spec: dict):
        super().__init__(layout={"template": {}})  # not Plotly's default template: 4 ms, never used
        layout = dict(spec.get("layout", {}))
        template = layout.pop("template", None)
        finished = _typed_arrays({"data": spec.get("data", []), "layout": layout})
        if spec.get("frames"):  # plain lists already (see the module's docstring): sent as they are
            finished["frames"] = spec["frames"]
        if template is not None:  # a named template is shared and never changed, so not copied
            finished["layout"]["template"] = _template(template) if isinstance(template, str) else template
        self._spec = finished

    def to_dict(self) -> dict:
        return self._spec


def _typed_arrays(value):
    """NumPy arrays anywhere in `value` as Plotly's base64 typed arrays, with the keys Plotly skips
    skipped: what _plotly_utils.utils.convert_to_base64 does for go.Figure.to_dict(), but it
    rebuilds only containers and steps over numbers and text without a call, at a fraction of
    the cost (a playback figure holds thousands of them)."""
    kind = type(value)
    if kind is dict:
        return {key: _typed_arrays(item) if type(item) in CONTAINERS and key not in SKIPPED_KEYS else item
                for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_typed_arrays(item) if type(item) in CONTAINERS else item for item in value]
    if isinstance(value, np.ndarray):
        return _typed_array(value)
    return value


def _typed_array(array: np.ndarray) -> dict:
    """The typed array plotly.js reads, for the dtypes it reads as they are. This is what
    to_typed_array_spec returns for them, without its 0.1 ms per array spent asking whether the
    array is a dataframe. Any other array (int64, empty, ...) goes to Plotly's own function."""
    code = plotlyjsShortTypes.get(str(array.dtype))
    if code is None or array.size == 0:
        return to_typed_array_spec(array)
    spec = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec
