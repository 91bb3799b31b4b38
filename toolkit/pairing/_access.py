"""Access lists and review-log checks: who may open whose calls, and when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.pairing._input import _names, _read_csv, _where
from toolkit.pairing._schedule import PairingSchedule

__all__ = ["REASONS", "AccessList", "ReviewLogCheck", "check_review_log"]

REASONS: dict[str, str] = {
    "self_review": "the reviewer reviewed their own call",
    "unknown_reviewer": "the reviewer is not on the team",
    "unknown_rep": "the rep is not on the team",
    "other_period": "the pair is assigned, but not in this period",
    "not_assigned": "the pair is never assigned",
}


@dataclass(frozen=True, eq=False)
class AccessList:
    """Which peer may open which rep's calls in which period.

    Attributes
    ----------
    frame
        One row per grant: ``period``, then ``opens`` and ``closes`` (first
        and last day of access, ``grace_days`` after the period's end) when
        the schedule has dates, ``sub_team``, ``reviewer`` and ``rep``.
    periods
        The schedule's periods (``period``, ``label``, ``start``, ``end``).
    team
        Every rep with its ``sub_team``.
    grace_days
        Days after a period's end during which its reviews may still be done.
    """

    frame: pd.DataFrame
    periods: pd.DataFrame
    team: pd.DataFrame
    grace_days: int

    @classmethod
    def from_schedule(
        cls, schedule: PairingSchedule, *, grace_days: int = 0
    ) -> AccessList:
        """The access a schedule implies.

        Examples
        --------
        >>> from toolkit.pairing import pairing_schedule
        >>> schedule = pairing_schedule(5, n_periods=2, start="2025-01", rng=1)
        >>> access = schedule.access_list(grace_days=5)
        >>> row = access.frame.iloc[0]
        >>> str(row["opens"].date()), str(row["closes"].date())
        ('2025-01-01', '2025-02-05')
        """
        if isinstance(grace_days, bool) or not isinstance(grace_days, int):
            raise TypeError(f"grace_days must be a whole number; got {grace_days!r}")
        if grace_days < 0:
            raise ToolkitError(f"grace_days must be 0 or more; got {grace_days}")
        frame = schedule.frame.copy()
        if schedule.dated:
            frame = frame.rename(columns={"start": "opens", "end": "closes"})
            frame["closes"] = frame["closes"] + pd.Timedelta(days=grace_days)
        return cls(
            frame=frame,
            periods=schedule.periods.copy(),
            team=schedule.team[["rep", "sub_team"]].copy(),
            grace_days=grace_days,
        )

    @property
    def dated(self) -> bool:
        return "opens" in self.frame.columns


@dataclass(frozen=True, eq=False)
class ReviewLogCheck:
    """Reviews in a log that the access list did not allow.

    Attributes
    ----------
    violations
        One row per review outside the assignment: ``row`` (the log's row,
        counted from 1; for a CSV file the line, the header being line 1),
        ``reviewer``, ``rep``, ``period``, ``date`` (when the log has dates),
        ``reason`` (a key of :data:`REASONS`) and ``detail``.
    n_reviews
        Reviews in the log.
    grace_days
        The grace the check allowed after each period's end.
    """

    violations: pd.DataFrame
    n_reviews: int
    grace_days: int

    @property
    def n_violations(self) -> int:
        return len(self.violations)

    @property
    def ok(self) -> bool:
        """True when every review in the log was allowed."""
        return self.n_violations == 0

    def by_reason(self) -> pd.Series:
        """Violations per reason."""
        return self.violations["reason"].value_counts().rename("n_reviews")


def check_review_log(
    schedule: PairingSchedule | AccessList,
    log: pd.DataFrame | str | PathLike[str],
    *,
    reviewer: str = "reviewer",
    rep: str = "rep",
    date: str = "date",
    period: str = "period",
    grace_days: int | None = None,
) -> ReviewLogCheck:
    """Every review in ``log`` made outside the assignment.

    Parameters
    ----------
    schedule
        A :class:`PairingSchedule` or the :class:`AccessList` it implies.
    log
        One row per review done: a DataFrame or a CSV file with the reviewer,
        the rep, and the date (for a dated schedule) or the period (its number
        or label, e.g. ``2025-03``).
    reviewer, rep, date, period
        Column names in ``log``. A dated schedule uses ``date`` when the log
        has it, else ``period``; an undated one uses ``period``.
    grace_days
        Days after a period's end during which its reviews still count (a
        schedule only; an access list carries its own).

    Returns
    -------
    ReviewLogCheck

    Raises
    ------
    ToolkitError
        A missing column, a blank name, a date that cannot be read or lies
        outside the schedule, or an unknown period; the message names the row.

    Examples
    --------
    >>> from toolkit.pairing import pairing_schedule
    >>> schedule = pairing_schedule(5, n_periods=2, rotation=1, rng=3)
    >>> first = schedule.frame.iloc[0]
    >>> log = pd.DataFrame({
    ...     "reviewer": [first["reviewer"], "rep1"],
    ...     "rep": [first["rep"], "rep1"],
    ...     "period": [1, 2],
    ... })
    >>> check = check_review_log(schedule, log)
    >>> check.violations[["row", "reason"]].to_dict("records")
    [{'row': 2, 'reason': 'self_review'}]
    """
    access = _access(schedule, grace_days)
    frame, word = _log_frame(log)
    use_dates = access.dated and date in frame.columns
    needed = [reviewer, rep, date if use_dates else period]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        hint = "a date (YYYY-MM-DD) or a period" if access.dated else "a period"
        raise ToolkitError(
            f"the review log has no column(s) {', '.join(map(repr, missing))}; it "
            f"has {', '.join(map(repr, map(str, frame.columns)))}. It needs the "
            f"reviewer, the rep and {hint} per review; rename the columns or "
            "map them (reviewer='...', rep='...', date='...', period='...')"
        )

    names = pd.DataFrame(index=frame.index)
    names["reviewer"] = _names(frame[reviewer], reviewer, word, required=True)
    names["rep"] = _names(frame[rep], rep, word, required=True)
    if use_dates:
        days = _dates(frame[date], date, word)
        numbers = _period_of_dates(days, access, date, word)
    else:
        days = None
        numbers = _period_numbers(frame[period], access, period, word)

    rows = list(_violations(access, names, numbers, days))
    columns = ["row", "reviewer", "rep", "period", "reason", "detail"]
    if use_dates:
        columns.insert(4, "date")
    violations = pd.DataFrame(rows, columns=columns)
    violations["row"] = violations["row"].astype(np.int64)
    violations["period"] = violations["period"].astype(np.int64)
    return ReviewLogCheck(
        violations=violations, n_reviews=len(frame), grace_days=access.grace_days
    )


# ------------------------------------------------------------------ steps
def _access(schedule: Any, grace_days: int | None) -> AccessList:
    if isinstance(schedule, AccessList):
        if grace_days is not None and grace_days != schedule.grace_days:
            raise ToolkitError(
                f"the access list was made with grace_days={schedule.grace_days}; "
                "make a new one with access_list(grace_days=...) instead"
            )
        return schedule
    if isinstance(schedule, PairingSchedule):
        return schedule.access_list(grace_days=grace_days or 0)
    raise TypeError(
        "check_review_log needs a PairingSchedule or an AccessList; got "
        f"{type(schedule).__name__}"
    )


def _log_frame(log: Any) -> tuple[pd.DataFrame, str]:
    if isinstance(log, str | PathLike):
        return _read_csv(log), "line"
    if isinstance(log, pd.DataFrame):
        frame = log.copy()
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
        return frame, "row"
    raise TypeError(
        f"the review log must be a DataFrame or a CSV path; got {type(log).__name__}"
    )


def _dates(values: pd.Series, column: str, word: str) -> pd.Series:
    blank = values.isna() | (values.astype(str).str.strip() == "")
    if blank.any():
        raise ToolkitError(
            f"{_where(values.index[blank], word)} of the review log: column "
            f"{column!r} is blank; give the date of every review"
        )
    days = pd.to_datetime(values, errors="coerce", format="ISO8601")
    bad = days.isna()
    if bad.any():
        raise ToolkitError(
            f"{_where(values.index[bad], word)} of the review log: "
            f"{_plain(values[bad].iloc[0])!r} in column {column!r} is not a "
            "date; write dates as YYYY-MM-DD"
        )
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize()


def _period_of_dates(
    days: pd.Series, access: AccessList, column: str, word: str
) -> pd.Series:
    """Period number of each date; n + 1 for a date in the last grace days."""
    starts = access.periods["start"].to_numpy(dtype="datetime64[ns]")
    last_end = access.periods["end"].iloc[-1]
    late_limit = last_end + pd.Timedelta(days=access.grace_days)
    outside = (days < access.periods["start"].iloc[0]) | (days > late_limit)
    if outside.any():
        first = days[outside].iloc[0]
        raise ToolkitError(
            f"{_where(days.index[outside], word)} of the review log: date "
            f"{first.date()} in column {column!r} lies outside the schedule "
            f"({access.periods['start'].iloc[0].date()} to {last_end.date()}"
            f"{' plus the grace days' if access.grace_days else ''}); remove "
            "the row(s) or make a schedule that covers them"
        )
    numbers = np.searchsorted(starts, days.to_numpy(dtype="datetime64[ns]"), "right")
    return pd.Series(numbers, index=days.index)


def _period_numbers(
    values: pd.Series, access: AccessList, column: str, word: str
) -> pd.Series:
    labels = dict(zip(access.periods["label"], access.periods["period"], strict=True))
    n_periods = len(access.periods)

    def number(value: Any) -> int | None:
        if pd.isna(value):
            return None
        text = str(value).strip()
        if text in labels:
            return int(labels[text])
        try:
            whole = float(text)
        except ValueError:
            return None
        ok = whole.is_integer() and 1 <= whole <= n_periods
        return int(whole) if ok else None

    numbers = values.map(number)
    bad = numbers.isna()
    if bad.any():
        span = f"1 to {n_periods}"
        if access.dated:
            span += (
                f", or a label {access.periods['label'].iloc[0]} to "
                f"{access.periods['label'].iloc[-1]}"
            )
        raise ToolkitError(
            f"{_where(values.index[bad], word)} of the review log: period "
            f"{_plain(values[bad].iloc[0])!r} in column {column!r} is not in the "
            f"schedule ({span}); correct the row(s) or remove them"
        )
    return numbers.astype(np.int64)


def _violations(
    access: AccessList,
    names: pd.DataFrame,
    numbers: pd.Series,
    days: pd.Series | None,
) -> Iterator[tuple[Any, ...]]:
    grants = access.frame
    allowed = set(zip(grants["period"], grants["reviewer"], grants["rep"], strict=True))
    when: dict[tuple[str, str], list[int]] = {}
    for p, a, b in zip(
        grants["period"], grants["reviewer"], grants["rep"], strict=True
    ):
        when.setdefault((a, b), []).append(int(p))
    team = dict(zip(access.team["rep"], access.team["sub_team"], strict=True))
    closes = (
        dict(zip(grants["period"], grants["closes"], strict=False))
        if access.dated
        else {}
    )
    n_periods = len(access.periods)

    for row, reviewer, rep, number in zip(
        names.index, names["reviewer"], names["rep"], numbers, strict=True
    ):
        day = None if days is None else days[row]
        key = (reviewer, rep)
        # a review in the first grace days may still belong to the period before
        late = (
            day is not None
            and (number - 1, reviewer, rep) in allowed
            and day <= closes[number - 1]
        )
        if (number, reviewer, rep) in allowed or late:
            continue
        if reviewer == rep:
            reason, detail = "self_review", REASONS["self_review"]
        elif reviewer not in team:
            reason, detail = "unknown_reviewer", f"{reviewer!r} is not on the team"
        elif rep not in team:
            reason, detail = "unknown_rep", f"{rep!r} is not on the team"
        elif key in when:
            reason = "other_period"
            detail = f"assigned in period(s) {_spans(when[key])} only"
        else:
            reason = "not_assigned"
            apart = team[reviewer] != team[rep]
            detail = "never assigned" + (
                f" (sub-teams {team[reviewer]!r} and {team[rep]!r})" if apart else ""
            )
        period = min(int(number), n_periods)
        if days is None:
            yield row, reviewer, rep, period, reason, detail
        else:
            yield row, reviewer, rep, period, day, reason, detail


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value


def _spans(periods: list[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1-3, 7``."""
    runs: list[list[int]] = []
    for p in sorted(set(periods)):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
