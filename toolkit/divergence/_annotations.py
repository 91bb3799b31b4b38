"""Peers' agree / disagree verdicts on the AI score, checked against the manager.

A peer who disagrees with the AI score either caught a real AI error or did
not. The manager's score is the reference: a disagreement is *confirmed* when
the manager's score is off the AI score (beyond the tolerance) on the same
side as the peer's own score, and *unconfirmed* when the manager's score
matches the AI score. An agreement with an AI score the manager found off is
a *missed* AI error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.divergence._routing import natural_key

__all__ = ["AnnotationSummary", "summarise_annotations"]

_SLACK = 1e-9


@dataclass(frozen=True)
class AnnotationSummary:
    """Peers' verdicts on the AI score, per criterion and per peer.

    Attributes
    ----------
    by_criterion, by_peer
        One row per criterion (or per peer): ``n_annotated`` verdicts,
        ``n_disagree`` and ``share_disagree``; among disagreements with a
        manager score, ``n_confirmed`` (the manager's score is off the AI
        score on the peer's side) and ``n_unconfirmed`` (the manager's score
        matches the AI score), with ``share_confirmed``; ``n_missed``
        agreements with an AI score the manager found off.
    annotations
        One row per verdict: rep, period, call, criterion, ``rater`` (the
        peer who annotated), the levels ``peer`` (that peer's own score),
        ``manager`` and ``ai``, ``verdict``, and ``check`` (confirmed,
        unconfirmed, missed, agreed, or unchecked: no manager or AI score).
    """

    by_criterion: pd.DataFrame
    by_peer: pd.DataFrame
    annotations: pd.DataFrame


def summarise_annotations(
    annotations: pd.DataFrame, wide: pd.DataFrame, *, tolerance: float
) -> AnnotationSummary:
    """Check each verdict against the manager's score, then count them."""
    scores = wide[["call", "criterion", "manager", "ai"]]
    checked = annotations.merge(scores, on=["call", "criterion"], how="left")
    checked["check"] = _check(checked, tolerance)

    return AnnotationSummary(
        by_criterion=_count(checked, "criterion"),
        by_peer=_count(checked, "rater"),
        annotations=checked,
    )


def _check(checked: pd.DataFrame, tolerance: float) -> np.ndarray:
    ai = checked["ai"].to_numpy(dtype=float)
    manager = checked["manager"].to_numpy(dtype=float)
    peer = checked["peer"].to_numpy(dtype=float)
    disagree = (checked["verdict"] == "disagree").to_numpy()

    with np.errstate(invalid="ignore"):
        ai_off = np.abs(ai - manager) > tolerance + _SLACK
        same_side = np.sign(peer - ai) == np.sign(manager - ai)
    known = ~np.isnan(ai) & ~np.isnan(manager)
    return np.select(
        [~known, disagree & ai_off & same_side, disagree, ai_off],
        ["unchecked", "confirmed", "unconfirmed", "missed"],
        "agreed",
    ).astype(object)


def _count(checked: pd.DataFrame, by: str) -> pd.DataFrame:
    flags = pd.DataFrame(
        {
            "n_annotated": True,
            "n_disagree": checked["verdict"] == "disagree",
            "n_confirmed": checked["check"] == "confirmed",
            "n_unconfirmed": checked["check"] == "unconfirmed",
            "n_missed": checked["check"] == "missed",
        },
        index=checked.index,
    ).astype(int)
    counts = flags.groupby(checked[by].to_numpy()).sum()
    counts.index.name = "peer" if by == "rater" else by

    counts["share_disagree"] = counts["n_disagree"] / counts["n_annotated"]
    checked_disagree = counts["n_confirmed"] + counts["n_unconfirmed"]
    counts["share_confirmed"] = counts["n_confirmed"] / checked_disagree.where(
        checked_disagree > 0
    )
    counts = counts.reset_index()
    order = [counts.columns[0], "n_annotated", "n_disagree", "share_disagree"]
    rest = ["n_confirmed", "n_unconfirmed", "share_confirmed", "n_missed"]
    counts = counts.sort_values(counts.columns[0], key=natural_key, kind="stable")
    return counts[order + rest].reset_index(drop=True)
