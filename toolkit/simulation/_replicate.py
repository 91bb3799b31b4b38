"""Replications of one policy, and comparisons of policies on common seeds."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import ToolkitError
from toolkit.simulation._behaviour import BehaviourModel
from toolkit.simulation._policy import ProgramPolicy
from toolkit.simulation._sweep import (
    SweepPoint,
    SweepResult,
    SweepWarning,
    run_sweep,
)

__all__ = [
    "Comparison",
    "SimulationResult",
    "compare",
    "differences",
    "simulate",
    "summarise",
]

#: Confidence level of every interval the simulation reports.
LEVEL = 0.95
_KEYS = ("label", "replication", "seed")


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Replications of one policy: every run and a summary with intervals.

    Attributes
    ----------
    runs
        One row per replication: ``replication``, ``seed`` and one column per
        metric (see :func:`toolkit.simulation.run_once`).
    summary
        One row per metric (the index): ``n`` (runs where it is defined),
        ``mean``, ``sd``, ``ci_low`` and ``ci_high`` (a 95% t interval for
        the mean over replications).
    policy, behaviour
        What was simulated.
    seed, replications, toolkit_version
        What reproduces it.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, simulate
    >>> result = simulate(ProgramPolicy(horizon_months=2), replications=4, seed=3)
    >>> row = result.summary.loc["evaluator_compliance"]
    >>> bool(row.ci_low <= row["mean"] <= row.ci_high), int(row.n)
    (True, 4)
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    policy: ProgramPolicy
    behaviour: BehaviourModel
    seed: int
    replications: int
    toolkit_version: str


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several policies run on the same seeds, and their differences.

    Attributes
    ----------
    runs
        One row per policy and replication: ``label``, ``replication``,
        ``seed`` and the metrics.
    summary
        One row per policy and metric: ``label``, ``metric``, ``n``,
        ``mean``, ``sd``, ``ci_low``, ``ci_high``.
    differences
        One row per other policy and metric: ``label``, ``metric``, ``n``,
        ``difference`` (policy minus baseline), ``ci_low``, ``ci_high`` and
        ``method`` (``"paired"`` on common random numbers, else ``"welch"``).
    baseline
        The label every difference is taken against.
    policies
        Label -> policy, in the order given.
    behaviour, seed, replications, common_random_numbers, toolkit_version
        What reproduces it.
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    baseline: str
    policies: dict[str, ProgramPolicy]
    behaviour: BehaviourModel
    seed: int
    replications: int
    common_random_numbers: bool
    toolkit_version: str


def simulate(
    policy: ProgramPolicy,
    replications: int = 100,
    *,
    behaviour: BehaviourModel | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
    chunk_size: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run ``policy`` ``replications`` times and summarise every metric.

    Parameters
    ----------
    policy
        The program to simulate.
    replications
        Independent runs (teams, calls, raters drawn anew), 1 or more; an
        interval needs 2 or more.
    behaviour
        The assumptions; ``None`` uses the defaults.
    seed
        Replication ``r`` runs on ``replication_seeds(seed, replications)[r]``,
        so the same seed reproduces the result to the bit.
    n_jobs, scheduler, progress, chunk_size, on_chunk
        As in :func:`toolkit.simulation.run_sweep`: local processes by
        default for 64 runs or more, a Dask cluster with ``scheduler``, a
        progress bar on stderr, runs per chunk and a callback after each.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, simulate
    >>> one = simulate(ProgramPolicy(horizon_months=2), replications=3, seed=8)
    >>> two = simulate(ProgramPolicy(horizon_months=2), replications=3, seed=8)
    >>> one.runs.equals(two.runs)
    True
    """
    if not isinstance(policy, ProgramPolicy):
        raise TypeError(f"policy must be a ProgramPolicy; got {type(policy)!r}")
    behaviour = _behaviour(behaviour)
    sweep = _sweep(
        [SweepPoint("policy", policy, behaviour)],
        replications,
        seed=seed,
        common_random_numbers=True,
        n_jobs=n_jobs,
        scheduler=scheduler,
        progress=progress,
        chunk_size=chunk_size,
        on_chunk=on_chunk,
    )
    runs = sweep.runs.drop(columns="label")
    summary = summarise(sweep.runs).drop(columns="label").set_index("metric")
    return SimulationResult(
        runs=runs,
        summary=summary,
        policy=policy,
        behaviour=behaviour,
        seed=sweep.seed,
        replications=sweep.replications,
        toolkit_version=sweep.toolkit_version,
    )


