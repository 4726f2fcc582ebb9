"""Compare a model you built with the model a description asks for.

The "build it yourself" exercises describe a model (its layers, filters,
padding and output) and check the one you wrote. The checks use two
functions you can also call yourself:

- ``describe_model(model)`` lists the layers of a Keras model: their type,
  their settings written as you would write them (``Conv2D(32, 3,
  padding='same', activation='relu')``), their output shape and their number
  of parameters;
- ``model_differences(model, reference)`` compares two models and returns
  one sentence per difference, such as ``layer 3 is MaxPooling2D(), expected
  Conv2D(64, 3, padding='same')`` or ``your model has 1,234 parameters,
  expected 5,678``. An empty list means they match.

Layers are numbered from 1, the first layer after ``keras.Input``, as in the
exercises' tables. TensorFlow is imported only when a function is called.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ._common import error, kind, report

__all__ = ["LayerInfo", "check_model", "describe_model", "model_differences", "model_problem"]

# The settings a description talks about, in the order they are written.
_SETTINGS = ("filters", "kernel_size", "units", "rate", "pool_size", "scale", "strides",
             "padding", "activation", "use_bias", "offset", "height_factor", "width_factor",
             "mode", "factor")
# Written without a name, as the first argument(s) of the layer.
_POSITIONAL = ("filters", "kernel_size", "units", "rate", "pool_size", "scale", "height_factor",
               "width_factor", "mode", "factor")
# Settings left out of a description when they have Keras' default value.
_DEFAULTS = {"padding": "valid", "activation": "linear", "use_bias": True, "offset": 0.0,
             "pool_size": (2, 2)}

_MAX_SHOWN = 4  # differences written out in a check's one line


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a model: its number, type, settings, output shape and parameters."""

    number: int
    kind: str
    description: str
    output_shape: tuple[int | None, ...] | None
    params: int
    settings: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        shape = "?" if self.output_shape is None else str(self.output_shape)
        return f"{self.number:>2}. {self.description:<50} {shape:<20} {self.params:>9,}"


def _plain(value: Any) -> Any:
    """Tuples for lists, so settings compare and print the same however Keras stores them."""
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    return value


def _settings(layer: Any) -> dict[str, Any]:
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a layer without a config is described by its type
        return {}
    found = {key: _plain(config[key]) for key in _SETTINGS
             if key in config and (key == "use_bias" or not isinstance(config[key], bool))}
    if found.get("strides") is not None and found.get("strides") == found.get("pool_size"):
        del found["strides"]  # pooling: the default stride is the pool size
    if found.get("strides") == (1, 1):
        del found["strides"]
    return found


def _show_value(key: str, value: Any) -> str:
    if isinstance(value, tuple) and len(set(value)) == 1 and key in ("kernel_size", "pool_size",
                                                                     "strides"):
        return str(value[0])  # (3, 3) is written 3
    if key == "scale" and isinstance(value, float) and value > 0:
        inverse = 1 / value
        if abs(inverse - round(inverse)) < 1e-6 and round(inverse) > 1:
            return f"1/{round(inverse)}"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _description(layer_kind: str, settings: dict[str, Any], inner: list[str] | None) -> str:
    if inner is not None:
        return f"{layer_kind}({', '.join(inner)})" if inner else f"{layer_kind}()"
    parts = []
    for key in _SETTINGS:
        if key not in settings or _DEFAULTS.get(key, object()) == settings[key]:
            continue
        value = _show_value(key, settings[key])
        parts.append(value if key in _POSITIONAL else f"{key}={value}")
    return f"{layer_kind}({', '.join(parts)})"


def _shape(layer: Any) -> tuple[int | None, ...] | None:
    try:
        return tuple(layer.output.shape)
    except Exception:  # noqa: BLE001 - a layer with no symbolic output has no known shape
        return None


def _params(layer: Any) -> int:
    try:
        return int(layer.count_params())
    except Exception:  # noqa: BLE001 - an unbuilt layer has no parameters yet
        return 0


def _layers(model: Any) -> list[Any]:
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def describe_model(model: Any) -> list[LayerInfo]:
    """List the layers of a built Keras model, numbered from 1 after ``keras.Input``.

    Each ``LayerInfo`` holds the layer's type (``"Conv2D"``), its
    description (``"Conv2D(32, 3, padding='same', activation='relu')"``; Keras'
    default settings are left out), its output shape and its number of
    parameters. A model inside the model (such as an augmentation
    ``Sequential``) is one layer, described by the types of its layers::

        for layer in describe_model(model):
            print(layer)
    """
    infos = []
    for number, layer in enumerate(_layers(model), start=1):
        layer_kind = type(layer).__name__
        settings = _settings(layer)
        inner = None
        if hasattr(layer, "layers") and not settings:
            inner = [type(sub).__name__ for sub in _layers(layer)]
        infos.append(LayerInfo(number, layer_kind, _description(layer_kind, settings, inner),
                               _shape(layer), _params(layer), settings))
    return infos


