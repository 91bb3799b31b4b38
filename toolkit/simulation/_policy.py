"""The program policy a lead chooses: cadence, pairing, calibration, routing."""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.guide import (
    GUIDE_CADENCE,
    GUIDE_MAX_CRITERIA,
    GUIDE_MIN_TEAM,
    GUIDE_SPLIT_ABOVE,
    GUIDE_SUB_TEAM_SIZE,
)
from toolkit.pairing import METHODS, pairing_schedule
from toolkit.simulation._records import (
    check_keys,
    check_number,
    check_whole,
    field_names,
    plain,
)

__all__ = ["NEVER", "PEER_SCORE_USES", "ProgramPolicy"]

PeerScoreUse = Literal["coaching", "performance"]
PEER_SCORE_USES: tuple[str, ...] = ("coaching", "performance")

#: How a scenario file writes "no period" (TOML has no null).
NEVER = "never"

GUIDE_ROTATION_MONTHS = 3
GUIDE_DIVERGENCE_THRESHOLD = 1.0
_OPTIONAL = ("split_above", "rotation_months", "recalibration_months")
_OWNER = "ProgramPolicy"

# field -> allowed whole numbers (lowest, highest or None for no limit)
_WHOLE: dict[str, tuple[int, int | None]] = {
    "team_size": (2, None),
    "reviews_per_rep": (1, 20),
    "criteria_per_review": (1, 10),
    "horizon_months": (1, 120),
}
# field -> allowed numbers (low, high, unit, whether low itself is refused)
_NUMBERS: dict[str, tuple[float, float, str, bool]] = {
    "manager_hours_per_week": (0.0, 40.0, "hours", True),
    "manager_minutes_per_review": (0.0, 120.0, "minutes", True),
    "one_on_ones_per_month": (0.0, 8.0, "per month", False),
    "divergence_threshold": (0.0, 10.0, "levels", False),
}


