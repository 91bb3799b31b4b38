"""Peer, manager and AI scores read into one row per call and criterion.

Every check here names the rows (or CSV lines) it refuses. What is kept but
cannot be used everywhere (a manager score with no peer score, two peers on
one call) is not an error: it becomes a note that the report carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from toolkit._csv import read_csv_lines
from toolkit._scores import is_number, score_key
from toolkit.divergence._checks import (
    MAX_LISTED,
    ROLES,
    blank,
    check_reps,
    check_roles,
    precheck,
    require,
    where,
)
from toolkit.errors import RatingsError
from toolkit.ratings import MISSING_MARKERS, RatingsTable
from toolkit.scales import Scale

__all__ = [
    "ANNOTATIONS",
    "PERIODS",
    "ROLES",
    "Scores",
    "prepare_scores",
    "read_scores",
]

ANNOTATIONS: tuple[str, ...] = ("agree", "disagree")
PERIODS: dict[str, str] = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}

# canonical name -> the column it is read from, unless mapped by argument
_CORE = ("call", "criterion", "rater", "score")
_EXTRA = ("role", "rep", "date", "comment", "ai_verdict")
_NO_PERIOD = "all"

LevelsSpec = Sequence[Any] | Mapping[str, Sequence[Any]] | None


@dataclass(frozen=True)
class Scores:
    """One row per call and criterion, a column per role (internal).

    ``wide`` has rep, period, call, criterion, then the mean level each role
    gave (NaN when the role did not score it) and how many scores that mean
    holds (``n_peer``, ``n_manager``, ``n_ai``). ``annotations`` has one row
    per peer verdict on the AI score, or is ``None`` without that column.
    """

    wide: pd.DataFrame
    annotations: pd.DataFrame | None
    levels: Mapping[str, tuple[float, ...]]
    notes: tuple[str, ...]


def read_scores(
    path: str | PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    levels: LevelsSpec = None,
) -> RatingsTable:
    """Read a CSV of peer, manager and AI scores (never modified).

    Errors name the line of the file, as :meth:`RatingsTable.from_csv` does.

    Parameters
    ----------
    path
        Long CSV, one row per score, with columns call, criterion, role, rep
        and score, and optionally rater, date, comment and ai_verdict.
    columns
        Canonical name -> the file's name, e.g. ``{"role": "source"}``.
    levels
        Declared levels, lowest first, for every criterion or per criterion.

    Returns
    -------
    RatingsTable
        With the optional columns role, rep, date, comment and ai_verdict
        under those names. Without a rater column the role is the rater.
    """
    # read once for the checks the ratings table cannot make, then validate
    names = _names(columns)
    raw, delimiter = read_csv_lines(path, missing={names["score"]: MISSING_MARKERS})
    precheck(raw, names)
    header = list(raw.columns)
    return RatingsTable.from_csv(
        path,
        delimiter=delimiter,
        call=names["call"],
        criterion=names["criterion"],
        rater=names["rater"] if names["rater"] in header else names["role"],
        score=names["score"],
        columns={name: names[name] for name in _EXTRA if names[name] in header},
        levels=levels,
    )


def prepare_scores(
    data: RatingsTable | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    roles: Mapping[str, str] | None = None,
    levels: LevelsSpec = None,
    period: str | None = "month",
) -> Scores:
    """Validate the scores and put the three roles side by side."""
    if period is not None and period not in PERIODS:
        raise ValueError(
            f"period={period!r} is not known; use one of "
            f"{', '.join(map(repr, PERIODS))} or None for the whole table"
        )
    long, scales = _validated(data, _names(columns), levels)
    notes: list[str] = []

    long["role"] = check_roles(long, roles)
    check_reps(long)
    long["level"] = _levels(long, scales)
    long["period"] = _periods(long, period, notes)

    wide = _side_by_side(long, notes)
    annotations = _annotations(long, notes)
    _note_missing_roles(wide, notes)
    return Scores(
        wide=wide,
        annotations=annotations,
        levels={c: _numeric_levels(scales[c]) for c in scales},
        notes=tuple(notes),
    )


# ------------------------------------------------------------------ columns
def _names(columns: Mapping[str, str] | None) -> dict[str, str]:
    names = {name: name for name in (*_CORE, *_EXTRA)}
    unknown = [name for name in columns or {} if name not in names]
    if unknown:
        raise ValueError(
            f"columns maps {', '.join(map(repr, unknown))}, which divergence "
            f"does not read; map some of {', '.join(map(repr, names))} to the "
            "names in your table, e.g. columns={'role': 'source'}"
        )
    names.update(columns or {})
    return names


def _validated(
    data: Any, names: Mapping[str, str], levels: LevelsSpec
) -> tuple[pd.DataFrame, dict[str, Scale]]:
    """The canonical long table (index: row or line) and each criterion's scale."""
    if isinstance(data, RatingsTable):
        frame = data.frame
        renamed = {names[n]: n for n in _EXTRA if names[n] in frame.columns}
        frame = frame.rename(columns=renamed)
        require({n: n for n in _EXTRA}, list(frame.columns), ("role", "rep"))
        return frame, {c: data.scale(c) for c in data.criteria}
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            "divergence needs a pandas DataFrame or a RatingsTable; got "
            f"{type(data).__name__}. Read a file with read_scores(path)"
        )

    precheck(data.set_axis(pd.RangeIndex(1, len(data) + 1, name="row")), names)
    table = RatingsTable.from_long(
        data,
        call=names["call"],
        criterion=names["criterion"],
        rater=(names["rater"] if names["rater"] in data.columns else names["role"]),
        score=names["score"],
        columns={n: names[n] for n in _EXTRA if names[n] in data.columns},
        levels=levels,
    )
    return table.frame, {c: table.scale(c) for c in table.criteria}


