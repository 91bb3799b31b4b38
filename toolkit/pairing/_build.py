"""Building a schedule's tables: periods, pools and the tidy frame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.pairing._pool import Pool

__all__ = ["frame", "period_name", "periods", "pool_rows", "pools"]


def periods(n_periods: int, start: Any, freq: str) -> pd.DataFrame:
    numbers = np.arange(1, n_periods + 1)
    if start is None:
        return pd.DataFrame(
            {
                "period": numbers,
                "label": [str(n) for n in numbers],
                "start": pd.NaT,
                "end": pd.NaT,
            }
        )
    try:
        first = pd.Period(start, freq=freq)
    except (ValueError, TypeError) as exc:
        raise ToolkitError(
            f"start {start!r} with freq {freq!r} is not a period ({exc}); give "
            "e.g. start='2025-01' with freq='M'"
        ) from None
    spans = pd.period_range(first, periods=n_periods, freq=first.freq)
    return pd.DataFrame(
        {
            "period": numbers,
            "label": [str(p) for p in spans],
            "start": spans.start_time.normalize(),
            "end": spans.end_time.normalize(),
        }
    )


def period_name(periods: pd.DataFrame, index: int) -> str:
    row = periods.iloc[index]
    label = f" ({row['label']})" if pd.notna(row["start"]) else ""
    return f"period {row['period']}{label}"


def pools(
    team: pd.DataFrame, pairs: pd.DataFrame, block_names: list[str]
) -> list[Pool]:
    position = {name: i for i, name in enumerate(team["rep"])}
    a = pairs["rep_a"].map(position).to_numpy(dtype=np.int64)
    b = pairs["rep_b"].map(position).to_numpy(dtype=np.int64)
    friendly = pairs["reason"].str.lower().str.contains("friend").to_numpy(bool)

    pools = []
    for name, members in team.groupby("sub_team", sort=False):
        index = members.index.to_numpy()
        local = np.full(len(team), -1)
        local[index] = np.arange(len(index))
        inside = (local[a] >= 0) & (local[b] >= 0)
        conflict = np.zeros((len(index), len(index)), dtype=bool)
        friend = np.zeros_like(conflict)
        for matrix, keep in ((conflict, inside), (friend, inside & friendly)):
            matrix[local[a[keep]], local[b[keep]]] = True
            matrix[local[b[keep]], local[a[keep]]] = True
        pools.append(
            Pool(
                name=str(name),
                members=members["rep"].tolist(),
                conflict=conflict,
                friend=friend,
                block_names=block_names,
            )
        )
    return pools


def pool_rows(pool: Pool, blocks: np.ndarray, n_periods: int, every: int) -> dict:
    """Flat columns of one pool: period-major, then rep, then reviewer."""
    cadence, m = blocks.shape[1], blocks.shape[2]
    per_period = blocks[np.arange(n_periods) // every].transpose(0, 2, 1)
    names = np.asarray(pool.members, dtype=object)
    shape = (n_periods, m, cadence)
    return {
        "period": np.broadcast_to(np.arange(1, n_periods + 1)[:, None, None], shape),
        "sub_team": np.full(shape, pool.name, dtype=object),
        "reviewer": names[per_period],
        "rep": np.broadcast_to(names[None, :, None], shape),
    }


def frame(parts: list[dict], periods: pd.DataFrame) -> pd.DataFrame:
    columns = {
        key: np.concatenate([part[key].ravel() for part in parts])
        for key in ("period", "sub_team", "reviewer", "rep")
    }
    frame = pd.DataFrame(columns)
    # period-major across pools; pools keep their order and reps theirs
    pool_rank = np.concatenate(
        [np.full(part["period"].size, k) for k, part in enumerate(parts)]
    )
    order = np.lexsort((np.arange(len(frame)), pool_rank, columns["period"]))
    frame = frame.iloc[order].reset_index(drop=True)
    if periods["start"].notna().all():
        spans = periods.set_index("period")
        frame.insert(1, "start", spans["start"].reindex(frame["period"]).to_numpy())
        frame.insert(2, "end", spans["end"].reindex(frame["period"]).to_numpy())
    return frame
