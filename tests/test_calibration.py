"""course_utils.calibration: hand-made cases whose answer we know, the diagram, bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.calibration import (
    ACCURACY_LABEL,
    CONFIDENCE_LABEL,
    expected_calibration_error,
    plot_reliability,
    reliability_table,
)


def sure(confidence: float, n: int, n_right: int,
         n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``n`` predictions of class 0 at probability ``confidence``; the first ``n_right`` right."""
    rest = (1 - confidence) / (n_classes - 1)
    probabilities = np.full((n, n_classes), rest)
    probabilities[:, 0] = confidence
    y_true = np.where(np.arange(n) < n_right, 0, 1)
    return y_true, probabilities


def test_a_model_right_as_often_as_it_says_has_no_calibration_error() -> None:
    y_true, probabilities = sure(0.95, 100, 95)
    assert expected_calibration_error(y_true, probabilities) == pytest.approx(0.0, abs=1e-9)


def test_a_model_that_says_90_and_is_right_half_the_time_is_off_by_40_points() -> None:
    y_true, probabilities = sure(0.9, 10, 5)
    assert expected_calibration_error(y_true, probabilities) == pytest.approx(0.4)
    wrong_always = expected_calibration_error(np.ones(10, int), probabilities)
    assert wrong_always == pytest.approx(0.9)


def test_the_table_has_every_bin_and_the_counts_add_up() -> None:
    # 4 at 0.55 (3 right), 6 at 0.95 (6 right) and 2 at exactly 0.8 (an edge: the lower bin).
    y1, p1 = sure(0.55, 4, 3)
    y2, p2 = sure(0.95, 6, 6)
    y3, p3 = sure(0.8, 2, 0)
    y_true, probabilities = np.concatenate([y1, y2, y3]), np.concatenate([p1, p2, p3])
    table = reliability_table(y_true, probabilities, n_bins=10)
    assert len(table) == 10 and table["count"].sum() == 12
    assert table["bin"].tolist()[:2] == ["0.0–0.1", "0.1–0.2"]
    assert table["bin"].iloc[-1] == "0.9–1.0"
    by_bin = table.set_index("bin")
    assert by_bin.loc["0.5–0.6", "count"] == 4 and by_bin.loc["0.5–0.6", "accuracy"] == 0.75
    assert by_bin.loc["0.5–0.6", "mean_confidence"] == pytest.approx(0.55)
    assert by_bin.loc["0.7–0.8", "count"] == 2 and by_bin.loc["0.7–0.8", "accuracy"] == 0.0
    assert by_bin.loc["0.9–1.0", "gap"] == pytest.approx(0.05)
    assert by_bin.loc["0.0–0.1", "count"] == 0 and np.isnan(by_bin.loc["0.0–0.1", "accuracy"])
    expected = (4 * 0.2 + 2 * 0.8 + 6 * 0.05) / 12
    assert expected_calibration_error(y_true, probabilities) == pytest.approx(expected)
    quarters = reliability_table(y_true, probabilities, n_bins=4)
    assert quarters["bin"].tolist() == ["0.0–0.25", "0.25–0.5", "0.5–0.75", "0.75–1.0"]
    assert quarters["count"].tolist() == [0, 0, 4, 8]


def test_one_hot_labels_give_the_same_answer() -> None:
    y_true, probabilities = sure(0.7, 20, 11)
    one_hot = np.eye(3)[y_true]
    assert expected_calibration_error(one_hot, probabilities) == \
        expected_calibration_error(y_true, probabilities)


def test_the_diagram_has_the_diagonal_the_points_and_the_counts() -> None:
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet([0.5, 0.5, 0.5], size=200)
    y_true = rng.integers(0, 3, size=200)
    fig = plot_reliability(y_true, probabilities, n_bins=5, title="Test set")
    diagram, counts = fig.axes
    assert fig._suptitle.get_text() == "Test set"
    assert diagram.get_ylabel() == ACCURACY_LABEL and counts.get_xlabel() == CONFIDENCE_LABEL
    assert counts.get_ylabel() == "number of images"
    assert diagram.get_xlim() == (0.0, 1.0) and diagram.get_ylim() == (0.0, 1.0)
    diagonal, model_line = diagram.get_lines()
    assert diagonal.get_linestyle() == "--" and diagonal.get_label() == "perfectly calibrated"
    assert diagonal.get_xydata().tolist() == [[0, 0], [1, 1]]
    table = reliability_table(y_true, probabilities, n_bins=5)
    used = table[table["count"] > 0]
    assert np.allclose(model_line.get_xydata(), used[["mean_confidence", "accuracy"]])
    legend = [t.get_text() for t in diagram.get_legend().get_texts()]
    ece = expected_calibration_error(y_true, probabilities, n_bins=5)
    assert legend == ["perfectly calibrated", f"the model (ECE {ece:.3f})"]
    assert [p.get_height() for p in counts.patches] == table["count"].tolist()


def test_the_diagram_draws_into_a_given_axes_with_the_counts_as_text() -> None:
    y_true, probabilities = sure(0.9, 10, 5)
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_reliability(y_true, probabilities, ax=right) is fig
    assert not left.lines and right.get_title().startswith("How often is the model right")
    assert right.get_xlabel() == CONFIDENCE_LABEL and right.get_ylabel() == ACCURACY_LABEL
    assert [t.get_text() for t in right.texts] == ["n=10"]


@pytest.mark.parametrize(("y_true", "probabilities", "message"), [
    ([0, 1, 2], [[0.5, 0.5]] * 2, "y_true has 3 items but probabilities has 2"),
    ([0, 1], [0.5, 0.5], r"shape \(N, C\)"),
    ([0, 5], [[0.5, 0.5]] * 2, "y_true contains the class 5"),
    ([0, -1], [[0.5, 0.5]] * 2, "class numbers start at 0"),
    ([0, 1], [[1.5, -0.5]] * 2, "between 0 and 1"),
    (np.zeros(0, int), np.zeros((0, 2)), "There are no predictions"),
])
def test_bad_input_gets_a_clear_value_error(y_true: object, probabilities: object,
                                            message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliability_table(y_true, probabilities)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        plot_reliability(y_true, probabilities)  # type: ignore[arg-type]


def test_n_bins_must_be_a_positive_whole_number() -> None:
    y_true, probabilities = sure(0.9, 10, 5)
    with pytest.raises(ValueError, match="n_bins must be at least 1"):
        expected_calibration_error(y_true, probabilities, n_bins=0)
    with pytest.raises(TypeError, match="n_bins should be a whole number"):
        reliability_table(y_true, probabilities, n_bins=2.5)  # type: ignore[arg-type]