def _levels(long: pd.DataFrame, scales: Mapping[str, Scale]) -> pd.Series:
    """Scores as numbers: numeric scores as they are, labels by their rank."""
    out = pd.Series(np.nan, index=long.index, dtype=float)
    for criterion, rows in long.groupby("criterion", sort=False):
        scores = rows["score"]
        scale = scales[str(criterion)]
        if scores.map(is_number).all():
            out[rows.index] = scores.astype(float)
        elif scale.kind == "ordinal" and scale.levels is not None:
            rank = {score_key(v): k + 1.0 for k, v in enumerate(scale.levels)}
            out[rows.index] = scores.map(score_key).map(rank)
        else:
            shown = ", ".join(map(repr, pd.unique(scores)[:MAX_LISTED]))
            raise RatingsError(
                f"criterion {criterion!r} is scored with labels ({shown}) in "
                "no declared order; divergence counts levels apart, so declare "
                f"them lowest first, e.g. levels={{{str(criterion)!r}: [...]}} "
                "(CLI: --levels)"
            )
    return out


def _numeric_levels(scale: Scale) -> tuple[float, ...]:
    levels = scale.levels or ()
    if all(is_number(v) for v in levels):
        return tuple(float(v) for v in levels)
    return tuple(float(k + 1) for k in range(len(levels)))


def _periods(long: pd.DataFrame, period: str | None, notes: list[str]) -> pd.Series:
    """Each row's period label, from the earliest date of its call."""
    if period is None:
        return pd.Series(_NO_PERIOD, index=long.index, dtype=object)
    if "date" not in long.columns:
        notes.append(
            "the table has no date column, so the whole table is one period "
            f"({_NO_PERIOD!r})"
        )
        return pd.Series(_NO_PERIOD, index=long.index, dtype=object)

    empty = blank(long["date"])
    dates = pd.to_datetime(
        long["date"].where(~empty).astype(object), errors="coerce", format="ISO8601"
    )
    unread = dates.isna().to_numpy() & ~empty
    if unread.any():
        first = long["date"][unread].iloc[0]
        raise RatingsError(
            f"{where(long.index[unread])}: date {first!r} could not be read; "
            "write dates as YYYY-MM-DD"
        )

    # a call took place before any of its scores: its earliest date counts
    earliest = dates.groupby(long["call"]).transform("min")
    undated = earliest.isna().to_numpy()
    if undated.any():
        calls = ", ".join(map(repr, pd.unique(long["call"][undated])[:MAX_LISTED]))
        raise RatingsError(
            f"{where(long.index[undated])}: call(s) {calls} have no date; fill "
            "in the date of the call or pass period=None (CLI: --period none)"
        )
    return earliest.dt.to_period(PERIODS[period]).astype(str).astype(object)