@dataclass(frozen=True, kw_only=True)
class ProgramPolicy:
    """A peer-coaching program as a lead would run it.

    ``ProgramPolicy()`` is the practitioner guide's policy for a team of 10;
    every field can be changed by keyword. Construction only checks that the
    values are possible; :meth:`check` says where the policy leaves the
    guide's recommendations.

    Parameters
    ----------
    team_size
        Reps in the program, 2 or more.
    split_above, sub_team_size
        The sub-team rule: a team of more than ``split_above`` reps is split
        into sub-teams of ``sub_team_size`` (smallest, largest) reps, and
        pairs never cross a sub-team. ``None`` never splits. Guide: above 20,
        sub-teams of 5 to 8 (the defaults of :func:`toolkit.pairing.
        pairing_schedule`).
    reviews_per_rep
        The cadence: peer reviews each rep receives per month, 1 to 20. Under
        balanced pairing each peer also writes this many. Guide: 2 to 4.
    criteria_per_review
        Criteria a peer scores in one review, 1 to 10. Guide: 1 to 3.
    pairing
        ``"assigned"`` (by the manager, recommended), ``"random"`` or
        ``"self_selected"``, as in :data:`toolkit.pairing.METHODS`.
    rotation_months
        Months between pair rotations, 1 to 120; ``None`` never rotates.
        Guide: quarterly (3).
    calibration
        Whether peers calibrate before launch. Guide: yes.
    recalibration_months
        Months between later calibration sessions, 1 to 120; ``None`` means
        none after launch (the guide names only the session before launch).
    manager_review
        Whether the manager reviews peer feedback before it reaches the rep.
    manager_hours_per_week, manager_minutes_per_review
        The manager's review capacity, in (0, 40] hours a week, and the time
        one review takes, in (0, 120] minutes (both assumptions of the lead).
    one_on_ones_per_month
        One-on-ones per rep per month, in [0, 8]; routed criteria wait for
        the next one.
    divergence_threshold
        Routing rule: a peer-manager gap of more than this many levels puts
        the criterion on the rep's agenda, in [0, 10]. Guide: 1.
    peer_score_use
        ``"coaching"`` (coaching input only, recommended) or
        ``"performance"`` (scores feed performance ratings).
    horizon_months
        Months to simulate, 1 to 120.

    Raises
    ------
    ToolkitError
        A value outside its allowed range; the message names the field, the
        value and the range. (``ToolkitError`` is a ``ValueError``.)

    Notes
    -----
    Construction never warns, so :meth:`replace`, :meth:`from_dict` and
    sweeps over many policies stay quiet; call :meth:`check` (the simulation
    does, once per policy) to hear about departures from the guide.

    Whether the pairing can fill the cadence in a small team (without mutual
    pairs a pool needs ``2 * reviews_per_rep + 1`` reps) is decided by
    :func:`toolkit.pairing.pairing_schedule` when the model runs.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> policy = ProgramPolicy(team_size=30, reviews_per_rep=3)
    >>> policy.reviews_per_rep, policy.sub_team_size, policy.rotation_months
    (3, (5, 8), 3)
    >>> policy.departures()
    {}
    >>> ProgramPolicy.from_dict(policy.to_dict()) == policy
    True
    """

    team_size: int = 10
    split_above: int | None = GUIDE_SPLIT_ABOVE
    sub_team_size: tuple[int, int] = GUIDE_SUB_TEAM_SIZE
    reviews_per_rep: int = 2
    criteria_per_review: int = 2
    pairing: str = "assigned"
    rotation_months: int | None = GUIDE_ROTATION_MONTHS
    calibration: bool = True
    recalibration_months: int | None = None
    manager_review: bool = True
    manager_hours_per_week: float = 2.0
    manager_minutes_per_review: float = 5.0
    one_on_ones_per_month: float = 2.0
    divergence_threshold: float = GUIDE_DIVERGENCE_THRESHOLD
    peer_score_use: PeerScoreUse = "coaching"
    horizon_months: int = 6

    def __post_init__(self) -> None:
        for name, (least, most) in _WHOLE.items():
            value = check_whole(_OWNER, name, getattr(self, name), least, most)
            self._set(name, value)
        for name in ("rotation_months", "recalibration_months"):
            self._check_months(name)
        self._check_sub_teams()

        for name in ("calibration", "manager_review"):
            if not isinstance(getattr(self, name), bool):
                raise ToolkitError(
                    f"{_OWNER}.{name} must be True or False; "
                    f"got {getattr(self, name)!r}"
                )
        self._set("pairing", _choice("pairing", self.pairing, METHODS))
        _choice("peer_score_use", self.peer_score_use, PEER_SCORE_USES)

        for name, (low, high, unit, open_low) in _NUMBERS.items():
            number = check_number(
                _OWNER,
                name,
                getattr(self, name),
                low,
                high,
                unit=unit,
                open_low=open_low,
            )
            self._set(name, number)

    @classmethod
    def recommended(
        cls, *, team_size: int = 10, horizon_months: int = 6
    ) -> ProgramPolicy:
        """The practitioner guide's policy for a team of ``team_size`` reps.

        Manager-assigned pairs rotated quarterly, 2 reviews per rep per month
        on 2 criteria, calibration before launch, peer scores for coaching
        only, routing above a 1-level gap, sub-teams of 5 to 8 above 20 reps.
        A team of fewer than 5 reps still departs from the guide.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy
        >>> ProgramPolicy.recommended(team_size=12) == ProgramPolicy(team_size=12)
        True
        """
        return cls(team_size=team_size, horizon_months=horizon_months)

    def replace(self, **changes: Any) -> ProgramPolicy:
        """A copy with some fields changed; unknown names raise ToolkitError.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy
        >>> ProgramPolicy().replace(reviews_per_rep=3).reviews_per_rep
        3
        """
        check_keys(_OWNER, changes, field_names(type(self)))
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every field by name, ready for a TOML scenario file.

        ``None`` (never split, never rotate, no recalibration) is written as
        ``"never"`` and the sub-team range as a list, since TOML has no null
        and no tuple.
        """
        record = {}
        for name in field_names(type(self)):
            value = getattr(self, name)
            record[name] = NEVER if value is None else plain(value)
        return record

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ProgramPolicy:
        """The policy a dict describes; missing fields keep their defaults.

        Accepts what :meth:`to_dict` writes: ``"never"`` or ``None`` for no
        period, a list or tuple for ``sub_team_size``.

        Raises
        ------
        ToolkitError
            A key that is not a field (every unknown key is named), or a value
            outside its allowed range.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy
        >>> policy = ProgramPolicy.from_dict({"rotation_months": "never"})
        >>> policy.rotation_months is None
        True
        """
        check_keys(_OWNER, record, field_names(cls))
        values = dict(record)
        for name in _OPTIONAL:
            value = values.get(name)
            if isinstance(value, str) and value.strip().lower() == NEVER:
                values[name] = None
        if isinstance(values.get("sub_team_size"), list):
            values["sub_team_size"] = tuple(values["sub_team_size"])
        return cls(**values)

    def departures(self) -> dict[str, str]:
        """Where the policy leaves the guide's recommendations, and why.

        Returns
        -------
        dict
            Topic (the field concerned, or ``"sub_teams"``) -> a sentence
            naming the recommendation left and why it matters. Empty for a
            policy that follows the guide.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy
        >>> list(ProgramPolicy(reviews_per_rep=1, calibration=False).departures())
        ['reviews_per_rep', 'calibration']
        """
        found = {}
        low, high = GUIDE_CADENCE
        if not low <= self.reviews_per_rep <= high:
            why = (
                "feedback below 2 a month moves little"
                if self.reviews_per_rep < low
                else "evaluator compliance drops above 4 reviews a month"
            )
            found["reviews_per_rep"] = (
                f"{self.reviews_per_rep} review(s) per rep per month leaves the "
                f"guide's range of {low} to {high}: {why}"
            )
        if self.team_size < GUIDE_MIN_TEAM:
            found["team_size"] = (
                f"a team of {self.team_size} reps is below the guide's minimum "
                f"of {GUIDE_MIN_TEAM}: peers see too few different colleagues "
                "and pairs cannot rotate to new ones"
            )
        if self._one_large_pool():
            found["sub_teams"] = (
                f"{self.team_size} reps paired in pools of more than "
                f"{GUIDE_SUB_TEAM_SIZE[1]} leaves the guide's rule (above "
                f"{GUIDE_SPLIT_ABOVE} reps, sub-teams of {GUIDE_SUB_TEAM_SIZE[0]} "
                f"to {GUIDE_SUB_TEAM_SIZE[1]}): peers review reps whose calls "
                "and customers they do not know"
            )
        if self.pairing == "self_selected":
            found["pairing"] = (
                "self-selected pairs leave the guide's recommendation of manager-"
                "assigned pairs rotated quarterly: peers pick friends, whose "
                "scores run generous"
            )
        if self.rotation_months is None or self.rotation_months > 3:
            every = (
                "never"
                if self.rotation_months is None
                else f"every {self.rotation_months} months"
            )
            found["rotation_months"] = (
                f"pairs rotated {every} leave the guide's quarterly rotation: "
                "fixed pairs grow familiar and generous, and each rep hears "
                "from the same few peers"
            )
        if self.criteria_per_review > GUIDE_MAX_CRITERIA:
            found["criteria_per_review"] = (
                f"{self.criteria_per_review} criteria per review leave the "
                f"guide's 1 to {GUIDE_MAX_CRITERIA} observable behaviours: "
                "reviews take longer and drift toward scoring overall "
                "performance"
            )
        if not self.calibration:
            found["calibration"] = (
                "no calibration before launch leaves the guide's 30-minute "
                "session with 3-4 sample calls scored independently: raters "
                "keep their own leniency and scores disagree"
            )
        if self.divergence_threshold > GUIDE_DIVERGENCE_THRESHOLD:
            found["divergence_threshold"] = (
                f"routing only gaps above {self.divergence_threshold:g} levels "
                "leaves the guide's rule of more than 1 level: fewer "
                "divergences reach a coaching conversation"
            )
        if self.peer_score_use == "performance":
            found["peer_score_use"] = (
                "peer scores that feed performance ratings leave the guide's "
                "use as coaching input only: retaliation risk grows and "
                "friends and quota competitors bend their scores"
            )
        return found

    def pairing_problem(self) -> str | None:
        """Why the pairing cannot fill this policy's cadence, or ``None``.

        Builds one month of :func:`toolkit.pairing.pairing_schedule`: without
        mutual pairs a pool needs ``2 * reviews_per_rep + 1`` reps. A sweep
        skips a point with a problem; the designer shows it beside team size.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy
        >>> ProgramPolicy(team_size=10).pairing_problem() is None
        True
        >>> ProgramPolicy(team_size=4).pairing_problem()[:22]
        'the team has 4 rep(s);'
        """
        try:
            with warnings.catch_warnings():
                # check() reports the guide's view of the same choices
                warnings.simplefilter("ignore", GuideWarning)
                pairing_schedule(
                    self.team_size,
                    n_periods=1,
                    reviews_per_rep=self.reviews_per_rep,
                    rotation=self.rotation_months,
                    split_above=self.split_above,
                    sub_team_size=self.sub_team_size,
                    rng=0,
                )
        except ToolkitError as error:
            # the policy has no mutual pairs and no command-line options
            text = re.sub(
                r" or allow mutual pairs \(allow_mutual=True\)", "", str(error)
            )
            text = re.sub(r" \(CLI: [^)]*\)", "", text)
            return text if text.endswith(".") else text + "."
        return None

    def check(self, *, stacklevel: int = 2) -> ProgramPolicy:
        """Warn once per departure from the guide; return the policy.

        Warns
        -----
        GuideWarning
            One per entry of :meth:`departures`: cadence below 2 or above 4,
            fewer than 5 reps, one pool above 20 reps, self-selection,
            rotation less often than quarterly, more than 3 criteria, no
            calibration, a routing threshold above 1 level, performance-linked
            scores.

        Examples
        --------
        >>> import warnings
        >>> from toolkit.simulation import ProgramPolicy
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = ProgramPolicy(pairing="self_selected").check()
        >>> [str(w.message)[:25] for w in caught]
        ['self-selected pairs leave']
        """
        for message in self.departures().values():
            warnings.warn(message, GuideWarning, stacklevel=stacklevel)
        return self

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _check_months(self, name: str) -> None:
        value = getattr(self, name)
        if value is None:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (1 <= value <= 120)
        ):
            raise ToolkitError(
                f"{_OWNER}.{name} must be a whole number of months from 1 to "
                f"120, or None for never; got {value!r}"
            )

    def _check_sub_teams(self) -> None:
        size = self.sub_team_size
        ok = (
            isinstance(size, tuple | list)
            and len(size) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in size)
            and 2 <= size[0] <= size[1]
        )
        if not ok:
            raise ToolkitError(
                f"{_OWNER}.sub_team_size must be (smallest, largest) whole "
                f"numbers with 2 <= smallest <= largest, e.g. (5, 8); got {size!r}"
            )
        self._set("sub_team_size", (int(size[0]), int(size[1])))
        split = self.split_above
        if split is None:
            return
        check_whole(_OWNER, "split_above", split, 2)
        if split < size[1]:
            raise ToolkitError(
                f"{_OWNER}.split_above must be at least the largest sub-team "
                f"size {size[1]}, or None for never; got {split!r}"
            )

    def _one_large_pool(self) -> bool:
        """A team above 20 reps paired in pools larger than 8."""
        if self.team_size <= GUIDE_SPLIT_ABOVE:
            return False
        unsplit = self.split_above is None or self.team_size <= self.split_above
        largest = self.team_size if unsplit else self.sub_team_size[1]
        return largest > GUIDE_SUB_TEAM_SIZE[1]


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = value.replace("-", "_") if isinstance(value, str) else value
    if text not in allowed:
        raise ToolkitError(
            f"{_OWNER}.{name} must be one of {', '.join(allowed)}; got {value!r}"
        )
    return str(text)
