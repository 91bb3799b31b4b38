"""One run of the program simulation: a discrete-event model in simpy."""

from __future__ import annotations

import math
import warnings
from collections.abc import Generator
from typing import Any

import numpy as np
import pandas as pd
import simpy

from toolkit import __version__
from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import PairingSchedule, pairing_schedule
from toolkit.simulation._behaviour import BehaviourModel
from toolkit.simulation._metrics import run_result
from toolkit.simulation._policy import ProgramPolicy
from toolkit.simulation._result import RunResult

__all__ = ["DAYS_PER_MONTH", "STREAMS", "run_once"]

#: Working days in a month; simulation time is in working days.
DAYS_PER_MONTH = 21
DAYS_PER_WEEK = 5

#: Sources of chance, one numpy Generator each, spawned in this order from
#: ``SeedSequence(seed)``. New streams go at the end, so existing ones keep
#: their numbers.
STREAMS = (
    "calls",
    "relationships",
    "pairing",
    "compliance",
    "raters",
    "ai",
    "manager",
    "deadline",
    "retaliation",
    "qa",
)

# every rep starts at this level on every criterion (metrics use changes only)
BASELINE_LEVEL = 3.0
NONE, FRIEND, COMPETITOR = 0, 1, 2
RELATIONSHIPS = ("none", "friend", "competitor")


