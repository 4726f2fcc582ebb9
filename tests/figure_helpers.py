"""Helpers for tests that inspect matplotlib figures."""

from __future__ import annotations

from matplotlib.figure import Figure


def image_axes(fig: Figure) -> list:
    """The panels of a figure that show an image, in drawing order."""
    return [ax for ax in fig.axes if ax.images]
