"""The generating model of a planned round: latent quality cut into levels.

Each call has a true quality ``z ~ N(0, 1)``; a rater's latent score is
``y = sqrt(rho) z + sqrt(1 - rho) e`` with ``e ~ N(0, 1)`` independent of
everything else, so two raters' latent scores of one call correlate ``rho``
and every latent score is standard normal. The score is the level whose band
contains ``y``, the bands cutting the standard normal into ``n_levels``
equally likely levels (:func:`toolkit.synthetic.score_levels`). This is the
model of :mod:`toolkit.synthetic` with rater noise ``sqrt((1 - rho) / rho)``
and the score rescaled so the levels stay equally likely.

The true alpha of this process is its population value (infinitely many
calls): ``1 - sum P(c, k) delta(c, k) / sum p_c p_k delta(c, k)``, where
``P(c, k)`` is the chance that two raters give one call levels c and k and
``p_c = 1 / n_levels``. With equally likely levels Krippendorff's ordinal
distance is proportional to ``(c - k)**2``, so ordinal and interval alpha
coincide and equal the correlation of two raters' levels.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize, special, stats

__all__ = ["PLANNING_METRICS", "latent_correlation", "true_alpha"]

PLANNING_METRICS: tuple[str, ...] = ("ordinal", "interval", "nominal")

# Gauss-Legendre nodes for Sheppard's integral over the angle asin(rho)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(96)


def true_alpha(
    latent_correlation: float, *, n_levels: int, metric: str = "ordinal"
) -> float:
    """Alpha of the generating process at a latent correlation between raters.

    Parameters
    ----------
    latent_correlation
        ``rho`` in [0, 1]: correlation of two raters' latent scores of a call.
    n_levels
        Levels of the scale, at least 2.
    metric
        ``"ordinal"``, ``"interval"`` (equal here) or ``"nominal"``.

    Returns
    -------
    float
        Krippendorff's alpha on infinitely many calls.

    Examples
    --------
    With two levels cut at the median, alpha is the phi coefficient,
    ``2 asin(rho) / pi``:

    >>> alpha = true_alpha(0.5, n_levels=2)
    >>> print(round(alpha, 6), round(2 * math.asin(0.5) / math.pi, 6))
    0.333333 0.333333
    """
    joint = level_pairs(latent_correlation, n_levels)
    distance = _level_distance(metric, n_levels)
    chance = np.full(n_levels, 1.0 / n_levels)
    observed = float(np.sum(joint * distance))
    expected = float(chance @ distance @ chance)
    return 1.0 - observed / expected


@functools.lru_cache(maxsize=256)
def latent_correlation(
    expected_agreement: float, *, n_levels: int, metric: str = "ordinal"
) -> float:
    """The latent correlation ``rho`` whose process has the given true alpha.

    Solved to 1e-13 by Brent's method; alpha increases with ``rho``.

    Examples
    --------
    >>> rho = latent_correlation(0.8, n_levels=4)
    >>> print(round(rho, 4), round(true_alpha(rho, n_levels=4), 12))
    0.8675 0.8
    """
    return float(
        optimize.brentq(
            lambda rho: (
                true_alpha(rho, n_levels=n_levels, metric=metric) - expected_agreement
            ),
            0.0,
            1.0,
            xtol=1e-14,
            rtol=4 * np.finfo(float).eps,
        )
    )


def level_pairs(latent_correlation: float, n_levels: int) -> np.ndarray:
    """``(q, q)`` chance that two raters give one call levels c and k.

    From the bivariate normal distribution function at the cut points,
    ``F(h, k) = Phi(h) Phi(k) + integral_0^rho phi_2(h, k; r) dr``, written
    with ``r = sin(theta)`` so the integrand is smooth (Sheppard 1899).
    """
    cuts = stats.norm.ppf(np.arange(1, n_levels) / n_levels)
    h, k = np.meshgrid(cuts, cuts, indexing="ij")
    top = math.asin(min(max(latent_correlation, 0.0), 1.0))
    theta = top / 2 * (_NODES + 1)
    sine, cosine = np.sin(theta), np.cos(theta)
    exponent = h[..., None] ** 2 - 2 * sine * h[..., None] * k[..., None]
    exponent = (exponent + k[..., None] ** 2) / (2 * cosine**2)
    integral = top / 2 * (np.exp(-exponent) @ _WEIGHTS) / (2 * math.pi)

    # F on the cut points with -inf and +inf added, then rectangles
    edges = np.concatenate([[0.0], special.ndtr(cuts), [1.0]])
    cdf = np.outer(edges, edges)
    cdf[1:-1, 1:-1] += integral
    return np.diff(np.diff(cdf, axis=0), axis=1)


def _level_distance(metric: str, n_levels: int) -> np.ndarray:
    if metric == "nominal":
        return 1.0 - np.eye(n_levels)
    levels = np.arange(n_levels, dtype=float)
    return (levels[:, None] - levels[None, :]) ** 2
