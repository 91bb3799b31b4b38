"""The ratings table: who scored which call on which criterion, and how.

The canonical input is a long table with one row per score: ``call``,
``criterion``, ``rater``, ``score`` and, optionally, ``role``, ``rep``,
``date``, ``round`` and ``comment``. Other column names are mapped by argument.
Each criterion has a :class:`~toolkit.scales.Scale`; the table hands out one
calls x raters matrix per criterion, NaN where a rater did not score a call.

Nothing is fixed silently: a row that cannot be used raises
:class:`~toolkit.errors.RatingsError` naming the row (counted from 1, the first
data row after the header) and saying what to do.

Examples
--------
>>> import pandas as pd
>>> long = pd.DataFrame({
...     "call": ["c1", "c1", "c2", "c2", "c3", "c3"],
...     "criterion": ["next steps"] * 6,
...     "rater": ["ana", "ben"] * 3,
...     "score": [3, 3, 2, 4, 1, 1],
... })
>>> table = RatingsTable.from_long(long)
>>> table.criteria
('next steps',)
>>> ratings = table.criterion("next steps")
>>> ratings.scale.kind, ratings.scale.levels
('ordinal', (1, 2, 3, 4))
>>> ratings.matrix.to_numpy().tolist()
[[3.0, 3.0], [2.0, 4.0], [1.0, 1.0]]
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from toolkit._csv import read_csv_lines
from toolkit._scores import as_number, is_number, score_key
from toolkit.errors import RatingsError, ToolkitWarning
from toolkit.scales import SCALE_KINDS, Scale

__all__ = [
    "MISSING_MARKERS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CriterionRatings",
    "DuplicateScoreWarning",
    "RatingsTable",
    "ScaleWarning",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("call", "criterion", "rater", "score")
OPTIONAL_COLUMNS: tuple[str, ...] = ("role", "rep", "date", "round", "comment")

ScaleSpec = str | Scale | Mapping[str, str | Scale] | None
LevelsSpec = Sequence[Any] | Mapping[str, Sequence[Any]] | None

_MAX_LISTED = 5

# cells of the score column that mean "no rating"
MISSING_MARKERS: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "na",
    "NaN",
    "nan",
    "null",
    "NULL",
    "None",
    "#N/A",
)
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


class DuplicateScoreWarning(ToolkitWarning):
    """The same rater scored the same call and criterion twice, identically."""


class ScaleWarning(ToolkitWarning):
    """Levels or labels that look like a mistake: a gap, or case variants."""


@dataclass(frozen=True)
class CriterionRatings:
    """The scores of one criterion as a calls x raters matrix.

    Attributes
    ----------
    criterion
        The criterion's name.
    scale
        Its scale, with the levels in order for a categorical scale.
    matrix
        Calls as rows, raters as columns; NaN where a rater did not score a
        call. Numeric scores are floats; labels stay objects.
    """

    criterion: str
    scale: Scale
    matrix: pd.DataFrame

    @property
    def n_calls(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_raters(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def n_scores(self) -> int:
        return int(self.matrix.notna().to_numpy().sum())


class RatingsTable:
    """A validated long table of scores, one criterion matrix at a time.

    Build it with :meth:`from_long`, :meth:`from_csv` or :meth:`from_wide`.
    """

    def __init__(self, frame: pd.DataFrame, scales: Mapping[str, Scale]) -> None:
        self._frame = frame
        self._scales = dict(scales)

    # ------------------------------------------------------------------ build
    @classmethod
    def from_long(
        cls,
        frame: pd.DataFrame,
        *,
        call: str = "call",
        criterion: str | None = "criterion",
        rater: str = "rater",
        score: str = "score",
        columns: Mapping[str, str] | None = None,
        scale: ScaleSpec = None,
        levels: LevelsSpec = None,
        default_criterion: str = "score",
        criteria: Sequence[str] | None = None,
    ) -> RatingsTable:
        """Validate a long table with one row per score.

        Parameters
        ----------
        frame
            One row per score. It is not modified.
        call, criterion, rater, score
            Names of those columns in ``frame``. ``criterion=None`` (or a table
            without that column when it was not named explicitly) means a single
            criterion called ``default_criterion``.
        columns
            Names of the optional columns, e.g. ``{"rep": "agent"}``; by default
            ``role``, ``rep``, ``date``, ``round`` and ``comment`` are kept when
            present.
        scale
            One scale kind or :class:`Scale` for every criterion, or a mapping
            criterion -> scale. When not given, a criterion whose scores are all
            whole numbers is ordinal on the observed levels, one with other
            numbers is interval, and one with text labels is nominal.
        levels
            Declared levels (in order) for every criterion, or a mapping
            criterion -> levels. Levels nobody used are allowed.
        criteria
            Keep only these criteria (the other rows are not checked).

        Raises
        ------
        RatingsError
            Missing columns, an empty table, a blank call / rater / criterion,
            a score off the declared scale, the same call, criterion and rater
            with two different scores, or a criterion scored by fewer than two
            raters. The message names the rows.

        Warns
        -----
        DuplicateScoreWarning
            When a score appears twice with the same value; one copy is kept.
        ScaleWarning
            When inferred whole-number levels have a gap (a level nobody used,
            or a typo such as 33 on a 1-5 scale), or labels differ only in case.

        Notes
        -----
        Scores that are numbers, or text that reads as a number, are numbers;
        a criterion's scores are read on their own, so a yes/no criterion does
        not turn a 1-5 criterion into text. Spaces around call, rater and
        criterion names are ignored.
        """
        return cls._build(
            frame,
            call=call,
            criterion=criterion,
            rater=rater,
            score=score,
            columns=columns,
            scale=scale,
            levels=levels,
            default_criterion=default_criterion,
            criteria=criteria,
            first_row=1,
            row_word="row",
        )

    @classmethod
    def _build(
        cls,
        frame: pd.DataFrame,
        *,
        call: str,
        criterion: str | None,
        rater: str,
        score: str,
        columns: Mapping[str, str] | None,
        scale: ScaleSpec,
        levels: LevelsSpec,
        default_criterion: str,
        criteria: Sequence[str] | None,
        first_row: int | np.ndarray,
        row_word: str,
    ) -> RatingsTable:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"from_long needs a pandas DataFrame; got {type(frame).__name__}. "
                "Use RatingsTable.from_csv for a file or from_wide for a matrix"
            )
        explicit_criterion = criterion is not None and criterion != "criterion"
        if criterion is not None and criterion not in frame.columns:
            if explicit_criterion:
                _missing_columns([criterion], frame)
            criterion = None
        _missing_columns(
            [c for c in (call, rater, score) if c not in frame.columns], frame
        )
        if len(frame) == 0:
            raise RatingsError(
                "the ratings table has no rows; it needs one row per score with "
                f"columns {', '.join(REQUIRED_COLUMNS)}"
            )

        # reshape to the canonical column names, rows numbered from 1
        optional = {name: name for name in OPTIONAL_COLUMNS if name in frame.columns}
        optional.update(columns or {})
        _missing_columns(
            [c for c in optional.values() if c not in frame.columns], frame
        )
        long = pd.DataFrame(
            {
                "call": frame[call].to_numpy(dtype=object),
                "criterion": (
                    frame[criterion].to_numpy(dtype=object)
                    if criterion is not None
                    else np.full(len(frame), default_criterion, dtype=object)
                ),
                "rater": frame[rater].to_numpy(dtype=object),
                "score": frame[score].to_numpy(dtype=object),
            },
            index=pd.Index(
                np.arange(len(frame)) + first_row
                if isinstance(first_row, int)
                else first_row,
                name=row_word,
            ),
        )
        for name, source in optional.items():
            long[name] = frame[source].to_numpy(dtype=object)

        names = {"call": call, "criterion": criterion or "criterion", "rater": rater}
        for field, source in names.items():
            _check_blank(long, field, source)
            long[field] = long[field].map(_strip)
        long["criterion"] = long["criterion"].astype(str)
        if criteria is not None:
            long = _keep_criteria(long, criteria)

        # a blank score is a missing rating, not a row to score
        long = long[~pd.isna(long["score"])].copy()
        long["score"] = long["score"].map(_strip).astype(object)
        scales: dict[str, Scale] = {}
        for group, rows in long.groupby("criterion", sort=False):
            label = str(group)
            parsed = _as_numbers(rows["score"], label, _pick(scale, label))
            long.loc[rows.index, "score"] = parsed
            scales[label] = _resolve_scale(
                label, parsed, _pick(scale, label), _pick(levels, label), score
            )
        _warn_similar_names(long)

        hint = (
            ""
            if criterion is not None
            else (
                f" The table has no {names['criterion']!r} column, so it was read as "
                f"one criterion {default_criterion!r}; if it holds several, name that "
                "column (criterion='...', CLI: --criterion-column)"
            )
        )
        long = _drop_duplicates(long, score, hint)
        _check_rater_counts(long)
        return cls(long, scales)

    @classmethod
    def from_csv(
        cls,
        path: str | PathLike[str],
        *,
        delimiter: str | None = None,
        **options: Any,
    ) -> RatingsTable:
        """Read a long CSV file (never modified) and validate it.

        Takes the same options as :meth:`from_long`. Errors name the line of
        the file (the header is line 1), as a spreadsheet numbers its rows.

        Parameters
        ----------
        path
            The file. UTF-8 text (a byte-order mark, as Excel writes, is fine).
        delimiter
            The column separator; by default it is detected among comma,
            semicolon, tab and bar.

        Notes
        -----
        An empty cell or one of :data:`MISSING_MARKERS` (``NA``, ``N/A``,
        ``n/a``, ``null``, ...) in the score column is a missing rating; in
        other columns they are names like any other. With semicolons between
        cells, a decimal comma (``3,5``) is read as a decimal point. Blank lines
        are skipped; errors still name the line of the file.
        """
        score = options.get("score", "score")
        frame, sep = read_csv_lines(
            path, delimiter=delimiter, missing={score: MISSING_MARKERS}
        )
        frame = _clean_csv_rows(frame, str(path), score, decimal_comma=sep == ";")
        return cls._build(
            frame,
            call=options.pop("call", "call"),
            criterion=options.pop("criterion", "criterion"),
            rater=options.pop("rater", "rater"),
            score=options.pop("score", "score"),
            columns=options.pop("columns", None),
            scale=options.pop("scale", None),
            levels=options.pop("levels", None),
            default_criterion=options.pop("default_criterion", "score"),
            criteria=options.pop("criteria", None),
            first_row=frame.index.to_numpy(),
            row_word="line",
            **options,
        )

    @classmethod
    def from_wide(
        cls,
        matrix: Any,
        *,
        criterion: str = "score",
        scale: str | Scale | None = None,
        levels: Sequence[Any] | None = None,
    ) -> RatingsTable:
        """One criterion from a calls x raters matrix (NaN for missing).

        Examples
        --------
        >>> table = RatingsTable.from_wide([[1, 2], [2, 2]], scale="ordinal")
        >>> table.criterion("score").n_calls
        2
        """
        wide = matrix if isinstance(matrix, pd.DataFrame) else pd.DataFrame(matrix)
        if wide.ndim != 2 or wide.shape[0] == 0:
            raise RatingsError(
                "from_wide needs a calls x raters matrix with at least one call; "
                f"got shape {wide.shape}"
            )
        stacked = wide.rename_axis(index="call", columns="rater").stack(
            future_stack=True
        )
        long = pd.DataFrame({"score": stacked}).reset_index()
        long["criterion"] = criterion
        return cls.from_long(long, scale=scale, levels=levels)

    # ------------------------------------------------------------------ read
    @property
    def criteria(self) -> tuple[str, ...]:
        """Criterion names in the order they first appear."""
        return tuple(self._scales)

    @property
    def frame(self) -> pd.DataFrame:
        """A copy of the validated long table (``row`` is the input row)."""
        return self._frame.copy()

    def scale(self, criterion: str) -> Scale:
        """The scale of ``criterion``."""
        self._check_criterion(criterion)
        return self._scales[criterion]

    def criterion(self, name: str) -> CriterionRatings:
        """The calls x raters matrix of one criterion."""
        self._check_criterion(name)
        rows = self._frame[self._frame["criterion"] == name]
        matrix = rows.pivot(index="call", columns="rater", values="score")
        matrix = matrix.reindex(
            index=pd.unique(rows["call"]), columns=pd.unique(rows["rater"])
        )
        scale = self._scales[name]
        if _all_numbers(rows["score"]):
            matrix = matrix.astype(float)
        matrix.index.name, matrix.columns.name = "call", "rater"
        return CriterionRatings(criterion=name, scale=scale, matrix=matrix)

    def __iter__(self) -> Iterator[CriterionRatings]:
        return (self.criterion(name) for name in self.criteria)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        parts = ", ".join(f"{c!r}: {self._scales[c].kind}" for c in self.criteria)
        return f"RatingsTable({len(self)} scores; {parts})"

    def _check_criterion(self, name: str) -> None:
        if name not in self._scales:
            raise KeyError(
                f"no criterion {name!r}; the table has {list(self.criteria)!r}"
            )


# ---------------------------------------------------------------- validation
def _missing_columns(missing: list[str], frame: pd.DataFrame) -> None:
    if missing:
        raise RatingsError(
            f"the ratings table has no column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, map(str, frame.columns)))}. Rename the "
            "columns or map them, e.g. call='call_id', rater='reviewer' "
            "(CLI: --call-column, --rater-column, ...)"
        )


def _rows(index: Any) -> str:
    shown = ", ".join(str(i) for i in list(index)[:_MAX_LISTED])
    more = len(index) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _where(index: Any) -> str:
    """``row 4`` / ``lines 5, 6``: rows of a table, or lines of a CSV file."""
    word = index.name if index.name in ("row", "line") else "row"
    plural = "s" if len(index) > 1 else ""
    return f"{word}{plural} {_rows(index)}"


def _check_blank(long: pd.DataFrame, field: str, column: str) -> None:
    values = long[field]
    blank = pd.isna(values) | (values.astype(str).str.strip() == "")
    if blank.any():
        raise RatingsError(
            f"{_where(long.index[blank])}: column {column!r} is blank; every "
            f"score needs its {field}. Fill it in or remove the row(s)"
        )


def _pick(spec: Any, criterion: str) -> Any:
    if isinstance(spec, Mapping):
        return spec.get(criterion)
    return spec


def _all_numbers(values: pd.Series) -> bool:
    return bool(values.map(is_number).all())


def _keep_criteria(long: pd.DataFrame, criteria: Sequence[str]) -> pd.DataFrame:
    present = list(pd.unique(long["criterion"]))
    unknown = [name for name in criteria if name not in present]
    if unknown:
        raise RatingsError(
            f"no criterion {', '.join(map(repr, unknown))} in the table; it has "
            f"{', '.join(map(repr, present))}"
        )
    return long[long["criterion"].isin(list(criteria))]


def _clean_csv_rows(
    frame: pd.DataFrame, path: str, score: str, *, decimal_comma: bool
) -> pd.DataFrame:
    """Refuse repeated header lines; read decimal commas with semicolons."""
    header = [str(c) for c in frame.columns]
    repeated = (frame.astype(str).to_numpy() == np.asarray(header)).all(axis=1)
    if repeated.any():
        lines = ", ".join(str(i) for i in frame.index[repeated][:_MAX_LISTED])
        raise RatingsError(
            f"{path!r}: line(s) {lines} repeat the header row (files joined "
            "together?); delete those lines"
        )
    if decimal_comma and score in frame.columns:
        frame = frame.copy()
        frame[score] = frame[score].map(
            lambda v: (
                v.replace(",", ".")
                if isinstance(v, str) and _DECIMAL_COMMA.fullmatch(v.strip())
                else v
            )
        )
    return frame


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _as_numbers(
    scores: pd.Series, criterion: str, declared: str | Scale | None
) -> pd.Series:
    """A criterion's scores as numbers when every one reads as a number.

    Mostly numbers with a few words (a typo such as ``three``) is refused,
    naming the rows, unless the criterion is declared nominal.
    """
    numbers = scores.map(as_number)
    words = numbers.isna()
    if not words.any():
        return numbers.astype(object)
    kind = declared.kind if isinstance(declared, Scale) else declared
    if kind != "nominal" and words.sum() < len(scores) / 2:
        first = scores[words].iloc[0]
        raise RatingsError(
            f"{_where(scores.index[words.to_numpy()])}: criterion {criterion!r} is "
            f"scored in numbers, but these scores are not numbers ({first!r} "
            "first); correct them, leave them empty for a missing rating, or "
            "declare the criterion nominal (scale=..., CLI: --scale nominal)"
        )
    return scores


def _warn_similar_names(long: pd.DataFrame) -> None:
    """Warn about labels that differ only in case (likely the same thing)."""
    for field in ("rater", "criterion"):
        _warn_case_variants(long[field], f"{field} names")
    for criterion, rows in long.groupby("criterion", sort=False):
        texts = rows["score"][rows["score"].map(lambda v: isinstance(v, str))]
        _warn_case_variants(texts, f"scores of criterion {criterion!r}")


def _warn_case_variants(values: pd.Series, what: str) -> None:
    distinct = pd.unique(values.astype(str))
    folded: dict[str, list[str]] = {}
    for value in distinct:
        folded.setdefault(value.casefold(), []).append(value)
    variants = [names for names in folded.values() if len(names) > 1]
    if variants:
        shown = "; ".join(", ".join(map(repr, names)) for names in variants[:3])
        warnings.warn(
            f"{what} differ only in upper / lower case ({shown}); they are kept "
            "apart. If they mean the same, correct the file",
            ScaleWarning,
            stacklevel=5,
        )


def _resolve_scale(
    criterion: str,
    scores: pd.Series,
    declared: str | Scale | None,
    declared_levels: Sequence[Any] | None,
    column: str,
) -> Scale:
    """Work out a criterion's scale and check every score against it."""
    numbers = _all_numbers(scores)
    if declared is None:
        whole = numbers and bool((scores.astype(float) % 1 == 0).all())
        kind = "ordinal" if whole else ("interval" if numbers else "nominal")
        if declared_levels is not None:
            kind = "ordinal"  # declared levels give an order
        scale = Scale.of(kind)
    elif isinstance(declared, Scale):
        scale = declared
    elif declared in SCALE_KINDS:
        scale = Scale.of(declared)
    else:
        raise ValueError(
            f"scale {declared!r} for criterion {criterion!r} is not known; use one "
            f"of {', '.join(SCALE_KINDS)}"
        )
    if declared_levels is not None:
        declared_levels = list(declared_levels)
        as_numbers = [as_number(level) for level in declared_levels]
        if numbers and all(n is not None for n in as_numbers):
            declared_levels = as_numbers
        scale = Scale(scale.kind, tuple(declared_levels))

    if scale.kind in ("interval", "ratio"):
        bad = ~scores.map(is_number)
        if bad.any():
            first = scores.index[bad][0]
            raise RatingsError(
                f"{_where(scores.index[bad])}: criterion {criterion!r} is on "
                f"an {scale.kind} scale but {column!r} holds {scores[first]!r}, "
                "which is not a number; correct the row(s) or declare the scale "
                "nominal"
            )
        if scale.kind == "ratio" and (scores.astype(float) < 0).any():
            negative = scores.index[scores.astype(float) < 0]
            raise RatingsError(
                f"{_where(negative)}: criterion {criterion!r} is on a ratio "
                "scale, which has a true zero, but the score is negative; use an "
                "interval scale or correct the row(s)"
            )
        return scale

    if scale.levels is None:
        if scale.kind == "ordinal" and not numbers:
            raise RatingsError(
                f"criterion {criterion!r} is ordinal but its scores are labels "
                f"({', '.join(map(repr, pd.unique(scores)[:_MAX_LISTED]))}); their "
                "order is unknown. Pass levels=[...] lowest first (CLI: --levels)"
            )
        observed = list(pd.unique(scores))
        observed.sort(key=float if numbers else str)
        scale = Scale(scale.kind, tuple(observed))
        _warn_gaps(criterion, observed, numbers)

    allowed = {score_key(level) for level in scale.levels or ()}
    off = ~scores.map(lambda v: score_key(v) in allowed)
    if off.any():
        first_at = int(np.argmax(off.to_numpy()))
        first = scores.index[first_at]
        raise RatingsError(
            f"{_where(scores.index[[first_at]])}: score {scores[first]!r} on "
            f"criterion {criterion!r} is "
            f"not one of the declared levels {list(scale.levels or ())!r} "
            f"({int(off.sum())} in all: {_where(scores.index[off])}); correct "
            "the row(s) or pass levels=[...] with every level the scale has"
        )
    return scale


