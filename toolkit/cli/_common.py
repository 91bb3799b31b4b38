"""Helpers the ``peercoach`` commands share: option parsing, paths, output."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit.cli._group import _fail

__all__: list[str] = []


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


def _parse_levels(
    options: tuple[str, ...],
) -> list[Any] | dict[str, list[Any]] | None:
    """``--levels 1,2,3`` for every criterion, or ``NAME=1,2,3`` for one."""
    if not options:
        return None
    shared: list[Any] | None = None
    per_criterion: dict[str, list[Any]] = {}
    for option in options:
        name, _, text = option.rpartition("=")
        levels = [_level(part.strip()) for part in text.split(",") if part.strip()]
        if name.strip():
            per_criterion[name.strip()] = levels
        elif shared is None:
            shared = levels
        else:
            raise click.UsageError(
                "--levels without a criterion name was given twice; prefix the "
                "levels with the criterion, e.g. --levels 'close=1,2,3,4,5'"
            )
    if shared is not None and per_criterion:
        raise click.UsageError(
            "--levels for every criterion and for named criteria at once is "
            "ambiguous; name the criterion of each, e.g. --levels 'close=1,2,3'"
        )
    return shared if shared is not None else per_criterion


def _level(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _require_folder(option: str, path: str) -> None:
    """Fail when the folder that should receive ``path`` does not exist."""
    if not Path(path).resolve().parent.is_dir():
        _fail(f"{option} {path}: the folder {Path(path).parent} does not exist")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` for JSON, NaN as null."""
    return [
        {
            str(k): (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in row.items()
        }
        for row in frame.to_dict(orient="records")
    ]


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _number(value: Any) -> str:
    number = float(value)
    return "—" if math.isnan(number) else f"{number:.3f}"


def _columns(header: list[str], cells: list[list[str]]) -> list[str]:
    """``header`` and ``cells`` as indented, left-aligned text columns."""
    widths = [
        max(len(line[i]) for line in [header, *cells]) for i in range(len(header))
    ]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]
