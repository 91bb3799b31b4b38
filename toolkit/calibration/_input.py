"""The calls x raters matrices a calibration report reads, pooled and per round.

A round is a value of the table's ``round`` column, or, without one, a day of
its ``date`` column. With rounds, calls are keyed by (round, call). The ratings
table already refuses one call, criterion and rater scored twice differently,
so a call id found in several rounds (other raters scored it again) is noted,
not merged. Every call left out and every rater missing from a criterion is
stated in the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit._scores import as_number, is_number
from toolkit.errors import RatingsError
from toolkit.ratings import CriterionRatings, RatingsTable

__all__ = ["ROUND_SOURCES", "Prepared", "call_label", "prepare"]

# columns that can split a table into rounds, in the order they are looked for
ROUND_SOURCES: tuple[str, ...] = ("round", "date")

_MAX_LISTED = 5


@dataclass(frozen=True)
class Prepared:
    """The table cut into what the report computes on.

    Attributes
    ----------
    table
        The validated table.
    rounds_by
        ``"round"``, ``"date"`` or ``None`` (the whole table is one round).
    rounds
        Round labels in order (one ``None`` without rounds).
    pooled
        Criterion -> all its calls scored by at least two raters; the matrix
        index is (round, call) with rounds, else call.
    by_round
        (criterion, round) -> the calls of that round, as above.
    notes
        What was left out, in words a lead reads.
    """

    table: RatingsTable
    rounds_by: str | None
    rounds: tuple[Any, ...]
    pooled: dict[str, CriterionRatings]
    by_round: dict[tuple[str, Any], CriterionRatings] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def prepare(table: RatingsTable, *, rounds: str | None) -> Prepared:
    """Split ``table`` into criterion matrices, pooled and per round."""
    frame = table.frame
    rounds_by = _rounds_source(frame, rounds)
    notes: list[str] = []

    # label every row with its round, in round order
    if rounds_by is None:
        frame["round_label"] = None
        order: tuple[Any, ...] = (None,)
    else:
        frame["round_label"], order = _round_labels(frame, rounds_by)
        notes.extend(_repeated_calls(frame))

    pooled: dict[str, CriterionRatings] = {}
    by_round: dict[tuple[str, Any], CriterionRatings] = {}
    everyone = list(pd.unique(frame["rater"]))
    for criterion in table.criteria:
        rows = frame[frame["criterion"] == criterion]
        ratings, left_out = _matrix(rows, table, criterion, rounds_by is not None)
        notes.extend(left_out)
        notes.extend(_absent_raters(criterion, everyone, rows))
        pooled[criterion] = ratings
        for label in order:
            if rounds_by is None:
                continue
            keep = ratings.matrix.index.get_level_values("round") == label
            if keep.any():
                by_round[(criterion, label)] = CriterionRatings(
                    criterion, ratings.scale, ratings.matrix[keep]
                )
    return Prepared(table, rounds_by, order, pooled, by_round, tuple(notes))


def call_label(key: Any) -> str:
    """``c1``, or ``c1 (round 2)`` for a (round, call) key."""
    if isinstance(key, tuple):
        round_, call = key
        return f"{call} (round {round_})"
    return str(key)


def _rounds_source(frame: pd.DataFrame, rounds: str | None) -> str | None:
    if rounds is None:
        return None
    if rounds == "auto":
        return next((c for c in ROUND_SOURCES if c in frame.columns), None)
    if rounds not in ROUND_SOURCES:
        raise ValueError(
            f"rounds={rounds!r} is not known; use 'auto', 'round', 'date' or "
            "None (the whole table is one round)"
        )
    if rounds not in frame.columns:
        raise RatingsError(
            f"rounds={rounds!r}, but the table has no {rounds!r} column; map "
            f"yours (RatingsTable.from_long(..., columns={{{rounds!r}: ...}})) "
            "or pass rounds=None"
        )
    return rounds


def _round_labels(frame: pd.DataFrame, source: str) -> tuple[pd.Series, tuple]:
    """Each row's round label, and the labels in order."""
    values = frame[source]
    text = values.map(lambda v: "" if pd.isna(v) else str(v).strip())
    blank = (text == "").to_numpy()
    if blank.any():
        raise RatingsError(
            f"{_where(frame.index[blank])}: column {source!r} is blank; every "
            f"score of a table with rounds needs its {source}. Fill it in, or "
            "pass rounds=None to read the table as one round"
        )
    if source == "date":
        return _date_labels(frame, text)

    # round labels in number order when they are numbers, else as first seen
    labels = text.to_numpy(dtype=object)
    distinct = list(pd.unique(labels))
    numbers = [as_number(label) for label in distinct]
    if all(n is not None for n in numbers):
        distinct = [d for _, d in sorted(zip(numbers, distinct, strict=True))]
    return pd.Series(labels, index=frame.index), tuple(distinct)