def _input(model: Any) -> tuple[tuple[int | None, ...], str] | None:
    try:
        tensor = model.inputs[0]
        return tuple(tensor.shape)[1:], str(tensor.dtype)
    except Exception:  # noqa: BLE001 - models without symbolic inputs
        return None


def _input_hint(reference: Any) -> str:
    found = _input(reference) if reference is not None else None
    if found is None:
        return "keras.Input(shape=...)"
    shape, dtype = found
    return f"keras.Input(shape={shape}, dtype={dtype!r})"


def model_problem(model: Any, reference: Any = None) -> str | None:
    """Say why ``model`` cannot be compared at all (None, not a model, not built), else None.

    ``reference`` (optional) is the model the description asks for; its input
    is quoted in the advice.
    """
    try:
        import keras
    except ImportError:  # pragma: no cover - Keras comes with the course
        return "Keras is not installed: install the course's requirements first."
    start = f"start the list with {_input_hint(reference)}"
    if model is None:
        return (f"your model is None: build it, for example model = keras.Sequential([...]) "
                f"({start}), and run the check again.")
    if isinstance(model, list | tuple):
        return f"you passed {kind(model)} of layers: wrap it in keras.Sequential([...])."
    if isinstance(model, type):
        return (f"you passed the class {model.__name__} itself: call it with your layers, "
                "keras.Sequential([...]).")
    if isinstance(model, keras.layers.Layer) and not isinstance(model, keras.Model):
        return (f"you passed one {type(model).__name__} layer: put all the layers in "
                "keras.Sequential([...]).")
    if not isinstance(model, keras.Model):
        if callable(model):
            return ("you passed a function: call it and pass the model it returns, "
                    "for example check(build_model()).")
        return f"you passed {kind(model)}, not a Keras model: build one with keras.Sequential."
    if not _layers(model):
        return "your model has no layers yet: add the layers of the description to it."
    if not model.built or _input(model) is None:
        return f"your model has no input yet, so Keras cannot know its shapes: {start}."
    return None


def _same(mine: Any, theirs: Any) -> bool:
    if isinstance(mine, float) and isinstance(theirs, float):
        return math.isclose(mine, theirs, rel_tol=1e-6)
    return mine == theirs


def _setting_differences(mine: LayerInfo, ref: LayerInfo) -> str | None:
    wrong = [key for key in ref.settings
             if not _same(mine.settings.get(key, _DEFAULTS.get(key)), ref.settings[key])]
    if not wrong and mine.description == ref.description:
        return None
    if not wrong:  # a setting the description does not ask for (strides=2, say)
        return f"layer {mine.number} is {mine.description}, expected {ref.description}"
    detail = " and ".join(
        f"{key} is {_show_value(key, mine.settings.get(key, _DEFAULTS.get(key)))}, "
        f"expected {_show_value(key, ref.settings[key])}" for key in wrong)
    return f"layer {mine.number} is {mine.description}, expected {ref.description} ({detail})"


def _span(infos: list[LayerInfo], whose: str = "") -> str:
    if len(infos) == 1:
        return f"{whose}layer {infos[0].number}, {infos[0].description},"
    return (f"{whose}layers {infos[0].number}–{infos[-1].number} "
            f"({', '.join(i.kind for i in infos)})")


Step = tuple[LayerInfo | None, LayerInfo | None]


def _pair_cost(mine: LayerInfo, ref: LayerInfo) -> float:
    if mine.kind != ref.kind:
        return 1.0
    return 0.0 if _setting_differences(mine, ref) is None else 0.25


