"""The divergence report: calls compared, reps summarised, agenda, AI anchor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from toolkit.divergence._anchor import AnchorQuality, anchor_quality
from toolkit.divergence._annotations import AnnotationSummary, summarise_annotations
from toolkit.divergence._input import LevelsSpec, prepare_scores
from toolkit.divergence._routing import (
    build_agenda,
    compare_calls,
    natural_key,
    summarise_reps,
)
from toolkit.ratings import RatingsTable

__all__ = ["DivergenceReport", "divergence_report"]


@dataclass(frozen=True)
class DivergenceReport:
    """Peer, manager and AI scores compared, and what goes to coaching.

    Attributes
    ----------
    calls
        One row per call and criterion: rep, period, call, criterion, the
        ``peer``, ``manager`` and ``ai`` levels (NaN when missing; the mean
        when a role scored twice), the signed gaps ``peer_minus_manager``,
        ``ai_minus_manager`` and ``peer_minus_ai``, the ``verdict`` (one of
        :data:`VERDICTS`), the ``outlier`` (peer, manager, ai or None) and
        ``routed`` (the peer-manager gap exceeds the threshold).
    summary
        One row per rep, period and criterion: ``n_calls`` with both peer and
        manager scores; counts of each verdict and outlier; ``n_peer_above``
        and ``n_peer_below`` (peer vs manager beyond the tolerance),
        ``n_ai_above`` and ``n_ai_below`` (AI vs manager); ``n_routed``; and
        the mean signed gaps ``mean_peer_minus_manager``,
        ``mean_ai_minus_manager`` and ``mean_peer_minus_ai``.
    agenda
        One item per rep, period and criterion with a routed call: the
        ``calls`` (joined by "; ") and ``n_calls``, the mean ``peer_score``,
        ``manager_score`` and ``ai_score`` over those calls, the mean ``gap``
        (peer minus manager) and its ``direction`` (one of
        :data:`DIRECTIONS`). Sorted by rep, period and largest gap first.
    anchor
        The AI score's agreement with the manager's, with bias and drift
        flags.
    annotations
        Peers' agree / disagree verdicts on the AI score, or ``None`` when the
        table has no ``ai_verdict`` column.
    notes
        What was left out or combined, and why, in words a lead can read.
    threshold, tolerance, period
        The options the report was made with.
    """

    calls: pd.DataFrame
    summary: pd.DataFrame
    agenda: pd.DataFrame
    anchor: AnchorQuality
    annotations: AnnotationSummary | None
    notes: tuple[str, ...]
    threshold: float
    tolerance: float
    period: str | None

    def agenda_for(self, rep: str) -> pd.DataFrame:
        """The agenda items of one rep (empty when nothing was routed)."""
        return self.agenda[self.agenda["rep"] == rep].reset_index(drop=True)


def divergence_report(
    data: RatingsTable | pd.DataFrame,
    *,
    threshold: float = 1,
    tolerance: float = 0,
    period: str | None = "month",
    columns: Mapping[str, str] | None = None,
    roles: Mapping[str, str] | None = None,
    levels: LevelsSpec = None,
    bias_threshold: float = 0.5,
    drift_threshold: float = 0.2,
    level: float = 0.95,
) -> DivergenceReport:
    """Compare peer, manager and AI scores of the same calls; route divergence.

    Parameters
    ----------
    data
        Long table, one row per score, with columns ``call``, ``criterion``,
        ``role`` (peer, manager or ai), ``rep`` (whose call) and ``score``;
        optionally ``rater`` (who scored; without it the role is the rater),
        ``date``, ``comment`` and ``ai_verdict`` (a peer's ``agree`` or
        ``disagree`` with the AI score on that call and criterion). A
        DataFrame (not modified), or a :class:`~toolkit.ratings.RatingsTable`
        such as :func:`read_scores` returns.
    threshold
        Routing rule: a call whose peer and manager scores differ by more
        than this many levels puts the criterion on the rep's agenda. The
        practitioner guide's rule is 1.
    tolerance
        Two scores at most this many levels apart agree. The default 0 asks
        for the same level; 1 lets neighbouring levels agree.
    period
        ``"month"`` (default), ``"week"``, ``"quarter"`` or ``"year"``: the
        summaries, agenda and anchor are per period of the call's date.
        ``None``, or a table without a date column, gives one period
        ``"all"``.
    columns
        Canonical name -> your column's name, e.g. ``{"role": "source",
        "ai_verdict": "verdict"}``. A RatingsTable already has canonical call,
        criterion, rater and score columns; only its other columns are mapped.
    roles
        Your role names -> peer, manager or ai, e.g. ``{"coach": "manager"}``.
        Roles are read without regard to case or surrounding spaces.
    levels
        Declared levels, lowest first, for every criterion or per criterion;
        needed when scores are labels rather than numbers. A RatingsTable
        keeps the levels it was built with.
    bias_threshold
        The AI is flagged as biased on a criterion when the interval of its
        mean bias against the manager excludes 0 and the bias is at least
        this many levels.
    drift_threshold
        The AI is flagged as drifting when its share of calls within one
        level of the manager falls by more than this from one period to the
        next.
    level
        Confidence level of the intervals.

    Returns
    -------
    DivergenceReport

    Raises
    ------
    RatingsError
        A missing role or rep column; a row with a blank role or rep, or a
        role other than peer, manager or ai; a call shared by several reps;
        a date that cannot be read, or a call with no date; an ai_verdict
        other than agree or disagree; labels whose order is unknown; and
        everything :meth:`RatingsTable.from_long` refuses. Rows are named.
    ValueError, TypeError
        For an option outside its range or of the wrong type.

    Notes
    -----
    Treatments the report states in ``notes`` rather than refusing:

    - a manager score with no peer score (or the reverse) on a call and
      criterion is left out of routing; a call with no AI score is
      ``incomplete`` in the three-way comparison and left out of the anchor;
    - several scores of one role on a call and criterion (two peers reviewed
      the call) are averaged, so the peer level may be 3.5;
    - an ai_verdict on a manager or AI row is left out.

    Verdicts (per call and criterion, all three scores present): *all agree*
    when every pair is within the tolerance; *one outlier* when exactly one
    pair agrees, and the third source is the outlier; *all differ* when no
    pair agrees; *no clear outlier* when two pairs agree but not the third
    (only possible with a tolerance of 1 or more, e.g. 2, 3, 4).

    A call's period is that of its earliest date (the call happened before
    anyone scored it). The anchor's intervals assume calls are independent;
    several calls by one rep are not modelled. With few calls per period the
    within-one share is noisy, so a drift flag on a handful of calls is a
    prompt to look, not a verdict.

    Examples
    --------
    Four calls on one criterion; ana's peer scored c1 three levels above the
    manager, and ben's peer scored c3 two levels below:

    >>> import pandas as pd
    >>> scores = {"c1": (5, 2, 2), "c2": (3, 3, 3), "c3": (2, 4, 5),
    ...           "c4": (4, 4, 2)}
    >>> rows = [(call, "ana" if call < "c3" else "ben", role, "close", s)
    ...         for call, three in scores.items()
    ...         for role, s in zip(("peer", "manager", "ai"), three)]
    >>> table = pd.DataFrame(rows, columns=["call", "rep", "role",
    ...                                     "criterion", "score"])
    >>> report = divergence_report(table)
    >>> report.calls[["call", "verdict", "outlier"]].to_numpy().tolist()
    [['c1', 'one outlier', 'peer'], ['c2', 'all agree', None],
     ['c3', 'all differ', None], ['c4', 'one outlier', 'ai']]
    >>> report.agenda[["rep", "calls", "gap", "direction"]].to_numpy().tolist()
    [['ana', 'c1', 3.0, 'peer above manager'],
     ['ben', 'c3', -2.0, 'peer below manager']]
    >>> report.notes
    ("the table has no date column, so the whole table is one period ('all')",)
    """
    threshold = _check_number("threshold", threshold)
    tolerance = _check_number("tolerance", tolerance)
    bias_threshold = _check_number("bias_threshold", bias_threshold)
    drift_threshold = _check_number("drift_threshold", drift_threshold)
    if isinstance(level, bool) or not isinstance(level, int | float):
        raise TypeError(f"level={level!r} is not a number; pass e.g. level=0.95")
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} must be between 0 and 1, e.g. 0.95")
    scores = prepare_scores(
        data, columns=columns, roles=roles, levels=levels, period=period
    )

    calls = compare_calls(scores.wide, tolerance=tolerance, threshold=threshold)
    calls = calls.sort_values(
        ["rep", "period"], key=natural_key, kind="stable"
    ).reset_index(drop=True)

    annotations = None
    if scores.annotations is not None:
        annotations = summarise_annotations(
            scores.annotations, scores.wide, tolerance=tolerance
        )
    return DivergenceReport(
        calls=calls,
        summary=summarise_reps(calls, tolerance=tolerance),
        agenda=build_agenda(calls),
        anchor=anchor_quality(
            scores.wide,
            levels=scores.levels,
            level=level,
            bias_threshold=bias_threshold,
            drift_threshold=drift_threshold,
        ),
        annotations=annotations,
        notes=scores.notes,
        threshold=threshold,
        tolerance=tolerance,
        period=period,
    )


def _check_number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name}={value!r} is not a number; pass a number of levels, e.g. {name}=1"
        )
    if not value >= 0:
        raise ValueError(f"{name}={value!r} must be a number, 0 or more")
    return float(value)