def run_once(
    policy: ProgramPolicy,
    behaviour: BehaviourModel | None = None,
    *,
    seed: int,
    warn: bool = True,
) -> RunResult:
    """Simulate one team living with ``policy`` for its horizon.

    Parameters
    ----------
    policy
        The program: cadence, pairing and rotation, calibration, manager
        review, one-on-ones, routing threshold, horizon.
    behaviour
        What the run assumes of people; ``None`` uses the defaults of
        :class:`BehaviourModel`.
    seed
        A whole number 0 or more. The same seed reproduces the run to the
        bit; every source of chance (:data:`STREAMS`) gets its own stream
        spawned from ``numpy.random.SeedSequence(seed)``, so two policies run
        on one seed share calls, relationships and rater traits.
    warn
        Warn about the policy's departures from the guide (a sweep that has
        warned once passes ``False``).

    Returns
    -------
    RunResult
        ``metrics`` holds:

        - ``cadence_reached_share``: rep-months whose calls got at least
          ``reviews_per_rep`` delivered feedbacks;
        - ``evaluator_compliance``: reviews done / reviews requested;
        - ``late_share``: done reviews finished after the deadline;
        - ``evaluator_hours_per_month``: review hours per peer per month;
        - ``manager_hours_per_month``: review hours per month of one
          manager, the mean over the managers (one per sub-team);
        - ``manager_hours_per_month_max``: the same for the busiest manager;
        - ``latency_median_days``, ``latency_p90_days``: working days from
          the call to delivered feedback;
        - ``feedback_gini``: Gini coefficient of delivered feedback across
          reps (0: even);
        - ``repeated_pair_share``: assignments to a pair that already met in
          an earlier rotation (0 without rotation: the pairs never change);
        - ``distinct_reviewers_per_rep``: different peers whose feedback a
          rep received over the horizon, mean over reps;
        - ``bias_exposure``: done reviews written by a friend or competitor;
        - ``routed_per_month``, ``coaching_per_month``: criteria routed to a
          one-on-one agenda, and coaching conversations held, per month;
        - ``skill_change_{30,60,90}d_<criterion>``: mean true skill change
          (levels) after 1, 2 and 3 months (21, 42, 63 working days); NaN
          beyond the horizon;
        - ``qa_detect_days_<criterion>``: when QA detects the change, in
          calendar days of 30-day months (month 3 is 90 days, as the guide
          counts "60-90 days"): the first month whose QA scores show the
          change and whose next month shows it too (see Notes); NaN if not
          detected and confirmed within the horizon.

    Raises
    ------
    ToolkitError
        A seed that is not a whole number 0 or more; a team the pairing cannot
        fill at this cadence (from :func:`toolkit.pairing.pairing_schedule`).

    Warns
    -----
    GuideWarning
        One per departure of ``policy`` from the guide (:meth:`ProgramPolicy.
        check`), when ``warn`` is true.

    Notes
    -----
    Each month every (reviewer, rep) pair of the pairing schedule asks for a
    review of one of the rep's calls that month (calls are a Poisson process,
    ``calls_per_day``). The peer does it with probability
    ``compliance(load)``, ``load`` being their reviews that month, and works
    done reviews first come, first served at ``peer_minutes_per_week / 5``
    minutes a working day (time spread evenly over the week). A review
    finished after ``deadline_days`` is late; a share
    ``1 - late_delivered_share`` of late reviews is dropped. With manager
    review on, the manager of the rep's sub-team (one per sub-team of the
    pairing schedule, one for an unsplit team) works the reviews in the same
    way at ``manager_hours_per_week`` and delivers each after scoring it too.

    A score is the call's true level (the rep's skill at the call) plus, for a
    peer, leniency and noise scaled by ``calibration_factor`` (months since
    the last session; never calibrated: full size), the relationship bias,
    and a retaliation penalty; for the AI, its per-criterion bias and noise;
    for the manager, noise. Each pair of reps is friends, competitors or
    neither, drawn with ``friend_share`` and ``competitor_share``; under
    self-selection each friendship is acted on with probability
    ``self_selected_friend_probability`` (friends sign up first). A rep who
    got a peer score more than 1 level below the manager's (the AI's without
    manager review) may retaliate when reviewing that peer later.

    At each month's end, a criterion whose mean peer-manager gap over the
    rep's feedback delivered that month exceeds ``divergence_threshold`` goes
    on the rep's agenda; the next one-on-one (evenly spaced, half an interval
    after launch) holds a coaching conversation on it. Without manager review
    there is no manager score, so nothing is routed. Delivered feedback adds
    ``skill_gain_per_feedback`` on every criterion it scores, coaching
    ``skill_gain_per_coaching``; gains decay at ``forgetting_per_month``. QA
    observes each rep's skill at launch and at every month's end with noise
    ``qa_noise_sd / sqrt(qa_calls_per_month)`` (the mean of its calls).

    QA detection is the rule a QA analyst would apply to those scores. A
    month *shows* the change when the reps' mean QA change since launch is
    at least ``qa_visible_change`` and a one-sided paired t test of the
    per-rep changes (H0: no improvement) is significant at 5%; the change is
    *detected* in the first month that shows it if the next month shows it
    too, so one lucky month is not enough. A change first shown in the
    horizon's last month is not counted, as nothing confirms it.

    Scores are levels on a continuous scale (not rounded to whole levels);
    every rep starts at the same level, every manager has the same capacity,
    and every rep stays for the whole horizon. The QA test needs many reps
    or many QA calls to see a change of ``qa_visible_change``: the mean
    change of ``n`` reps has a standard error of about ``qa_noise_sd *
    sqrt(2 / (qa_calls_per_month * n))`` levels, so a small team detects
    late or never.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, run_once
    >>> result = run_once(ProgramPolicy(team_size=8, horizon_months=3), seed=1)
    >>> len(result.events)  # 8 reps x 2 reviewers x 3 months
    48
    >>> 0.0 <= result.metrics["evaluator_compliance"] <= 1.0
    True
    >>> first = run_once(ProgramPolicy(team_size=8), seed=1).metric_frame()
    >>> first.equals(run_once(ProgramPolicy(team_size=8), seed=1).metric_frame())
    True
    """
    behaviour = BehaviourModel() if behaviour is None else behaviour
    _check_inputs(policy, behaviour, seed)
    if warn:
        policy.check(stacklevel=3)

    rngs = dict(
        zip(STREAMS, _generators(seed), strict=True),
    )
    run = _Run(policy, behaviour, rngs)
    run.simulate()
    return run_result(run, seed=seed, version=__version__)


