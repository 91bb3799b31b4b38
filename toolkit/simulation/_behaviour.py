"""What the simulation assumes about people: time, compliance, bias, learning."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from toolkit.errors import ToolkitError
from toolkit.simulation._records import check_keys, check_number, field_names

__all__ = ["PARAMETERS", "BehaviourModel", "Parameter"]

_OWNER = "BehaviourModel"
ASSUMPTION = "assumption"

#: Claims of the practitioner guide that the defaults are chosen to show.
SLOW = "feedback below 2 a month moves little"
BURDEN = "compliance drops above 4 reviews a month"
LAG = "behaviour change visible in QA scores after 60-90 days"


@dataclass(frozen=True)
class Parameter:
    """One behaviour assumption: its default, unit, range and source.

    ``low`` and ``high`` are the range of a one-at-a-time sensitivity
    analysis (plausible values, not limits); ``bounds`` are the values the
    model accepts at all. ``source`` is ``"assumption"`` or starts with
    ``"guide:"``; ``claim`` names the guide claim the default serves, if any.
    """

    name: str
    default: float
    unit: str
    low: float
    high: float
    source: str
    description: str
    claim: str = ""
    bounds: tuple[float, float] = (0.0, np.inf)


def _param(
    default: float,
    unit: str,
    low: float,
    high: float,
    description: str,
    *,
    source: str = ASSUMPTION,
    claim: str = "",
    bounds: tuple[float, float] = (0.0, np.inf),
) -> Any:
    meta = {
        "unit": unit,
        "low": low,
        "high": high,
        "source": source,
        "description": description,
        "claim": claim,
        "bounds": bounds,
    }
    return field(default=default, metadata=meta)


_SHARE = (0.0, 1.0)


@dataclass(frozen=True, kw_only=True)
class BehaviourModel:
    """Every assumption the program simulation makes about people.

    Each field is a named assumption with a default, a unit and a range for
    one-at-a-time sensitivity analysis (:data:`PARAMETERS` holds the same as
    a table). Source "assumption" means no published figure backs the value;
    "guide" means the practitioner guide (``DESIGN.md``) gives the direction
    or number. Scores are in levels of the criterion's scale.

    Parameters
    ----------
    review_minutes
        Minutes for one review before scoring: finding and listening to the
        relevant part of the call, reading the AI score. 15, range 10-30;
        assumption.
    minutes_per_criterion
        Minutes per criterion scored and annotated. 3, range 2-6; assumption.
    peer_minutes_per_week
        A peer's time for reviews, minutes per week. 60, range 30-120;
        assumption. Reviews beyond it wait in the peer's queue.
    compliance_max
        Share of requested reviews done at a light load. 0.97, range
        0.90-1.00; assumption. Serves "compliance drops above 4".
    compliance_knee
        Monthly review load (reviews a peer is asked to write) at which
        compliance falls to half of ``compliance_max``. 6.5, range 5-8;
        assumption placed for the guide: compliance >= 0.9 up to 4 reviews
        a month (0.92 at 4) and dropping beyond (0.83 at 5, 0.63 at 6).
        There is no published figure for where compliance starts to fall.
    compliance_slope
        Steepness of the logistic fall, per review a month. 1.2, range
        0.6-2.0; assumption. Serves "compliance drops above 4".
    deadline_days
        Working days a peer has for a review. 5, range 3-10; assumption.
    late_delivered_share
        Share of late reviews still delivered (late); the rest are dropped.
        1.0 (all delivered late), range 0-1; assumption.
    rater_noise_sd
        SD of an uncalibrated peer's score around the true level, per score.
        0.8, range 0.4-1.2; assumption.
    rater_leniency_sd
        SD across uncalibrated peers of their personal offset (lenient > 0).
        0.5, range 0.2-0.8; assumption; the guide names leniency and
        harshness as what calibration shows.
    manager_noise_sd
        SD of the manager's score around the true level. 0.4, range 0.2-0.8;
        assumption.
    calibration_effect
        Share of rater noise and leniency a calibration session removes.
        0.5, range 0.2-0.8; assumption (the guide recommends the session but
        gives no effect size).
    calibration_half_life_months
        Months for half of the calibration effect to wear off without
        recalibration. 3, range 1-12; assumption (no published figure).
    friend_share, competitor_share
        Share of rep pairs who are friends (0.15, range 0.05-0.30) or quota
        competitors (0.10, range 0-0.30); assumptions.
    friend_bias, competitor_bias
        Levels added to a friend's score (+0.5, range 0.2-1.0) and to a quota
        competitor's (-0.5, range -1.0 to -0.2). Guide: friends score
        generously, competitors harshly; the sizes are assumptions.
    self_selected_friend_probability
        Chance that a self-selected reviewer is a friend when one is free.
        0.6, range 0.3-0.9. Guide: self-selection pairs friends; the size is
        an assumption.
    retaliation_coaching, retaliation_performance
        Chance that a rep who got a harsh peer score (below the manager's by
        more than one level) marks that peer down when reviewing them, when
        scores are coaching input only (0.02, range 0-0.05) and when they
        feed performance ratings (0.15, range 0.05-0.30). Guide: retaliation
        grows when scores affect performance reviews; sizes are assumptions.
    retaliation_penalty
        Levels taken off a retaliating score. 0.5, range 0.25-1.0;
        assumption.
    ai_noise_sd
        SD of the AI score around the true level. 0.5, range 0.2-1.0;
        assumption.
    ai_bias_sd
        SD across criteria of the AI's fixed per-criterion bias. 0.3, range
        0-0.6; assumption.
    skill_gain_per_feedback
        Levels of skill a rep gains on a criterion from one delivered peer
        feedback on it. 0.045, range 0.02-0.08; assumption. Serves "below 2
        a month moves little" and "visible after 60-90 days" (see Notes).
    skill_gain_per_coaching
        Levels gained from one coaching conversation on a criterion. 0.10,
        range 0.05-0.20; assumption.
    forgetting_per_month
        Rate at which gained skill decays toward the starting level, per
        month. 0.32 (a gain halves in about 2 months without more
        feedback), range 0.1-0.6; assumption. Serves the same two claims.
    qa_noise_sd
        SD of a QA score of one call around the rep's skill. 0.6, range
        0.3-1.0; assumption.
    qa_calls_per_month
        Calls per rep that QA scores each month. 8, range 4-16; assumption.
        With ``qa_noise_sd`` and the team size it sets how soon QA can
        detect a change (see Notes). Serves "visible after 60-90 days".
    qa_visible_change
        Smallest change of a rep's skill on a criterion that a lead counts
        as visible in QA scores. 0.15, range 0.10-0.30; assumption. Serves
        "visible after 60-90 days".
    calls_per_day
        Recorded calls per rep per working day, the rate of the Poisson
        process the simulation draws calls from; reviews pick among them. 4,
        range 2-8; assumption.

    Raises
    ------
    ToolkitError
        A value outside what the model accepts (a negative SD, a share above
        1, a knee at or below 0); the message names the field and the range.

    Notes
    -----
    Skill on a criterion follows ``dG/dt = a f + b c - lambda G`` for ``f``
    delivered feedbacks and ``c`` coaching conversations a month, gains
    ``a`` and ``b`` and forgetting rate ``lambda``, so under steady rates
    ``G(t) = (a f + b c) / lambda * (1 - exp(-lambda t))``
    (:meth:`skill_gain`). With feedback alone the defaults give a plateau
    of 0.14 levels at 1 feedback a month, below the visible change of 0.15
    (it never shows), and at 2 a month the change shows after 2.38 months,
    about 72 days, inside the guide's 60-90 (1.9 delivered a month, as
    compliance leaves of a cadence of 2: 78 days). The plateau reaches the
    visible change at 1.07 feedbacks a month, so "below 2" holds for the
    whole-number cadences a policy can set, not for every rate between 1
    and 2. Coaching conversations on routed criteria shorten the time; how
    many there are comes out of the model.

    The closed form is the expected change; QA sees it through noise. The
    mean change of ``n`` reps' monthly QA scores since launch has a standard
    error of ``qa_noise_sd * sqrt(2 / (qa_calls_per_month * n))``: 0.047
    levels for 40 reps at the defaults. At 2 feedbacks a month the first
    monthly QA report above the visible change is month 3 (90 days), by
    only about 0.02 levels, and the simulation's QA rule needs two months in
    a row (:func:`toolkit.simulation.run_once`), so detection by 90 days is
    likely, not certain: about two runs in three for 40 reps under the
    guide's policy (150 seeds; ``tests/test_simulation_claims.py`` checks
    the median). With 4 QA calls a month, the former default, a team of 20
    detected it by 90 days in only half of the runs.

    Examples
    --------
    >>> from toolkit.simulation import BehaviourModel
    >>> model = BehaviourModel()
    >>> [round(float(c), 2) for c in model.compliance([2, 4, 5, 6, 8])]
    [0.97, 0.92, 0.83, 0.63, 0.14]
    >>> round(float(model.noise_sd(0.0)), 2), round(float(model.noise_sd(3.0)), 2)
    (0.4, 0.6)
    """

    review_minutes: float = _param(
        15.0, "minutes", 10.0, 30.0, "time for one review before scoring"
    )
    minutes_per_criterion: float = _param(
        3.0, "minutes", 2.0, 6.0, "time per criterion scored"
    )
    peer_minutes_per_week: float = _param(
        60.0, "minutes per week", 30.0, 120.0, "a peer's time for reviews"
    )
    compliance_max: float = _param(
        0.97,
        "share",
        0.90,
        1.0,
        "share of reviews done at a light load",
        claim=BURDEN,
        bounds=_SHARE,
    )
    compliance_knee: float = _param(
        6.5,
        "reviews per month",
        5.0,
        8.0,
        "monthly load at which compliance halves",
        claim=BURDEN,
        bounds=(0.0, np.inf),
    )
    compliance_slope: float = _param(
        1.2,
        "per review per month",
        0.6,
        2.0,
        "steepness of the fall of compliance",
        claim=BURDEN,
    )
    deadline_days: float = _param(
        5.0, "working days", 3.0, 10.0, "time a peer has for a review"
    )
    late_delivered_share: float = _param(
        1.0,
        "share",
        0.0,
        1.0,
        "late reviews still delivered; rest dropped",
        bounds=_SHARE,
    )
    rater_noise_sd: float = _param(
        0.8, "levels", 0.4, 1.2, "uncalibrated peer score noise"
    )
    rater_leniency_sd: float = _param(
        0.5, "levels", 0.2, 0.8, "spread of uncalibrated peer leniency"
    )
    manager_noise_sd: float = _param(0.4, "levels", 0.2, 0.8, "manager score noise")
    calibration_effect: float = _param(
        0.5,
        "share",
        0.2,
        0.8,
        "noise and leniency removed by calibration",
        bounds=_SHARE,
    )
    calibration_half_life_months: float = _param(
        3.0, "months", 1.0, 12.0, "half-life of the calibration effect"
    )
    friend_share: float = _param(
        0.15, "share of pairs", 0.05, 0.30, "pairs who are friends", bounds=_SHARE
    )
    competitor_share: float = _param(
        0.10,
        "share of pairs",
        0.0,
        0.30,
        "pairs who are quota competitors",
        bounds=_SHARE,
    )
    friend_bias: float = _param(
        0.5,
        "levels",
        0.2,
        1.0,
        "added to a friend's score",
        source="guide: friends scored generously; size is an assumption",
    )
    competitor_bias: float = _param(
        -0.5,
        "levels",
        -1.0,
        -0.2,
        "added to a quota competitor's score",
        source="guide: competitors scored harshly; size is an assumption",
        bounds=(-np.inf, 0.0),
    )
    self_selected_friend_probability: float = _param(
        0.6,
        "probability",
        0.3,
        0.9,
        "a self-selected reviewer is a friend",
        source="guide: self-selection pairs friends; size is an assumption",
        bounds=_SHARE,
    )
    retaliation_coaching: float = _param(
        0.02,
        "probability",
        0.0,
        0.05,
        "retaliation when scores are coaching input only",
        bounds=_SHARE,
    )
    retaliation_performance: float = _param(
        0.15,
        "probability",
        0.05,
        0.30,
        "retaliation when scores feed performance ratings",
        bounds=_SHARE,
        source="guide: retaliation grows when scores affect performance "
        "reviews; size is an assumption",
    )
    retaliation_penalty: float = _param(
        0.5, "levels", 0.25, 1.0, "taken off a retaliating score"
    )
    ai_noise_sd: float = _param(0.5, "levels", 0.2, 1.0, "AI score noise")
    ai_bias_sd: float = _param(
        0.3, "levels", 0.0, 0.6, "spread of the AI's per-criterion bias"
    )
    skill_gain_per_feedback: float = _param(
        0.045,
        "levels per feedback",
        0.02,
        0.08,
        "skill gained from one delivered feedback",
        claim=f"{SLOW}; {LAG}",
    )
    skill_gain_per_coaching: float = _param(
        0.10,
        "levels per conversation",
        0.05,
        0.20,
        "skill gained from one coaching conversation",
    )
    forgetting_per_month: float = _param(
        0.32,
        "per month",
        0.1,
        0.6,
        "decay rate of gained skill",
        claim=f"{SLOW}; {LAG}",
    )
    qa_noise_sd: float = _param(0.6, "levels", 0.3, 1.0, "QA score noise")
    qa_calls_per_month: float = _param(
        8.0,
        "calls per rep per month",
        4.0,
        16.0,
        "calls QA scores per rep",
        claim=LAG,
    )
    qa_visible_change: float = _param(
        0.15,
        "levels",
        0.10,
        0.30,
        "smallest change counted as visible",
        claim=LAG,
    )
    calls_per_day: float = _param(
        4.0, "calls per rep per working day", 2.0, 8.0, "rate of recorded calls"
    )

    def __post_init__(self) -> None:
        for item in fields(self):
            low, high = item.metadata["bounds"]
            check_number(
                _OWNER,
                item.name,
                getattr(self, item.name),
                low,
                high,
                unit=item.metadata["unit"],
            )
        for name in (
            "compliance_knee",
            "calibration_half_life_months",
            "forgetting_per_month",
            "review_minutes",
            "peer_minutes_per_week",
            "deadline_days",
            "qa_calls_per_month",
            "qa_visible_change",
            "calls_per_day",
        ):
            check_number(_OWNER, name, getattr(self, name), 0.0, np.inf, open_low=True)

    def replace(self, **changes: Any) -> BehaviourModel:
        """A copy with some assumptions changed; unknown names raise."""
        check_keys(_OWNER, changes, field_names(type(self)))
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, float]:
        """Every assumption by name (what a result file records)."""
        return {name: getattr(self, name) for name in field_names(type(self))}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> BehaviourModel:
        """The model a dict describes; missing assumptions keep defaults."""
        check_keys(_OWNER, record, field_names(cls))
        return cls(**record)

    def one_at_a_time(self) -> list[tuple[str, str, BehaviourModel]]:
        """``(name, "low" | "high", model)`` for a one-at-a-time analysis.

        Each model changes one assumption to the end of its sensitivity range
        and keeps the others as in ``self``.

        Examples
        --------
        >>> from toolkit.simulation import BehaviourModel
        >>> variants = BehaviourModel().one_at_a_time()
        >>> len(variants), variants[0][:2]
        (60, ('review_minutes', 'low'))
        """
        variants = []
        for row in PARAMETERS:
            for side in ("low", "high"):
                changed = self.replace(**{row.name: getattr(row, side)})
                variants.append((row.name, side, changed))
        return variants

    def compliance(self, load: npt.ArrayLike) -> np.ndarray:
        """Share of requested reviews a peer does at a monthly ``load``.

        ``compliance_max / (1 + exp(compliance_slope * (load - knee)))``: a
        logistic that stays near its top up to about 4 reviews a month and
        falls beyond.
        """
        load = _non_negative("load", load)
        exponent = self.compliance_slope * (load - self.compliance_knee)
        return self.compliance_max * expit(-exponent)

    def calibration_factor(self, months_since: npt.ArrayLike) -> np.ndarray:
        """Multiplier of rater noise and leniency ``months_since`` calibration.

        ``1 - calibration_effect * 2 ** (-months / half_life)``: the full
        effect just after a session, half of it one half-life later, none for
        a rater never calibrated (``months_since=inf``).
        """
        months = _non_negative("months_since", months_since)
        remaining = np.exp2(-months / self.calibration_half_life_months)
        return 1.0 - self.calibration_effect * remaining

    def noise_sd(self, months_since: npt.ArrayLike) -> np.ndarray:
        """A peer's score noise (levels) ``months_since`` calibration."""
        return self.rater_noise_sd * self.calibration_factor(months_since)

    def leniency_sd(self, months_since: npt.ArrayLike) -> np.ndarray:
        """Spread of peer leniency (levels) ``months_since`` calibration."""
        return self.rater_leniency_sd * self.calibration_factor(months_since)

    def review_duration(self, criteria: npt.ArrayLike) -> np.ndarray:
        """Minutes one review takes with ``criteria`` criteria."""
        criteria = _non_negative("criteria", criteria)
        return self.review_minutes + self.minutes_per_criterion * criteria

    def retaliation_probability(self, peer_score_use: str) -> float:
        """Chance of retaliation under ``"coaching"`` or ``"performance"``."""
        if peer_score_use == "coaching":
            return self.retaliation_coaching
        if peer_score_use == "performance":
            return self.retaliation_performance
        raise ToolkitError(
            f"peer_score_use must be 'coaching' or 'performance'; "
            f"got {peer_score_use!r}"
        )

    def skill_gain(
        self,
        months: npt.ArrayLike,
        *,
        feedback_per_month: npt.ArrayLike,
        coaching_per_month: npt.ArrayLike = 0.0,
    ) -> np.ndarray:
        """Expected skill gain (levels) after ``months`` at steady rates.

        Delivered feedbacks and coaching conversations on one criterion per
        month; see the class Notes for the formula.

        Examples
        --------
        >>> from toolkit.simulation import BehaviourModel
        >>> gain = BehaviourModel().skill_gain([1, 2, 3], feedback_per_month=2)
        >>> [round(float(g), 3) for g in gain]
        [0.077, 0.133, 0.174]
        """
        months = _non_negative("months", months)
        inflow = self._inflow(feedback_per_month, coaching_per_month)
        rate = self.forgetting_per_month
        return inflow / rate * -np.expm1(-rate * months)

    def months_to_visible(
        self,
        *,
        feedback_per_month: npt.ArrayLike,
        coaching_per_month: npt.ArrayLike = 0.0,
    ) -> np.ndarray:
        """Months until :meth:`skill_gain` reaches ``qa_visible_change``.

        ``inf`` where the plateau ``inflow / forgetting`` stays below it.

        Examples
        --------
        >>> from toolkit.simulation import BehaviourModel
        >>> months = BehaviourModel().months_to_visible(feedback_per_month=[1, 2])
        >>> [round(float(m), 2) for m in months]
        [inf, 2.38]
        """
        inflow = self._inflow(feedback_per_month, coaching_per_month)
        rate = self.forgetting_per_month
        share = self.qa_visible_change * rate / np.where(inflow > 0, inflow, 1.0)
        reachable = (inflow > 0) & (share < 1.0)
        safe = np.where(reachable, share, 0.0)
        return np.where(reachable, -np.log1p(-safe) / rate, np.inf)

    def _inflow(
        self, feedback_per_month: npt.ArrayLike, coaching_per_month: npt.ArrayLike
    ) -> np.ndarray:
        feedback = _non_negative("feedback_per_month", feedback_per_month)
        coaching = _non_negative("coaching_per_month", coaching_per_month)
        return (
            self.skill_gain_per_feedback * feedback
            + self.skill_gain_per_coaching * coaching
        )


def _non_negative(name: str, values: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any() or (array < 0).any():
        raise ToolkitError(f"{name} must be 0 or more (inf allowed); got {values!r}")
    return array


def _parameters() -> tuple[Parameter, ...]:
    rows = []
    for item in fields(BehaviourModel):
        meta = item.metadata
        rows.append(
            Parameter(
                name=item.name,
                default=item.default,  # type: ignore[arg-type]
                unit=meta["unit"],
                low=meta["low"],
                high=meta["high"],
                source=meta["source"],
                description=meta["description"],
                claim=meta["claim"],
                bounds=meta["bounds"],
            )
        )
    return tuple(rows)


#: Every behaviour assumption as a table row (``pandas.DataFrame(PARAMETERS)``).
PARAMETERS: tuple[Parameter, ...] = _parameters()
