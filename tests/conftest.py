"""Shared test helpers: the published reference data sets as units x raters."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

BUNDLED = Path(__file__).resolve().parents[1] / "toolkit" / "data"
SHARED = Path(
    os.environ.get(
        "PEERCOACH_REFERENCE_DATA",
        Path(__file__).resolve().parents[2] / "shared" / "data" / "ratings",
    )
)


def reference_path(name: str) -> Path:
    """Path of a reference data set: bundled copy first, else ../shared."""
    for folder in (BUNDLED, SHARED):
        path = folder / f"{name}.csv"
        if path.exists():
            return path
    pytest.skip(
        f"reference data {name!r} is read from {SHARED} (tests only, not bundled); "
        "set PEERCOACH_REFERENCE_DATA to its folder"
    )


def reference_wide(name: str) -> pd.DataFrame:
    """A reference data set as a units x raters frame, NaN where missing.

    Units keep their file order; raters keep the order they first appear in.
    """
    long = pd.read_csv(reference_path(name), keep_default_na=True)
    units = pd.unique(long["unit"])
    raters = pd.unique(long["rater"])
    wide = long.pivot(index="unit", columns="rater", values="score")
    return wide.reindex(index=units, columns=raters)


@pytest.fixture
def reference():
    """The :func:`reference_wide` loader as a fixture."""
    return reference_wide
