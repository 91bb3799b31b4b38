"""Tables written for people: CSV cells a spreadsheet must not run."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["spreadsheet_safe"]

# a cell starting with one of these runs as a formula in a spreadsheet
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas.

    A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading ``'``; numbers are left alone.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit._export import spreadsheet_safe
    >>> spreadsheet_safe(pd.DataFrame({"rep": ["=HYPERLINK()", "ana"]}))["rep"].tolist()
    ["'=HYPERLINK()", 'ana']
    """
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralise)
    return safe


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
