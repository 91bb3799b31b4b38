"""The team-size what-if: one program across team sizes, with and without sub-teams.

A lead picks a range of team sizes, the cadence, the rotation and a metric,
and sees the metric's mean and 95% interval for each size: one line for a
team split into sub-teams of 5 to 8 above 20 reps (the guide's rule), one
for a team paired as one pool. A dotted line marks the team size from which
rotation goes the whole horizon without a pair meeting again; a table gives,
per size, the month the first pair meets again. Teams too small to pair at
the cadence are listed as not possible.

The study is a :class:`~toolkit.simulation.Scenario` swept over
``team_size`` and ``split_above``, run by :func:`~toolkit.simulation.
run_study` (in batches of replications, so the progress bar moves; the
numbers are those of one call with the same seed) and drawn by
:func:`~toolkit.simulation.study_figure`. The first repeats come from
:meth:`toolkit.pairing.PairingSchedule.first_repeat`.
"""

from __future__ import annotations

import html
import warnings
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.guide import GUIDE_SPLIT_ABOVE
from toolkit.pairing import pairing_schedule
from toolkit.simulation import (
    NEVER,
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    StudyResult,
    run_study,
    study_figure,
)
from toolkit.widgets._designer import (
    _without_cli,
    key_metrics,
    metric_label,
    runs_in_batches,
)
from toolkit.widgets._display import (
    collect_warnings,
    figure_png,
    message_html,
    notes_html,
    table_html,
)

__all__ = ["SIZES", "TeamSizeWhatIf", "first_repeat", "team_size_what_if"]

#: Team sizes a range is sampled at (its two ends are always run too).
SIZES = (3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 30, 40, 50, 60)
SERIES = "sub-teams"
X = "team size"

_ROTATIONS: list[tuple[str, Any]] = [
    ("monthly", 1),
    ("every 2 months", 2),
    ("quarterly", 3),
    ("every 6 months", 6),
    ("yearly", 12),
    ("never", NEVER),
]
_STYLE = {"description_width": "11em"}
_CONTROL = widgets.Layout(width="30em")