def _align(mine: list[LayerInfo], ref: list[LayerInfo]) -> list[Step]:
    """Line the two lists of layers up with the fewest changes (an edit distance).

    A layer of another type costs 1, as does a missing or an extra layer; a layer of the
    right type with other settings costs 1/4. Among equally good ways, layers are paired
    position by position, so two swapped layers read as "layer 3 is X, expected Y".
    """
    n, m = len(mine), len(ref)
    # cost[i][j]: the fewest changes that line up mine[i:] with ref[j:]
    cost = [[float((n - i) + (m - j)) if i == n or j == m else 0.0 for j in range(m + 1)]
            for i in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            cost[i][j] = min(_pair_cost(mine[i], ref[j]) + cost[i + 1][j + 1],
                             cost[i + 1][j] + 1, cost[i][j + 1] + 1)
    steps: list[Step] = []
    i = j = 0
    while i < n or j < m:  # from the first layer on, pairing whenever that is as good
        if i < n and j < m and cost[i][j] == _pair_cost(mine[i], ref[j]) + cost[i + 1][j + 1]:
            steps.append((mine[i], ref[j]))
            i, j = i + 1, j + 1
        elif i < n and cost[i][j] == cost[i + 1][j] + 1:
            steps.append((mine[i], None))
            i += 1
        else:
            steps.append((None, ref[j]))
            j += 1
    return steps


def _extra(extra: list[LayerInfo]) -> str:
    one = len(extra) == 1
    return (f"your {_span(extra)} {'is' if one else 'are'} not in the description: remove "
            f"{'it' if one else 'them'}")


def _missing(missing: list[LayerInfo], before: LayerInfo | None) -> str:
    where = ("first, right after keras.Input" if before is None else
             f"after your layer {before.number}, {before.description}")
    span = _span(missing, "the description's ")
    if len(missing) == 1:
        return f"{span} is missing: add it {where}"
    return f"{span} are missing: add them {where}, starting with {missing[0].description}"


def _layer_differences(mine: list[LayerInfo], ref: list[LayerInfo]) -> list[str]:
    """Layers missing, extra, of another type or with other settings, in layer order."""
    found: list[str] = []
    extra: list[LayerInfo] = []
    missing: list[LayerInfo] = []
    before: LayerInfo | None = None  # the learner's last layer seen

    def flush() -> None:
        if extra:
            found.append(_extra(extra))
        if missing:
            found.append(_missing(missing, before))
        extra.clear()
        missing.clear()

    for m, r in _align(mine, ref):
        if m is not None and r is not None:
            flush()
            if m.kind != r.kind:
                found.append(f"layer {m.number} is {m.description}, expected {r.description}")
            elif difference := _setting_differences(m, r):
                found.append(difference)
            before = m
        elif m is not None:
            extra.append(m)
        else:
            missing.append(r)
    flush()
    return found


def model_differences(model: Any, reference: Any) -> list[str]:
    """Compare ``model`` with ``reference`` and return one sentence per difference.

    It compares the input (shape and ``dtype``), the layer types in order, each
    layer's settings (filters, kernel size, padding, activation, bias, units,
    rates, ...), the output shapes and the number of parameters. An empty list
    means the models match. If ``model`` cannot be compared (``None``, not a
    Keras model, no input yet), the list holds the one sentence that says why.
    """
    problem = model_problem(model, reference)
    if problem:
        return [problem]
    found = []
    (shape, dtype), (ref_shape, ref_dtype) = _input(model), _input(reference)
    if shape != ref_shape:
        found.append(f"your model takes inputs of shape {shape}, expected {ref_shape}")
    if dtype != ref_dtype:
        found.append(f"your keras.Input has dtype {dtype}, expected {ref_dtype}: "
                     f"write {_input_hint(reference)}")
    mine, ref = describe_model(model), describe_model(reference)
    found += _layer_differences(mine, ref)
    if not found:  # a catch-all for what the settings do not cover (dilation, say)
            for m, r in zip(mine, ref, strict=True):
                if m.output_shape != r.output_shape:
                    found.append(f"after layer {m.number} ({m.kind}) the output shape is "
                                 f"{m.output_shape}, expected {r.output_shape}")
                    break
    params, ref_params = sum(i.params for i in mine), sum(i.params for i in ref)
    if params != ref_params:
        found.append(f"your model has {params:,} parameters, expected {ref_params:,}")
    return found


def check_model(model: Any, reference: Any, what: str = "the description") -> bool:
    """Print one line: ``✅ Correct — ...`` if ``model`` matches ``reference``, else what differs.

    ``reference`` is a Keras model, or a function without arguments that
    builds one (it is built here, inside the check). Never raises: whatever
    ``model`` is, the line says what to do. Returns True or False. ``what``
    names the reference in the messages.
    """
    if callable(reference) and not hasattr(reference, "layers"):
        try:
            reference = reference()
        except Exception as exc:  # noqa: BLE001 - the check never raises
            return report(False, f"could not build the reference model ({error(exc)}); "
                                 "run the lesson's setup cell first.")
    try:
        found = model_differences(model, reference)
    except Exception as exc:  # noqa: BLE001 - a check never crashes on a learner's model
        return report(False, f"could not inspect your model ({error(exc)}): build it with "
                             "keras.Sequential([keras.Input(...), ...]).")
    if not found:
        infos = describe_model(model)
        return report(True, f"your model matches {what}: {len(infos)} layers, output shape "
                            f"{infos[-1].output_shape}, {sum(i.params for i in infos):,} "
                            "parameters.")
    if len(found) == 1:
        return report(False, found[0][0].upper() + found[0][1:].rstrip(".") + ".")
    shown = "; ".join(f"({n}) {text}" for n, text in enumerate(found[:_MAX_SHOWN], start=1))
    more = f"; and {len(found) - _MAX_SHOWN} more" if len(found) > _MAX_SHOWN else ""
    return report(False, f"{len(found)} differences from {what}: {shown}{more}.")