def compare(
    policies: Mapping[str, ProgramPolicy] | Sequence[ProgramPolicy],
    replications: int = 100,
    *,
    behaviour: BehaviourModel | None = None,
    seed: int = 0,
    baseline: str | None = None,
    common_random_numbers: bool = True,
    n_jobs: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
    chunk_size: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run several policies on common seeds and give their paired differences.

    Replication ``r`` of every policy runs on the same seed: the same team,
    relationships, calls, rater traits and chance draws as far as the
    policies allow. A difference between two policies is then measured on
    the same teams, and its interval is a paired t interval over
    replications, usually much narrower than comparing independent runs.

    Parameters
    ----------
    policies
        Label -> policy, or a list (labelled ``policy 1``, ``policy 2``, ...).
        Two or more.
    replications, behaviour, seed, n_jobs, scheduler, progress, chunk_size, on_chunk
        As in :func:`simulate`.
    baseline
        The label the differences are taken against; the first by default.
    common_random_numbers
        ``False`` gives each policy its own seeds and Welch intervals (for
        showing what common random numbers buy).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, compare
    >>> base = ProgramPolicy(horizon_months=2)
    >>> result = compare(
    ...     {"cadence 2": base, "cadence 4": base.replace(reviews_per_rep=4)},
    ...     replications=5,
    ... )
    >>> row = result.differences.set_index("metric").loc["evaluator_hours_per_month"]
    >>> row.label, row.method, bool(row.difference > 0)
    ('cadence 4', 'paired', True)
    """
    labelled = _labelled(policies)
    if baseline is None:
        baseline = next(iter(labelled))
    if baseline not in labelled:
        raise ToolkitError(
            f"baseline {baseline!r} is not one of the policies: "
            f"{', '.join(map(repr, labelled))}"
        )
    behaviour = _behaviour(behaviour)
    points = [
        SweepPoint(label, policy, behaviour) for label, policy in labelled.items()
    ]
    sweep = _sweep(
        points,
        replications,
        seed=seed,
        common_random_numbers=common_random_numbers,
        n_jobs=n_jobs,
        scheduler=scheduler,
        progress=progress,
        chunk_size=chunk_size,
        on_chunk=on_chunk,
    )
    return Comparison(
        runs=sweep.runs,
        summary=summarise(sweep.runs),
        differences=differences(
            sweep.runs, baseline, paired=bool(common_random_numbers)
        ),
        baseline=baseline,
        policies=labelled,
        behaviour=behaviour,
        seed=sweep.seed,
        replications=sweep.replications,
        common_random_numbers=bool(common_random_numbers),
        toolkit_version=sweep.toolkit_version,
    )


def summarise(runs: pd.DataFrame, *, level: float = LEVEL) -> pd.DataFrame:
    """Mean and t interval of every metric, per point.

    ``runs`` has ``label``, ``replication``, ``seed`` and metric columns.
    NaN and infinite values (a metric undefined in that run, such as a change
    never detected) are left out and counted out of ``n``.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.simulation import summarise
    >>> runs = pd.DataFrame({"label": "a", "replication": [0, 1, 2],
    ...                      "seed": [1, 2, 3], "hours": [1.0, 2.0, 3.0]})
    >>> summarise(runs)[["label", "metric", "n", "mean", "sd"]]
      label metric  n  mean   sd
    0     a  hours  3   2.0  1.0
    """
    long = _long(runs)
    finite = long[np.isfinite(long["value"])]
    grouped = finite.groupby(["label", "metric"], sort=False)["value"]
    table = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    table = _all_pairs(long, table)

    half = _t(level, table["n"] - 1) * table["sd"] / np.sqrt(table["n"])
    return table.assign(ci_low=table["mean"] - half, ci_high=table["mean"] + half)


def differences(
    runs: pd.DataFrame, baseline: str, *, paired: bool, level: float = LEVEL
) -> pd.DataFrame:
    """Each point minus ``baseline``, metric by metric, with intervals.

    Paired: the t interval of per-replication differences (runs where both
    are finite). Unpaired: Welch's interval for two independent means.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.simulation import differences
    >>> runs = pd.DataFrame({"label": ["a"] * 3 + ["b"] * 3,
    ...                      "replication": [0, 1, 2] * 2, "seed": [1, 2, 3] * 2,
    ...                      "hours": [1.0, 2.0, 3.0, 2.0, 3.5, 4.0]})
    >>> row = differences(runs, "a", paired=True).iloc[0]
    >>> row.label, row.metric, int(row.n), float(row.difference)
    ('b', 'hours', 3, 1.1666666666666667)
    """
    long = _long(runs)
    wide = long.pivot_table(
        index=["metric", "replication"], columns="label", values="value", dropna=False
    )
    if baseline not in wide.columns:
        raise ToolkitError(f"baseline {baseline!r} is not a label of the runs")
    labels = [label for label in runs["label"].unique() if label != baseline]

    parts = []
    for label in labels:
        pair = wide[[baseline, label]].rename(columns={baseline: "a", label: "b"})
        part = _paired(pair, level) if paired else _welch(pair, level)
        parts.append(part.assign(label=label, method="paired" if paired else "welch"))
    columns = ["label", "metric", "n", "difference", "ci_low", "ci_high", "method"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


# ------------------------------------------------------------------ helpers
def _behaviour(behaviour: Any) -> BehaviourModel:
    if behaviour is None:
        return BehaviourModel()
    if not isinstance(behaviour, BehaviourModel):
        raise TypeError(
            f"behaviour must be a BehaviourModel or None; got {type(behaviour)!r}"
        )
    return behaviour


def _labelled(policies: Any) -> dict[str, ProgramPolicy]:
    if isinstance(policies, Mapping):
        labelled = {str(label): policy for label, policy in policies.items()}
    elif isinstance(policies, Sequence) and not isinstance(policies, str):
        labelled = {f"policy {i + 1}": policy for i, policy in enumerate(policies)}
    else:
        raise TypeError("policies must be a dict of label -> ProgramPolicy or a list")
    if len(labelled) < 2:
        raise ToolkitError(
            f"compare needs two or more policies; got {len(labelled)} "
            "(use simulate for one)"
        )
    for label, policy in labelled.items():
        if not isinstance(policy, ProgramPolicy):
            raise TypeError(f"policy {label!r} must be a ProgramPolicy; got {policy!r}")
    return labelled


def _sweep(points: list[SweepPoint], replications: int, **options: Any) -> SweepResult:
    with warnings.catch_warnings():
        # a point that cannot run is an error here, said once below
        warnings.simplefilter("ignore", SweepWarning)
        sweep = run_sweep(points, replications, **options)
    if sweep.skipped:
        label, reason = next(iter(sweep.skipped.items()))
        which = "the policy" if len(points) == 1 else f"policy {label!r}"
        raise ToolkitError(f"{which} cannot run: {reason}")
    return sweep


def _long(runs: pd.DataFrame) -> pd.DataFrame:
    metrics = [c for c in runs.columns if c not in _KEYS]
    long = runs.melt(
        id_vars=["label", "replication"],
        value_vars=metrics,
        var_name="metric",
        value_name="value",
    )
    return long.assign(value=long["value"].astype(float))


def _all_pairs(long: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Keep every (label, metric), with n = 0 where no run defines it."""
    pairs = long[["label", "metric"]].drop_duplicates()
    table = pairs.merge(table, on=["label", "metric"], how="left")
    return table.assign(n=table["n"].fillna(0).astype(np.int64))


def _t(level: float, df: pd.Series | np.ndarray) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    safe = np.where(df >= 1, df, np.nan)
    return np.asarray(stats.t.ppf(0.5 + level / 2, safe))


def _paired(pair: pd.DataFrame, level: float) -> pd.DataFrame:
    diff = (pair["b"] - pair["a"]).replace([np.inf, -np.inf], np.nan)
    grouped = diff.groupby(level="metric", sort=False)
    table = grouped.agg(["count", "mean", "std"]).reset_index()
    n = table["count"].to_numpy()
    half = _t(level, n - 1) * table["std"].to_numpy() / np.sqrt(n)
    return pd.DataFrame(
        {
            "metric": table["metric"],
            "n": n.astype(np.int64),
            "difference": table["mean"],
            "ci_low": table["mean"] - half,
            "ci_high": table["mean"] + half,
        }
    )


def _welch(pair: pd.DataFrame, level: float) -> pd.DataFrame:
    clean = pair.replace([np.inf, -np.inf], np.nan)
    grouped = clean.groupby(level="metric", sort=False)
    n = grouped.count()
    mean = grouped.mean()
    var = grouped.var()

    # Welch-Satterthwaite degrees of freedom
    va, vb = var["a"] / n["a"], var["b"] / n["b"]
    df = (va + vb) ** 2 / (va**2 / (n["a"] - 1) + vb**2 / (n["b"] - 1))
    half = _t(level, df) * np.sqrt(va + vb)
    difference = mean["b"] - mean["a"]
    return pd.DataFrame(
        {
            "metric": n.index,
            "n": np.minimum(n["a"].to_numpy(), n["b"].to_numpy()).astype(np.int64),
            "difference": difference.to_numpy(),
            "ci_low": (difference - half).to_numpy(),
            "ci_high": (difference + half).to_numpy(),
        }
    )
