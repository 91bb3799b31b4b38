"""Checks on peer, manager and AI scores that name the rows they refuse.

Rows are numbered as the long table's index says: ``row`` counted from 1 for a
DataFrame, ``line`` of the file (the header is line 1) for a CSV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import RatingsError

__all__ = [
    "MAX_LISTED",
    "ROLES",
    "blank",
    "check_reps",
    "check_roles",
    "precheck",
    "require",
    "where",
]

ROLES: tuple[str, ...] = ("peer", "manager", "ai")
MAX_LISTED = 5


def require(names: Mapping[str, str], header: Sequence[Any], needed: Any) -> None:
    """Refuse a table without the ``needed`` columns (canonical names)."""
    missing = [names[name] for name in needed if names[name] not in header]
    if missing:
        raise RatingsError(
            f"divergence needs column(s) {', '.join(map(repr, missing))}, which "
            f"the table does not have (it has {', '.join(map(repr, header))}); "
            "add them or map yours, e.g. columns={'role': 'source'} "
            "(CLI: --role-column, --rep-column)"
        )


def where(index: pd.Index) -> str:
    """``row 4`` / ``lines 5, 6``: rows of a table, or lines of a CSV file."""
    word = index.name if index.name in ("row", "line") else "row"
    shown = ", ".join(str(i) for i in list(index)[:MAX_LISTED])
    more = len(index) - MAX_LISTED
    plural = "s" if len(index) > 1 else ""
    return f"{word}{plural} {shown}" + (f" and {more} more" if more > 0 else "")


def blank(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or only spaces."""
    text = values.astype(object).map(lambda v: str(v).strip())
    return (values.isna() | (text == "")).to_numpy()


def precheck(raw: pd.DataFrame, names: Mapping[str, str]) -> None:
    """Roles present, and several scores of one role told apart by a rater."""
    require(names, list(raw.columns), ("role", "rep"))
    empty = blank(raw[names["role"]])
    if empty.any():
        _blank_role(raw.index[empty], names["role"])
    needed = [names[c] for c in ("call", "score")]
    if names["rater"] in raw.columns or not set(needed) <= set(raw.columns):
        return  # the ratings table checks repeats by rater, or a column is missing

    # without a rater column, two peer scores of one call look like one rater
    scored = raw[~blank(raw[names["score"]])]
    criterion = names["criterion"]
    keys = pd.DataFrame(
        {
            "call": scored[names["call"]].map(lambda v: str(v).strip()),
            "criterion": (
                scored[criterion].map(lambda v: str(v).strip())
                if criterion in raw.columns
                else ""
            ),
            "role": scored[names["role"]].map(lambda v: str(v).strip().casefold()),
        },
        index=scored.index,
    )
    repeated = keys.duplicated(keep=False).to_numpy()
    if repeated.any():
        call, name, role = keys[repeated].iloc[0]
        same = (keys["call"] == call) & (keys["criterion"] == name)
        rows = keys.index[(same & (keys["role"] == role)).to_numpy()]
        on = f" on criterion {name!r}" if name else ""
        raise RatingsError(
            f"{where(rows)}: call {call!r} has {len(rows)} {role} scores{on}, "
            "and without a rater column they cannot be told apart; add a rater "
            "column (several peers' scores of one call are then averaged) or "
            "remove the extra row(s)"
        )


def _blank_role(rows: pd.Index, column: str) -> None:
    raise RatingsError(
        f"{where(rows)}: column {column!r} is blank; every score needs its "
        f"role ({', '.join(ROLES)}) to be compared. Fill it in or remove the "
        "row(s)"
    )


def check_roles(long: pd.DataFrame, roles: Mapping[str, str] | None) -> pd.Series:
    """Roles in lower case, mapped through ``roles``; refuse anything else."""
    empty = blank(long["role"])
    if empty.any():
        _blank_role(long.index[empty], "role")
    mapping = {str(k).strip().casefold(): v for k, v in (roles or {}).items()}
    bad_targets = sorted({v for v in mapping.values() if v not in ROLES})
    if bad_targets:
        raise ValueError(
            f"roles maps to {', '.join(map(repr, bad_targets))}; map each of "
            f"your role names to one of {', '.join(ROLES)}"
        )

    folded = long["role"].map(lambda v: str(v).strip().casefold())
    role = folded.map(lambda v: mapping.get(v, v))
    unknown = ~role.isin(ROLES).to_numpy()
    if unknown.any():
        seen = ", ".join(map(repr, pd.unique(long["role"][unknown])[:MAX_LISTED]))
        raise RatingsError(
            f"{where(long.index[unknown])}: role {seen} is not one of "
            f"{', '.join(ROLES)}; correct the row(s) or map your names, e.g. "
            "roles={'coach': 'manager'}"
        )
    return role.astype(object)


def check_reps(long: pd.DataFrame) -> None:
    empty = blank(long["rep"])
    if empty.any():
        raise RatingsError(
            f"{where(long.index[empty])}: column 'rep' is blank; every score "
            "needs the rep whose call it is. Fill it in or remove the row(s)"
        )
    reps = long.groupby("call", sort=False)["rep"].nunique()
    shared = reps[reps > 1]
    if len(shared):
        call = shared.index[0]
        rows = long.index[(long["call"] == call).to_numpy()]
        found = ", ".join(map(repr, pd.unique(long.loc[rows, "rep"])))
        raise RatingsError(
            f"{where(rows)}: call {call!r} belongs to several reps ({found}); "
            f"a call is one rep's. Correct the rep or give the calls distinct "
            f"names ({len(shared)} such call(s) in all)"
        )