class TeamSizeWhatIf:
    """One program run at many team sizes, with and without sub-teams.

    Parameters
    ----------
    sizes
        Smallest and largest team size (3 to 60).
    reviews_per_rep, rotation_months, horizon_months
        Start values of the cadence, rotation (``None`` never) and months.
    metric
        The metric plotted first (any of :data:`toolkit.widgets._designer.
        METRICS`, or a skill or QA metric of criterion 1).
    replications, seed
        Start values of the Replications slider and the Seed box.
    policy
        The program's other choices (criteria, pairing, manager review,
        ...); the guide's policy by default.
    behaviour
        The behaviour assumptions; ``None`` uses the defaults.
    n_jobs
        Local processes per run; ``1`` (the default) runs in the kernel.
    run
        Run the study at once.

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
    >>> app = TeamSizeWhatIf(sizes=(3, 6), horizon_months=2)
    >>> app.team_sizes()
    [3, 4, 5, 6]
    """

    def __init__(
        self,
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
        rotation = NEVER if rotation_months is None else rotation_months
        self._build(
            sizes, reviews_per_rep, rotation, horizon_months, replications, seed
        )
        self._offer_metrics(metric)
        self._waiting()
        if run:
            self.run()

    # ------------------------------------------------------------ controls
    def _build(
        self,
        sizes: tuple[int, int],
        reviews_per_rep: int,
        rotation: Any,
        horizon_months: int,
        replications: int,
        seed: int,
    ) -> None:
        rotations = list(_ROTATIONS)
        if rotation not in [value for _, value in rotations]:
            rotations.insert(-1, (f"every {rotation} months", rotation))
        self.sizes = widgets.IntRangeSlider(
            value=tuple(sizes),
            min=3,
            max=60,
            description="Team sizes (reps)",
            continuous_update=False,
            style=_STYLE,
            layout=_CONTROL,
        )
        self.reviews_per_rep = _slider("Reviews per rep a month", reviews_per_rep, 1, 6)
        self.rotation_months = widgets.Dropdown(
            options=rotations,
            value=rotation,
            description="Rotate pairs",
            style=_STYLE,
            layout=_CONTROL,
        )
        self.horizon_months = _slider("Months simulated", horizon_months, 1, 24)
        self.metric = widgets.Dropdown(
            description="Plot", style=_STYLE, layout=widgets.Layout(width="40em")
        )
        self.replications = _slider("Replications", replications, 2, 100)
        self.seed = widgets.BoundedIntText(
            value=seed,
            min=0,
            max=2**31 - 1,
            description="Seed",
            style=_STYLE,
            layout=_CONTROL,
        )
        self.run_button = widgets.Button(
            description="Run", button_style="primary", icon="play"
        )
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Runs")
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML()
        self.repeats_html = widgets.HTML()
        self.not_possible_html = widgets.HTML()
        self.notes = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    "<h3>Team size: what if?</h3><p>The same program run at "
                    "each team size, once with the guide's sub-teams of 5 to 8 "
                    "above 20 reps and once as one pool. Choose the sizes, "
                    "cadence and rotation, press <i>Run</i>, then pick what "
                    "to plot.</p>"
                ),
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

        def batch(upto: int, path: Path) -> StudyResult:
            return run_study(
                scenario, replications=upto, output=path, n_jobs=self.n_jobs
            )

        def advance(upto: int) -> None:
            self.progress.value = upto

        try:
            with collect_warnings() as caught:
                study = runs_in_batches(scenario.replications, batch, advance=advance)
        except ToolkitError as exc:
            self._problem(str(exc))
            return
        finally:
            self.run_button.disabled = False

        self.study = study
        self.not_possible = _not_possible(study)
        self.summary = _with_series(study.summary, self.base)
        self._find_repeats(scenario.policy)
        # teams that cannot be paired are listed apart, not among the notes
        skipped = study.sweep.skipped.values()
        self.shown_notes = tuple(
            note for note in caught if not any(why in note for why in skipped)
        )
        self.progress.bar_style = "success"
        self._show()

    def _find_repeats(self, policy: ProgramPolicy) -> None:
        """First repeats per size and series, and where one pool stops repeating."""
        rows = []
        for size in self.team_sizes():
            for split in (self._split_above(), None):
                try:
                    month = first_repeat(policy.replace(split_above=split), size)
                except ToolkitError:
                    possible, month = False, None
                else:
                    possible = True
                rows.append(
                    {
                        "team_size": size,
                        "sub_teams": split is not None,
                        "possible": possible,
                        "first_repeat": float("nan") if month is None else month,
                    }
                )
        self.repeats = pd.DataFrame(rows)

        # the smallest size, one pool, that goes the horizon without a repeat
        self.no_repeat_from = None
        if policy.rotation_months is None:
            return
        pool = policy.replace(split_above=None)
        low, high = (int(v) for v in self.sizes.value)
        if not _no_repeat(pool, high):
            return
        while low < high:  # more reps, more rounds before a repeat
            middle = (low + high) // 2
            if _no_repeat(pool, middle):
                high = middle
            else:
                low = middle + 1
        self.no_repeat_from = high

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

        self._draw()
        self.caption.value = self._caption()
        self.repeats_html.value = self._repeats_table()
        self.not_possible_html.value = _not_possible_html(self.not_possible)
        self.notes.value = (
            "<details><summary>What the guide says about some of these teams "
            f"({len(self.shown_notes)})</summary>"
            + notes_html(self.shown_notes, heading="")
            + "</details>"
            if self.shown_notes
            else ""
        )
        scenario = study.scenario
        self.message.value = message_html(
            f"{len(study.sweep.runs)} simulated teams: "
            f"{scenario.replications} per team size and series, "
            f"{scenario.policy.horizon_months} month(s) each (seed {scenario.seed}).",
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

    def _caption(self) -> str:
        policy = self.study.scenario.policy if self.study else self.base
        months = policy.horizon_months
        cadence = policy.reviews_per_rep
        split = self._split_above()
        if policy.rotation_months is None:
            text = (
                f"Pairs never rotate: each rep hears from the same {cadence} "
                f"peer(s) for all {months} months. No pair meets 'again', so "
                "no line is drawn, but every review comes from a familiar peer."
            )
        elif self.no_repeat_from is not None:
            text = (
                f"Dotted line at {self.no_repeat_from} reps: from this size up, "
                "a team paired as one pool rotates "
                f"{_every(policy.rotation_months)} for all {months} months "
                "without any peer reviewing the same rep again. Smaller teams "
                "run out of new pairs and repeat some. Sub-teams are small "
                f"pools, so above {split} reps they repeat pairs as a team of "
                "their size does (see the table)."
            )
        else:
            text = (
                f"Every team size shown repeats some pair within {months} "
                f"months at {cadence} review(s) per rep, rotated "
                f"{_every(policy.rotation_months)}: a team paired as one pool "
                f"needs more than {self.sizes.value[1]} reps to avoid it."
            )
        return (
            f"<p style='font-size:90%'>Points: mean of the replications; bars: "
            f"95% interval. Up to {split} reps the two lines are the same teams "
            f"(no split happens). {html.escape(text)}</p>"
        )

    def _repeats_table(self) -> str:
        months = int(self.horizon_months.value)
        if self.study is not None:
            months = self.study.scenario.policy.horizon_months

        def cell(row: pd.Series) -> str:
            if not row["possible"]:
                return "not possible"
            if pd.isna(row["first_repeat"]):
                return f"none in {months} months"
            return f"month {int(row['first_repeat'])}"

        table = self.repeats.assign(shown=self.repeats.apply(cell, axis=1))
        wide = pd.DataFrame(
            {
                "Team size": table.loc[table["sub_teams"], "team_size"].to_numpy(),
                "With sub-teams": table.loc[table["sub_teams"], "shown"].to_numpy(),
                "One pool": table.loc[~table["sub_teams"], "shown"].to_numpy(),
            }
        )
        return (
            "<p><b>When does the first pair meet again?</b> The month in which "
            "some peer is assigned a rep they reviewed in an earlier rotation "
            "(one seating of the team).</p>" + table_html(wide)
        )

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
        The metric plotted first; another can be chosen after the run.
    replications, seed
        Replications per team size and series, and the study's seed; the
        numbers are those of :func:`toolkit.simulation.run_study` with the
        same seed.
    policy
        The program's other choices; the guide's policy by default.
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


def first_repeat(policy: ProgramPolicy, team_size: int) -> int | None:
    """The month the first pair meets again in a team of ``team_size``.

    The pairing of ``policy`` (cadence, rotation, method, sub-teams) for
    ``policy.horizon_months`` months, by
    :meth:`toolkit.pairing.PairingSchedule.first_repeat`, for one seating of
    the team (seed 0).

    Returns
    -------
    int or None
        The month (1, 2, ...), or ``None`` when no pair meets again within
        the horizon.

    Raises
    ------
    ToolkitError
        The pairing cannot fill the cadence in a team of that size.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> monthly = ProgramPolicy(rotation_months=1, horizon_months=6)
    >>> first_repeat(monthly, 5), first_repeat(monthly, 13)
    (3, None)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GuideWarning)
        schedule = pairing_schedule(
            team_size,
            n_periods=policy.horizon_months,
            reviews_per_rep=policy.reviews_per_rep,
            rotation=policy.rotation_months,
            method=policy.pairing,
            split_above=policy.split_above,
            sub_team_size=policy.sub_team_size,
            rng=0,
        )
    return schedule.first_repeat()


def _no_repeat(policy: ProgramPolicy, team_size: int) -> bool:
    """Whether a team of this size can be paired and never repeats a pair."""
    try:
        return first_repeat(policy, team_size) is None
    except ToolkitError:
        return False


# ---------------------------------------------------------------- helpers
def _with_series(summary: pd.DataFrame, policy: ProgramPolicy) -> pd.DataFrame:
    """The summary with the figure's x and series columns, in words."""
    smallest, largest = policy.sub_team_size
    split = policy.split_above or GUIDE_SPLIT_ABOVE
    series = {
        True: f"yes ({smallest}-{largest} reps each above {split})",
        False: "no (one pool)",
    }
    frame = summary.copy()
    frame[X] = summary["team_size"].astype(int)
    frame[SERIES] = summary["split_above"].notna().map(series)
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
            f"{html.escape(_without_cli(reasons[0]))}</li>"
        )
    return "<p><b>Not possible</b></p><ul>" + "".join(items) + "</ul>"


def _every(months: int | None) -> str:
    if months == 1:
        return "monthly"
    if months == 3:
        return "quarterly"
    return f"every {months} months"


def _slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value,
        min=low,
        max=max(high, value),
        description=description,
        continuous_update=False,
        style=_STYLE,
        layout=_CONTROL,
    )
