"""Reading the small CSV files leads export: one set of rules for every input.

UTF-8 text (Excel's byte-order mark is fine), the separator detected from the
header line, every cell read as text, blank lines skipped, and each row indexed
by its line in the file (the header is line 1), so that errors can name the
line a spreadsheet shows. Workbooks and binary files get an error that says
what they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from toolkit.errors import RatingsError

__all__ = ["detect_delimiter", "read_csv_lines", "read_text"]

_SEPARATORS = (",", ";", "\t", "|")


def read_text(path: str | PathLike[str]) -> str:
    """The file's text, with errors that say what kind of file it really is."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise RatingsError(f"no file at {name!r}; check the path") from None
    except IsADirectoryError:
        raise RatingsError(f"{name!r} is a folder; give the CSV file in it") from None
    if raw.startswith(b"PK\x03\x04"):
        raise RatingsError(
            f"{name!r} is an Excel workbook (or another zip file), not CSV; in "
            "Excel use File > Save As > 'CSV UTF-8 (comma delimited)'"
        )
    if b"\x00" in raw[:4096]:
        raise RatingsError(
            f"{name!r} is not a text file; export the table as CSV (UTF-8)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RatingsError(
            f"{name!r} is not UTF-8 text (byte {raw[exc.start]:#04x} at position "
            f"{exc.start}); save it as 'CSV UTF-8' (Excel) or re-encode it as UTF-8"
        ) from None


def detect_delimiter(text: str) -> str:
    """The separator of the header line: the candidate it holds most of.

    Examples
    --------
    >>> detect_delimiter("call;rater;score\\nc1;ana;3\\n")
    ';'
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def read_csv_lines(
    path: str | PathLike[str],
    *,
    delimiter: str | None = None,
    missing: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, str]:
    """A CSV file as text cells indexed by file line, and its separator.

    Parameters
    ----------
    path
        The file (never modified).
    delimiter
        The separator; detected from the header line when ``None``.
    missing
        Column -> cell texts that mean "missing" in that column; elsewhere
        only an empty cell is missing.
    """
    text = read_text(path)
    sep = delimiter or detect_delimiter(text)
    na_values: dict[str, list[str]] = {k: list(v) for k, v in (missing or {}).items()}
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=object,
            keep_default_na=False,
            na_values=na_values or [""],
            skipinitialspace=True,
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise RatingsError(
            f"{str(path)!r} is empty; it needs a header line and one row per line"
        ) from None
    except pd.errors.ParserError as exc:
        raise RatingsError(
            f"{str(path)!r} could not be read as CSV: {exc}. Check that every line "
            f"has as many {sep!r}-separated cells as the header"
        ) from None

    if not isinstance(frame.index, pd.RangeIndex):
        # every row has more cells than the header: pandas would take the
        # extra leading cells as an index and shift the columns
        width = len(frame.columns)
        lines = csv.reader(io.StringIO(text), delimiter=sep)
        line, cells = next(
            ((n, len(row)) for n, row in enumerate(lines, 1) if len(row) > width),
            (2, width + frame.index.nlevels),
        )
        raise RatingsError(
            f"{str(path)!r}, line {line}: {cells} {sep!r}-separated cells but the "
            f"header names {width} columns; add the missing column names to the "
            "header or remove the extra cells"
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    cells = frame.astype(str).apply(lambda column: column.str.strip())
    blank = (frame.isna() | (cells == "") | (cells == "nan")).all(axis=1)
    return frame[~blank], sep
