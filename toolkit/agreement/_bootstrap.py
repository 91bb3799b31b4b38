"""Bootstrap confidence intervals for any agreement coefficient.

Calls (units) are resampled with replacement; the raters stay as they are.
Resamples are drawn all at once as a ``(B, n_units)`` matrix of multiplicities
(how often each call was drawn). A coefficient that is a function of sums over
units (:class:`~toolkit.agreement._terms.UnitTerms`) is then recomputed for every
resample by one matrix product; a rank-based one (Kendall's W) is recomputed on
stacks of resampled matrices, a block of resamples at a time. Neither path loops
in Python over resamples.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import numpy as np

from toolkit.agreement._input import rating_matrix
from toolkit.agreement._registry import coefficient_spec
from toolkit.agreement._result import AgreementResult, Interval, check_level
from toolkit.errors import BootstrapWarning

__all__ = ["bootstrap"]

# float64 cells per block of the multiplicity matrix or of resampled stacks
_BLOCK_CELLS = 4_000_000


def bootstrap(
    data: Any,
    coefficient: str,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    rng: int | np.random.Generator | None = None,
    **options: Any,
) -> AgreementResult:
    """Percentile bootstrap interval of ``coefficient``, resampling calls.

    Parameters
    ----------
    data
        Units x raters matrix, wide DataFrame or ``CriterionRatings``.
    coefficient
        A name from :func:`toolkit.agreement.coefficient_names`, e.g.
        ``"krippendorff_alpha"`` or ``"fleiss_kappa"``.
    n_resamples
        Number of bootstrap resamples (at least 100).
    level
        Confidence level of the percentile interval.
    rng
        Seed or generator; the same seed gives the same interval.
    **options
        Passed to the coefficient (e.g. ``metric="ordinal"``, ``weights=...``).

    Returns
    -------
    AgreementResult
        The coefficient's own estimate, the bootstrap standard error (standard
        deviation of the resampled values) and the percentile interval.
        ``details["bootstrap_distribution"]`` holds the resampled values and
        ``details["n_undefined_resamples"]`` how many were undefined (dropped
        from the interval).

    Warns
    -----
    BootstrapWarning
        When some resamples were undefined and left out.

    Notes
    -----
    The interval is the plain percentile interval. It assumes calls are
    independent; several calls of one rep, or one call scored twice, are not
    modelled. Resamples in which the coefficient is undefined (for example all
    resampled calls fall in one category) are left out and counted.

    Examples
    --------
    >>> ratings = [[1, 1, 2], [2, 2, 2], [3, 3, 3], [1, 2, 1], [4, 4, 4], [2, 3, 3]]
    >>> result = bootstrap(ratings, "krippendorff_alpha", metric="ordinal",
    ...                    n_resamples=2000, rng=7)
    >>> round(result.statistic, 3)
    0.832
    >>> result.confidence_interval.low < result.statistic
    True
    """
    level = check_level(level)
    if not isinstance(n_resamples, int | np.integer) or n_resamples < 100:
        raise ValueError(
            f"n_resamples={n_resamples!r} is too few for a percentile interval; "
            "use at least 100 (1000 or more for a 95% interval)"
        )
    spec = coefficient_spec(coefficient)
    generator = np.random.default_rng(rng)

    # the estimate on the data as given, with its own undefined handling
    point = spec.function(data, level=level, **options)
    if not point.is_defined:
        return point

    # the variant the estimate resolved (e.g. alpha's metric from the scale)
    # is passed on, so resamples compute the same variant
    matrix = rating_matrix(data, levels=options.get("levels"))
    resampled = None
    if spec.unit_terms is not None:
        try:
            unit_terms = spec.unit_terms(
                matrix, **_resolved(spec.unit_terms, options, point)
            )
        except NotImplementedError:
            if spec.batch is None:
                raise
        else:
            resampled = _resample_terms(
                unit_terms.terms, unit_terms.combine, int(n_resamples), generator
            )
    if resampled is None and spec.batch is not None:
        batch_options = _resolved(spec.batch, options, point)
        batch_options.pop("levels", None)
        resampled = _resample_matrices(
            matrix.values, spec.batch, int(n_resamples), generator, batch_options
        )
    if resampled is None:
        raise NotImplementedError(
            f"{coefficient} has no bootstrap path for these options; use its "
            "analytic interval"
        )

    # percentile interval over the defined resamples
    defined = resampled[np.isfinite(resampled)]
    n_undefined = int(resampled.size - defined.size)
    if n_undefined:
        warnings.warn(
            f"{coefficient}: {n_undefined} of {resampled.size} bootstrap resamples "
            "were undefined (e.g. every resampled call in one category) and are "
            "left out, so the interval describes the other resamples only; with "
            "so few informative calls, score more calls",
            BootstrapWarning,
            stacklevel=2,
        )
    if defined.size < 2:
        interval = Interval(math.nan, math.nan, level)
        standard_error = math.nan
    else:
        tail = (1 - level) / 2
        low, high = np.quantile(defined, [tail, 1 - tail])
        interval = Interval(float(low), float(high), level)
        standard_error = float(defined.std(ddof=1))

    seed = rng if isinstance(rng, int | np.integer) else None
    return AgreementResult(
        coefficient=point.coefficient,
        statistic=point.statistic,
        standard_error=standard_error,
        confidence_interval=interval,
        n_units=point.n_units,
        n_raters=point.n_raters,
        p_value=point.p_value,
        options={
            **point.options,
            "interval": "bootstrap percentile",
            "n_resamples": int(n_resamples),
            "seed": seed,
        },
        details={
            **point.details,
            "bootstrap_distribution": resampled,
            "n_undefined_resamples": n_undefined,
        },
    )


def _resolved(
    function: Any, options: dict[str, Any], point: AgreementResult
) -> dict[str, Any]:
    """The caller's options plus what the estimate resolved, as ``function`` takes."""
    accepted = inspect.signature(function).parameters
    merged = {k: v for k, v in point.options.items() if k in accepted}
    merged.update(options)
    for key, value in point.options.items():
        if key in accepted and merged.get(key) is None:
            merged[key] = value
    return merged


def _multiplicities(
    n_units: int, n_resamples: int, generator: np.random.Generator
) -> np.ndarray:
    """``(n_resamples, n_units)`` counts of how often each unit was drawn."""
    drawn = generator.integers(0, n_units, size=(n_resamples, n_units))
    drawn += (np.arange(n_resamples) * n_units)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=n_resamples * n_units)
    return counts.reshape(n_resamples, n_units).astype(float)


def _resample_terms(
    terms: np.ndarray,
    combine: Any,
    n_resamples: int,
    generator: np.random.Generator,
) -> np.ndarray:
    n_units = terms.shape[0]
    # a block holds (block x n_units) counts and (block x width) totals
    block = max(1, _BLOCK_CELLS // max(n_units, terms.shape[1], 1))
    out = np.empty(n_resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n_resamples, block):
            stop = min(start + block, n_resamples)
            counts = _multiplicities(n_units, stop - start, generator)
            out[start:stop] = combine(counts @ terms)
    return out


def _resample_matrices(
    values: np.ndarray,
    batch: Any,
    n_resamples: int,
    generator: np.random.Generator,
    options: dict[str, Any],
) -> np.ndarray:
    n_units = values.shape[0]
    block = max(1, _BLOCK_CELLS // max(values.size, 1))
    out = np.empty(n_resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n_resamples, block):
            stop = min(start + block, n_resamples)
            drawn = generator.integers(0, n_units, size=(stop - start, n_units))
            out[start:stop] = batch(values[drawn], **options)
    return out
