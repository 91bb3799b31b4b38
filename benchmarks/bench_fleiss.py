"""Fleiss' kappa: toolkit against statsmodels on the same ratings, same run.

Run by hand from the repository root::

    python benchmarks/bench_fleiss.py [--units 10000] [--raters 10]

statsmodels' ``fleiss_kappa`` takes a units x categories table of counts, so
it is timed twice: with ``aggregate_raters`` (raw ratings in, like ours) and
without (the table given). Ours also computes Gwet's standard error and
interval, the null z test and the per-category kappas on every call. Each
figure is the median of several repeats of a batch of calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from toolkit.agreement._fleiss import fleiss_kappa


def simulated_ratings(
    n_units: int, n_raters: int, n_categories: int, *, rng: np.random.Generator
) -> np.ndarray:
    """Scores 1..n_categories; each rater agrees with the call's level 60%."""
    level = rng.integers(1, n_categories + 1, size=(n_units, 1))
    noise = rng.integers(1, n_categories + 1, size=(n_units, n_raters))
    agrees = rng.random((n_units, n_raters)) < 0.6
    return np.where(agrees, level, noise).astype(float)


def median_seconds(call: Callable[[], object], *, calls: int, repeats: int) -> float:
    """Median over ``repeats`` of the mean time of one call in a batch."""
    call()  # warm up
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        timings.append((time.perf_counter() - start) / calls)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=10)
    parser.add_argument("--categories", type=int, default=5)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    ratings = simulated_ratings(
        args.units, args.raters, args.categories, rng=np.random.default_rng(args.seed)
    )
    table, _ = aggregate_raters(ratings)

    # same number first: a benchmark of different answers means nothing
    ours = fleiss_kappa(ratings).statistic
    theirs = sm_fleiss_kappa(table)
    assert abs(ours - theirs) < 1e-12, (ours, theirs)

    timings = {
        "toolkit fleiss_kappa (raw ratings, full result)": median_seconds(
            lambda: fleiss_kappa(ratings), calls=args.calls, repeats=args.repeats
        ),
        "statsmodels aggregate_raters + fleiss_kappa": median_seconds(
            lambda: sm_fleiss_kappa(aggregate_raters(ratings)[0]),
            calls=args.calls,
            repeats=args.repeats,
        ),
        "statsmodels fleiss_kappa (table given)": median_seconds(
            lambda: sm_fleiss_kappa(table), calls=args.calls, repeats=args.repeats
        ),
    }

    print(
        f"{args.units} calls x {args.raters} raters, {args.categories} categories; "
        f"kappa = {ours:.6f}; median of {args.repeats} x {args.calls} calls"
    )
    ours_time = timings["toolkit fleiss_kappa (raw ratings, full result)"]
    for name, seconds in timings.items():
        print(f"  {name:<50} {seconds * 1e3:9.3f} ms  ratio {seconds / ours_time:6.2f}")


if __name__ == "__main__":
    main()
