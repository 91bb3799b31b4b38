"""One-at-a-time sensitivity of a result to the behaviour assumptions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.simulation._behaviour import PARAMETERS, BehaviourModel
from toolkit.simulation._policy import ProgramPolicy
from toolkit.simulation._replicate import differences, summarise
from toolkit.simulation._sweep import SweepPoint, run_sweep

__all__ = ["SensitivityResult", "sensitivity"]

_DEFAULT = "default"
_SEPARATOR = " | "


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """How an effect moves when each assumption goes to the ends of its range.

    Attributes
    ----------
    table
        One row per parameter, largest ``swing`` first: ``parameter``,
        ``unit``, ``source``, ``default``, ``low``, ``high`` (the values
        tried), ``effect_low`` / ``effect_high`` with their 95% intervals
        (``*_ci_low``, ``*_ci_high``), ``swing`` (``|effect_high -
        effect_low|``) and ``changes_conclusion``: whether the conclusion at
        either end differs from the conclusion at the defaults (see Notes).
    effect, effect_ci
        The effect under the default assumptions and its interval.
    metric
        The metric the effect is measured on.
    effect_of
        ``"mean"`` (one policy: the metric itself) or ``"difference"`` (two
        policies: the second minus the first, paired on common seeds).
    policies
        Label -> policy.
    runs
        Every run: ``label`` is ``"<policy> | default"`` or
        ``"<policy> | <parameter>=low|high"``.
    replications, seed
        What reproduces it.

    Notes
    -----
    With two policies a conclusion is ``"higher"`` when the difference's 95%
    interval lies above 0, ``"lower"`` when it lies below, else ``"no clear
    difference"``: an assumption changes the conclusion when, at one end of
    its range, the comparison says something else. With one policy it is
    whether an end's interval lies above, below or across the interval at
    the defaults.
    """

    table: pd.DataFrame
    effect: float
    effect_ci: tuple[float, float]
    metric: str
    effect_of: str
    policies: dict[str, ProgramPolicy]
    runs: pd.DataFrame
    replications: int
    seed: int

    def conclusion(self, low: float, high: float) -> str:
        """The verdict an interval ``[low, high]`` gives on the effect."""
        if self.effect_of == "difference":
            return _sign(low, high)
        default_low, default_high = self.effect_ci
        if low > default_high:
            return "higher than at the defaults"
        if high < default_low:
            return "lower than at the defaults"
        return "as at the defaults"


def sensitivity(
    policies: ProgramPolicy | Mapping[str, ProgramPolicy] | Sequence[ProgramPolicy],
    metric: str,
    *,
    replications: int = 30,
    behaviour: BehaviourModel | None = None,
    parameters: Sequence[str] | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
    scheduler: Any = None,
    progress: bool = False,
) -> SensitivityResult:
    """Move each assumption to the ends of its range, one at a time.

    Parameters
    ----------
    policies
        One policy (the effect is the metric's mean) or two (the effect is the
        second minus the first: does the comparison hold?).
    metric
        A metric of :func:`toolkit.simulation.run_once`.
    replications
        Runs per policy and assumption setting; every setting reuses the same
        seeds, so the ends are compared on the same teams.
    behaviour
        The defaults to start from; each variant changes one parameter to the
        ``low`` or ``high`` of :data:`toolkit.simulation.PARAMETERS`.
    parameters
        Names of the parameters to vary; all by default.
    seed, n_jobs, scheduler, progress
        As in :func:`toolkit.simulation.run_sweep`.

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, sensitivity
    >>> result = sensitivity(
    ...     ProgramPolicy(horizon_months=2), "evaluator_hours_per_month",
    ...     replications=3, parameters=["review_minutes", "friend_bias"], n_jobs=1,
    ... )
    >>> result.table["parameter"].iloc[0]  # review time moves review hours
    'review_minutes'
    >>> float(result.table["swing"].iloc[1])  # friend bias does not
    0.0
    """
    labelled = _labelled(policies)
    behaviour = BehaviourModel() if behaviour is None else behaviour
    if not isinstance(behaviour, BehaviourModel):
        raise TypeError(f"behaviour must be a BehaviourModel; got {behaviour!r}")
    rows = _parameters(parameters)
    variants = [(_DEFAULT, behaviour)] + [
        (f"{name}={side}", model)
        for name, side, model in behaviour.one_at_a_time()
        if name in rows
    ]

    points = [
        SweepPoint(f"{label}{_SEPARATOR}{variant}", policy, model)
        for variant, model in variants
        for label, policy in labelled.items()
    ]
    sweep = run_sweep(
        points,
        replications,
        seed=seed,
        n_jobs=n_jobs,
        scheduler=scheduler,
        progress=progress,
    )
    if sweep.skipped:
        label, reason = next(iter(sweep.skipped.items()))
        raise ToolkitError(f"{label!r} cannot run: {reason}")
    if metric not in sweep.runs.columns:
        known = ", ".join(sweep.metric_names)
        raise ToolkitError(f"unknown metric {metric!r}; the metrics are: {known}")

    effects = _effects(sweep.runs, labelled, metric).to_dict("index")
    default = effects[_DEFAULT]
    result = SensitivityResult(
        table=pd.DataFrame(),
        effect=float(default["effect"]),
        effect_ci=(float(default["ci_low"]), float(default["ci_high"])),
        metric=metric,
        effect_of="mean" if len(labelled) == 1 else "difference",
        policies=labelled,
        runs=sweep.runs,
        replications=sweep.replications,
        seed=sweep.seed,
    )
    table = _table(result, effects, rows, behaviour)
    return dataclasses.replace(result, table=table)


def _labelled(policies: Any) -> dict[str, ProgramPolicy]:
    if isinstance(policies, ProgramPolicy):
        return {"policy": policies}
    if isinstance(policies, Mapping):
        labelled = {str(label): policy for label, policy in policies.items()}
    elif isinstance(policies, Sequence) and not isinstance(policies, str):
        labelled = {f"policy {i + 1}": policy for i, policy in enumerate(policies)}
    else:
        raise TypeError("policies must be a ProgramPolicy, a dict of two or a list")
    if len(labelled) not in (1, 2):
        raise ToolkitError(
            f"sensitivity takes one policy or two to compare; got {len(labelled)}"
        )
    for label, policy in labelled.items():
        if not isinstance(policy, ProgramPolicy):
            raise TypeError(f"policy {label!r} must be a ProgramPolicy; got {policy!r}")
        if _SEPARATOR.strip() in label:
            raise ToolkitError(f"a policy label may not contain '|'; got {label!r}")
    return labelled


def _parameters(names: Sequence[str] | None) -> dict[str, Any]:
    rows = {row.name: row for row in PARAMETERS}
    if names is None:
        return rows
    if isinstance(names, str):
        names = [names]
    unknown = [name for name in names if name not in rows]
    if unknown:
        raise ToolkitError(
            f"unknown behaviour parameter(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(rows)}"
        )
    return {name: rows[name] for name in names}


def _effects(
    runs: pd.DataFrame, policies: dict[str, ProgramPolicy], metric: str
) -> pd.DataFrame:
    """Effect and interval per variant (index: ``default``, ``name=side``)."""
    parts = runs["label"].str.split(_SEPARATOR, n=1, regex=False)
    frame = runs[["replication", "seed", metric]].assign(
        policy=parts.str[0].astype(object), variant=parts.str[1].astype(object)
    )
    labels = list(policies)

    if len(labels) == 1:
        table = summarise(
            frame.rename(columns={"variant": "label"}).drop(columns="policy")
        )
        table = table.rename(columns={"label": "variant", "mean": "effect"})
        return table.set_index("variant")[["effect", "ci_low", "ci_high", "n"]]

    # two policies: the paired difference within each variant
    frame = frame.assign(label=frame["policy"]).drop(columns="policy")
    rows = []
    for variant, group in frame.groupby("variant", sort=False):
        diff = differences(group.drop(columns="variant"), labels[0], paired=True)
        rows.append(diff.assign(variant=variant))
    table = pd.concat(rows, ignore_index=True).rename(columns={"difference": "effect"})
    return table.set_index("variant")[["effect", "ci_low", "ci_high", "n"]]


def _table(
    result: SensitivityResult,
    effects: dict[Any, dict[Any, Any]],
    rows: dict[str, Any],
    behaviour: BehaviourModel,
) -> pd.DataFrame:
    records = []
    at_default = result.conclusion(*result.effect_ci)
    for name, row in rows.items():
        low, high = effects[f"{name}=low"], effects[f"{name}=high"]
        verdicts = {
            result.conclusion(float(low["ci_low"]), float(low["ci_high"])),
            result.conclusion(float(high["ci_low"]), float(high["ci_high"])),
        }
        records.append(
            {
                "parameter": name,
                "unit": row.unit,
                "source": row.source,
                "default": getattr(behaviour, name),
                "low": row.low,
                "high": row.high,
                "effect_low": float(low["effect"]),
                "effect_low_ci_low": float(low["ci_low"]),
                "effect_low_ci_high": float(low["ci_high"]),
                "effect_high": float(high["effect"]),
                "effect_high_ci_low": float(high["ci_low"]),
                "effect_high_ci_high": float(high["ci_high"]),
                "swing": abs(float(high["effect"]) - float(low["effect"])),
                "changes_conclusion": verdicts != {at_default},
            }
        )
    table = pd.DataFrame.from_records(records)
    order = np.argsort(-table["swing"].to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def _sign(low: float, high: float) -> str:
    if low > 0:
        return "higher"
    if high < 0:
        return "lower"
    return "no clear difference"
