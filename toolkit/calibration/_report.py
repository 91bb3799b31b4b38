"""calibration_report: the steps from a ratings table to a CalibrationReport."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit import __version__, agreement
from toolkit.calibration._calls import (
    CALL_COLUMNS,
    SCALE_USE_COLUMNS,
    call_rows,
    scale_use_rows,
)
from toolkit.calibration._guide import (
    calls_needed_for,
    too_few_calls,
    too_many_criteria,
)
from toolkit.calibration._input import Prepared, prepare
from toolkit.calibration._options import (
    as_table,
    check_fraction,
    check_number,
    check_thresholds,
    check_whole,
    seed_of,
)
from toolkit.calibration._raters import rater_frame, rater_rows, without
from toolkit.calibration._result import CalibrationReport
from toolkit.calibration._verdict import (
    BAND_COLUMNS,
    Choice,
    assess,
    choose,
    point_estimate,
)
from toolkit.errors import GuideWarning
from toolkit.ratings import CriterionRatings, RatingsTable

__all__ = ["calibration_report"]

_ASSESSED = (
    "coefficient",
    "variant",
    "estimate",
    "ci_low",
    "ci_high",
    "standard_error",
    "n_calls",
    "n_raters",
    *BAND_COLUMNS.values(),
    "verdict",
    "reason",
)
CRITERIA_COLUMNS: tuple[str, ...] = (
    "criterion",
    "scale",
    "levels",
    *_ASSESSED,
    "bootstrap_shift",
    "n_undefined_resamples",
    "estimate_without_flagged",
    "n_rounds",
    "last_ready_round",
    "calls_needed",
)
ROUND_COLUMNS: tuple[str, ...] = ("criterion", "round", *_ASSESSED, "change")


def calibration_report(
    table: RatingsTable | pd.DataFrame,
    *,
    coefficient: str | None = None,
    coefficient_options: Mapping[str, Any] | None = None,
    thresholds: tuple[float, float] = (0.667, 0.800),
    level: float = 0.95,
    n_resamples: int = 2000,
    rng: int | np.random.Generator | None = None,
    leniency_threshold: float = 0.5,
    rounds: str | None = "auto",
    target_half_width: float | None = 0.1,
    planning_simulations: int = 500,
) -> CalibrationReport:
    """Read a calibration round: verdict per criterion, raters, disputed calls.

    Parameters
    ----------
    table
        A :class:`~toolkit.ratings.RatingsTable`, or a long DataFrame it
        is built from (one row per score: call, criterion, rater, score;
        optionally round or date). It is not modified.
    coefficient
        The coefficient verdicts rest on. ``None``: Krippendorff's alpha
        with the metric of each criterion's scale. A name from
        :func:`toolkit.agreement.coefficient_names` gets the options
        :func:`~toolkit.agreement.default_coefficients` gives it for the
        scale (e.g. ordinal weights for ``"gwet_ac2"``).
    coefficient_options
        Options passed to the coefficient on top of those.
    thresholds
        Lower ends of the *tentative* and *ready* bands (Krippendorff's
        0.667 and 0.800).
    level
        Confidence level of every interval.
    n_resamples
        Bootstrap resamples of the calls per criterion and round, at least
        100; they give the intervals and the band probabilities.
    rng
        Seed or generator; the report records the seed it used.
    leniency_threshold
        A rater is flagged lenient (severe) on a criterion when the interval
        of their mean offset lies above (below) 0 and the offset is at least
        this far from 0: levels on an ordinal scale, points on an interval
        one.
    rounds
        ``"auto"``: rounds from the ``round`` column, else one per day of
        the ``date`` column, else none. ``"round"`` or ``"date"`` to choose;
        ``None`` reads the table as one round.
    target_half_width
        The interval half-width a verdict needs, for the planning check (see
        Warns); ``None`` skips the check.
    planning_simulations
        Simulated rounds per round size in that check.

    Returns
    -------
    CalibrationReport

    Raises
    ------
    RatingsError
        Everything :meth:`RatingsTable.from_long` refuses; a blank round or
        an unreadable date (the rows are named).
    ValueError, TypeError
        An unknown coefficient or option out of range.

    Warns
    -----
    GuideWarning
        When a round scores more than three criteria, and when a round has
        fewer calls than :func:`toolkit.planning.calls_needed` gives for an
        interval half-width of ``target_half_width`` at the criterion's
        observed (pooled) coefficient, with its raters, levels (2 to 20) and
        share of missing scores (the coefficient clipped to 0.05-0.95, as
        planning needs). The messages are also in ``notes``.

    Notes
    -----
    **Verdict.** *ready* when the estimate is at least the upper threshold,
    *tentative* from the lower one up, *needs a sharper definition* below it
    — unless the interval reaches all three bands (its low end below the
    lower threshold and its high end at or above the upper one): then *too
    few calls to tell*, as also when no interval could be computed.
    *undefined* when the coefficient is (every score at one level, no call
    scored twice); ``reason`` says why. The planning check does not change
    the verdict; it warns and fills ``calls_needed``.

    **Band probabilities** are the shares of the bootstrap distribution (calls
    resampled with replacement, raters fixed, the seeded
    :func:`toolkit.agreement.bootstrap`) in each band, read as an approximate
    posterior of the coefficient: the bootstrap distribution approximates
    the posterior under a non-informative prior (Rubin 1981; Hastie,
    Tibshirani & Friedman 2009, section 8.4). Limits: with few calls the
    distribution is lumpy and leans low (a call drawn twice lowers alpha's
    expected disagreement; ``bootstrap_shift`` shows by how much), so the
    lower bands get somewhat more than their share; raters are taken as
    fixed, so the uncertainty of who happened to rate is left out;
    resamples where the coefficient is undefined are left out and counted.
    The interval is the percentile interval of the same distribution, so it
    can differ from the analytic interval of
    :func:`~toolkit.agreement.agreement_summary`.

    **Leniency.** A rater's offset on a call is their score minus the mean of
    the other raters' scores of that call; the report gives its mean over
    the calls they scored, with a t interval over those calls (calls taken
    as independent). Nominal scales have no offset.

    **Disagreement of a call**: the mean absolute difference over pairs of
    its scores (levels on an ordinal scale, points on an interval one); on a
    nominal scale, the share of pairs that differ.

    **Pooling.** With rounds, ``criteria`` is computed on every round's calls
    together; ``rounds`` gives each round on its own, with ``change`` from
    the criterion's previous round, and ``last_ready_round`` is the last
    round whose verdict was *ready*. Round labels are text, in number order
    when they all read as numbers, else in order of first appearance; dates
    are read as days, in date order. The ratings table keys a score by call,
    criterion and rater, so calls of different rounds need different ids
    (e.g. ``r2-c01``): the same id scored again with another score is
    refused, with the same score kept once.

    **Randomness.** Criterion ``i`` (in table order) is resampled with the
    stream ``numpy.random.SeedSequence(seed, spawn_key=(0, i))``, its round
    ``j`` with ``(1, i, j)`` and its planning check with ``(2, i)``; so
    adding a round or a criterion leaves the other resamples unchanged.

    **Bad input** is never dropped silently: calls scored by one rater and
    raters left with no call scored by someone else are left out, raters who
    scored other criteria but not this one are named, call ids repeated in
    several rounds are noted — all in ``notes``. A score off a criterion's
    scale, or mixed numbers and labels, is refused when the table is built
    (one scale per criterion, rows named).

    References
    ----------
    Krippendorff, K. (2004). Content Analysis, 2nd ed., p. 241 (0.800 and
    0.667). Rubin, D. B. (1981). The Bayesian bootstrap. Annals of
    Statistics 9(1), 130-134. Hastie, T., Tibshirani, R. & Friedman, J.
    (2009). The Elements of Statistical Learning, 2nd ed., section 8.4.

    Examples
    --------
    Six calls, three raters; ben scores a level above the others, and on call
    c6 the three disagree most:

    >>> import pandas as pd
    >>> scores = {"ana": [1, 2, 3, 4, 2, 3], "ben": [2, 3, 4, 5, 3, 4],
    ...           "cy": [1, 2, 3, 4, 2, 1]}
    >>> long = pd.DataFrame(
    ...     [(f"c{i + 1}", "close", rater, s)
    ...      for rater, column in scores.items() for i, s in enumerate(column)],
    ...     columns=["call", "criterion", "rater", "score"])
    >>> report = calibration_report(long, rng=1, target_half_width=None)
    >>> raters = report.raters.set_index("rater")
    >>> print(round(raters.loc["ben", "offset"], 2), raters.loc["ben", "flag"])
    1.17 lenient
    >>> report.calls["call"].head(2).tolist()
    ['c6', 'c1']
    """
    table = as_table(table)
    thresholds = check_thresholds(thresholds)
    level = check_fraction("level", level)
    check_whole("n_resamples", n_resamples, 100)
    check_whole("planning_simulations", planning_simulations, 100)
    check_number("leniency_threshold", leniency_threshold, 0)
    if target_half_width is not None:
        check_number("target_half_width", target_half_width, 0, strict=True)
    if coefficient is not None and coefficient not in agreement.coefficient_names():
        raise ValueError(
            f"coefficient={coefficient!r} is not known; use one of "
            f"{', '.join(agreement.coefficient_names())}, or None for alpha"
        )
    seed = seed_of(rng)

    prepared = prepare(table, rounds=rounds)
    guide = too_many_criteria(prepared)
    criteria, raters, calls, use, per_round = [], [], [], [], []
    notes = list(prepared.notes)
    options = {"thresholds": thresholds, "level": level, "n_resamples": n_resamples}
    for i, criterion in enumerate(table.criteria):
        ratings = prepared.pooled[criterion]
        choice = choose(ratings, coefficient, coefficient_options)
        row = _criterion_row(ratings, choice, seed=seed, index=i, **options)
        rows = rater_rows(
            ratings,
            choice,
            estimate=row["estimate"],
            level=level,
            leniency_threshold=leniency_threshold,
        )
        row["estimate_without_flagged"] = _without_flagged(ratings, choice, rows, level)
        round_rows = _round_rows(prepared, criterion, choice, seed, i, options)
        row.update(_rounds_summary(prepared, round_rows))
        row["calls_needed"] = math.nan
        if target_half_width is not None:
            stream = np.random.SeedSequence(seed, spawn_key=(2, i))
            row["calls_needed"], short = _planning(
                prepared,
                ratings,
                row,
                target_half_width,
                level=level,
                n_simulations=planning_simulations,
                seed=stream,
            )
            guide.extend(short)
        counts, note = scale_use_rows(ratings)
        notes.extend([note] if note else [])
        criteria.append(row)
        raters.extend(rows)
        calls.extend(call_rows(ratings))
        use.extend(counts)
        per_round.extend(round_rows)

    for message in guide:
        warnings.warn(message, GuideWarning, stacklevel=2)
    return CalibrationReport(
        criteria=_with_none(pd.DataFrame(criteria, columns=list(CRITERIA_COLUMNS))),
        raters=rater_frame(raters),
        calls=_with_none(pd.DataFrame(calls, columns=list(CALL_COLUMNS))),
        scale_use=pd.DataFrame(use, columns=list(SCALE_USE_COLUMNS)),
        rounds=_with_none(pd.DataFrame(per_round, columns=list(ROUND_COLUMNS))),
        notes=(*notes, *guide),
        options={
            **options,
            "coefficient": coefficient,
            "coefficient_options": dict(coefficient_options or {}),
            "leniency_threshold": leniency_threshold,
            "rounds": prepared.rounds_by,
            "target_half_width": target_half_width,
            "planning_simulations": planning_simulations,
        },
        seed=seed,
        toolkit_version=__version__,
    )


def _with_none(frame: pd.DataFrame) -> pd.DataFrame:
    """None, not NaN, for a missing label (round, last ready round)."""
    for column in ("round", "last_ready_round"):
        if column in frame.columns:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def _criterion_row(
    ratings: CriterionRatings, choice: Choice, *, seed: int, index: int, **options
) -> dict[str, Any]:
    levels = ratings.scale.levels
    return {
        "criterion": ratings.criterion,
        "scale": ratings.scale.kind,
        "levels": " | ".join(map(str, levels)) if levels is not None else "",
        **assess(
            ratings,
            choice,
            seed=np.random.SeedSequence(seed, spawn_key=(0, index)),
            **options,
        ),
    }


def _without_flagged(
    ratings: CriterionRatings, choice: Choice, rows: list[dict], level: float
) -> float:
    flagged = [row["rater"] for row in rows if row["flag"] is not None]
    if not flagged or ratings.n_raters - len(flagged) < 2:
        return math.nan
    return point_estimate(without(ratings, flagged), choice, level)


def _round_rows(
    prepared: Prepared,
    criterion: str,
    choice: Choice,
    seed: int,
    index: int,
    options: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each round of a criterion on its own, with the change between rounds."""
    rows: list[dict[str, Any]] = []
    if prepared.rounds_by is None:
        return rows
    for j, label in enumerate(prepared.rounds):
        ratings = prepared.by_round.get((criterion, label))
        if ratings is None:
            continue
        stream = np.random.SeedSequence(seed, spawn_key=(1, index, j))
        row = {"criterion": criterion, "round": label}
        row.update(assess(ratings, choice, seed=stream, **options))
        previous = rows[-1]["estimate"] if rows else math.nan
        row["change"] = row["estimate"] - previous
        rows.append(row)
    return rows


