"""Program simulation: time of one run, of replications and of a large team.

Run by hand from the repository root (the targets assume 2 cores)::

    python benchmarks/bench_simulation.py [--runs 50] [--replications 1000]

Four figures, each against its target:

(a) the median time of ``run_once`` for 20 reps over 6 months (one pool, one
    manager), over ``--runs`` seeds: target under 50 ms;
(b) ``--replications`` replications of that run: through
    ``toolkit.simulation.simulate`` (local worker processes) when the package
    has it, else a serial loop of ``run_once``: target under 30 s;
(c) one run of 2,000 reps in sub-teams of 5 to 8 (250 managers) over 12
    months: target under 10 s;
(d) how the time of one run grows with reps x months (50 to 400 reps, 3 to
    12 months, the best of ``--repeats`` runs each), with the slope of
    log(time) on log(reps x months): 1 is linear. Fixed costs of a run
    (pairing, result tables) flatten the small sizes, so the slope is also
    fitted on the larger half of the table.

Every run uses the guide's recommended policy and the default behaviour
model; the timings include building the result tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

import toolkit.simulation as simulation
from toolkit.simulation import ProgramPolicy, run_once

TARGET_ONE_RUN = 0.050
TARGET_REPLICATIONS = 30.0
TARGET_LARGE_TEAM = 10.0
GROWTH_REPS = (50, 100, 200, 400)
GROWTH_MONTHS = (3, 6, 12)


def seconds(call: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def one_run(runs: int) -> float:
    """(a) Median seconds of one 20-rep, 6-month run over ``runs`` seeds."""
    policy = ProgramPolicy.recommended(team_size=20, horizon_months=6)
    run_once(policy, seed=0)  # warm up imports and caches
    timings = [seconds(lambda s=seed: run_once(policy, seed=s)) for seed in range(runs)]
    return statistics.median(timings)


def replications(count: int) -> tuple[float, str]:
    """(b) Seconds for ``count`` replications, and how they were run."""
    policy = ProgramPolicy.recommended(team_size=20, horizon_months=6)
    if hasattr(simulation, "simulate"):
        how = f"simulate(policy, replications={count}), local processes"
        return seconds(lambda: simulation.simulate(policy, count)), how

    # no replication runner yet: the serial floor it has to beat
    how = f"serial loop of run_once x {count} (no simulate() yet)"
    return seconds(lambda: [run_once(policy, seed=s) for s in range(count)]), how


def large_team() -> tuple[float, int]:
    """(c) Seconds of one run of 2,000 reps over 12 months, and its managers."""
    policy = ProgramPolicy.recommended(team_size=2_000, horizon_months=12)
    start = time.perf_counter()
    result = run_once(policy, seed=0)
    elapsed = time.perf_counter() - start
    return elapsed, len(result.schedule.sub_teams)


def growth(repeats: int) -> list[tuple[int, int, int, float]]:
    """(d) ``(reps, months, reviews, best seconds)`` for every size."""
    rows = []
    for reps in GROWTH_REPS:
        for months in GROWTH_MONTHS:
            policy = ProgramPolicy.recommended(team_size=reps, horizon_months=months)
            best, n_reviews = np.inf, 0
            for seed in range(repeats):
                start = time.perf_counter()
                result = run_once(policy, seed=seed)
                best = min(best, time.perf_counter() - start)
                n_reviews = int(result.events["done"].sum())
            rows.append((reps, months, n_reviews, best))
    return rows


def slope(rows: list[tuple[int, int, int, float]]) -> float:
    """Least-squares slope of log(seconds) on log(reps x months)."""
    size = np.log([reps * months for reps, months, _, _ in rows])
    time_ = np.log([best for *_, best in rows])
    return float(np.polyfit(size, time_, 1)[0])


def linear_fit(rows: list[tuple[int, int, int, float]]) -> tuple[float, float]:
    """``(fixed seconds, seconds per rep-month)`` of a least-squares line."""
    size = np.array([reps * months for reps, months, _, _ in rows], dtype=float)
    time_ = np.array([best for *_, best in rows])
    per_unit, fixed = np.polyfit(size, time_, 1)
    return float(fixed), float(per_unit)


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--replications", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print(f"cores: {os.cpu_count()}, toolkit simulation on the guide's policy")
    median = one_run(args.runs)
    print(
        f"(a) run_once, 20 reps x 6 months, median of {args.runs}: "
        f"{median * 1e3:7.1f} ms  target < {TARGET_ONE_RUN * 1e3:.0f} ms  "
        f"{verdict(median, TARGET_ONE_RUN)}"
    )

    total, how = replications(args.replications)
    print(
        f"(b) {how}: {total:6.1f} s  target < {TARGET_REPLICATIONS:.0f} s  "
        f"{verdict(total, TARGET_REPLICATIONS)}"
    )

    elapsed, managers = large_team()
    print(
        f"(c) run_once, 2000 reps in {managers} sub-teams x 12 months: "
        f"{elapsed:6.2f} s  target < {TARGET_LARGE_TEAM:.0f} s  "
        f"{verdict(elapsed, TARGET_LARGE_TEAM)}"
    )

    rows = growth(args.repeats)
    print(f"(d) growth, best of {args.repeats} runs each")
    print(
        f"    {'reps':>5} {'months':>6} {'reviews':>8} {'seconds':>8} {'ms/review':>9}"
    )
    for reps, months, n_reviews, best in rows:
        per_review = best / n_reviews * 1e3
        print(f"    {reps:5d} {months:6d} {n_reviews:8d} {best:8.3f} {per_review:9.3f}")
    larger = sorted(rows, key=lambda row: row[0] * row[1])[len(rows) // 2 :]
    fixed, per_unit = linear_fit(rows)
    print(
        f"    log-log slope of time on reps x months: {slope(rows):.2f} "
        f"(larger half: {slope(larger):.2f}; 1 is linear)"
    )
    print(
        f"    least-squares line: {fixed * 1e3:.1f} ms a run (pairing, tables) "
        f"+ {per_unit * 1e6:.1f} us per rep-month"
    )


if __name__ == "__main__":
    main()
