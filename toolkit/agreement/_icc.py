"""Intraclass correlations: the six forms of Shrout & Fleiss (1979).

Every form is a ratio of mean squares from the analysis of variance of a
complete calls x raters table. Shrout & Fleiss names, then McGraw & Wong's:

- ICC(1,1) = ICC(1): ``model="oneway"`` (each call has its own raters);
- ICC(2,1) = ICC(A,1): ``model="twoway", type="agreement"``;
- ICC(3,1) = ICC(C,1): ``model="twoway", type="consistency"``;
- ICC(1,k), ICC(2,k), ICC(3,k) = ICC(k), ICC(A,k), ICC(C,k): the same with
  ``unit="average"`` (the reliability of the mean of the k raters' scores).

The mean squares come from per-call sums (the number of complete calls, each
call's sum of squared scores and squared score total, and every rater's score),
so a bootstrap over calls needs one matrix product (``_icc_unit_terms``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
)
from toolkit.agreement._terms import UnitTerms
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale

__all__ = ["icc", "icc_table"]

MODELS = ("oneway", "twoway")
TYPES = ("agreement", "consistency")
UNITS = ("single", "average")
MISSING_RULES = ("drop_units", "raise", "available")
AGREEMENT_DF = ("mcgraw_wong", "irr")

# (model, type, unit, McGraw & Wong name, Shrout & Fleiss name), table order
_FORMS = (
    ("oneway", "agreement", "single", "ICC(1)", "ICC(1,1)"),
    ("twoway", "agreement", "single", "ICC(A,1)", "ICC(2,1)"),
    ("twoway", "consistency", "single", "ICC(C,1)", "ICC(3,1)"),
    ("oneway", "agreement", "average", "ICC(k)", "ICC(1,k)"),
    ("twoway", "agreement", "average", "ICC(A,k)", "ICC(2,k)"),
    ("twoway", "consistency", "average", "ICC(C,k)", "ICC(3,k)"),
)

# a sum of squares this small relative to the total is rounding, not spread
_RELATIVE_ZERO = 1e-12


def icc(
    data: Any,
    *,
    model: str = "twoway",
    type: str = "agreement",
    unit: str = "single",
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
        numbers: interval or ratio scales, or ordinal levels by their values.
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
        interval's F quantiles), ``mean_squares`` (between calls, between
        raters, residual, within calls) and ``units_dropped``.

    Raises
    ------
    ValueError
        For an unknown option, a ``level`` or ``null_value`` out of range,
        fewer than two raters, or a nominal scale.
    RatingsError
        For a missing score when ``missing="raise"``.
    TypeError
        For scores that are labels with no declared order.
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
    """
    level = check_level(level)
    _check_options(model, type, unit, missing, null_value, agreement_df)
    prepared = _prepare(data, missing)
    options = {
        "model": model,
        "type": type,
        "unit": unit,
        "missing": missing,
        "null_value": float(null_value),
        "agreement_df": agreement_df,
    }

    form = _form_values(prepared, model, type, unit, level, null_value, agreement_df)
    if form.reason is not None:
        return undefined(
            "icc",
            form.reason,
            n_units=prepared.n_complete,
            n_raters=prepared.n_raters,
            level=level,
            options=options,
        )

    return AgreementResult(
        coefficient="icc",
        statistic=form.statistic,
        standard_error=math.nan,
        confidence_interval=Interval(form.low, form.high, level),
        n_units=prepared.n_complete,
        n_raters=prepared.n_raters,
        p_value=form.p_value,
        options=options,
        details={
            "form": form.name,
            "shrout_fleiss": form.shrout_fleiss,
            "f_statistic": form.f_statistic,
            "df1": form.df1,
            "df2": form.df2,
            "interval_df": form.interval_df,
            "mean_squares": prepared.mean_squares_dict(),
            "units_dropped": prepared.units_dropped,
        },
    )


