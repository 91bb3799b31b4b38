"""Reading the team: the reps list and the conflict pairs.

A reps list is a CSV file or a DataFrame with a column ``rep`` and, optionally,
``sub_team`` (the manager's own grouping; pairs never cross it) and ``manager``
(whose team a rep is on; without sub-teams, pairs never cross managers). A
conflicts list is a separate CSV file or DataFrame with columns ``rep_a`` and
``rep_b`` and an optional ``reason`` (``friend``, ``competitor`` or any text):
one line per pair, in either order. Errors name the row of a DataFrame
(counted from 1) or the line of a file (the header is line 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from typing import Any

import pandas as pd

from toolkit._csv import read_csv_lines
from toolkit.errors import ToolkitError

__all__ = ["read_conflicts", "read_reps"]

_MAX_LISTED = 5

RepsSource = int | Sequence[str] | pd.DataFrame | str | PathLike[str]
ConflictsSource = pd.DataFrame | str | PathLike[str] | Iterable[Sequence[str]] | None


def read_reps(
    source: RepsSource,
    *,
    rep: str = "rep",
    sub_team: str = "sub_team",
    manager: str = "manager",
) -> pd.DataFrame:
    """The team as a table with columns ``rep``, ``sub_team`` and ``manager``.

    Parameters
    ----------
    source
        A CSV file, a DataFrame, a list of names, or a number of reps (named
        ``rep01``, ``rep02``, ...).
    rep, sub_team, manager
        Column names in ``source``. ``sub_team`` and ``manager`` are optional
        columns; a missing one is ``None`` in the result.

    Returns
    -------
    pandas.DataFrame
        One row per rep, in input order, names stripped of blanks.

    Raises
    ------
    ToolkitError
        No ``rep`` column, an empty list, a blank or repeated name, or a
        sub-team or manager given for some reps but not others.

    Examples
    --------
    >>> read_reps(3)["rep"].tolist()
    ['rep1', 'rep2', 'rep3']
    """
    frame, word = _as_frame(source, rep)
    if rep not in frame.columns:
        raise ToolkitError(
            f"the reps list has no column {rep!r}; it has "
            f"{', '.join(map(repr, map(str, frame.columns)))}. Name the column "
            "of rep names 'rep' (or pass rep='...')"
        )
    if len(frame) == 0:
        raise ToolkitError("the reps list is empty; it needs one row per rep")

    team = pd.DataFrame(index=frame.index)
    team["rep"] = _names(frame[rep], rep, word, required=True)
    for field, column in (("sub_team", sub_team), ("manager", manager)):
        if column in frame.columns:
            team[field] = _names(frame[column], column, word, required=False)
        else:
            team[field] = None

    repeated = team["rep"].duplicated(keep=False)
    if repeated.any():
        name = team.loc[repeated, "rep"].iloc[0]
        rows = team.index[team["rep"] == name]
        raise ToolkitError(
            f"rep {name!r} appears on {_where(rows, word)}; list each rep once "
            "(a rep in two sub-teams is not supported)"
        )
    return team.reset_index(drop=True)


def read_conflicts(
    source: ConflictsSource,
    reps: Sequence[str],
    *,
    rep_a: str = "rep_a",
    rep_b: str = "rep_b",
    reason: str = "reason",
) -> pd.DataFrame:
    """Conflict pairs as a table with columns ``rep_a``, ``rep_b``, ``reason``.

    Parameters
    ----------
    source
        A CSV file, a DataFrame, or pairs ``(a, b)`` / ``(a, b, reason)``;
        ``None`` for no conflicts.
    reps
        Every rep's name; a pair must name two of them.
    rep_a, rep_b, reason
        Column names in ``source``; ``reason`` is optional.

    Returns
    -------
    pandas.DataFrame
        One row per pair (a pair listed twice, in either order, is kept once
        with its first reason); a missing reason is ``""``.

    Raises
    ------
    ToolkitError
        Missing columns, a blank name, a name not in ``reps``, or a rep paired
        with themselves; the message names the row or line.

    Examples
    --------
    >>> pairs = read_conflicts([("ana", "ben", "friend")], ["ana", "ben", "cy"])
    >>> pairs.to_dict("records")
    [{'rep_a': 'ana', 'rep_b': 'ben', 'reason': 'friend'}]
    """
    columns = ["rep_a", "rep_b", "reason"]
    if source is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if isinstance(source, pd.DataFrame | str | PathLike):
        frame, word = _as_frame(source, rep_a)
    else:
        rows = [tuple(pair) for pair in source]
        bad = [i for i, pair in enumerate(rows, 1) if len(pair) not in (2, 3)]
        if bad:
            raise ToolkitError(
                f"conflict pair {bad[0]} is {rows[bad[0] - 1]!r}; give each pair "
                "as (rep_a, rep_b) or (rep_a, rep_b, reason)"
            )
        frame = pd.DataFrame(
            [(*pair, "")[:3] for pair in rows], columns=[rep_a, rep_b, reason]
        )
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
        word = "row"
    missing = [c for c in (rep_a, rep_b) if c not in frame.columns]
    if missing:
        raise ToolkitError(
            f"the conflicts list has no column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, map(str, frame.columns)))}. Give one "
            "pair per line with columns rep_a, rep_b and optionally reason"
        )

    pairs = pd.DataFrame(index=frame.index)
    pairs["rep_a"] = _names(frame[rep_a], rep_a, word, required=True)
    pairs["rep_b"] = _names(frame[rep_b], rep_b, word, required=True)
    pairs["reason"] = ""
    if reason in frame.columns:
        pairs["reason"] = frame[reason].map(
            lambda v: "" if pd.isna(v) else str(v).strip()
        )

    # every name must be on the team, and a pair needs two different reps
    known = set(reps)
    for column in ("rep_a", "rep_b"):
        unknown = ~pairs[column].isin(known)
        if unknown.any():
            name = pairs.loc[unknown, column].iloc[0]
            raise ToolkitError(
                f"{_where(pairs.index[unknown], word)} of the conflicts list: "
                f"{name!r} is not in the reps list; correct the name or remove "
                "the pair"
            )
    same = pairs["rep_a"] == pairs["rep_b"]
    if same.any():
        raise ToolkitError(
            f"{_where(pairs.index[same], word)} of the conflicts list pairs "
            f"{pairs.loc[same, 'rep_a'].iloc[0]!r} with themselves; a conflict "
            "needs two different reps"
        )

    key = pd.Series(
        [frozenset(p) for p in zip(pairs["rep_a"], pairs["rep_b"], strict=True)],
        index=pairs.index,
    )
    pairs = pairs[~key.duplicated().to_numpy()]
    return pairs.reset_index(drop=True).astype(object)


# ------------------------------------------------------------------ helpers
def _as_frame(source: Any, first_column: str) -> tuple[pd.DataFrame, str]:
    """``source`` as a DataFrame of text cells indexed by row or line number."""
    if isinstance(source, bool):
        raise TypeError("a reps list cannot be True or False; give names or a file")
    if isinstance(source, int):
        if source < 1:
            raise ToolkitError(f"a team needs at least one rep; got {source}")
        width = len(str(source))
        names = [f"rep{i:0{width}d}" for i in range(1, source + 1)]
        source = names
    if isinstance(source, str | PathLike):
        return _read_csv(source), "line"
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
        return frame, "row"
    if isinstance(source, Sequence):
        frame = pd.DataFrame({first_column: list(source)}, dtype=object)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
        return frame, "row"
    raise TypeError(
        f"expected a CSV path, a DataFrame, a list of names or a number of reps; "
        f"got {type(source).__name__}"
    )


def _read_csv(path: str | PathLike[str]) -> pd.DataFrame:
    """A small CSV file as text cells, indexed by file line (header = 1)."""
    frame, _ = read_csv_lines(path)
    return frame


def _names(values: pd.Series, column: str, word: str, *, required: bool) -> Any:
    """Stripped text names; blanks are an error, or all-or-nothing if optional."""
    text = values.map(lambda v: None if pd.isna(v) else str(v).strip())
    blank = text.isna() | (text == "")
    if required and blank.any():
        raise ToolkitError(
            f"{_where(values.index[blank], word)}: column {column!r} is blank; "
            "fill in the name or remove the line"
        )
    if blank.all():
        return pd.Series(None, index=values.index, dtype=object)
    if blank.any():
        raise ToolkitError(
            f"{_where(values.index[blank], word)}: column {column!r} is blank "
            "while other reps have one; fill it in for every rep or for none"
        )
    return text.astype(object)


def _where(index: Any, word: str) -> str:
    labels = [str(i) for i in list(index)[:_MAX_LISTED]]
    more = len(index) - _MAX_LISTED
    shown = ", ".join(labels) + (f" and {more} more" if more > 0 else "")
    return f"{word}{'s' if len(index) > 1 else ''} {shown}"
