"""Krippendorff's alpha: toolkit against the ``krippendorff`` package, same run.

Run by hand from the repository root::

    python benchmarks/bench_alpha.py [--units 10000] [--repeats 7]

1. Ordinal alpha, 5 levels, 10,000 calls x 10 raters, 10% missing: ours (alpha,
   Gwet's standard error and interval) against ``krippendorff.alpha``.
2. Interval and ratio alpha on 10,000 calls x 5 raters of continuous scores
   (every score distinct): time and peak traced memory. The package builds
   calls x values x values and values x values arrays; its need is computed
   from the number of distinct values, and it is timed on a small slice.
3. Bootstrap: 1,000 resamples of calls through ``toolkit.agreement.bootstrap``
   (unit terms, one matrix product per block), with the parts timed apart.

Each time is the median of ``--repeats`` runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Literal

import krippendorff
import numpy as np

from toolkit.agreement._alpha import krippendorff_alpha
from toolkit.agreement._alpha_resample import _krippendorff_alpha_unit_terms
from toolkit.agreement._bootstrap import bootstrap
from toolkit.agreement._input import rating_matrix


def ordinal_scores(
    n_units: int, n_raters: int, *, rng: np.random.Generator
) -> np.ndarray:
    """Levels 1-5; a rater gives the call's level 60% of the time; 10% missing."""
    level = rng.integers(1, 6, size=(n_units, 1))
    noise = rng.integers(1, 6, size=(n_units, n_raters))
    scores = np.where(rng.random((n_units, n_raters)) < 0.6, level, noise)
    return np.where(rng.random(scores.shape) < 0.1, np.nan, scores.astype(float))


def continuous_scores(
    n_units: int, n_raters: int, *, rng: np.random.Generator
) -> np.ndarray:
    """Positive real scores: a call's true value plus rater noise; 10% missing."""
    truth = rng.normal(50.0, 10.0, size=(n_units, 1))
    scores = np.abs(truth + rng.normal(0.0, 5.0, size=(n_units, n_raters)))
    return np.where(rng.random(scores.shape) < 0.1, np.nan, scores)


Metric = Literal["nominal", "ordinal", "interval", "ratio"]
CONTINUOUS: tuple[Metric, ...] = ("interval", "ratio")


def median_seconds(call: Callable[[], object], *, repeats: int) -> float:
    call()  # warm up
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def peak_megabytes(call: Callable[[], object]) -> float:
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def ordinal_comparison(args: argparse.Namespace, rng: np.random.Generator) -> None:
    scores = ordinal_scores(args.units, 10, rng=rng)
    ours = krippendorff_alpha(scores, metric="ordinal").statistic
    theirs = krippendorff.alpha(scores.T, level_of_measurement="ordinal")
    assert abs(ours - theirs) < 1e-9, (ours, theirs)

    mine = median_seconds(
        lambda: krippendorff_alpha(scores, metric="ordinal"), repeats=args.repeats
    )
    bare = median_seconds(
        lambda: krippendorff_alpha(scores, metric="ordinal", standard_error=None),
        repeats=args.repeats,
    )
    package = median_seconds(
        lambda: krippendorff.alpha(scores.T, level_of_measurement="ordinal"),
        repeats=args.repeats,
    )
    print(f"ordinal alpha, 5 levels, {args.units} calls x 10 raters, 10% missing")
    print(f"  alpha {ours:.6f} (both)")
    print(f"  toolkit, with standard error  {mine * 1e3:8.2f} ms")
    print(f"  toolkit, alpha only           {bare * 1e3:8.2f} ms")
    print(f"  krippendorff.alpha            {package * 1e3:8.2f} ms")
    print(f"  ratio package / toolkit       {package / mine:8.2f} x")


