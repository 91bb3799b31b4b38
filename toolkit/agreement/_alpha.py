"""Krippendorff's alpha for nominal, ordinal, interval and ratio scores.

Alpha compares the disagreement within calls with the disagreement expected
between any two scores of the study (Krippendorff 2011). The steps live in
private modules: :mod:`~toolkit.agreement._alpha_options` checks the options
and resolves the metric, :mod:`~toolkit.agreement._alpha_disagreement` and
:mod:`~toolkit.agreement._alpha_ratio` sum the distances without a values x
values matrix, and :mod:`~toolkit.agreement._alpha_resample` gives the
bootstrap its per-call terms or batch (both importable from here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy import stats

from toolkit.agreement._alpha_disagreement import (
    Disagreement,
    Pairable,
    disagreement,
    pairable,
)
from toolkit.agreement._alpha_options import (
    METRICS,
    Metric,
    check_options,
    resolve_metric,
    weights_distance,
    weights_label,
)
from toolkit.agreement._alpha_resample import (
    _krippendorff_alpha_batch as _krippendorff_alpha_batch,
)
from toolkit.agreement._alpha_resample import (
    _krippendorff_alpha_unit_terms as _krippendorff_alpha_unit_terms,
)
from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
    wald_interval,
)
from toolkit.errors import RatingsError

__all__ = ["METRICS", "krippendorff_alpha"]


def krippendorff_alpha(
    data: Any,
    *,
    metric: Metric | None = None,
    levels: Sequence[Any] | None = None,
    weights: str | np.ndarray | None = None,
    standard_error: Literal["gwet"] | None = "gwet",
    level: float = 0.95,
) -> AgreementResult:
    """Krippendorff's alpha: agreement among any number of raters.

    Parameters
    ----------
    data
        Calls x raters scores, NaN or None where a rater did not score a
        call: anything :func:`~toolkit.agreement._input.rating_matrix`
        accepts. Calls with fewer than two scores are left out (they hold no
        pair to compare); ``details["n_units_dropped"]`` counts them.
    metric
        Krippendorff's distance between two scores: ``"nominal"``,
        ``"ordinal"`` (his rank-based metric, which uses how often each level
        was given), ``"interval"`` or ``"ratio"``. Default: the kind of the
        scale ``data`` carries; without one, ``"interval"`` for numbers (as
        the Python ``krippendorff`` package) and ``"nominal"`` for labels.
        R ``irr::kripp.alpha`` and irrCAC default to nominal; pass
        ``metric="nominal"`` to reproduce them.
    levels
        Declared levels in scale order; unused ones are allowed. They change
        none of the four metrics (an unused level has frequency 0); with
        ``weights=`` they change irrCAC's ordinal weights, as its
        ``categ.labels`` does. Text labels need them for ordinal alpha and
        for weights other than identity: their order is otherwise unknown.
    weights
        irrCAC's weighted alpha, ``krippen.alpha.raw(ratings, weights=...)``:
        a kind of :data:`~toolkit.agreement._weights.WEIGHT_KINDS` or a
        ``(q, q)`` agreement-weight matrix, used as the distance ``1 - w``.
        Identity weights give nominal alpha, quadratic weights interval alpha
        and ratio weights ratio alpha; irrCAC's ``"ordinal"`` weights are
        Gwet's, not Krippendorff's ordinal metric. Exclusive with ``metric``.
    standard_error
        ``"gwet"``: Gwet's (2014) linearisation variance as R irrCAC 1.0
        computes it in ``krippen.alpha.raw``, with its interval
        ``alpha +/- t(n - 1) se`` (n: calls with at least one score; upper end
        capped at 1) and two-sided p-value from the same t. ``None``: none.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``statistic`` is alpha. ``details`` holds ``observed_disagreement``
        (D_o), ``expected_disagreement`` (D_e), ``n_pairable_values``,
        ``n_units_dropped`` and ``interval_df``; with ``weights=`` also
        irrCAC's ``percent_agreement`` (pa) and ``chance_agreement`` (pe).

    Raises
    ------
    ValueError
        For an unknown option, both ``metric`` and ``weights``, interval or
        ratio alpha on labels, ratio alpha on negative scores,
        ``weights=`` on more than 1,000 distinct scores, or ordinal alpha or
        weights other than identity on a scale declared nominal.
    RatingsError
        When ``data`` is not a ratings matrix with at least two raters, or
        when ordinal alpha or weights other than identity meet text labels
        without declared ``levels``.

    Warns
    -----
    UndefinedCoefficientWarning
        When no call has two scores, or no disagreement is expected (one
        level only); the result is then NaN with the reason.

    Notes
    -----
    The metrics are Krippendorff's (2011) and agree with the Python
    ``krippendorff`` package to rounding. R ``irr::kripp.alpha`` is wrong on
    complete data with more than two raters and is no reference.

    Gwet's variance is written here through disagreements (it is irrCAC's
    formula with its weights ``1 - delta / max(delta)``), so it also serves
    continuous scores without a values x values matrix. It treats the
    distances as fixed: for ordinal alpha, whose distances depend on the
    level frequencies, it ignores their sampling variation; a bootstrap
    interval does not. It assumes calls are independent (several calls of
    one rep are not modelled as a cluster) and needs two pairable calls,
    else it is NaN. irrCAC's p-value tests alpha = 0 with this non-null
    standard error. An earlier irrCAC revision, the one its vignette
    "weighting" was built with and the Python ``irrcac`` port follows,
    centres each call's agreement on p_a instead of p_a' and takes t with
    (pairable calls - 1) degrees of freedom; on calls with unequal numbers
    of scores its standard error differs slightly (0.12913 against our
    0.12905 on the example below with quadratic weights), on complete data
    not at all.

    Ratio alpha needs scores of zero or more: two zeros are at distance 0,
    zero and a positive score at distance 1.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    Annenberg School for Communication, University of Pennsylvania.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. R package irrCAC 1.0, ``krippen.alpha.raw``.

    Examples
    --------
    Krippendorff's (2011) example of four observers, twelve units and
    missing values:

    >>> scores = [
    ...     [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...     [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...     [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
    ...     [None, None, 3, None],
    ... ]
    >>> for metric in METRICS:
    ...     result = krippendorff_alpha(scores, metric=metric)
    ...     print(metric, round(result.statistic, 3))
    nominal 0.743
    ordinal 0.815
    interval 0.849
    ratio 0.797

    The same data are irrCAC's ``cac.raw4raters``; its README shows
    ``krippen.alpha.raw(cac.raw4raters)``: standard error 0.14548, interval
    (0.423, 1).

    >>> result = krippendorff_alpha(scores, weights="identity")
    >>> print(round(result.standard_error, 5), result.details["interval_df"])
    0.14548 11
    >>> ci = result.confidence_interval
    >>> print(round(ci.low, 3), ci.high)
    0.423 1.0
    """
    level = check_level(level)
    check_options(metric, weights, standard_error)
    matrix = rating_matrix(data, levels=levels)
    if matrix.n_raters < 2:
        raise RatingsError(
            f"Krippendorff's alpha needs at least two raters; the ratings have "
            f"{matrix.n_raters} column(s); pass a calls x raters matrix"
        )
    resolved = resolve_metric(matrix, metric, weights)
    delta = weights_distance(matrix, weights) if weights is not None else None
    options = {
        "metric": resolved,
        "weights": weights_label(weights),
        "standard_error": standard_error,
    }

    # keep calls scored by at least two raters
    per_call = (matrix.codes >= 0).sum(axis=1)
    scores = pairable(matrix, per_call)
    n_rated = int(np.count_nonzero(per_call))
    if scores.m.size < 2:
        return undefined(
            "krippendorff_alpha",
            f"{scores.m.size} call(s) scored by two or more raters; agreement "
            "beyond chance needs at least two such calls",
            n_units=int(scores.m.size),
            n_raters=int(scores.n_raters) if scores.m.size else 0,
            level=level,
            options=options,
        )

    parts = disagreement(scores, resolved, delta)
    n_values = float(scores.m.sum())
    if not parts.expected_total > 0:
        return undefined(
            "krippendorff_alpha",
            _no_disagreement_reason(matrix, scores),
            n_units=scores.m.size,
            n_raters=scores.n_raters,
            level=level,
            options=options,
        )

    observed = float(np.sum(parts.unit / (scores.m - 1))) / n_values
    expected = float(parts.expected_total) / (n_values * (n_values - 1))
    alpha = 1.0 - observed / expected
    details: dict[str, Any] = {
        "observed_disagreement": observed,
        "expected_disagreement": expected,
        "n_pairable_values": int(n_values),
        "n_units_dropped": matrix.n_units - scores.m.size,
        "interval_df": n_rated - 1,
    }
    if delta is not None:
        details["percent_agreement"] = 1.0 - observed * (1.0 - 1.0 / n_values)
        details["chance_agreement"] = 1.0 - expected * (1.0 - 1.0 / n_values)

    se = math.nan
    if standard_error == "gwet":
        se = _gwet_standard_error(scores.m, parts)
        if not np.isfinite(se):
            details["standard_error_note"] = "needs at least two pairable calls"
    interval, p_value = _t_interval(alpha, se, level, n_rated - 1)
    return AgreementResult(
        coefficient="krippendorff_alpha",
        statistic=alpha,
        standard_error=se,
        confidence_interval=interval,
        n_units=scores.m.size,
        n_raters=scores.n_raters,
        p_value=p_value,
        options=options,
        details=details,
    )


def _no_disagreement_reason(matrix: RatingMatrix, scores: Pairable) -> str:
    used = np.unique(scores.codes[scores.codes >= 0])
    what = (
        f"the same level ({matrix.categories[used[0]]!r})"
        if used.size == 1
        else "at distance 0 from one another under these weights"
    )
    return (
        f"all {int(scores.m.sum())} pairable scores are {what}, so no "
        "disagreement is expected"
    )


# --------------------------------------------------------------------------
# standard error and interval


def _gwet_standard_error(m: np.ndarray, parts: Disagreement) -> float:
    """Gwet's linearisation standard error, as irrCAC's ``krippen.alpha.raw``.

    irrCAC uses weights ``w = 1 - delta / max(delta)``; its per-call terms
    scale with ``1 / max(delta)``, which cancels. In disagreements, with
    ``rbar = N / n``, ``dev_u = (m_u - rbar) / rbar``,
    ``D_o' = sum_u Do_u / (m_u - 1) / N``, ``D_e' = De_sum / N**2`` and
    ``alpha' = 1 - D_o' / D_e'`` (irrCAC's ``krippen.alpha.prime``):

    - ``krippen.ivec = 1 - (Do_u / (rbar (m_u - 1)) - D_o' dev_u) / D_e'``,
    - ``(pe.ivec - pe) / (1 - pe) = (m_u D_e' - sum_v E(v)) / (rbar D_e')``,
    - ``x_u = krippen.ivec - 2 (1 - alpha') (pe.ivec - pe) / (1 - pe)``,

    and the variance is ``sum_u (x_u - alpha')**2 / (n (n - 1))``.
    """
    n_units = m.size
    if n_units < 2:
        return math.nan
    n_values = m.sum()
    rbar = n_values / n_units
    observed = float(np.sum(parts.unit / (m - 1))) / n_values
    expected = float(parts.expected_total) / n_values**2
    alpha_prime = 1 - observed / expected

    dev = (m - rbar) / rbar
    agreement = 1 - (parts.unit / (rbar * (m - 1)) - observed * dev) / expected
    chance = (m * expected - parts.unit_expected) / (rbar * expected)
    x = agreement - 2 * (1 - alpha_prime) * chance
    variance = np.sum((x - alpha_prime) ** 2) / (n_units * (n_units - 1))
    return float(np.sqrt(variance))


def _t_interval(
    alpha: float, se: float, level: float, df: int
) -> tuple[Interval, float]:
    """irrCAC's interval (t with df, upper end at most 1) and two-sided p."""
    if not np.isfinite(se) or df < 1:
        return Interval(math.nan, math.nan, level), math.nan
    wald = wald_interval(alpha, se, level, df=df)
    interval = Interval(wald.low, min(1.0, wald.high), level)
    p_value = float(2 * stats.t.sf(abs(alpha / se), df)) if se > 0 else math.nan
    return interval, p_value