def _check_inputs(policy: Any, behaviour: Any, seed: Any) -> None:
    if not isinstance(policy, ProgramPolicy):
        raise TypeError(f"policy must be a ProgramPolicy; got {type(policy)!r}")
    if not isinstance(behaviour, BehaviourModel):
        raise TypeError(
            f"behaviour must be a BehaviourModel or None; got {type(behaviour)!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ToolkitError(f"seed must be a whole number 0 or more; got {seed!r}")


def _generators(seed: int) -> list[np.random.Generator]:
    children = np.random.SeedSequence(int(seed)).spawn(len(STREAMS))
    return [np.random.default_rng(child) for child in children]


def first_come_first_served(
    arrival: np.ndarray, server: np.ndarray, service: float
) -> np.ndarray:
    """Finish times of jobs at single servers that work in arrival order.

    Each job takes ``service``; a server works one job at a time, each
    job as soon as it arrives and the server is free.

    Parameters
    ----------
    arrival
        When each job arrives (days).
    server
        Which server each job goes to (whole numbers).
    service
        Time a job takes (days), the same for every job.

    Returns
    -------
    numpy.ndarray
        When each job is finished, in the order of ``arrival``.

    Notes
    -----
    Lindley's recursion ``f_i = max(a_i, f_(i-1)) + s`` for the ``i``-th
    job of a server (arrivals ``a`` in order, from 0) unrolls to ``f_i =
    s (i + 1) + max_(j <= i) (a_j - s j)``: one running maximum per server,
    vectorised over all servers at once. It is what a ``simpy.Resource`` of
    capacity 1 does with fixed service times.

    Examples
    --------
    Server 0 gets jobs at 0, 0.5 and 5; server 1 one job at 0.2:

    >>> import numpy as np
    >>> from toolkit.simulation._model import first_come_first_served
    >>> first_come_first_served(
    ...     np.array([0.0, 0.5, 5.0, 0.2]), np.array([0, 0, 0, 1]), 1.0
    ... )
    array([1. , 2. , 6. , 1.2])
    """
    finished = np.empty(len(arrival))
    if len(arrival) == 0:
        return finished

    # each server's jobs in arrival order, and their place in its queue
    order = np.lexsort((arrival, server))
    queue = server[order]
    first = np.searchsorted(queue, queue)
    place = np.arange(len(order)) - first
    _, which = np.unique(queue, return_inverse=True)

    # the running maximum of a_j - s j per server, on a servers x jobs table
    table = np.full((which.max() + 1, place.max() + 1), -np.inf)
    table[which, place] = arrival[order] - service * place
    running = np.maximum.accumulate(table, axis=1)[which, place]
    finished[order] = service * (place + 1) + running
    return finished


class _Run:
    """State of one run: the team, the review assignments and the simpy env."""

    def __init__(
        self,
        policy: ProgramPolicy,
        behaviour: BehaviourModel,
        rngs: dict[str, np.random.Generator],
    ) -> None:
        self.policy = policy
        self.behaviour = behaviour
        self.n_months = policy.horizon_months
        self.n_criteria = policy.criteria_per_review
        self.criteria = [f"criterion_{k + 1}" for k in range(self.n_criteria)]
        self.horizon_days = float(self.n_months * DAYS_PER_MONTH)

        self._team(rngs)
        self._requests(rngs)
        self._draws(rngs)
        self._queues()
        self._state()

    # ------------------------------------------------------------ set-up
    def _team(self, rngs: dict[str, np.random.Generator]) -> None:
        policy, behaviour = self.policy, self.behaviour
        names = [f"rep{i + 1:02d}" for i in range(policy.team_size)]
        n_reps = len(names)

        # relationships per unordered pair, drawn before pairing
        draw = rngs["relationships"].random((n_reps, n_reps))
        upper = np.triu(draw, 1)
        kind = np.where(upper < behaviour.friend_share, FRIEND, NONE)
        competitor = (upper >= behaviour.friend_share) & (
            upper < behaviour.friend_share + behaviour.competitor_share
        )
        kind = np.where(competitor, COMPETITOR, kind)
        kind = np.triu(kind, 1)
        self.relationship = kind + kind.T

        # self-selection acts on a share of the friendships
        use = None
        if policy.pairing == "self_selected":
            acted = np.triu(draw.T, 1) < behaviour.self_selected_friend_probability
            friends = np.argwhere(np.triu(self.relationship == FRIEND, 1) & acted)
            conflicts = [(names[a], names[b], "friend") for a, b in friends]
            use = conflicts or None

        with warnings.catch_warnings():
            # the policy itself warns once about the same departures
            warnings.simplefilter("ignore", GuideWarning)
            self.schedule: PairingSchedule = pairing_schedule(
                names,
                n_periods=self.n_months,
                reviews_per_rep=policy.reviews_per_rep,
                rotation=policy.rotation_months,
                method=policy.pairing,
                conflicts=use,
                split_above=policy.split_above,
                sub_team_size=policy.sub_team_size,
                rng=rngs["pairing"],
            )
        self.names = names
        self.n_reps = n_reps

        # one manager per pool of the schedule (one for an unsplit team)
        pool = self.schedule.team.set_index("rep")["sub_team"]
        codes = pd.Categorical(pool[names], categories=self.schedule.sub_teams)
        self.manager_of = np.asarray(codes.codes, dtype=np.int64)
        self.n_managers = len(self.schedule.sub_teams)

    def _requests(self, rngs: dict[str, np.random.Generator]) -> None:
        frame = self.schedule.frame
        position = {name: i for i, name in enumerate(self.names)}
        self.rep = frame["rep"].map(position).to_numpy(np.int64)
        self.reviewer = frame["reviewer"].map(position).to_numpy(np.int64)
        self.month = frame["period"].to_numpy(np.int64) - 1
        n_rows = len(frame)
        self.n_rows = n_rows

        # a rep-month with fewer calls than reviewers leaves some unrequested
        calls_rng = rngs["calls"]
        rate = self.behaviour.calls_per_day * DAYS_PER_MONTH
        self.calls = calls_rng.poisson(rate, (self.n_reps, self.n_months))
        group = self.month * self.n_reps + self.rep
        order = np.argsort(group, kind="stable")
        starts = np.searchsorted(group[order], group[order])
        rank = np.empty(n_rows, dtype=np.int64)
        rank[order] = np.arange(n_rows) - starts
        self.call_index = rank
        self.requested = rank < self.calls[self.rep, self.month]

        # a review's call is a uniformly chosen call of the rep that month
        within = calls_rng.random(n_rows) * DAYS_PER_MONTH
        self.call_day = self.month * DAYS_PER_MONTH + within

        # compliance at the peer's load that month
        load = np.bincount(
            self.month * self.n_reps + self.reviewer,
            minlength=self.n_months * self.n_reps,
        )
        share = self.behaviour.compliance(
            load[self.month * self.n_reps + self.reviewer]
        )
        self.done = self.requested & (rngs["compliance"].random(n_rows) < share)

    def _draws(self, rngs: dict[str, np.random.Generator]) -> None:
        b, n_rows, shape = self.behaviour, self.n_rows, (self.n_rows, self.n_criteria)
        raters = rngs["raters"]
        self.leniency_z = raters.standard_normal(self.n_reps)
        self.peer_z = raters.standard_normal(shape)
        ai = rngs["ai"]
        self.ai_bias = ai.normal(0.0, b.ai_bias_sd, self.n_criteria)
        self.ai_noise = ai.normal(0.0, b.ai_noise_sd, shape)
        self.manager_noise = rngs["manager"].normal(0.0, b.manager_noise_sd, shape)
        self.late_draw = rngs["deadline"].random(n_rows)
        self.retaliation_draw = rngs["retaliation"].random(n_rows)
        qa_shape = (self.n_months + 1, self.n_reps, self.n_criteria)
        qa_sd = b.qa_noise_sd / math.sqrt(b.qa_calls_per_month)
        self.qa_noise = rngs["qa"].normal(0.0, qa_sd, qa_shape)

        # the AI's error on each call: its bias on the criterion plus noise
        self.ai_error = self.ai_bias + self.ai_noise

    def _queues(self) -> None:
        """When each done review is finished, and delivered or dropped.

        The peer's and the manager's queues are first come, first served
        with a fixed time per review, and no score changes who is served
        when, so their finish times are computed here at once
        (:func:`first_come_first_served`); the simpy processes then play
        every review's events in time order.
        """
        b, policy = self.behaviour, self.policy
        done = np.flatnonzero(self.done)
        self.finished_day = np.full(self.n_rows, np.nan)
        self.delivered_day = np.full(self.n_rows, np.nan)
        self.late = np.zeros(self.n_rows, dtype=bool)

        # the peer's queue; a late review may be dropped
        self.review_minutes = float(b.review_duration(self.n_criteria))
        peer_days = self.review_minutes / (b.peer_minutes_per_week / DAYS_PER_WEEK)
        finished = first_come_first_served(
            self.call_day[done], self.reviewer[done], peer_days
        )
        self.finished_day[done] = finished
        late = finished - self.call_day[done] > b.deadline_days
        self.late[done] = late
        kept = done[~late | (self.late_draw[done] < b.late_delivered_share)]

        # the queue of the manager of the rep's sub-team, if any
        delivered = self.finished_day[kept]
        manager = self.manager_of[self.rep[kept]]
        if policy.manager_review:
            rate = policy.manager_hours_per_week * 60.0 / DAYS_PER_WEEK
            manager_days = policy.manager_minutes_per_review / rate
            delivered = first_come_first_served(delivered, manager, manager_days)
        self.delivered_day[kept] = delivered

        # time spent: every done review by its peer, kept ones by a manager
        self.peer_minutes = len(done) * self.review_minutes
        reviewed = np.bincount(manager, minlength=self.n_managers)
        minutes = policy.manager_minutes_per_review if policy.manager_review else 0
        self.manager_minutes = reviewed * float(minutes)

        # the peer's error when scoring: leniency and noise scaled by the
        # calibration factor at that day, plus the relationship bias
        factor = b.calibration_factor(self._months_since_calibration(finished))
        leniency = b.rater_leniency_sd * self.leniency_z[self.reviewer[done]]
        error = leniency[:, None] + b.rater_noise_sd * self.peer_z[done]
        kind = self.relationship[self.reviewer[done], self.rep[done]]
        bias = np.array([0.0, b.friend_bias, b.competitor_bias])[kind]
        self.peer_error = np.full((self.n_rows, self.n_criteria), np.nan)
        self.peer_error[done] = factor[:, None] * error + bias[:, None]

    def _months_since_calibration(self, days: np.ndarray) -> np.ndarray:
        if not self.policy.calibration:
            return np.full(len(days), np.inf)
        months = days / DAYS_PER_MONTH
        every = self.policy.recalibration_months
        return months % every if every is not None else months

    def _state(self) -> None:
        b = self.behaviour
        scores = np.full((self.n_rows, self.n_criteria), np.nan)
        self.peer_score, self.ai_score, self.manager_score = (
            scores.copy(),
            scores.copy(),
            scores.copy(),
        )

        # each rep's gain, decayed up to its own gain_day (lazily, per rep)
        self.gain = np.zeros((self.n_reps, self.n_criteria))
        self.gain_day = np.zeros(self.n_reps)
        self.decay_per_day = b.forgetting_per_month / DAYS_PER_MONTH
        self.agenda = np.zeros((self.n_reps, self.n_criteria), dtype=bool)
        self.gap_sum = np.zeros((self.n_reps, self.n_criteria))
        self.gap_count = np.zeros(self.n_reps, dtype=np.int64)
        self.grudge = np.zeros((self.n_reps, self.n_reps), dtype=bool)

        self.routed = np.zeros((self.n_months, self.n_criteria), dtype=np.int64)
        self.coaching = np.zeros((self.n_months, self.n_criteria), dtype=np.int64)
        months = self.n_months + 1
        self.skill = np.zeros((months, self.n_reps, self.n_criteria))
        self.qa = np.zeros((months, self.n_reps, self.n_criteria))
        self.retaliation = b.retaliation_probability(self.policy.peer_score_use)

        # plain floats and ints: the simpy processes read one review at a time
        self.rep_of = self.rep.tolist()
        self.reviewer_of = self.reviewer.tolist()
        self.call_day_of = self.call_day.tolist()
        self.finished_of = self.finished_day.tolist()
        self.delivered_of = self.delivered_day.tolist()

    # ------------------------------------------------------------ the run
    def simulate(self) -> None:
        """Run every process until the last review is delivered or dropped."""
        env = simpy.Environment()
        self.env = env

        self._observe(0)
        env.process(self._calls())
        env.process(self._month_ends())
        if self.policy.one_on_ones_per_month > 0:
            env.process(self._one_on_ones())
        env.run()

    def _calls(self) -> Generator[Any, Any, None]:
        """Start each done review's process at its call, in call order."""
        rows = np.flatnonzero(self.done)
        rows = rows[np.argsort(self.call_day[rows], kind="stable")]
        for row in rows.tolist():
            yield self.env.timeout(self.call_day_of[row] - self.env.now)
            self.env.process(self._review(row))

    def _review(self, row: int) -> Generator[Any, Any, None]:
        env, b = self.env, self.behaviour
        rep, reviewer = self.rep_of[row], self.reviewer_of[row]

        # the call: its true level on each criterion, and the AI's scores
        level = BASELINE_LEVEL + self._gain_of(rep)
        ai = level + self.ai_error[row]
        self.ai_score[row] = ai

        # the peer's turn in their queue ends: the peer scores, perhaps with
        # a grudge; a late review may be dropped
        yield env.timeout(self.finished_of[row] - env.now)
        peer = level + self.peer_error[row]
        holds_grudge = self.grudge[reviewer, rep]
        if holds_grudge and self.retaliation_draw[row] < self.retaliation:
            peer -= b.retaliation_penalty
        self.peer_score[row] = peer
        delivered = self.delivered_of[row]
        if math.isnan(delivered):
            return

        # the manager's turn ends: the manager scores and routes the gap
        reference = ai
        if self.policy.manager_review:
            yield env.timeout(delivered - env.now)
            reference = level + self.manager_noise[row]
            self.manager_score[row] = reference
            if env.now < self.horizon_days:
                self.gap_sum[rep] += peer - reference
                self.gap_count[rep] += 1

        # delivery: the rep learns, and a harsh score leaves a grudge
        gain = self._gain_of(rep)
        gain += b.skill_gain_per_feedback
        if (peer - reference).min() < -1.0:
            self.grudge[rep, reviewer] = True

    def _month_ends(self) -> Generator[Any, Any, None]:
        threshold = self.policy.divergence_threshold
        for month in range(self.n_months):
            yield self.env.timeout(DAYS_PER_MONTH)

            # route criteria whose mean peer-manager gap exceeds the threshold
            has = self.gap_count > 0
            mean_gap = self.gap_sum[has] / self.gap_count[has, None]
            routed = np.zeros_like(self.agenda)
            routed[has] = np.abs(mean_gap) > threshold
            self.routed[month] = routed.sum(axis=0)
            self.agenda |= routed
            self.gap_sum[:] = 0.0
            self.gap_count[:] = 0

            self._observe(month + 1)

    def _one_on_ones(self) -> Generator[Any, Any, None]:
        interval = DAYS_PER_MONTH / self.policy.one_on_ones_per_month
        yield self.env.timeout(interval / 2)
        while self.env.now < self.horizon_days:
            month = int(self.env.now // DAYS_PER_MONTH)
            self.coaching[month] += self.agenda.sum(axis=0)
            self._gains()[self.agenda] += self.behaviour.skill_gain_per_coaching
            self.agenda[:] = False
            yield self.env.timeout(interval)

    def _observe(self, month: int) -> None:
        """Record true skill change and QA scores at the end of ``month``."""
        gain = self._gains()
        self.skill[month] = gain
        self.qa[month] = BASELINE_LEVEL + gain + self.qa_noise[month]

    def _gain_of(self, rep: int) -> np.ndarray:
        """One rep's skill gains decayed to now (a view: adding to it adds)."""
        elapsed = self.env.now - self.gain_day[rep]
        if elapsed > 0:
            self.gain[rep] *= math.exp(-self.decay_per_day * elapsed)
            self.gain_day[rep] = self.env.now
        return self.gain[rep]

    def _gains(self) -> np.ndarray:
        """Every rep's gains decayed to now (all forget at the same rate)."""
        elapsed = self.env.now - self.gain_day
        self.gain *= np.exp(-self.decay_per_day * elapsed)[:, None]
        self.gain_day[:] = self.env.now
        return self.gain
