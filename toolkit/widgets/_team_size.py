"""The team-size what-if: one program across team sizes, with and without sub-teams.

A lead picks a range of team sizes, the cadence, the rotation and a metric,
and sees the metric's mean and 95% interval for each size: one line for a
team split into sub-teams of 5 to 8 above 20 reps (the guide's rule), one
for a team paired as one pool. A dotted line marks the team size from which
rotation goes the whole horizon without a pair meeting again; a table gives,
per size, the month the first pair meets again. Teams too small to pair at
the cadence are listed as not possible.

The study is a :class:`~toolkit.simulation.Scenario` swept over
``team_size`` and ``split_above``; its numbers are those of
:func:`~toolkit.simulation.run_study` with the same seed (one
:func:`~toolkit.simulation.run_sweep` call in a few chunks, so the progress
bar moves; see :mod:`toolkit.widgets._runs`), drawn by
:func:`~toolkit.simulation.study_figure`. The first repeats come from
:mod:`toolkit.widgets._repeats`.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from toolkit.errors import ToolkitError
from toolkit.guide import GUIDE_SPLIT_ABOVE
from toolkit.simulation import (
    NEVER,
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    StudyResult,
    study_figure,
)
from toolkit.widgets._controls import int_slider, rotation_dropdown, run_controls
from toolkit.widgets._display import (
    collect_warnings,
    figure_png,
    message_html,
    notes_html,
    without_cli,
)
from toolkit.widgets._repeats import (
    caption_html,
    no_repeat_from,
    repeats_table,
    repeats_table_html,
)
from toolkit.widgets._runs import study_with_progress
from toolkit.widgets._sim_results import key_metrics, metric_label

__all__ = ["SIZES", "TeamSizeWhatIf", "team_size_what_if"]

#: Team sizes a range is sampled at (its two ends are always run too).
SIZES = (3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 30, 40, 50, 60)
SERIES = "sub-teams"
X = "team size"

_ROTATION_MONTHS = (1, 2, 3, 6, 12)
_WIDTH = "11em"
_HELP = (
    "<h3>Team size: what if?</h3><p>The same program run at each team size, "
    "once with the guide's sub-teams of 5 to 8 above 20 reps and once as one "
    "pool. Choose the sizes, cadence and rotation, press <i>Run</i>, then "
    "pick what to plot.</p>"
)


class TeamSizeWhatIf:
    """One program run at many team sizes, with and without sub-teams.

    :func:`team_size_what_if` makes it; see there for the arguments, which
    are passed by keyword.

    Attributes
    ----------
    widget
        The whole app, ready to display.
    sizes, reviews_per_rep, rotation_months, horizon_months, metric
        The study's controls; ``metric`` only changes the figure.
    replications, seed, run_button, progress
        The simulation controls.
    message, caption, repeats_html, not_possible_html, notes
        HTML widgets: status, what the dotted line means, first repeats per
        size, teams that cannot be paired, the guide's notes.
    image, plot
        The figure as PNG and as a matplotlib ``Figure``.
    study
        The last :class:`~toolkit.simulation.StudyResult`, or ``None``.
    summary
        Its summary with the columns ``team size`` and ``sub-teams``
        (``yes ...`` or ``no ...``) the figure uses.
    repeats
        Per team size and series: ``team_size``, ``sub_teams`` (bool),
        ``possible`` and ``first_repeat`` (the month, NaN for none within
        the horizon).
    no_repeat_from
        The smallest team size in the range that, paired as one pool,
        goes the horizon without a repeated pair (the dotted line), or
        ``None``.
    not_possible
        Teams the pairing cannot fill: ``team_size``, ``sub_teams``,
        ``reason``.

    Examples
    --------
    >>> app = team_size_what_if(sizes=(3, 6), horizon_months=2)
    >>> app.team_sizes()
    [3, 4, 5, 6]
    """

    def __init__(
        self,
        *,
        sizes: tuple[int, int],
        reviews_per_rep: int,
        rotation_months: int | None,
        horizon_months: int,
        metric: str,
        replications: int,
        seed: int,
        policy: ProgramPolicy | None,
        behaviour: BehaviourModel | None,
        n_jobs: int | None,
        run: bool,
    ) -> None:
        self.base = policy if policy is not None else ProgramPolicy()
        self.behaviour = behaviour if behaviour is not None else BehaviourModel()
        self.n_jobs = n_jobs
        self.study: StudyResult | None = None
        self.summary = pd.DataFrame()
        self.repeats = pd.DataFrame(
            columns=["team_size", "sub_teams", "possible", "first_repeat"]
        )
        self.not_possible = pd.DataFrame(columns=["team_size", "sub_teams", "reason"])
        self.no_repeat_from: int | None = None
        self.marks: dict[str, float] = {}
        self.plot: Figure | None = None
        self.shown_notes: tuple[str, ...] = ()
        self._quiet = False

        self._build_controls(
            sizes, reviews_per_rep, rotation_months, horizon_months, replications, seed
        )
        self._build_layout()
        self._offer_metrics(metric)
        self._waiting()
        if run:
            self.run()

    # ------------------------------------------------------------ widgets
    def _build_controls(
        self,
        sizes: tuple[int, int],
        reviews_per_rep: int,
        rotation_months: int | None,
        horizon_months: int,
        replications: int,
        seed: int,
    ) -> None:
        self.sizes = widgets.IntRangeSlider(
            value=tuple(sizes),
            min=3,
            max=60,
            description="Team sizes (reps)",
            continuous_update=False,
            style={"description_width": _WIDTH},
            layout=widgets.Layout(width="30em"),
        )
        self.reviews_per_rep = int_slider(
            "Reviews per rep a month", reviews_per_rep, 1, 6, width=_WIDTH
        )
        self.rotation_months = rotation_dropdown(
            _ROTATION_MONTHS, rotation_months, width=_WIDTH
        )
        self.horizon_months = int_slider(
            "Months simulated", horizon_months, 1, 24, width=_WIDTH
        )
        self.metric = widgets.Dropdown(
            description="Plot",
            style={"description_width": _WIDTH},
            layout=widgets.Layout(width="40em"),
        )
        row = run_controls(replications, seed, most=100, width=_WIDTH)
        self.replications, self.seed = row.replications, row.seed
        self.run_button, self.progress = row.run_button, row.progress

    def _build_layout(self) -> None:
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML()
        self.repeats_html = widgets.HTML()
        self.not_possible_html = widgets.HTML()
        self.notes = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML(_HELP),
                widgets.HBox([self.sizes, self.reviews_per_rep]),
                widgets.HBox([self.rotation_months, self.horizon_months]),
                widgets.HBox([self.replications, self.seed]),
                widgets.HBox([self.run_button, self.progress]),
                self.message,
                self.metric,
                self.image,
                self.caption,
                self.repeats_html,
                self.not_possible_html,
                self.notes,
            ],
            layout=widgets.Layout(width="100%"),
        )

        study_controls = (
            self.sizes,
            self.reviews_per_rep,
            self.rotation_months,
            self.horizon_months,
            self.replications,
            self.seed,
        )
        for control in study_controls:
            control.observe(lambda _: self._waiting(), names="value")
        self.horizon_months.observe(
            lambda _: self._offer_metrics(self.metric.value), names="value"
        )
        self.metric.observe(
            lambda _: None if self._quiet else self._draw(), names="value"
        )
        self.run_button.on_click(lambda _: self.run())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _offer_metrics(self, wanted: str) -> None:
        """The metrics to plot; skill change at 90 days or at the horizon."""
        policy = self.base.replace(
            criteria_per_review=1, horizon_months=int(self.horizon_months.value)
        )
        names = key_metrics(policy)
        if wanted not in names:
            # the same kind of metric at the new horizon, else the first
            same = [n for n in names if n.split("_")[:2] == wanted.split("_")[:2]]
            wanted = same[0] if same else "repeated_pair_share"

        self._quiet = True  # new options reset the value: draw once, below
        try:
            self.metric.options = [(metric_label(name), name) for name in names]
        finally:
            self._quiet = False
        if self.metric.value == wanted:
            self._draw()
        self.metric.value = wanted

    # ------------------------------------------------------------ the study
    def team_sizes(self) -> list[int]:
        """The team sizes run: :data:`SIZES` within the range, and its ends."""
        low, high = (int(v) for v in self.sizes.value)
        return sorted({low, high, *(n for n in SIZES if low <= n <= high)})

    def scenario(self) -> Scenario:
        """The study as a scenario: team sizes x with / without sub-teams.

        Raises
        ------
        ToolkitError
            A base policy the controls make impossible.
        """
        rotation = self.rotation_months.value
        policy = self.base.replace(
            reviews_per_rep=int(self.reviews_per_rep.value),
            rotation_months=None if rotation == NEVER else int(rotation),
            horizon_months=int(self.horizon_months.value),
        )
        low, high = self.sizes.value
        return Scenario(
            name=f"Team size {low} to {high} reps, with and without sub-teams",
            policy=policy,
            behaviour=self.behaviour,
            replications=int(self.replications.value),
            seed=int(self.seed.value),
            metrics=(str(self.metric.value),),
            sweep={
                "team_size": tuple(self.team_sizes()),
                "split_above": (self._split_above(), None),
            },
        )

    def run(self) -> None:
        """Run every team size with and without sub-teams; draw the metric."""
        try:
            scenario = self.scenario()
        except ToolkitError as exc:
            self._problem(str(exc))
            return

        n_points = len(scenario.points())
        self.progress.max = scenario.replications
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.message.value = message_html(
            f"Simulating {n_points} teams ({len(self.team_sizes())} sizes, with "
            f"and without sub-teams) {scenario.replications} times each...",
            kind="working",
        )

        self.run_button.disabled = True
        try:
            with collect_warnings() as caught:
                study = study_with_progress(
                    scenario, n_jobs=self.n_jobs, bar=self.progress
                )
        except ToolkitError as exc:
            self._problem(str(exc))
            return
        finally:
            self.run_button.disabled = False

        self.study = study
        self.not_possible = _not_possible(study)
        self.summary = _with_series(study.summary, self.base)
        self.repeats = repeats_table(
            scenario.policy, self.team_sizes(), split_above=self._split_above()
        )
        low, high = (int(v) for v in self.sizes.value)
        self.no_repeat_from = no_repeat_from(scenario.policy, low, high)
        # teams that cannot be paired are listed apart, not among the notes
        skipped = study.sweep.skipped.values()
        self.shown_notes = tuple(
            note for note in caught if not any(why in note for why in skipped)
        )
        self.progress.bar_style = "success"
        self._show()

    # ------------------------------------------------------------ showing
    def _show(self) -> None:
        study = self.study
        if study is None:
            return
        if self.summary.empty:
            self.image.layout.display = "none"
            self.caption.value = ""
            self.repeats_html.value = ""
            self.message.value = message_html(
                f"no team size from {self.sizes.value[0]} to {self.sizes.value[1]} "
                f"reps can be paired at {self.reviews_per_rep.value} reviews per "
                "rep a month; widen the range or lower the cadence",
                kind="problem",
            )
            self.not_possible_html.value = _not_possible_html(self.not_possible)
            return

        policy = study.scenario.policy
        self._draw()
        self.caption.value = caption_html(
            policy,
            self.no_repeat_from,
            split_above=self._split_above(),
            largest=self.sizes.value[1],
        )
        self.repeats_html.value = repeats_table_html(
            self.repeats, policy.horizon_months
        )
        self.not_possible_html.value = _not_possible_html(self.not_possible)
        self.notes.value = (
            "<details><summary>What the guide says about some of these teams "
            f"({len(self.shown_notes)})</summary>"
            + notes_html(self.shown_notes, heading="")
            + "</details>"
            if self.shown_notes
            else ""
        )
        self.message.value = message_html(
            f"{len(study.sweep.runs)} simulated teams: "
            f"{study.scenario.replications} per team size and series, "
            f"{policy.horizon_months} month(s) each (seed {study.scenario.seed}).",
            kind="done",
        )

    def _draw(self) -> None:
        if self.study is None or self.summary.empty:
            return
        metric = str(self.metric.value)
        rows = self.summary[self.summary["metric"] == metric]
        shown = rows.assign(metric=metric_label(metric))
        self.marks = {}
        if self.no_repeat_from is not None:
            self.marks[f"no repeat from {self.no_repeat_from}"] = float(
                self.no_repeat_from
            )

        self.plot = study_figure(
            shown,
            metric_label(metric),
            x=X,
            series=SERIES,
            title=self.study.scenario.name,
            marks=self.marks,
        )
        self.image.value = figure_png(self.plot)
        self.image.layout.display = None

    def _waiting(self) -> None:
        n_sizes = len(self.team_sizes())
        hint = (
            f"Press Run to simulate {2 * n_sizes} teams ({n_sizes} sizes, with "
            f"and without sub-teams) {self.replications.value} times each."
        )
        if self.study is not None:
            hint = "The controls changed since this figure was drawn. " + hint
        self.message.value = message_html(hint, kind="hint")

    def _problem(self, text: str) -> None:
        self.progress.bar_style = "danger"
        self.message.value = message_html(text, kind="problem")

    def _split_above(self) -> int:
        return self.base.split_above or GUIDE_SPLIT_ABOVE


def team_size_what_if(
    *,
    sizes: tuple[int, int] = (3, 40),
    reviews_per_rep: int = 2,
    rotation_months: int | None = 3,
    horizon_months: int = 12,
    metric: str = "repeated_pair_share",
    replications: int = 10,
    seed: int = 0,
    policy: ProgramPolicy | None = None,
    behaviour: BehaviourModel | None = None,
    n_jobs: int | None = 1,
    run: bool = False,
) -> TeamSizeWhatIf:
    """The team-size what-if, ready to display in a notebook.

    A range of team sizes, the cadence, the rotation and the months to
    simulate; *Run* simulates the program at each size, once with the
    guide's sub-teams (5 to 8 reps above 20) and once as one pool, and plots
    the chosen metric with 95% intervals. A dotted line marks the size from
    which rotation goes the whole horizon without a pair meeting again;
    teams too small to pair at the cadence are listed as not possible.

    Parameters
    ----------
    sizes
        Smallest and largest team size, 3 to 60; the sizes run are
        :data:`SIZES` inside the range, and its two ends.
    reviews_per_rep, rotation_months, horizon_months
        The cadence, months between rotations (``None``: never) and months
        simulated.
    metric
        The metric plotted first (any of :data:`toolkit.widgets.
        _sim_results.METRICS`, or a skill or QA metric of criterion 1);
        another can be chosen after the run.
    replications, seed
        Replications per team size and series, and the study's seed (the
        start values of the Replications slider and the Seed box); the
        numbers are those of :func:`toolkit.simulation.run_study` with the
        same seed.
    policy
        The program's other choices (criteria, pairing, manager review,
        ...); the guide's policy by default.
    behaviour
        The behaviour assumptions; ``None`` uses the defaults.
    n_jobs
        Local processes; ``1`` (the default) runs in the kernel.
    run
        Run at once; otherwise the lead presses *Run*.

    Returns
    -------
    TeamSizeWhatIf
        Displays itself as the last expression of a cell; ``study``,
        ``summary``, ``repeats`` and ``not_possible`` are there for code.

    Notes
    -----
    The defaults run 24 teams (22 of which can be paired) 10 times for 12
    months, about 10 seconds in one process. The first repeats are those
    of one seating of the team (:func:`toolkit.pairing.pairing_schedule`
    with seed 0); the search for the dotted line assumes a larger pool
    never repeats sooner, which holds for the manager-assigned rotation.

    Examples
    --------
    >>> app = team_size_what_if(sizes=(3, 6), horizon_months=2, replications=2)
    >>> app.run()
    >>> app.not_possible["team_size"].unique().tolist()  # 2 reviewers each
    [3, 4]
    >>> sorted(app.summary["team size"].unique().tolist())
    [5, 6]
    """
    return TeamSizeWhatIf(
        sizes=sizes,
        reviews_per_rep=reviews_per_rep,
        rotation_months=rotation_months,
        horizon_months=horizon_months,
        metric=metric,
        replications=replications,
        seed=seed,
        policy=policy,
        behaviour=behaviour,
        n_jobs=n_jobs,
        run=run,
    )


# ---------------------------------------------------------------- helpers
def _with_series(summary: pd.DataFrame, policy: ProgramPolicy) -> pd.DataFrame:
    """The summary with the figure's x and series columns, in words."""
    smallest, largest = policy.sub_team_size
    split = policy.split_above or GUIDE_SPLIT_ABOVE
    series = {
        True: f"yes ({smallest}-{largest} reps each above {split})",
        False: "no (one pool)",
    }

    # a study summary writes a team that never splits as "never"
    split_above = summary["split_above"]
    sub_teams = split_above.notna() & split_above.ne(NEVER)
    frame = summary.copy()
    frame[X] = summary["team_size"].astype(int)
    frame[SERIES] = sub_teams.map(series)
    return frame


def _not_possible(study: StudyResult) -> pd.DataFrame:
    values = study.scenario.sweep_values()
    rows = [
        {
            "team_size": int(values[label]["team_size"]),
            "sub_teams": values[label]["split_above"] is not None,
            "reason": reason,
        }
        for label, reason in study.sweep.skipped.items()
    ]
    return pd.DataFrame(rows, columns=["team_size", "sub_teams", "reason"])


def _not_possible_html(table: pd.DataFrame) -> str:
    if table.empty:
        return ""
    items = []
    for size, rows in table.groupby("team_size", sort=True):
        reasons = list(dict.fromkeys(rows["reason"]))
        which = (
            "with and without sub-teams"
            if rows["sub_teams"].nunique() == 2
            else ("with sub-teams" if rows["sub_teams"].iloc[0] else "one pool")
        )
        items.append(
            f"<li><b>{size} reps</b> ({which}): not possible: "
            f"{html.escape(without_cli(reasons[0]))}</li>"
        )
    return "<p><b>Not possible</b></p><ul>" + "".join(items) + "</ul>"
