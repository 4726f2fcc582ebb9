"""choose_by_validation ranks models by the score of the weights it returns."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from course_utils.evaluation import choose_by_validation, last_validation_accuracy


def test_ranks_by_the_last_epoch_not_the_best(capsys: pytest.CaptureFixture[str]) -> None:
    # "peaked" had the best epoch (0.95) but ends lower than "steady": its weights now
    # score 0.80, so choosing it by 0.95 would pick weights that no longer exist. Its
    # higher training accuracy plays no part.
    peaked, steady = object(), object()
    chosen = choose_by_validation({
        "peaked": (peaked, {"accuracy": [0.9, 0.99, 1.0], "val_accuracy": [0.70, 0.95, 0.80]}),
        "steady": (steady, {"accuracy": [0.7, 0.80, 0.8], "val_accuracy": [0.70, 0.82, 0.85]}),
    })
    assert chosen == ("steady", steady)
    assert capsys.readouterr().out == (
        "peaked  validation accuracy (last epoch): 0.8000\n"
        "steady  validation accuracy (last epoch): 0.8500\n"
        "chosen: steady\n"
    )


def test_the_printed_score_is_the_returned_models_last_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # lesson 01's stored run: the better model's best epoch was 0.9938, its last 0.9937
    histories = {
        "classic": {"val_accuracy": [0.9848, 0.9878, 0.9890, 0.9900, 0.9900]},
        "better": {"val_accuracy": [0.8245, 0.9788, 0.9902, 0.9882, 0.9922, 0.9938, 0.9935,
                                    0.9937]},
    }
    name, _ = choose_by_validation({k: (k, h) for k, h in histories.items()})
    out = capsys.readouterr().out
    assert name == "better"
    assert "better   validation accuracy (last epoch): 0.9937" in out
    assert "0.9938" not in out


def test_accepts_a_keras_history_object(capsys: pytest.CaptureFixture[str]) -> None:
    history = SimpleNamespace(history={"accuracy": [0.9, 0.99], "val_accuracy": [0.6, 0.7]})
    assert last_validation_accuracy(history) == pytest.approx(0.7)
    model = object()
    assert choose_by_validation({"only": (model, history)}) == ("only", model)
    assert capsys.readouterr().out.endswith("chosen: only\n")


def test_a_tie_goes_to_the_first_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = object(), object()
    chosen = choose_by_validation({"first": (first, {"val_accuracy": [0.9]}),
                                   "second": (second, {"val_accuracy": [0.5, 0.9]})})
    assert chosen == ("first", first)


@pytest.mark.parametrize("history", [
    {"accuracy": [0.9]},
    {"val_accuracy": []},
    None,
    SimpleNamespace(history={"loss": [1.0]}),
])
def test_needs_validation_numbers(history: object) -> None:
    with pytest.raises(ValueError, match="validation_split"):
        choose_by_validation({"a": (object(), history)})


def test_needs_a_candidate() -> None:
    with pytest.raises(ValueError, match="at least one"):
        choose_by_validation({})