def _date_labels(frame: pd.DataFrame, text: pd.Series) -> tuple[pd.Series, tuple]:
    days = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = days.isna().to_numpy()
    if bad.any():
        first = text[bad].iloc[0]
        raise RatingsError(
            f"{_where(frame.index[bad])}: date {first!r} cannot be read; write "
            "dates as YYYY-MM-DD, or give the table a round column"
        )
    labels = days.dt.strftime("%Y-%m-%d")
    return labels.astype(object), tuple(sorted(pd.unique(labels)))


def _repeated_calls(frame: pd.DataFrame) -> list[str]:
    rounds_per_call = frame.groupby("call", sort=False)["round_label"].nunique()
    repeated = rounds_per_call[rounds_per_call > 1]
    if repeated.empty:
        return []
    return [
        f"call id(s) {_listed(repeated.index)} appear in several rounds; each "
        "round's scores of them are treated as a different call"
    ]


def _matrix(
    rows: pd.DataFrame, table: RatingsTable, criterion: str, with_rounds: bool
) -> tuple[CriterionRatings, list[str]]:
    """Calls x raters of one criterion, without calls scored by one rater."""
    keys = ["round_label", "call"] if with_rounds else ["call"]
    matrix = rows.pivot(index=keys, columns="rater", values="score")
    order = rows[keys].drop_duplicates()
    index: Any = (
        pd.MultiIndex.from_frame(order, names=["round", "call"])
        if with_rounds
        else pd.Index(order["call"], name="call")
    )
    if with_rounds:
        matrix.index = matrix.index.set_names(["round", "call"])
    matrix = matrix.reindex(index=index, columns=pd.unique(rows["rater"]))
    if bool(rows["score"].map(is_number).all()):
        matrix = matrix.astype(float)
    matrix.columns.name = "rater"

    # keep calls scored by at least two raters, and raters who scored one
    notes = []
    single = matrix.notna().sum(axis=1).to_numpy() < 2
    if single.any():
        calls = [call_label(k) for k in matrix.index[single]]
        notes.append(
            f"criterion {criterion!r}: {int(single.sum())} call(s) scored by one "
            f"rater were left out ({_listed(calls)}); a call needs two scores "
            "to compare"
        )
        matrix = matrix[~single]
    alone = matrix.notna().sum(axis=0).to_numpy() == 0
    if alone.any():
        notes.append(
            f"criterion {criterion!r}: rater(s) {_listed(matrix.columns[alone])} "
            "scored only calls nobody else scored and were left out"
        )
        matrix = matrix.loc[:, ~alone]
    return CriterionRatings(criterion, table.scale(criterion), matrix), notes


def _absent_raters(criterion: str, everyone: list[Any], rows: pd.DataFrame) -> list:
    present = set(rows["rater"])
    absent = [rater for rater in everyone if rater not in present]
    if not absent:
        return []
    return [
        f"criterion {criterion!r}: rater(s) {_listed(absent)} scored other "
        "criteria but no call on this one; its diagnostics leave them out"
    ]


def _listed(values: Sequence[Any] | pd.Index | np.ndarray) -> str:
    shown = [repr(v) if not isinstance(v, str) else v for v in list(values)]
    more = len(shown) - _MAX_LISTED
    text = ", ".join(shown[:_MAX_LISTED])
    return text + (f" and {more} more" if more > 0 else "")


def _where(index: pd.Index) -> str:
    """``row 4`` / ``lines 5, 6``: rows of a table, or lines of a CSV file."""
    word = index.name if index.name in ("row", "line") else "row"
    plural = "s" if len(index) > 1 else ""
    return f"{word}{plural} {_listed([str(i) for i in index])}"
