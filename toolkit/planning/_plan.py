"""The two planning questions: what a round shows, and how many calls it needs."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from toolkit import __version__
from toolkit.agreement import coefficient_names
from toolkit.agreement._result import check_level
from toolkit.errors import ToolkitError
from toolkit.planning._batch import RoundEstimates, alpha_of_rounds
from toolkit.planning._checks import check_design, check_whole, is_number
from toolkit.planning._figures import round_figures
from toolkit.planning._model import latent_correlation
from toolkit.planning._result import CallsNeeded, RoundPlan
from toolkit.planning._simulate import level_blocks, seed_of

__all__ = ["HALF_WIDTH_METHODS", "calls_needed", "interval_for_round"]

logger = logging.getLogger(__name__)

HalfWidthMethod = Literal["analytic", "spread"]
HALF_WIDTH_METHODS: tuple[str, ...] = ("analytic", "spread")


@dataclass(frozen=True)
class _Design:
    """Everything about a planned round except its number of calls."""

    n_raters: int
    n_levels: int
    expected_agreement: float
    metric: str
    level: float
    half_width_method: str
    thresholds: tuple[float, float]
    n_simulations: int
    missing_share: float
    seed: int


def interval_for_round(
    *,
    n_calls: int,
    n_raters: int,
    n_levels: int,
    expected_agreement: float,
    coefficient: str = "krippendorff_alpha",
    metric: str = "ordinal",
    level: float = 0.95,
    half_width_method: HalfWidthMethod = "analytic",
    thresholds: tuple[float, float] = (0.667, 0.800),
    n_simulations: int = 2000,
    missing_share: float = 0.0,
    rng: int | np.random.Generator | None = None,
) -> RoundPlan:
    """The interval and verdicts a planned calibration round will give.

    Simulates ``n_simulations`` rounds of ``n_calls`` calls x ``n_raters``
    raters from a process whose true alpha is ``expected_agreement`` (see
    Notes), computes alpha and its reported interval in every round, and
    summarises what a lead would see.

    Parameters
    ----------
    n_calls, n_raters
        The planned round: every rater scores every call (less
        ``missing_share``). At least 2 each.
    n_levels
        Levels of the criterion's scale, 2 to 20.
    expected_agreement
        True alpha of the criterion, strictly between 0 and 1.
    coefficient
        Only ``"krippendorff_alpha"``, the coefficient of the calibration
        report's verdicts.
    metric
        ``"ordinal"`` (the report's metric for whole-number levels),
        ``"interval"`` or ``"nominal"``.
    level
        Confidence level of the intervals.
    half_width_method
        The planning figure ``half_width``: ``"analytic"``, the mean
        half-width of the interval the toolkit reports for such a round, or
        ``"spread"``, the half-width an interval centred on the estimate
        needs to hold the truth in ``level`` of rounds. Both are in the
        result.
    thresholds
        Lower ends of the *tentative* and *ready* bands (Krippendorff's
        0.667 and 0.800).
    n_simulations
        Rounds to simulate, at least 100.
    missing_share
        Chance that a rater skips a call.
    rng
        Seed or generator; the result records the seed used.

    Returns
    -------
    RoundPlan
        Half-widths, the range of estimates, coverage and verdict shares,
        each with its Monte Carlo error.

    Raises
    ------
    ToolkitError
        A ``ValueError`` naming an argument out of range.
    NotImplementedError
        For a coefficient other than Krippendorff's alpha.

    Notes
    -----
    The model is an assumption: a call's true quality is normal; raters
    differ from it by independent normal noise of one size for all raters
    (no lenient rater, no rater effect) and the scores cut the latent scale
    into equally likely levels (:mod:`toolkit.synthetic`'s model). The noise
    is set so that alpha on infinitely many calls is ``expected_agreement``
    (exactly, from the bivariate normal; no simulation). Real criteria with
    skewed levels or biased raters give wider intervals for the same alpha.

    Figures other than the verdict shares leave out undefined rounds
    (``undefined_share``). Monte Carlo errors: the standard error of a mean
    or share, and for a quantile half the distance between the order
    statistics one binomial standard deviation either side of it.

    Examples
    --------
    Three calls cannot tell a ready criterion from one that needs work:

    >>> plan = interval_for_round(
    ...     n_calls=3, n_raters=5, n_levels=4, expected_agreement=0.8, rng=1
    ... )
    >>> print(round(plan.half_width.value, 2))
    0.52
    >>> for verdict, share in plan.band_probabilities.items():
    ...     print(verdict, round(share.value, 2))
    needs a sharper definition 0.43
    tentative 0.26
    ready 0.31
    """
    design = _design(
        n_calls=n_calls,
        coefficient=coefficient,
        n_raters=n_raters,
        n_levels=n_levels,
        expected_agreement=expected_agreement,
        metric=metric,
        level=level,
        half_width_method=half_width_method,
        thresholds=thresholds,
        n_simulations=n_simulations,
        missing_share=missing_share,
        rng=rng,
    )
    return _evaluate(design, n_calls)


def calls_needed(
    *,
    target_half_width: float,
    n_raters: int,
    n_levels: int,
    expected_agreement: float,
    coefficient: str = "krippendorff_alpha",
    metric: str = "ordinal",
    level: float = 0.95,
    half_width_method: HalfWidthMethod = "analytic",
    thresholds: tuple[float, float] = (0.667, 0.800),
    n_simulations: int = 2000,
    missing_share: float = 0.0,
    max_calls: int = 1000,
    rng: int | np.random.Generator | None = None,
) -> CallsNeeded:
    """The fewest calls whose interval half-width is at most a target.

    Doubles the number of calls from 2 until the simulated half-width
    (:func:`interval_for_round`, ``half_width_method``) is at most
    ``target_half_width``, then bisects. Every round size is simulated on
    the same seed, a round of n calls being the first n calls of a larger
    one, so the half-widths of different sizes differ by the size and not
    by luck.

    Parameters
    ----------
    target_half_width
        The largest acceptable half-width, above 0.
    max_calls
        Stop searching here; a target that needs more raises.
    n_raters, n_levels, expected_agreement, coefficient, metric, level, \
half_width_method, thresholds, n_simulations, missing_share, rng
        As in :func:`interval_for_round`.

    Returns
    -------
    CallsNeeded
        The answer with its Monte Carlo error, the half-width it achieves
        and the whole plan of a round that size.

    Raises
    ------
    ToolkitError
        For an argument out of range, or a target that needs more than
        ``max_calls`` calls.
    NotImplementedError
        For a coefficient other than Krippendorff's alpha.

    Notes
    -----
    The search assumes the half-width falls as calls are added, which holds
    for the simulated figures up to their Monte Carlo error; near the answer
    a neighbouring size may be as good. The answer's Monte Carlo error
    takes the half-width as proportional to ``1 / sqrt(n_calls)``, so the
    relative error of calls is twice that of the half-width. The model's
    assumptions are those of :func:`interval_for_round`.

    Examples
    --------
    >>> needed = calls_needed(
    ...     target_half_width=0.2, n_raters=5, n_levels=4,
    ...     expected_agreement=0.8, n_simulations=500, rng=1,
    ... )
    >>> print(needed.n_calls, round(needed.half_width.value, 2))
    12 0.2
    """
    if not is_number(target_half_width) or not 0 < target_half_width < math.inf:
        raise ToolkitError(
            f"target_half_width={target_half_width!r} must be a number above 0, "
            "e.g. 0.1 for an interval of alpha +/- 0.1"
        )
    max_calls = check_whole("max_calls", max_calls, 2, "the search limit")
    design = _design(
        n_calls=2,
        coefficient=coefficient,
        n_raters=n_raters,
        n_levels=n_levels,
        expected_agreement=expected_agreement,
        metric=metric,
        level=level,
        half_width_method=half_width_method,
        thresholds=thresholds,
        n_simulations=n_simulations,
        missing_share=missing_share,
        rng=rng,
    )

    # double until the target is met, then bisect between fail and pass
    plans: dict[int, RoundPlan] = {}

    def meets(n_calls: int) -> bool:
        plans[n_calls] = _evaluate(design, n_calls)
        width = plans[n_calls].half_width.value
        logger.info("%s calls: half-width %.4f", n_calls, width)
        return width <= target_half_width

    failing, passing = 1, 2
    while not meets(passing):
        if passing >= max_calls:
            raise ToolkitError(
                f"target_half_width={target_half_width} needs more than "
                f"max_calls={max_calls} calls (half-width "
                f"{plans[passing].half_width.value:.3f} at {passing}); pass a "
                "wider target or a larger max_calls"
            )
        failing, passing = passing, min(2 * passing, max_calls)
    while passing - failing > 1:
        middle = (failing + passing) // 2
        if meets(middle):
            passing = middle
        else:
            failing = middle

    plan = plans[passing]
    width = plan.half_width
    return CallsNeeded(
        n_calls=passing,
        n_calls_monte_carlo_error=2 * passing * width.monte_carlo_error / width.value,
        target_half_width=float(target_half_width),
        half_width=width,
        plan=plan,
        evaluations=tuple((n, plans[n].half_width.value) for n in sorted(plans)),
    )


def _design(*, n_calls: int, coefficient: str, rng: Any, **options: Any) -> _Design:
    """Check the options shared by both questions and fix the seed.

    ``n_calls`` is checked with the design (``calls_needed`` passes the
    smallest round it will try) but not kept in it.
    """
    check_design(
        n_calls=n_calls,
        **{
            key: options[key]
            for key in (
                "n_raters",
                "n_levels",
                "expected_agreement",
                "n_simulations",
                "missing_share",
                "metric",
            )
        },
    )
    if coefficient != "krippendorff_alpha":
        if coefficient in coefficient_names():
            raise NotImplementedError(
                f"planning simulates Krippendorff's alpha only, not "
                f"{coefficient}; plan with coefficient='krippendorff_alpha', "
                "the coefficient of the calibration report's verdicts"
            )
        raise ToolkitError(
            f"coefficient={coefficient!r} is not known; use "
            "coefficient='krippendorff_alpha'"
        )
    options["level"] = check_level(options["level"])
    if options["half_width_method"] not in HALF_WIDTH_METHODS:
        raise ToolkitError(
            f"half_width_method={options['half_width_method']!r} is not known; "
            f"use {' or '.join(repr(m) for m in HALF_WIDTH_METHODS)}"
        )
    options["thresholds"] = _check_thresholds(options["thresholds"])
    return _Design(seed=seed_of(rng), **options)


def _check_thresholds(thresholds: Any) -> tuple[float, float]:
    try:
        low, high = (float(t) for t in thresholds)
    except (TypeError, ValueError):
        low, high = math.nan, math.nan
    if not low < high:
        raise ToolkitError(
            f"thresholds={thresholds!r} must be two increasing numbers, the "
            "lower ends of the tentative and ready bands, e.g. (0.667, 0.8)"
        )
    return low, high


def _evaluate(design: _Design, n_calls: int) -> RoundPlan:
    """Simulate ``design`` with ``n_calls`` calls and summarise the rounds."""
    rho = latent_correlation(
        design.expected_agreement, n_levels=design.n_levels, metric=design.metric
    )
    blocks = level_blocks(
        design.seed,
        design.n_simulations,
        n_calls,
        design.n_raters,
        design.n_levels,
        rho,
        design.missing_share,
    )
    parts = [
        alpha_of_rounds(
            block, n_levels=design.n_levels, metric=design.metric, level=design.level
        )
        for block in blocks
    ]
    rounds = RoundEstimates(
        *(np.concatenate(field) for field in zip(*parts, strict=True))
    )
    figures = round_figures(
        rounds,
        truth=design.expected_agreement,
        level=design.level,
        thresholds=design.thresholds,
    )
    return RoundPlan(
        coefficient="krippendorff_alpha",
        metric=design.metric,
        n_calls=n_calls,
        n_raters=design.n_raters,
        n_levels=design.n_levels,
        expected_agreement=float(design.expected_agreement),
        latent_correlation=rho,
        level=design.level,
        half_width_method=design.half_width_method,
        half_width=figures[f"{design.half_width_method}_half_width"],
        thresholds=design.thresholds,
        missing_share=float(design.missing_share),
        n_simulations=design.n_simulations,
        seed=design.seed,
        toolkit_version=__version__,
        **figures,
    )