def continuous_comparison(args: argparse.Namespace, rng: np.random.Generator) -> None:
    scores = continuous_scores(args.units, 5, rng=rng)
    n_distinct = np.unique(scores[~np.isnan(scores)]).size
    print(
        f"\ncontinuous scores, {args.units} calls x 5 raters, 10% missing, "
        f"{n_distinct} distinct values"
    )
    for metric in CONTINUOUS:
        result = krippendorff_alpha(scores, metric=metric)
        seconds = median_seconds(
            partial(krippendorff_alpha, scores, metric=metric),
            repeats=args.repeats,
        )
        peak = peak_megabytes(partial(krippendorff_alpha, scores, metric=metric))
        print(
            f"  {metric:8s} alpha {result.statistic:.6f} "
            f"se {result.standard_error:.6f}: {seconds * 1e3:8.2f} ms, "
            f"peak {peak:6.1f} MB"
        )

    # the package: calls x values x values coincidences, values x values
    # distances (float64)
    cube = args.units * n_distinct**2 * 8 / 1e9
    square = n_distinct**2 * 8 / 1e9
    print(
        f"  krippendorff.alpha would need {cube:,.0f} GB for its calls x "
        f"values x values array and {square:,.1f} GB for values x values"
    )

    small = scores[:100]
    for metric in CONTINUOUS:
        ours = krippendorff_alpha(small, metric=metric).statistic
        theirs = krippendorff.alpha(small.T, level_of_measurement=metric)
        assert abs(ours - theirs) < 1e-9, (metric, ours, theirs)
        mine = median_seconds(
            partial(krippendorff_alpha, small, metric=metric), repeats=args.repeats
        )
        package = median_seconds(
            partial(krippendorff.alpha, small.T, level_of_measurement=metric),
            repeats=3,
        )
        print(
            f"  first 100 calls, {metric}: toolkit {mine * 1e3:.2f} ms, "
            f"krippendorff.alpha {package * 1e3:.0f} ms"
        )


def bootstrap_timing(args: argparse.Namespace, rng: np.random.Generator) -> None:
    scores = ordinal_scores(args.units, 10, rng=rng)
    print(
        f"\nbootstrap, 1000 resamples of {args.units} calls x 10 raters, "
        "ordinal alpha, 5 levels"
    )

    # the parts: unit terms once, multiplicities, one product, combine
    start = time.perf_counter()
    terms = _krippendorff_alpha_unit_terms(rating_matrix(scores), metric="ordinal")
    built = time.perf_counter()
    drawn = rng.integers(0, args.units, size=(1000, args.units))
    drawn += (np.arange(1000) * args.units)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=1000 * args.units)
    counts = counts.reshape(1000, args.units).astype(float)
    drawn_at = time.perf_counter()
    totals = counts @ terms.terms
    product = time.perf_counter()
    resampled = terms.combine(totals)
    combined = time.perf_counter()
    print(
        f"  unit terms {terms.terms.shape}: {(built - start) * 1e3:.1f} ms; "
        f"multiplicities {(drawn_at - built) * 1e3:.0f} ms; "
        f"C @ terms {(product - drawn_at) * 1e3:.1f} ms; "
        f"combine {(combined - product) * 1e3:.1f} ms"
    )
    low, high = np.quantile(resampled, [0.025, 0.975])
    print(f"  percentile interval ({low:.4f}, {high:.4f})")

    seconds = median_seconds(
        lambda: bootstrap(
            scores, "krippendorff_alpha", metric="ordinal", n_resamples=1000, rng=1
        ),
        repeats=max(3, args.repeats // 2),
    )
    result = bootstrap(
        scores, "krippendorff_alpha", metric="ordinal", n_resamples=1000, rng=1
    )
    gwet = krippendorff_alpha(scores, metric="ordinal").confidence_interval
    ci = result.confidence_interval
    print(
        f"  toolkit.agreement.bootstrap: {seconds:.3f} s, interval "
        f"({ci.low:.4f}, {ci.high:.4f}); Gwet's ({gwet.low:.4f}, {gwet.high:.4f})"
    )

    continuous = continuous_scores(args.units, 5, rng=rng)
    for metric in CONTINUOUS:
        seconds = median_seconds(
            partial(
                bootstrap,
                continuous,
                "krippendorff_alpha",
                metric=metric,
                n_resamples=1000,
                rng=1,
            ),
            repeats=3,
        )
        print(f"  continuous {args.units} x 5, {metric}: {seconds:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    ordinal_comparison(args, rng)
    continuous_comparison(args, rng)
    bootstrap_timing(args, rng)


if __name__ == "__main__":
    main()
