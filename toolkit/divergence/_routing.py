"""Per call: who stands apart. Per rep: how often, which way, what to discuss.

Three steps on the one-row-per-call-and-criterion table: :func:`compare_calls`
says for each call whether peer, manager and AI agree or which one is the
outlier; :func:`summarise_reps` counts that per rep, criterion and period; and
:func:`build_agenda` applies the routing rule.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DIRECTIONS",
    "VERDICTS",
    "build_agenda",
    "compare_calls",
    "natural_key",
    "summarise_reps",
]

VERDICTS: tuple[str, ...] = (
    "all agree",
    "one outlier",
    "no clear outlier",
    "all differ",
    "incomplete",
)
DIRECTIONS: tuple[str, ...] = ("peer above manager", "peer below manager", "both ways")

# scores are compared with this slack, so that 0.1 + 0.2 is 0.3 levels
_SLACK = 1e-9
_KEYS = ["rep", "period", "criterion"]


def compare_calls(
    wide: pd.DataFrame, *, tolerance: float, threshold: float
) -> pd.DataFrame:
    """Verdict, outlier, signed gaps and routing of every call and criterion."""
    peer, manager, ai = (
        wide[r].to_numpy(dtype=float) for r in ("peer", "manager", "ai")
    )

    # which pairs agree within the tolerance (False when a score is missing)
    with np.errstate(invalid="ignore"):
        close = {
            "ai": np.abs(peer - manager) <= tolerance + _SLACK,
            "manager": np.abs(peer - ai) <= tolerance + _SLACK,
            "peer": np.abs(manager - ai) <= tolerance + _SLACK,
        }
    complete = ~np.isnan(np.column_stack([peer, manager, ai])).any(axis=1)
    n_close = sum(close.values())

    verdict = np.select(
        [~complete, n_close == 3, n_close == 1, n_close == 0],
        ["incomplete", "all agree", "one outlier", "all differ"],
        "no clear outlier",
    )
    # the outlier is the one source left out of the only agreeing pair
    outlier = np.full(len(wide), None, dtype=object)
    for source, pair_agrees in close.items():
        outlier[(verdict == "one outlier") & pair_agrees] = source

    gap = peer - manager
    calls = wide[["rep", "period", "call", "criterion", *("peer", "manager", "ai")]]
    return calls.assign(
        peer_minus_manager=gap,
        ai_minus_manager=ai - manager,
        peer_minus_ai=peer - ai,
        verdict=verdict.astype(object),
        outlier=pd.Series(outlier, index=wide.index, dtype=object),
        routed=np.nan_to_num(np.abs(gap), nan=0.0) > threshold + _SLACK,
    )


def summarise_reps(calls: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Per rep, criterion and period: agreement, outliers, direction, mean gaps."""
    gap = calls["peer_minus_manager"]
    ai_gap = calls["ai_minus_manager"]
    beyond = tolerance + _SLACK
    counts = pd.DataFrame(
        {
            "n_calls": gap.notna(),
            "n_all_agree": calls["verdict"] == "all agree",
            "n_peer_outlier": calls["outlier"] == "peer",
            "n_manager_outlier": calls["outlier"] == "manager",
            "n_ai_outlier": calls["outlier"] == "ai",
            "n_no_clear_outlier": calls["verdict"] == "no clear outlier",
            "n_all_differ": calls["verdict"] == "all differ",
            "n_peer_above": gap > beyond,
            "n_peer_below": gap < -beyond,
            "n_ai_above": ai_gap > beyond,
            "n_ai_below": ai_gap < -beyond,
            "n_routed": calls["routed"],
        }
    ).astype(int)
    frame = pd.concat([calls[_KEYS], counts, calls.filter(like="_minus_")], axis=1)

    grouped = frame.groupby(_KEYS, sort=False)
    summary = grouped[list(counts.columns)].sum()
    means = grouped[["peer_minus_manager", "ai_minus_manager", "peer_minus_ai"]].mean()
    summary = summary.join(means.add_prefix("mean_")).reset_index()
    return _sorted(summary, ["rep", "period", "criterion"])


def build_agenda(calls: pd.DataFrame) -> pd.DataFrame:
    """One agenda item per rep, period and criterion with a routed call."""
    routed = calls[calls["routed"]]
    columns = [
        *("rep", "period", "criterion", "calls", "n_calls"),
        *("peer_score", "manager_score", "ai_score", "gap", "direction"),
    ]
    if routed.empty:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})

    grouped = routed.groupby(_KEYS, sort=False)
    agenda = grouped.agg(
        calls=("call", lambda c: "; ".join(map(str, c))),
        n_calls=("call", "size"),
        peer_score=("peer", "mean"),
        manager_score=("manager", "mean"),
        ai_score=("ai", "mean"),
        gap=("peer_minus_manager", "mean"),
        above=("peer_minus_manager", lambda g: bool((g > 0).all())),
        below=("peer_minus_manager", lambda g: bool((g < 0).all())),
    ).reset_index()
    agenda["direction"] = np.select(
        [agenda["above"], agenda["below"]], list(DIRECTIONS[:2]), DIRECTIONS[2]
    ).astype(object)

    # largest gap first within each rep and period
    agenda["_size"] = -agenda["gap"].abs()
    agenda = _sorted(agenda, ["rep", "period", "_size", "criterion"])
    return agenda[columns]


def natural_key(values: pd.Series) -> pd.Series:
    """Sort key that puts ``rep_2`` before ``rep_10`` (digits as numbers)."""
    if pd.api.types.is_numeric_dtype(values):
        return values

    def split(text: Any) -> tuple[Any, ...]:
        parts = re.split(r"(\d+)", str(text))
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)

    return values.map(split)


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.sort_values(by, key=natural_key, kind="stable").reset_index(drop=True)