def _warn_gaps(criterion: str, observed: list[Any], numbers: bool) -> None:
    """Inferred whole-number levels with a gap: an unused level or a typo."""
    if not numbers or len(observed) < 2:
        return
    values = np.asarray(observed, dtype=float)
    if not np.all(values % 1 == 0):
        return
    steps = np.diff(values)
    if np.all(steps == 1):
        return
    at = int(np.argmax(steps > 1))
    warnings.warn(
        f"criterion {criterion!r}: the levels seen are "
        f"{', '.join(str(v) for v in observed)}, with a gap between "
        f"{observed[at]} and {observed[at + 1]}. A level nobody used still "
        "counts for several coefficients, and a lone far value may be a typo: "
        "declare the scale's levels (levels=[...], CLI: --levels)",
        ScaleWarning,
        stacklevel=5,
    )


def _drop_duplicates(long: pd.DataFrame, column: str, hint: str = "") -> pd.DataFrame:
    """Refuse conflicting repeats; keep one copy of an identical repeat."""
    keys = ["call", "criterion", "rater"]
    repeated = long[long.duplicated(keys, keep=False)]
    if repeated.empty:
        return long
    if "round" in repeated.columns:
        rounds = repeated.groupby(keys, sort=False)["round"].nunique()
        if (rounds > 1).any():
            call, criterion, rater = rounds[rounds > 1].index[0]
            rows = repeated[
                (repeated["call"] == call)
                & (repeated["criterion"] == criterion)
                & (repeated["rater"] == rater)
            ]
            raise RatingsError(
                f"{_where(rows.index)}: call {call!r} appears in rounds "
                f"{', '.join(map(repr, pd.unique(rows['round'])))}; a call is one "
                "recording, so give each round's calls their own IDs (e.g. "
                "'r2-c01') or drop the rounds column if it is one round"
            )

    distinct = repeated.groupby(keys, sort=False)["score"].agg(
        lambda s: len({score_key(v) for v in s})
    )
    conflicts = distinct[distinct > 1]
    if len(conflicts):
        call, criterion, rater = conflicts.index[0]
        rows = repeated[
            (repeated["call"] == call)
            & (repeated["criterion"] == criterion)
            & (repeated["rater"] == rater)
        ]
        raise RatingsError(
            f"{_where(rows.index)}: rater {rater!r} scored call {call!r} on "
            f"criterion {criterion!r} more than once with different {column}s "
            f"({', '.join(map(repr, rows['score']))}); keep the one that counts "
            f"({len(conflicts)} such conflict(s) in all).{hint}"
        )

    warnings.warn(
        f"{_where(repeated.index)}: the same score appears more than once for "
        "a call, criterion and rater; one copy of each is kept",
        DuplicateScoreWarning,
        stacklevel=4,
    )
    return long[~long.duplicated(keys, keep="first")]


def _check_rater_counts(long: pd.DataFrame) -> None:
    raters = long.groupby("criterion", sort=False)["rater"].nunique()
    short = raters[raters < 2]
    if len(short):
        name = short.index[0]
        who = pd.unique(long.loc[long["criterion"] == name, "rater"])
        raise RatingsError(
            f"criterion {name!r} was scored by {len(who)} rater(s) "
            f"({', '.join(map(repr, who))}); agreement needs at least two raters "
            "scoring the same calls. Add the other raters' scores or drop the "
            "criterion"
        )