def _rounds_summary(prepared: Prepared, rows: list[dict]) -> dict[str, Any]:
    ready = [row["round"] for row in rows if row["verdict"] == "ready"]
    return {
        "n_rounds": len(rows) if prepared.rounds_by is not None else 1,
        "last_ready_round": ready[-1] if ready else None,
    }


def _planning(
    prepared: Prepared,
    ratings: CriterionRatings,
    row: dict[str, Any],
    target_half_width: float,
    *,
    level: float,
    n_simulations: int,
    seed: np.random.SeedSequence,
) -> tuple[float, list[str]]:
    """Calls the criterion's verdict needs, and a message for short rounds."""
    needed = calls_needed_for(
        ratings,
        row["estimate"],
        target_half_width=target_half_width,
        level=level,
        n_simulations=n_simulations,
        seed=seed,
    )
    if math.isnan(needed):
        return needed, []
    if prepared.rounds_by is None:
        sizes = [(None, ratings.n_calls)]
    else:
        sizes = [
            (label, prepared.by_round[(ratings.criterion, label)].n_calls)
            for label in prepared.rounds
            if (ratings.criterion, label) in prepared.by_round
        ]
    short = [(label, n) for label, n in sizes if n < needed]
    if not short:
        return needed, []
    message = too_few_calls(
        ratings.criterion,
        short,
        needed,
        estimate=row["estimate"],
        coefficient=row["coefficient"],
        ratings=ratings,
        target_half_width=target_half_width,
        level=level,
    )
    return needed, [message]