# ------------------------------------------------------------------ reshape
def _side_by_side(long: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """One row per call and criterion; the mean level and count of each role."""
    keys = ["rep", "period", "call", "criterion"]
    grouped = long.groupby([*keys, "role"], sort=False)["level"]
    stats = grouped.agg(["mean", "size"]).unstack("role")
    wide = pd.DataFrame(index=stats.index)
    for role in ROLES:
        present = role in stats["mean"].columns
        wide[role] = stats["mean"][role] if present else np.nan
        counts = stats["size"][role] if present else 0
        wide[f"n_{role}"] = pd.Series(counts, index=wide.index).fillna(0)
        wide[f"n_{role}"] = wide[f"n_{role}"].astype(int)
    wide = wide.reset_index()
    for column in keys:
        wide[column] = wide[column].astype(object)

    for role in ROLES:
        several = wide[f"n_{role}"] > 1
        if several.any():
            notes.append(
                f"{int(several.sum())} call-criterion pair(s) have more than one "
                f"{role} score ({_calls(wide, several)}); their mean is used"
            )
    return wide


def _calls(wide: pd.DataFrame, mask: pd.Series) -> str:
    calls = pd.unique(wide.loc[mask, "call"])
    shown = ", ".join(str(c) for c in calls[:MAX_LISTED])
    more = len(calls) - MAX_LISTED
    return "calls " + shown + (f" and {more} more" if more > 0 else "")


def _note_missing_roles(wide: pd.DataFrame, notes: list[str]) -> None:
    has = {role: wide[f"n_{role}"] > 0 for role in ROLES}
    gaps = [
        (has["manager"] & ~has["peer"], "a manager score but no peer score", "routing"),
        (has["peer"] & ~has["manager"], "a peer score but no manager score", "routing"),
        (
            (has["peer"] | has["manager"]) & ~has["ai"],
            "no AI score",
            "the three-way comparison and the AI anchor",
        ),
    ]
    for mask, what, left_out_of in gaps:
        if mask.any():
            n_calls = wide.loc[mask, "call"].nunique()
            notes.append(
                f"{n_calls} call(s) have {what} on {int(mask.sum())} "
                f"criterion score(s) ({_calls(wide, mask)}); left out of {left_out_of}"
            )


def _annotations(long: pd.DataFrame, notes: list[str]) -> pd.DataFrame | None:
    """Peers' verdicts on the AI score: one row per annotated peer score."""
    if "ai_verdict" not in long.columns:
        return None
    empty = blank(long["ai_verdict"])
    verdict = long["ai_verdict"].map(lambda v: str(v).strip().casefold())
    unknown = ~empty & ~verdict.isin(ANNOTATIONS).to_numpy()
    if unknown.any():
        seen = ", ".join(map(repr, pd.unique(long["ai_verdict"][unknown])[:MAX_LISTED]))
        raise RatingsError(
            f"{where(long.index[unknown])}: ai_verdict {seen} is not one of "
            f"{', '.join(ANNOTATIONS)}; correct the row(s) or leave the cell "
            "empty when the peer did not annotate the AI score"
        )

    not_peer = ~empty & (long["role"] != "peer").to_numpy()
    if not_peer.any():
        notes.append(
            f"{where(long.index[not_peer])}: an ai_verdict on a manager or AI "
            "score; only peers annotate the AI score, so these are left out"
        )
    keep = ~empty & ~not_peer
    columns = ["rep", "period", "call", "criterion", "rater", "level"]
    annotations = long.loc[keep, columns].rename(columns={"level": "peer"})
    return annotations.assign(verdict=verdict[keep].to_numpy())