def icc_table(
    data: Any,
    *,
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
    level, missing, null_value, agreement_df
        As for :func:`icc`.

    Returns
    -------
    pandas.DataFrame
        One row per form, indexed by its McGraw & Wong name (``ICC(1)``,
        ``ICC(A,1)``, ``ICC(C,1)``, ``ICC(k)``, ``ICC(A,k)``, ``ICC(C,k)``,
        psych's row order). Columns: ``shrout_fleiss`` (the form's name there),
        ``model``, ``type``, ``unit``, ``statistic``, ``f_statistic``, ``df1``,
        ``df2``, ``p_value``, ``low`` and ``high`` (the interval). ``attrs``
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
    prepared = _prepare(data, missing)

    forms = [
        _form_values(prepared, model, type_, unit, level, null_value, agreement_df)
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

    columns: dict[str, list[Any]] = {
        "shrout_fleiss": [form.shrout_fleiss for form in forms],
        "model": [spec[0] for spec in _FORMS],
        "type": [spec[1] for spec in _FORMS],
        "unit": [spec[2] for spec in _FORMS],
    }
    for field in ("statistic", "f_statistic", "df1", "df2", "p_value", "low", "high"):
        columns[field] = [getattr(form, field) for form in forms]
    index = pd.Index([form.name for form in forms], name="form")
    table = pd.DataFrame(columns, index=index)
    table.attrs.update(
        level=level,
        n_units=prepared.n_complete,
        n_raters=prepared.n_raters,
        units_dropped=prepared.units_dropped,
    )
    return table


def _icc_unit_terms(
    matrix: RatingMatrix,
    *,
    model: str = "twoway",
    type: str = "agreement",
    unit: str = "single",
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
    ``missing="drop_units"`` would. ``null_value`` and ``agreement_df`` do not
    change the statistic and are accepted so that every option of :func:`icc`
    can be passed.
    """
    _check_options(model, type, unit, missing, null_value, agreement_df)
    terms, magnitude = _call_terms(matrix, missing)
    n_raters = matrix.n_raters

    def combine(totals: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            totals = np.asarray(totals, dtype=float)
            squares = _mean_squares(totals, n_raters, magnitude)
            value, _ = _icc_value(squares, n_raters, model, type, unit)
        return value

    return UnitTerms(terms=terms, combine=combine)


class _MeanSquares(NamedTuple):
    """ANOVA of a complete calls x raters table; arrays over leading axes."""

    n_units: np.ndarray
    between_units: np.ndarray  # MSR, between calls
    between_raters: np.ndarray  # MSC, between raters (two-way)
    residual: np.ndarray  # MSE, residual (two-way)
    within_units: np.ndarray  # MSW, within calls (one-way)
    total: np.ndarray  # MST, all scores about the grand mean
    constant: np.ndarray  # True where every score is the same


def _mean_squares(totals: np.ndarray, n_raters: int, magnitude: float) -> _MeanSquares:
    """Mean squares from totals ``[n, sum x^2, sum S_i^2, C_1..C_k]`` (..., 3+k).

    ``S_i`` is a call's score total and ``C_j`` a rater's; scores are centred.
    """
    k = n_raters
    n = totals[..., 0]
    sum_squares = totals[..., 1]
    sum_unit_totals_sq = totals[..., 2]
    rater_totals = totals[..., 3:]

    with np.errstate(all="ignore"):
        grand = rater_totals.sum(axis=-1)
        correction = grand**2 / (n * k)
        ss_total = sum_squares - correction
        ss_units = sum_unit_totals_sq / k - correction
        ss_raters = (rater_totals**2).sum(axis=-1) / n - correction

        # differences of sums: clear rounding residue below the total's scale
        zero = _RELATIVE_ZERO * ss_total
        ss_units = np.where(ss_units > zero, ss_units, 0.0)
        ss_raters = np.where(ss_raters > zero, ss_raters, 0.0)
        ss_residual = ss_total - ss_units - ss_raters
        ss_residual = np.where(ss_residual > zero, ss_residual, 0.0)
        ss_within = ss_total - ss_units
        ss_within = np.where(ss_within > zero, ss_within, 0.0)

        # every score equal: only rounding of the centring is left
        constant = ss_total <= n * k * (_RELATIVE_ZERO * magnitude) ** 2

        return _MeanSquares(
            n_units=n,
            between_units=ss_units / (n - 1),
            between_raters=ss_raters / (k - 1),
            residual=ss_residual / ((n - 1) * (k - 1)),
            within_units=ss_within / (n * (k - 1)),
            total=ss_total / (n * k - 1),
            constant=constant,
        )


def _icc_value(
    ms: _MeanSquares, k: int, model: str, type: str, unit: str
) -> tuple[np.ndarray, np.ndarray]:
    """The ICC and its denominator; NaN where undefined (no warning)."""
    n = ms.n_units
    msr = ms.between_units
    error = ms.within_units if model == "oneway" else ms.residual
    with np.errstate(all="ignore"):
        if model == "twoway" and type == "agreement":
            rater_part = (ms.between_raters - ms.residual) / n
            if unit == "single":
                denominator = msr + (k - 1) * ms.residual + k * rater_part
            else:
                denominator = msr + rater_part
        elif unit == "single":
            denominator = msr + (k - 1) * error
        else:
            denominator = msr
        value = (msr - error) / denominator
        usable = np.abs(denominator) > _RELATIVE_ZERO * ms.total
    defined = (n >= 2) & ~ms.constant & usable
    return np.where(defined, value, np.nan), denominator


@dataclass(frozen=True)
class _Prepared:
    """A complete calls x raters table, ready for every form."""

    n_raters: int
    n_complete: int
    units_dropped: int
    squares: _MeanSquares

    def mean_squares_dict(self) -> dict[str, float]:
        return {
            "between_units": float(self.squares.between_units),
            "between_raters": float(self.squares.between_raters),
            "residual": float(self.squares.residual),
            "within_units": float(self.squares.within_units),
        }


@dataclass(frozen=True)
class _Form:
    """One form's numbers, or the reason it is undefined."""

    name: str
    shrout_fleiss: str
    statistic: float = math.nan
    f_statistic: float = math.nan
    df1: float = math.nan
    df2: float = math.nan
    p_value: float = math.nan
    low: float = math.nan
    high: float = math.nan
    interval_df: float = math.nan
    reason: str | None = None


def _call_terms(matrix: RatingMatrix, missing: str) -> tuple[np.ndarray, float]:
    """Per-call terms (zeros for an incomplete call) and the largest |score|."""
    return _terms_of_values(_score_values(matrix), missing)


def _terms_of_values(values: np.ndarray, missing: str) -> tuple[np.ndarray, float]:
    """The terms of :func:`_icc_unit_terms` for a float calls x raters matrix."""
    complete = _complete_calls(values, missing)
    if not complete.any():
        return np.zeros((values.shape[0], 3 + values.shape[1])), 0.0

    # centre on the mean of the complete calls; incomplete calls stay zeros
    centred = np.zeros_like(values)
    centred[complete] = values[complete] - values[complete].mean()
    magnitude = float(np.abs(values[complete]).max())
    terms = np.column_stack(
        [
            complete.astype(float),
            (centred**2).sum(axis=1),
            centred.sum(axis=1) ** 2,
            centred,
        ]
    )
    return terms, magnitude


def _prepare(data: Any, missing: str) -> _Prepared:
    """Read the scores, keep complete calls and compute the mean squares."""
    values = _read_scores(data)
    terms, magnitude = _terms_of_values(values, missing)
    totals = terms.sum(axis=0)
    n_raters = values.shape[1]
    n_complete = int(totals[0])
    return _Prepared(
        n_raters=n_raters,
        n_complete=n_complete,
        units_dropped=values.shape[0] - n_complete,
        squares=_mean_squares(totals, n_raters, magnitude),
    )


def _read_scores(data: Any) -> np.ndarray:
    """Scores as a float calls x raters matrix, NaN where missing."""
    scale, table = None, data
    if hasattr(data, "matrix") and hasattr(data, "scale"):
        scale, table = data.scale, data.matrix

    # TODO: rating_matrix codes every score as a category (a sort and a search
    # over all scores, and a Python loop for a DataFrame), which the ICC never
    # uses; plain numbers skip it until _input has a fast path for them.
    if scale is None or scale.levels is None:
        values = None
        if isinstance(table, np.ndarray) and table.dtype.kind in "iuf":
            values = table.astype(float)
        elif isinstance(table, pd.DataFrame) and all(
            dtype.kind in "iuf" for dtype in table.dtypes
        ):
            values = table.to_numpy(dtype=float, na_value=np.nan)
        if values is not None and values.ndim == 2 and values.size:
            return _checked_scores(values, scale, numeric=True, labels=[])

    return _score_values(rating_matrix(data))


def _form_values(
    prepared: _Prepared,
    model: str,
    type: str,
    unit: str,
    level: float,
    null_value: float,
    agreement_df: str,
) -> _Form:
    """ICC, F test and interval of one form, or why it is undefined."""
    name, sf_name = _form_names(model, type, unit)
    ms = prepared.squares
    k = prepared.n_raters
    n = prepared.n_complete

    # the undefined cases, most basic first
    if n < 2:
        dropped = prepared.units_dropped
        return _Form(
            name,
            sf_name,
            reason=f"fewer than two calls were scored by every rater ({n} "
            f"complete; {dropped} call(s) with a missing score were left out); "
            "the ICC needs complete rows",
        )
    if bool(ms.constant):
        return _Form(
            name,
            sf_name,
            reason="every score is the same, so there is no variance to "
            "apportion between calls and raters",
        )
    value, _ = _icc_value(ms, k, model, type, unit)
    if not np.isfinite(value):
        return _Form(
            name,
            sf_name,
            reason=f"the denominator of {name} is zero for these scores (mean "
            f"squares: between calls {float(ms.between_units):.4g}, between "
            f"raters {float(ms.between_raters):.4g}, residual "
            f"{float(ms.residual):.4g})",
        )

    f_statistic, df1, df2 = _f_test(ms, k, model, type, unit, null_value)
    low, high, interval_df = _interval(ms, k, model, type, unit, level)
    if model == "twoway" and type == "agreement" and agreement_df == "irr":
        # irr: one df for test and interval (estimate if single, r0 if average)
        if unit == "single":
            df2 = interval_df
        else:
            low, high, interval_df = _agreement_interval(ms, k, unit, level, df2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = float(special.fdtrc(df1, df2, f_statistic))

    return _Form(
        name,
        sf_name,
        statistic=float(value),
        f_statistic=float(f_statistic),
        df1=float(df1),
        df2=float(df2),
        p_value=p_value,
        low=float(low),
        high=float(high),
        interval_df=float(interval_df),
    )


def _f_test(
    ms: _MeanSquares,
    k: int,
    model: str,
    type: str,
    unit: str,
    null_value: float,
) -> tuple[float, float, float]:
    """F statistic and df of the test of ICC = ``null_value`` (McGraw & Wong)."""
    n = np.float64(ms.n_units)
    msr = np.float64(ms.between_units)
    msc = np.float64(ms.between_raters)
    mse = np.float64(ms.residual)
    r0 = float(null_value)
    df1 = n - 1

    if model == "twoway" and type == "agreement":
        # the test of ICC(A,k) = r0 is the test of ICC(A,1) = its single-rater r0
        rho = r0 if unit == "single" else r0 / (k - (k - 1) * r0)
        weight_raters, weight_error = _agreement_weights(rho, n, k)
        denominator = weight_raters * msc + weight_error * mse
        with np.errstate(divide="ignore", invalid="ignore"):
            f_statistic = n * (1 - rho) * msr / denominator
        df2 = _satterthwaite_df(rho, ms, k)
        return f_statistic, df1, df2

    if model == "oneway":
        error, df2 = np.float64(ms.within_units), n * (k - 1)
    else:
        error, df2 = mse, (n - 1) * (k - 1)
    scale = (1 - r0) / (1 + (k - 1) * r0) if unit == "single" else 1 - r0
    with np.errstate(divide="ignore", invalid="ignore"):
        f_statistic = msr / error * scale
    return f_statistic, df1, df2


def _interval(
    ms: _MeanSquares,
    k: int,
    model: str,
    type: str,
    unit: str,
    level: float,
) -> tuple[float, float, float]:
    """Interval of the ICC and the df of its F quantiles (McGraw & Wong 1996)."""
    n = np.float64(ms.n_units)
    if model == "twoway" and type == "agreement":
        single, _ = _icc_value(ms, k, "twoway", "agreement", "single")
        df = _satterthwaite_df(float(single), ms, k)
        return _agreement_interval(ms, k, unit, level, df)

    # exact intervals: F = MSR / error follows a scaled F distribution
    if model == "oneway":
        error, df2 = np.float64(ms.within_units), n * (k - 1)
    else:
        error, df2 = np.float64(ms.residual), (n - 1) * (k - 1)
    tail = 0.5 + level / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.float64(ms.between_units) / error
        f_low = observed / _f_quantile(tail, n - 1, df2)
        f_high = observed * _f_quantile(tail, df2, n - 1)
    return _from_f(f_low, k, unit), _from_f(f_high, k, unit), df2


def _f_quantile(probability: float, df1: float, df2: float) -> float:
    """Quantile of the F distribution (``scipy.stats.f.ppf`` without its checks)."""
    return float(special.fdtri(df1, df2, probability))


def _from_f(f_value: float, k: int, unit: str) -> float:
    """The ICC whose expected F ratio is ``f_value`` (1 when it is infinite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if unit == "single":
            return float(1 - k / (f_value + k - 1))
        return float(1 - 1 / f_value)


def _agreement_interval(
    ms: _MeanSquares, k: int, unit: str, level: float, df: float
) -> tuple[float, float, float]:
    """McGraw & Wong's interval of ICC(A,1), Spearman-Brown'd for ICC(A,k)."""
    n = np.float64(ms.n_units)
    msr = np.float64(ms.between_units)
    msc = np.float64(ms.between_raters)
    mse = np.float64(ms.residual)
    tail = 0.5 + level / 2
    f_star_low = _f_quantile(tail, n - 1, df)
    f_star_high = _f_quantile(tail, df, n - 1)
    rest = k * msc + (k * n - k - n) * mse
    low = n * (msr - f_star_low * mse) / (f_star_low * rest + n * msr)
    high = n * (f_star_high * msr - mse) / (rest + n * f_star_high * msr)
    if unit == "average":
        low = k * low / (1 + (k - 1) * low)
        high = k * high / (1 + (k - 1) * high)
    return float(low), float(high), float(df)


def _agreement_weights(rho: float, n: float, k: int) -> tuple[float, float]:
    """McGraw & Wong's ``a`` and ``b`` times ``n (1 - rho)`` (finite at rho=1)."""
    return k * rho, n * (1 + (k - 1) * rho) - k * rho


def _satterthwaite_df(rho: float, ms: _MeanSquares, k: int) -> float:
    """Satterthwaite df of ``a MSC + b MSE`` at ICC(A,1) = ``rho``."""
    n = np.float64(ms.n_units)
    df_error = (n - 1) * (k - 1)
    if rho == 0:
        return df_error
    weight_raters, weight_error = _agreement_weights(rho, n, k)
    raters = weight_raters * np.float64(ms.between_raters)
    error = weight_error * np.float64(ms.residual)
    spread = raters**2 / (k - 1) + error**2 / df_error
    if spread == 0:
        return df_error
    return (raters + error) ** 2 / spread


def _form_names(model: str, type: str, unit: str) -> tuple[str, str]:
    for form in _FORMS:
        if form[:3] == (model, type, unit):
            return form[3], form[4]
    raise AssertionError("unreachable: options are checked first")


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


def _score_values(matrix: RatingMatrix) -> np.ndarray:
    """Scores as numbers; reject nominal scales and unordered labels."""
    return _checked_scores(
        matrix.values,
        matrix.scale,
        numeric=matrix.numeric,
        labels=list(matrix.categories)[:5],
    )


def _checked_scores(
    values: np.ndarray, scale: Scale | None, *, numeric: bool, labels: list[Any]
) -> np.ndarray:
    n_raters = values.shape[1]
    if n_raters < 2:
        raise ValueError(
            f"data has {n_raters} rater column(s); the ICC needs at least "
            "two raters who scored the same calls"
        )
    if scale is not None and not scale.is_ordered:
        raise ValueError(
            "the scale is nominal, and the ICC treats scores as numbers; use "
            "fleiss_kappa or krippendorff_alpha(..., metric='nominal'), or "
            "declare the criterion ordinal or interval"
        )
    if not numeric and scale is None:
        raise TypeError(
            f"the scores are labels with no declared order ({labels!r}); pass "
            "numbers, or scale='ordinal' with levels=[...] in order"
        )
    return values


def _complete_calls(values: np.ndarray, missing: str) -> np.ndarray:
    """Mask of calls scored by every rater; raise if ``missing="raise"``."""
    complete = ~np.isnan(values).any(axis=1)
    if missing == "raise" and not complete.all():
        first = int(np.flatnonzero(~complete)[0])
        raise RatingsError(
            f"{int((~complete).sum())} call(s) have a missing score (the first is "
            f"row {first}); fill them in, or pass missing='drop_units' to leave "
            "those calls out"
        )
    return complete
