"""Intraclass correlations: the six forms of Shrout & Fleiss (1979).

Every form is a ratio of mean squares from the analysis of variance of a
complete calls x raters table. Shrout & Fleiss names, then McGraw & Wong's:

- ICC(1,1) = ICC(1): ``model="oneway"`` (each call has its own raters);
- ICC(2,1) = ICC(A,1): ``model="twoway", type="agreement"``;
- ICC(3,1) = ICC(C,1): ``model="twoway", type="consistency"``;
- ICC(1,k), ICC(2,k), ICC(3,k) = ICC(k), ICC(A,k), ICC(C,k): the same with
  ``unit="average"`` (the reliability of the mean of the k raters' scores).

This module reads the scores and builds results; the analysis of variance is
in ``_icc_anova`` (per-call sums, so a bootstrap over calls needs one matrix
product: ``_icc_unit_terms``) and the F tests and intervals in
``_icc_inference``.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.agreement._icc_anova import (
    _Anova,
    _anova,
    _call_terms,
    _icc_value,
    _mean_squares,
)
from toolkit.agreement._icc_inference import _FORMS, _form_values
from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
)
from toolkit.agreement._terms import UnitTerms
from toolkit.errors import RatingsError, UndefinedCoefficientWarning

__all__ = ["icc", "icc_table"]

MODELS = ("oneway", "twoway")
TYPES = ("agreement", "consistency")
UNITS = ("single", "average")
MISSING_RULES = ("drop_units", "raise", "available")
AGREEMENT_DF = ("mcgraw_wong", "irr")


def icc(
    data: Any,
    *,
    model: str = "twoway",
    type: str = "agreement",
    unit: str = "single",
    levels: Sequence[Any] | None = None,
    level: float = 0.95,
    missing: str = "drop_units",
    null_value: float = 0.0,
    agreement_df: str = "mcgraw_wong",
) -> AgreementResult:
    """Intraclass correlation of scores given by several raters to the same calls.

    Parameters
    ----------
    data
        Units x raters scores (2-D array-like with NaN or None for a missing
        score, wide DataFrame, or ``CriterionRatings``). Scores are used as
        numbers: interval or ratio scales, or ordinal levels by their values
        (text levels by their rank in the declared order).
    model
        ``"twoway"`` (default): the same raters score every call, so rater
        effects are separated from error (Shrout & Fleiss cases 2 and 3; random
        or fixed raters give the same numbers). ``"oneway"``: each call's
        raters are different people, so rater effects are part of the error
        (case 1).
    type
        ``"agreement"`` (default): a rater who scores every call one level
        higher than the others lowers the ICC (absolute agreement).
        ``"consistency"``: only the order and spacing of calls matter, a
        constant offset per rater does not. The one-way model has agreement
        only.
    unit
        ``"single"`` (default): reliability of one rater's score.
        ``"average"``: reliability of the mean of all ``n_raters`` scores.
    levels
        The scale's levels, lowest first. Needed when the scores are text
        labels (``["poor", "fair", "good"]``), which then count as their ranks
        1, 2, 3; numbers given as levels keep their values. A score outside
        the levels raises ``RatingsError``. ``None`` (default): the scale's
        levels of a ``CriterionRatings``, else the scores as numbers.
    level
        Confidence level of the interval.
    missing
        ``"drop_units"`` (default): leave out every call with a missing score
        and report how many in ``details["units_dropped"]``, as R irr, psych
        and pingouin do. ``"raise"``: raise ``RatingsError`` if a score is
        missing. ``"available"`` is not implemented (see Notes).
    null_value
        The ICC under the null hypothesis of the F test (irr's ``r0``); from 0
        up to, not including, 1.
    agreement_df
        Denominator degrees of freedom of the two-way agreement forms, which
        use Satterthwaite's approximation. ``"mcgraw_wong"`` (default): the F
        test uses the df at ``null_value`` and the interval the df at the
        single-rater estimate (McGraw & Wong 1996; psych, pingouin). ``"irr"``:
        R irr 0.84's choices, one df for test and interval, taken at the
        estimate for ``unit="single"`` and at ``null_value`` for
        ``unit="average"``; irr's p-value of ICC(A,1) and interval of ICC(A,k)
        follow from these and differ from McGraw & Wong's.

    Returns
    -------
    AgreementResult
        ``statistic`` is the ICC, ``p_value`` the one-sided F test of
        ``ICC <= null_value`` against ``ICC > null_value``, and
        ``confidence_interval`` McGraw & Wong's exact (one-way, consistency) or
        approximate (agreement) F interval. ``standard_error`` is NaN.
        ``details`` holds ``form`` and ``shrout_fleiss`` (names of the form),
        ``f_statistic``, ``df1``, ``df2``, ``interval_df`` (the df of the
        interval's F quantiles), ``interval_note`` (why an interval end is
        -inf or NaN, see Notes; ``None`` when neither is), ``mean_squares``
        (between calls, between raters, residual, within calls) and
        ``units_dropped``.

    Raises
    ------
    ValueError
        For an unknown option, or a ``level`` or ``null_value`` out of range.
    RatingsError
        A ``ValueError`` about the scores: fewer than two raters, a nominal
        scale, text labels with no declared order, a score outside
        ``levels``, an infinite score, or a missing score when
        ``missing="raise"``.
    NotImplementedError
        For ``missing="available"``.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls are complete, every score is the same, or
        the form's denominator is zero; the result is then NaN with the reason.

    Notes
    -----
    Defaults: in a calibration round the same peers score all sample calls, so
    the design is two-way; the peers stand for all the reps who will score
    calls later, and a rep should get the same score whoever reviews the call,
    so a lenient or harsh peer counts against agreement; and after launch each
    call is scored by one peer, so the single-rater form is the one that
    describes the scores reps will receive. That is ICC(A,1), Shrout and
    Fleiss's ICC(2,1). Use ``unit="average"`` when scores are averaged over
    all the raters.

    Reproducing other software (all on complete rows, complete-case):
    R psych ``ICC`` and pingouin ``intraclass_corr`` print the six forms with
    the McGraw & Wong tests and intervals (pingouin only at 95% and with the
    interval rounded to two decimals). R irr ``icc(ratings, model, type,
    unit, r0, conf.level)`` gives the same ICC, F and intervals except for the
    agreement forms, which ``agreement_df="irr"`` reproduces. irr's one-way
    model ignores ``type``; ours accepts only ``"agreement"`` there.

    The ICC can be negative (the between-call mean square below the error
    one); it is reported as computed, as by the references. There is no
    standard error in the references: the interval comes from the F
    distribution, and ``standard_error`` is NaN. A bootstrap over calls gives
    one (``bootstrap(data, "icc", ...)``). Test and interval assume normal
    scores and independent calls; several calls by one rep are not modelled.
    With no residual variance at all (every rater gave every call the same
    score) the ICC is 1 and the interval collapses to [1, 1].

    Interval ends: whenever both ends are finite, ``low <= ICC <= high``. The
    references print two kinds of end that break this, and we do not:

    - ICC(A,k)'s interval is ICC(A,1)'s through Spearman-Brown,
      ``k r / (1 + (k - 1) r)``, which falls to -inf as ``r`` falls to
      ``-1/(k-1)`` and has no value at or below it. ICC(A,1)'s lower bound
      can be there (its F formula is not held above ``-1/(k-1)``; we print it
      as psych does), and then ICC(A,k)'s lower end is -inf, the limit; an
      upper bound there leaves the upper end NaN. On three calls and two
      raters, ``[[3, 3], [2, 4], [1.5, 1]]``, psych and pingouin print
      ICC(A,k) = 0.62 in [9.51, 0.99]; we give [-inf, 0.99].
    - Each end is monotone in an F quantile and equals the estimate where that
      quantile is 1. A quantile below 1 puts the end on the wrong side of the
      estimate: for the agreement forms when a negative estimate makes the
      Satterthwaite df nearly 0, and for every form at levels well below
      50%. That end is NaN.

    ``details["interval_note"]`` says which end and why. With few calls and a
    negative ICC(A,1), ICC(A,k) itself can exceed 1 (the between-call mean
    square plus the rater term is negative); it is reported as computed, as
    the references do.

    Missing scores: the ICC needs a complete calls x raters table, so calls
    with a missing score are left out. A one-way ICC with unequal raters per
    call exists (an average group size replaces ``n_raters``, and its interval
    is approximate); it is not implemented. With missing scores use
    Krippendorff's alpha with the interval metric, which uses every score.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in
    assessing rater reliability. Psychological Bulletin, 86(2), 420-428.

    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some
    intraclass correlation coefficients. Psychological Methods, 1(1), 30-46;
    correction 1(4), 390.

    Examples
    --------
    The data of Shrout & Fleiss (1979), Table 2: six targets scored by four
    judges, for which the paper reports ICC(2,1) = .29 and ICC(3,1) = .71.

    >>> scores = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...           [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> result = icc(scores)
    >>> round(result.statistic, 2)
    0.29
    >>> round(result.confidence_interval.low, 2), round(
    ...     result.confidence_interval.high, 2)
    (0.02, 0.76)
    >>> round(icc(scores, type="consistency").statistic, 2)
    0.71

    Three calls are too few for an average-of-raters interval to have a
    lower end (see Notes):

    >>> average = icc([[3, 3], [2, 4], [1.5, 1]], unit="average")
    >>> ci = average.confidence_interval
    >>> print(round(average.statistic, 3), ci.low, round(ci.high, 3))
    0.622 -inf 0.991
    """
    level = check_level(level)
    _check_options(model, type, unit, missing, null_value, agreement_df)
    anova = _prepare(data, missing, levels)
    options = {
        "model": model,
        "type": type,
        "unit": unit,
        "missing": missing,
        "null_value": float(null_value),
        "agreement_df": agreement_df,
    }

    form = _form_values(anova, model, type, unit, level, null_value, agreement_df)
    if form.reason is not None:
        return undefined(
            "icc",
            form.reason,
            n_units=anova.n_complete,
            n_raters=anova.n_raters,
            level=level,
            options=options,
        )

    return AgreementResult(
        coefficient="icc",
        statistic=form.statistic,
        standard_error=math.nan,
        confidence_interval=Interval(form.low, form.high, level),
        n_units=anova.n_complete,
        n_raters=anova.n_raters,
        p_value=form.p_value,
        options=options,
        details={
            "form": form.name,
            "shrout_fleiss": form.shrout_fleiss,
            "f_statistic": form.f_statistic,
            "df1": form.df1,
            "df2": form.df2,
            "interval_df": form.interval_df,
            "interval_note": form.interval_note,
            "mean_squares": anova.mean_squares_dict(),
            "units_dropped": anova.units_dropped,
        },
    )


def icc_table(
    data: Any,
    *,
    levels: Sequence[Any] | None = None,
    level: float = 0.95,
    missing: str = "drop_units",
    null_value: float = 0.0,
    agreement_df: str = "mcgraw_wong",
) -> pd.DataFrame:
    """All six intraclass correlations in one table, as psych's ``ICC`` prints.

    Parameters
    ----------
    data
        Units x raters scores, as for :func:`icc`.
    levels, level, missing, null_value, agreement_df
        As for :func:`icc`.

    Returns
    -------
    pandas.DataFrame
        One row per form, indexed by its McGraw & Wong name (``ICC(1)``,
        ``ICC(A,1)``, ``ICC(C,1)``, ``ICC(k)``, ``ICC(A,k)``, ``ICC(C,k)``,
        psych's row order). Columns: ``shrout_fleiss`` (the form's name there),
        ``model``, ``type``, ``unit``, ``statistic``, ``f_statistic``, ``df1``,
        ``df2``, ``p_value``, ``low`` and ``high`` (the interval) and
        ``interval_note`` (as in :func:`icc`'s ``details``). ``attrs``
        holds ``level``, ``n_units``, ``n_raters`` and ``units_dropped``.

    Warns
    -----
    UndefinedCoefficientWarning
        Once, naming the forms that are undefined (their rows are NaN).

    Notes
    -----
    pingouin's ``intraclass_corr`` labels the one-way rows ``ICC(1,1)`` and
    ``ICC(1,k)``; its other rows use the names of our index.

    Examples
    --------
    >>> scores = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...           [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> icc_table(scores)["statistic"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    level = check_level(level)
    _check_options("twoway", "agreement", "single", missing, null_value, agreement_df)
    anova = _prepare(data, missing, levels)

    forms = [
        _form_values(anova, model, type_, unit, level, null_value, agreement_df)
        for model, type_, unit, _, _ in _FORMS
    ]
    reasons = [
        f"{form.name}: {form.reason}" for form in forms if form.reason is not None
    ]
    if reasons:
        warnings.warn(
            "icc is undefined for some forms: " + "; ".join(reasons),
            UndefinedCoefficientWarning,
            stacklevel=2,
        )

    # a copy of the empty table (names of the forms filled in), then the
    # numbers as one block and the notes
    table = _empty_table().copy()
    numbers = [[getattr(form, field) for field in _TABLE_NUMBERS] for form in forms]
    table.iloc[:, _NAME_COLUMNS : _NAME_COLUMNS + len(_TABLE_NUMBERS)] = numbers
    table.iloc[:, -1] = [form.interval_note for form in forms]
    table.attrs.update(
        level=level,
        n_units=anova.n_complete,
        n_raters=anova.n_raters,
        units_dropped=anova.units_dropped,
    )
    return table


_NAME_COLUMNS = 4  # shrout_fleiss, model, type, unit
_TABLE_NUMBERS = ("statistic", "f_statistic", "df1", "df2", "p_value", "low", "high")


@functools.cache
def _empty_table() -> pd.DataFrame:
    """:func:`icc_table`'s layout: the forms' names, NaN numbers, no notes."""
    index = pd.Index([form[3] for form in _FORMS], name="form")
    columns: dict[str, Any] = {
        "shrout_fleiss": [form[4] for form in _FORMS],
        "model": [form[0] for form in _FORMS],
        "type": [form[1] for form in _FORMS],
        "unit": [form[2] for form in _FORMS],
    }
    columns.update({field: np.full(len(_FORMS), np.nan) for field in _TABLE_NUMBERS})
    columns["interval_note"] = pd.Series([None] * len(_FORMS), index, dtype=object)
    return pd.DataFrame(columns, index=index)


def _icc_unit_terms(
    matrix: RatingMatrix,
    *,
    model: str = "twoway",
    type: str = "agreement",
    unit: str = "single",
    levels: Sequence[Any] | None = None,
    missing: str = "drop_units",
    null_value: float = 0.0,
    agreement_df: str = "mcgraw_wong",
) -> UnitTerms:
    """Per-call terms whose totals give the ICC of ``model``, ``type``, ``unit``.

    Each complete call contributes ``[1, sum of squared scores, (sum of
    scores)**2, score of rater 1, ..., score of rater k]``, the scores centred
    on the mean of all complete calls (an ICC does not change when every score
    moves by the same amount). A call with a missing score contributes zeros,
    so a resample that draws it has one complete call fewer, as
    ``missing="drop_units"`` would. ``levels`` (already in ``matrix``),
    ``null_value`` and ``agreement_df`` do not change the statistic and are
    accepted so that every option of :func:`icc` can be passed.
    """
    _check_options(model, type, unit, missing, null_value, agreement_df)
    _check_scores(matrix)
    terms, magnitude = _call_terms(matrix.values, _complete_calls(matrix, missing))
    n_raters = matrix.n_raters

    def combine(totals: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            totals = np.asarray(totals, dtype=float)
            squares = _mean_squares(totals, n_raters, magnitude)
            value, _ = _icc_value(squares, n_raters, model, type, unit)
        return value

    return UnitTerms(terms=terms, combine=combine)


def _prepare(data: Any, missing: str, levels: Sequence[Any] | None) -> _Anova:
    """Read the scores, keep complete calls and compute the mean squares."""
    matrix = rating_matrix(data, levels=levels)
    _check_scores(matrix)
    return _anova(matrix.values, _complete_calls(matrix, missing))


def _check_options(
    model: str,
    type: str,
    unit: str,
    missing: str,
    null_value: float,
    agreement_df: str,
) -> None:
    """Raise a ValueError naming the first option that is not valid."""
    for name, value, allowed in (
        ("model", model, MODELS),
        ("type", type, TYPES),
        ("unit", unit, UNITS),
        ("missing", missing, MISSING_RULES),
        ("agreement_df", agreement_df, AGREEMENT_DF),
    ):
        if value not in allowed:
            raise ValueError(
                f"{name}={value!r} is not an option of icc; use one of "
                f"{', '.join(repr(a) for a in allowed)}"
            )
    if model == "oneway" and type == "consistency":
        raise ValueError(
            "type='consistency' needs model='twoway': in the one-way model each "
            "call has its own raters, so rater offsets cannot be separated from "
            "error; use model='twoway' or type='agreement'"
        )
    if missing == "available":
        raise NotImplementedError(
            "missing='available' (unequal raters per call) is not implemented "
            "for the ICC; use missing='drop_units' to keep complete calls only, "
            "or krippendorff_alpha(..., metric='interval'), which uses every "
            "score"
        )
    if (
        not isinstance(null_value, int | float)
        or isinstance(null_value, bool)
        or not 0 <= null_value < 1
    ):
        raise ValueError(
            f"null_value={null_value!r} is not a null ICC for the F test; pass a "
            "number from 0 up to (not including) 1, e.g. null_value=0.0"
        )


def _check_scores(matrix: RatingMatrix) -> None:
    """Refuse scores an ICC cannot use as numbers."""
    if matrix.n_raters < 2:
        raise RatingsError(
            f"data has {matrix.n_raters} rater column(s); the ICC needs at least "
            "two raters who scored the same calls"
        )
    if matrix.scale is not None and not matrix.scale.is_ordered:
        raise RatingsError(
            "the scale is nominal, and the ICC treats scores as numbers; use "
            "fleiss_kappa or krippendorff_alpha(..., metric='nominal'), or "
            "declare the criterion ordinal or interval"
        )
    matrix.require_order("the ICC")


def _complete_calls(matrix: RatingMatrix, missing: str) -> np.ndarray:
    """Mask of calls scored by every rater; raise if ``missing="raise"``."""
    gaps = np.isnan(matrix.values)
    complete = ~gaps.any(axis=1)
    if missing == "raise" and not complete.all():
        first = int(np.flatnonzero(~complete)[0])
        raters = ", ".join(repr(_plain(r)) for r in matrix.raters[gaps[first]])
        raise RatingsError(
            f"{int((~complete).sum())} call(s) have a missing score; the first "
            f"is call {_plain(matrix.units[first])!r}, with no score from rater "
            f"{raters}; fill them in, or pass missing='drop_units' to leave "
            "those calls out"
        )
    return complete


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value
