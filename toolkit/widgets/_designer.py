"""The program designer: choose a policy, simulate it, compare it, export it.

A lead sets the program's structure (team size, cadence, criteria, pairing
and rotation, manager review, use of peer scores) and reads what the
simulation says about it: the share of rep-months that get their feedback,
the hours it costs peers and the manager, how fast feedback arrives, how
far skills move in 90 days and when QA scores show it, each with a 95%
interval over replications. Where a choice leaves the practitioner guide,
the guide's reason shows beside that control as the controls change. A
policy can be saved as the baseline; later runs are then compared with it
on the same simulated teams (paired differences), and the chosen policy can
be downloaded as a scenario file for ``peercoach simulate``.

Every number comes from :mod:`toolkit.simulation`: the replications are
those of :func:`~toolkit.simulation.simulate` with the same seed (run in
batches through :func:`~toolkit.simulation.run_sweep`'s resumable results
file, so the progress bar can move), the differences those of
:func:`~toolkit.simulation.compare`.
"""

from __future__ import annotations

import html
import math
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as widgets
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.guide import GUIDE_SPLIT_ABOVE
from toolkit.simulation import (
    NEVER,
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    SimulationResult,
    SweepPoint,
    SweepResult,
    differences,
    run_sweep,
    summarise,
)
from toolkit.widgets._display import (
    collect_warnings,
    download_html,
    message_html,
    notes_html,
    table_html,
)

__all__ = [
    "METRICS",
    "ProgramDesigner",
    "batch_ends",
    "key_metrics",
    "metric_label",
    "pairing_problem",
    "program_designer",
    "runs_in_batches",
]

#: Metric -> (what a team lead reads, kind of number). Per-criterion metrics
#: (skill change, QA detection) are named by :func:`metric_label`.
METRICS: dict[str, tuple[str, str]] = {
    "cadence_reached_share": ("Rep-months reaching the cadence", "share"),
    "evaluator_compliance": ("Reviews done of those asked", "share"),
    "late_share": ("Reviews finished after their deadline", "share"),
    "evaluator_hours_per_month": ("Peer hours per rep per month", "hours"),
    "manager_hours_per_month": ("Manager hours per month (each manager)", "hours"),
    "latency_p90_days": (
        "Working days from call to feedback (90th percentile)",
        "days",
    ),
    "repeated_pair_share": ("Reviews by a pair that met before", "share"),
    "bias_exposure": ("Reviews written by a friend or quota competitor", "share"),
    "routed_per_month": ("Criteria routed to a one-on-one per month", "count"),
    "coaching_per_month": ("Coaching conversations per month", "count"),
    "feedback_gini": ("Unevenness of feedback across reps (0 = even)", "index"),
}
_SKILL = re.compile(r"skill_change_(\d+)d_(.+)")
_QA = re.compile(r"qa_detect_days_(.+)")

_PAIRINGS = [
    ("assigned by the manager", "assigned"),
    ("random", "random"),
    ("self-selected", "self_selected"),
]
_ROTATIONS: list[tuple[str, Any]] = [
    ("monthly", 1),
    ("every 2 months", 2),
    ("quarterly", 3),
    ("every 4 months", 4),
    ("every 6 months", 6),
    ("yearly", 12),
    ("never", NEVER),
]
_SCORE_USES = [
    ("coaching input only", "coaching"),
    ("feeds performance ratings", "performance"),
]
# what each control is called in the comparison's list of changes
_FIELD_WORDS = {
    "team_size": "team size",
    "split_above": "sub-teams above",
    "reviews_per_rep": "reviews per rep a month",
    "criteria_per_review": "criteria per review",
    "pairing": "pairing",
    "rotation_months": "rotation (months)",
    "calibration": "calibration before launch",
    "manager_review": "manager review",
    "manager_hours_per_week": "manager hours a week",
    "divergence_threshold": "routing threshold",
    "peer_score_use": "use of peer scores",
    "horizon_months": "months simulated",
}
# progress moves this many times per run at most (each batch re-reads the file)
_BATCHES = 6
_STYLE = {"description_width": "13em"}
_CONTROL = widgets.Layout(width="30em")
# a checkbox says its choice in words after the box
_WIDE = widgets.Layout(width="44em")
_HELP = (
    "<p>Set the program's structure, then press <i>Run</i>. Each replication "
    "simulates one team living with the program for the months chosen "
    "(calls, reviews, the manager's queue, one-on-ones, skills and QA "
    "scores); the table gives the mean over replications and its 95% "
    "interval. A note beside a control says where a choice leaves the "
    "practitioner guide, and why.</p>"
)

T = TypeVar("T")


class ProgramDesigner:
    """Design a peer-coaching program and read what the simulation says.

    Parameters
    ----------
    policy
        The policy the controls start from (``ProgramPolicy()``, the
        guide's policy for a team of 10, by default). Fields without a
        control (minutes per manager review, one-on-ones, recalibration,
        sub-team sizes) keep its values.
    replications, seed
        Start values of the Replications slider and the Seed box.
    behaviour
        The behaviour assumptions; ``None`` uses the defaults.
    n_jobs
        Local processes per run, as in :func:`toolkit.simulation.run_sweep`;
        ``1`` (the default) runs in the notebook's kernel, which is the
        safe choice there.
    run
        Run the starting policy at once, so results show on opening.

    Attributes
    ----------
    widget
        The whole app, ready to display.
    controls
        Policy field (and ``"sub_teams"``) -> its control; each control is
        also an attribute of the same name (``app.reviews_per_rep``).
    guide_notes, guide
        Control name -> the HTML widget beside it; topic -> the guide's
        departure message it shows (from
        :meth:`~toolkit.simulation.ProgramPolicy.departures`, live).
    pairing_issue
        Why the pairing cannot fill the cadence in this team (shown beside
        the team size), or ``None``.
    replications, seed, scenario_name, run_button, progress, baseline_button
        The simulation controls.
    message, notes
        What the app is doing or what went wrong, and warnings of the run.
    result, baseline
        The last run's and the saved baseline's
        :class:`~toolkit.simulation.SimulationResult`, or ``None``.
    results_table, comparison_table
        What the tables show, unrounded: ``metric``, ``what``, ``n``,
        ``mean``, ``ci_low``, ``ci_high``; the comparison adds the
        baseline's columns and the paired ``difference`` with its interval.
    stale
        Whether the controls changed since the results shown.

    Examples
    --------
    >>> app = ProgramDesigner(run=False)
    >>> app.reviews_per_rep.value = 6
    >>> print(app.guide["reviews_per_rep"][:62])
    6 review(s) per rep per month leaves the guide's range of 2 to
    >>> app.policy().reviews_per_rep
    6
    """

    def __init__(
        self,
        *,
        policy: ProgramPolicy | None = None,
        replications: int = 20,
        seed: int = 0,
        behaviour: BehaviourModel | None = None,
        n_jobs: int | None = 1,
        run: bool = True,
    ) -> None:
        self.start = policy if policy is not None else ProgramPolicy()
        self.behaviour = behaviour if behaviour is not None else BehaviourModel()
        self.n_jobs = n_jobs
        self.result: SimulationResult | None = None
        self.baseline: SimulationResult | None = None
        self.results_table = _empty_table()
        self.comparison_table = pd.DataFrame()
        self.guide: dict[str, str] = {}
        self.pairing_issue: str | None = None
        self.shown_notes: tuple[str, ...] = ()
        self.stale = False
        self._build(replications, seed)
        self._refresh()
        if run:
            self.run()

    # ------------------------------------------------------------ controls
    def _build(self, replications: int, seed: int) -> None:
        start = self.start
        rotations = list(_ROTATIONS)
        rotation = NEVER if start.rotation_months is None else start.rotation_months
        if rotation not in [value for _, value in rotations]:
            rotations.insert(-1, (f"every {rotation} months", rotation))

        self.team_size = _slider("Team size (reps)", start.team_size, 2, 60)
        self.sub_teams = widgets.Checkbox(
            value=start.split_above is not None,
            description=(
                f"Sub-teams of {start.sub_team_size[0]}-{start.sub_team_size[1]} "
                f"above {start.split_above or GUIDE_SPLIT_ABOVE} reps"
            ),
            style=_STYLE,
            layout=_WIDE,
        )
        self.reviews_per_rep = _slider(
            "Reviews per rep a month", start.reviews_per_rep, 1, 8
        )
        self.criteria_per_review = _slider(
            "Criteria per review", start.criteria_per_review, 1, 8
        )
        self.pairing = _dropdown("Pairing", _PAIRINGS, start.pairing)
        self.rotation_months = _dropdown("Rotate pairs", rotations, rotation)
        self.calibration = widgets.Checkbox(
            value=start.calibration,
            description="Calibration session before launch",
            style=_STYLE,
            layout=_WIDE,
        )
        self.manager_review = widgets.Checkbox(
            value=start.manager_review,
            description="Manager reviews feedback before the rep sees it",
            style=_STYLE,
            layout=_WIDE,
        )
        self.manager_hours_per_week = widgets.FloatSlider(
            value=start.manager_hours_per_week,
            min=0.5,
            max=10.0,
            step=0.5,
            description="Manager hours a week",
            readout_format=".1f",
            continuous_update=False,
            disabled=not start.manager_review,
            style=_STYLE,
            layout=_CONTROL,
        )
        self.divergence_threshold = widgets.FloatSlider(
            value=start.divergence_threshold,
            min=0.0,
            max=3.0,
            step=0.5,
            description="Routing gap (levels)",
            tooltip="a peer-manager gap above this puts the criterion on the "
            "rep's one-on-one agenda",
            readout_format=".1f",
            continuous_update=False,
            style=_STYLE,
            layout=_CONTROL,
        )
        self.peer_score_use = _dropdown(
            "Peer scores are used as", _SCORE_USES, start.peer_score_use
        )
        self.horizon_months = _slider("Months simulated", start.horizon_months, 1, 24)
        self.controls: dict[str, widgets.ValueWidget] = {
            "team_size": self.team_size,
            "sub_teams": self.sub_teams,
            "reviews_per_rep": self.reviews_per_rep,
            "criteria_per_review": self.criteria_per_review,
            "pairing": self.pairing,
            "rotation_months": self.rotation_months,
            "calibration": self.calibration,
            "manager_review": self.manager_review,
            "manager_hours_per_week": self.manager_hours_per_week,
            "divergence_threshold": self.divergence_threshold,
            "peer_score_use": self.peer_score_use,
            "horizon_months": self.horizon_months,
        }
        self.guide_notes = {name: widgets.HTML() for name in self.controls}
        self.other_guide = widgets.HTML()

        self.replications = _slider("Replications", replications, 2, 200)
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
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="Runs", bar_style=""
        )
        self.baseline_button = widgets.Button(
            description="Save as baseline",
            icon="bookmark",
            disabled=True,
            tooltip="compare later runs with the results shown now",
        )
        self.message = widgets.HTML()
        self.results = widgets.HTML()
        self.results.add_class("peercoach-results")  # found by the browser test
        self.comparison = widgets.HTML(
            "<p><i>Press <b>Save as baseline</b> under results you want to "
            "keep; change the controls and run again to compare.</i></p>"
        )
        self.scenario_name = widgets.Text(
            value="Our program",
            description="Scenario name",
            continuous_update=False,
            style=_STYLE,
            layout=_CONTROL,
        )
        self.download = widgets.HTML()
        self.notes = widgets.HTML()
        self.tabs = widgets.Tab(
            children=[
                self.results,
                self.comparison,
                widgets.VBox(
                    [
                        widgets.HTML(
                            "<p>The chosen policy as a scenario file (TOML). "
                            "Run it again later with <code>peercoach simulate"
                            "</code> or <code>toolkit.simulation."
                            "load_scenario</code>.</p>"
                        ),
                        self.scenario_name,
                        self.download,
                    ]
                ),
            ],
            titles=("Results", "vs. baseline", "Scenario file"),
            layout=widgets.Layout(width="100%"),
        )

        def section(title: str, names: list[str]) -> list[widgets.Widget]:
            rows = [
                widgets.HBox([self.controls[n], self.guide_notes[n]]) for n in names
            ]
            return [widgets.HTML(f"<b>{title}</b>"), *rows]

        self.widget = widgets.VBox(
            [
                widgets.HTML("<h3>Program designer</h3>" + _HELP),
                *section("Team and pairing", ["team_size", "sub_teams", "pairing"]),
                *section("Rotation", ["rotation_months"]),
                *section(
                    "Reviews",
                    ["reviews_per_rep", "criteria_per_review", "calibration"],
                ),
                *section(
                    "Manager and use of scores",
                    [
                        "manager_review",
                        "manager_hours_per_week",
                        "divergence_threshold",
                        "peer_score_use",
                    ],
                ),
                *section("Simulation", ["horizon_months"]),
                self.other_guide,
                widgets.HBox([self.replications, self.seed]),
                widgets.HBox([self.run_button, self.progress, self.baseline_button]),
                self.message,
                self.tabs,
                self.notes,
            ],
            layout=widgets.Layout(width="100%"),
        )
        # stable handles for the browser test
        self.widget.add_class("peercoach-designer")
        self.message.add_class("peercoach-message")

        for control in (*self.controls.values(), self.replications, self.seed):
            control.observe(lambda _: self._refresh(), names="value")
        self.scenario_name.observe(lambda _: self._offer_scenario(), names="value")
        self.run_button.on_click(lambda _: self.run())
        self.baseline_button.on_click(lambda _: self.save_baseline())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ the policy
    def policy(self) -> ProgramPolicy:
        """The policy the controls describe.

        Raises
        ------
        ToolkitError
            A combination :class:`~toolkit.simulation.ProgramPolicy` refuses.
        """
        rotation = self.rotation_months.value
        split = self.start.split_above or GUIDE_SPLIT_ABOVE
        return self.start.replace(
            team_size=int(self.team_size.value),
            split_above=split if self.sub_teams.value else None,
            reviews_per_rep=int(self.reviews_per_rep.value),
            criteria_per_review=int(self.criteria_per_review.value),
            pairing=self.pairing.value,
            rotation_months=None if rotation == NEVER else int(rotation),
            calibration=bool(self.calibration.value),
            manager_review=bool(self.manager_review.value),
            manager_hours_per_week=float(self.manager_hours_per_week.value),
            divergence_threshold=float(self.divergence_threshold.value),
            peer_score_use=self.peer_score_use.value,
            horizon_months=int(self.horizon_months.value),
        )

    def scenario(self) -> Scenario:
        """The chosen policy as a :class:`~toolkit.simulation.Scenario`.

        Its replications and seed are the app's, its metrics the key ones
        of the results table.
        """
        policy = self.policy()
        return Scenario(
            name=self.scenario_name.value.strip() or "Our program",
            policy=policy,
            behaviour=self.behaviour,
            description="Designed in the program designer (toolkit.widgets).",
            replications=int(self.replications.value),
            seed=int(self.seed.value),
            metrics=tuple(key_metrics(policy)[:8]),
        )

    def scenario_toml(self) -> str:
        """The chosen policy as a scenario file's text (TOML).

        Raises
        ------
        ToolkitError
            The controls describe a policy that cannot exist.
        """
        return self.scenario().to_toml()

    def _refresh(self) -> None:
        """Guide notes, pairing check and download for the controls now."""
        self.manager_hours_per_week.disabled = not self.manager_review.value
        try:
            policy = self.policy()
        except ToolkitError as exc:
            self._show_guide({}, problem=None)
            self.download.value = ""
            self.message.value = message_html(str(exc), kind="problem")
            return

        self._show_guide(policy.departures(), problem=pairing_problem(policy))
        self._offer_scenario()
        if self.result is None:
            self.message.value = message_html(
                "Press Run to simulate this program.", kind="hint"
            )
            return
        self.stale = not self._matches(self.result, policy)
        if self.stale:
            self.message.value = message_html(
                "The controls changed since these results were run; press "
                "Run to update them.",
                kind="hint",
            )
        else:
            self._done_message()

    def _show_guide(self, departures: dict[str, str], *, problem: str | None) -> None:
        """Each departure beside its control; a pairing problem by team size."""
        self.guide = dict(departures)
        self.pairing_issue = problem
        for name, note in self.guide_notes.items():
            text = departures.get(name)
            note.value = _note_html(text, kind="guide") if text else ""
        if problem:
            self.guide_notes["team_size"].value = (
                _note_html(f"cannot pair this team: {problem}", kind="problem")
                + self.guide_notes["team_size"].value
            )

        others = [text for key, text in departures.items() if key not in self.controls]
        self.other_guide.value = notes_html(others, heading="Also leaves the guide")

    def _offer_scenario(self) -> None:
        try:
            text = self.scenario_toml()
        except ToolkitError:
            self.download.value = ""
            return
        name = re.sub(r"[^\w-]+", "_", self.scenario_name.value.strip()).strip("_")
        self.download.value = (
            download_html(
                text.encode("utf-8"),
                filename=f"{name or 'scenario'}.toml",
                mime="application/toml",
                label="Download the scenario file (TOML)",
            )
            + f"<pre style='font-size:85%'>{html.escape(text)}</pre>"
        )

    # ------------------------------------------------------------ running
    def run(self) -> None:
        """Simulate the chosen policy (and the baseline, on the same seeds).

        Problems (a policy that cannot exist, a team the pairing cannot
        fill) show in the message line; nothing is raised.
        """
        try:
            policy = self.policy()
        except ToolkitError as exc:
            self._problem(str(exc))
            return
        problem = pairing_problem(policy)
        if problem:
            self._problem(f"this team cannot be paired: {problem}")
            return

        replications, seed = int(self.replications.value), int(self.seed.value)
        baseline = self.baseline
        again = baseline is not None and not self._same_runs(baseline)
        self.progress.max = replications * (2 if again else 1)
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.message.value = message_html(
            f"Simulating {replications} teams for {policy.horizon_months} "
            "month(s)" + (" (and the baseline on the same teams)" if again else ""),
            kind="working",
        )
        self.run_button.disabled = True
        try:
            with collect_warnings() as caught:
                result = self._simulate(policy, replications, seed, done=0)
                if baseline is not None and again:
                    baseline = self._simulate(
                        baseline.policy, replications, seed, done=replications
                    )
        except ToolkitError as exc:
            self._problem(str(exc))
            return
        finally:
            self.run_button.disabled = False

        # the guide's notes already stand beside the controls
        self.result, self.baseline, self.stale = result, baseline, False
        beside = set(policy.departures().values())
        if baseline is not None:
            beside |= set(baseline.policy.departures().values())
        self.shown_notes = tuple(note for note in caught if note not in beside)
        self.progress.bar_style = "success"
        self._show_results()

    def _simulate(
        self, policy: ProgramPolicy, replications: int, seed: int, *, done: int
    ) -> SimulationResult:
        """``simulate(policy, replications, seed=seed)``, in batches."""
        point = SweepPoint("policy", policy, self.behaviour)

        def batch(upto: int, path: Path) -> SweepResult:
            sweep = run_sweep([point], upto, seed=seed, output=path, n_jobs=self.n_jobs)
            if sweep.skipped:
                raise ToolkitError(f"this policy cannot run: {sweep.skipped['policy']}")
            return sweep

        def advance(upto: int) -> None:
            self.progress.value = done + upto

        sweep = runs_in_batches(replications, batch, advance=advance)
        return SimulationResult(
            runs=sweep.runs.drop(columns="label"),
            summary=summarise(sweep.runs).drop(columns="label").set_index("metric"),
            policy=policy,
            behaviour=self.behaviour,
            seed=sweep.seed,
            replications=sweep.replications,
            toolkit_version=sweep.toolkit_version,
        )

    def save_baseline(self) -> None:
        """Keep the results shown as the baseline later runs are compared with."""
        if self.result is None:
            self._problem("run a policy first; its results become the baseline")
            return
        self.baseline = self.result
        self._show_comparison()
        self.message.value = message_html(
            "Saved these results as the baseline. Change the controls and press "
            "Run: the tab 'vs. baseline' shows the differences.",
            kind="done",
        )

    # ------------------------------------------------------------ showing
    def _show_results(self) -> None:
        result = self.result
        if result is None:
            return
        self.results_table = _summary_rows(result)
        shown = _shown(self.results_table, result.replications)
        self.results.value = (
            table_html(shown)
            + "<p style='font-size:90%'>Mean over the replications and its 95% "
            "interval. <i>Days until QA shows the change</i> is the mean over "
            "the runs in which the team's QA scores showed it within the months "
            "simulated (<i>Runs</i>); in the others it took longer.</p>"
        )
        self.notes.value = notes_html(self.shown_notes)
        self.baseline_button.disabled = False
        self._show_comparison()
        self._done_message()

    def _done_message(self) -> None:
        result = self.result
        if result is None:
            return
        policy = result.policy
        self.message.value = message_html(
            f"{result.replications} simulated teams of {policy.team_size} reps, "
            f"{policy.horizon_months} month(s) each (seed {result.seed}).",
            kind="done",
        )

    def _show_comparison(self) -> None:
        baseline, result = self.baseline, self.result
        self.comparison_table = pd.DataFrame()
        if baseline is None or result is None:
            return
        if result is baseline or baseline.policy == result.policy:
            self.comparison.value = (
                "<p><i>The results shown are the baseline itself. Change the "
                "controls and press Run to compare.</i></p>"
            )
            return
        if not _same_teams(baseline, result):
            self.comparison.value = (
                "<p><i>The baseline ran on other replications or another seed; "
                "press Run to run both on the same teams.</i></p>"
            )
            return

        self.comparison_table = _comparison_rows(baseline, result)
        changes = _changes(baseline.policy, result.policy)
        self.comparison.value = (
            f"<p>Changed from the baseline: {html.escape(changes)}. Both ran on "
            f"the same {result.replications} simulated teams, so the change is "
            "measured team by team (a paired difference).</p>"
            + table_html(_shown_comparison(self.comparison_table))
            + "<p style='font-size:90%'>A change whose interval excludes 0 is "
            "<i>clear</i>; otherwise these replications cannot tell the two "
            "policies apart on it.</p>"
        )

    def _problem(self, text: str) -> None:
        self.progress.bar_style = "danger"
        self.message.value = message_html(_without_cli(text), kind="problem")

    def _same_runs(self, other: SimulationResult) -> bool:
        """Whether ``other`` ran on the replications the controls ask for."""
        return (
            other.seed == int(self.seed.value)
            and other.replications == int(self.replications.value)
            and other.behaviour == self.behaviour
        )

    def _matches(self, result: SimulationResult, policy: ProgramPolicy) -> bool:
        return result.policy == policy and self._same_runs(result)


def program_designer(
    *,
    policy: ProgramPolicy | None = None,
    replications: int = 20,
    seed: int = 0,
    behaviour: BehaviourModel | None = None,
    n_jobs: int | None = 1,
    run: bool = True,
) -> ProgramDesigner:
    """The program designer, ready to display in a notebook.

    Sliders and choices for team size, sub-teams, cadence, criteria per
    review, pairing, rotation, calibration, manager review and its hours,
    routing threshold and the use of peer scores; *Run* simulates the
    program (a progress bar shows the replications done) and shows its key
    metrics with 95% intervals. The guide's recommendations show beside the
    controls they concern as the controls change. *Save as baseline* keeps
    the results; later runs are compared with them on the same simulated
    teams. The chosen policy downloads as a scenario file.

    Parameters
    ----------
    policy
        The policy to start from; the guide's policy for 10 reps by default.
    replications, seed
        Replications per run (2 or more) and the seed; the same seed gives
        the same numbers as :func:`toolkit.simulation.simulate`.
    behaviour
        The behaviour assumptions; ``None`` uses the defaults.
    n_jobs
        Local processes per run; ``1`` runs in the kernel (the default: a
        kernel that starts processes is fragile), ``-1`` uses every core.
    run
        Run the starting policy at once (about a second with the defaults).

    Returns
    -------
    ProgramDesigner
        Displays itself as the last expression of a cell; ``result``,
        ``results_table`` and :meth:`~ProgramDesigner.scenario_toml` are
        there for code.

    Notes
    -----
    Runs happen in the kernel, so the notebook waits for them: 20
    replications of a team of 10 over 6 months take about a second, 200
    replications of 40 reps over 24 months about 15 seconds (``n_jobs=-1``
    shortens that on a machine with several cores). A combination that
    cannot run, such as a team too small for its cadence, shows a message
    in the app; nothing is raised.

    Examples
    --------
    >>> app = program_designer(replications=3, run=False)
    >>> app.horizon_months.value = 2
    >>> app.run()
    >>> app.results_table.loc[0, "what"]
    'Rep-months reaching the cadence'
    >>> app.team_size.value = 4  # too few reps for 2 reviewers each
    >>> app.pairing_issue[:22]
    'the team has 4 rep(s);'
    """
    return ProgramDesigner(
        policy=policy,
        replications=replications,
        seed=seed,
        behaviour=behaviour,
        n_jobs=n_jobs,
        run=run,
    )


# ---------------------------------------------------------------- shared
def metric_label(metric: str) -> str:
    """What a team lead reads for a simulation metric.

    Examples
    --------
    >>> metric_label("latency_p90_days")
    'Working days from call to feedback (90th percentile)'
    >>> metric_label("skill_change_90d_criterion_2")
    'Skill change after 90 days (levels), criterion 2'
    """
    if metric in METRICS:
        return METRICS[metric][0]
    skill = _SKILL.fullmatch(metric)
    if skill:
        days, criterion = skill.groups()
        return f"Skill change after {days} days (levels), {_words(criterion)}"
    qa = _QA.fullmatch(metric)
    if qa:
        return f"Days until QA shows the change, {_words(qa.group(1))}"
    return metric


def key_metrics(policy: ProgramPolicy) -> list[str]:
    """The metrics the designer shows for ``policy``, in order.

    Skill change is read at 90 days, or at the horizon when it is shorter;
    skill and QA come per criterion, as the guide asks.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> key_metrics(ProgramPolicy(horizon_months=2, criteria_per_review=1))[6:8]
    ['skill_change_60d_criterion_1', 'qa_detect_days_criterion_1']
    """
    days = 30 * min(policy.horizon_months, 3)
    criteria = [f"criterion_{k}" for k in range(1, policy.criteria_per_review + 1)]
    first = list(METRICS)[:6]
    return [
        *first,
        *(f"skill_change_{days}d_{c}" for c in criteria[:1]),
        *(f"qa_detect_days_{c}" for c in criteria[:1]),
        *(m for m in METRICS if m not in first),
        *(f"skill_change_{days}d_{c}" for c in criteria[1:]),
        *(f"qa_detect_days_{c}" for c in criteria[1:]),
    ]


def pairing_problem(policy: ProgramPolicy) -> str | None:
    """Why the pairing cannot fill ``policy``'s cadence, or ``None``.

    :meth:`ProgramPolicy.pairing_problem`, the check
    :func:`toolkit.simulation.run_sweep` makes before it runs a point, in
    the app's words.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> pairing_problem(ProgramPolicy(team_size=10)) is None
    True
    >>> pairing_problem(ProgramPolicy(team_size=4))[:22]
    'the team has 4 rep(s);'
    """
    problem = policy.pairing_problem()
    return None if problem is None else _without_cli(problem)


def batch_ends(replications: int, n_batches: int = _BATCHES) -> list[int]:
    """Replications done after each batch: a run of 20 in 6 batches.

    Examples
    --------
    >>> batch_ends(20)
    [4, 7, 10, 14, 17, 20]
    >>> batch_ends(3)
    [1, 2, 3]
    """
    ends = (math.ceil(replications * k / n_batches) for k in range(1, n_batches + 1))
    return sorted(set(ends))


def runs_in_batches(
    replications: int,
    run: Callable[[int, Path], T],
    *,
    advance: Callable[[int], None],
) -> T:
    """Run ``replications`` in batches through one results file.

    ``run(upto, path)`` runs replications ``0 .. upto - 1`` of a sweep with
    ``path`` as its results file. The sweep resumes from the file, so each
    call only runs its batch's new replications; since replication seeds do
    not depend on how many replications follow
    (:func:`toolkit.simulation.replication_seeds`), the last call's result
    is the one a single call would give. ``advance(upto)`` is called after
    each batch. Returns the last call's result.
    """
    result: T | None = None
    with _results_file() as path:
        for upto in batch_ends(replications):
            result = run(upto, path)
            advance(upto)
    assert result is not None  # batch_ends is never empty
    return result


@contextmanager
def _results_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="peercoach-app-") as folder:
        yield Path(folder) / "runs.csv"


# ---------------------------------------------------------------- tables
def _same_teams(one: SimulationResult, other: SimulationResult) -> bool:
    """Whether two results ran on the same seeds, so they pair run by run."""
    return (
        one.seed == other.seed
        and one.replications == other.replications
        and one.behaviour == other.behaviour
    )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=["metric", "what", "n", "mean", "ci_low", "ci_high"])


def _summary_rows(result: SimulationResult) -> pd.DataFrame:
    names = [m for m in key_metrics(result.policy) if m in result.summary.index]
    rows = result.summary.loc[names, ["n", "mean", "ci_low", "ci_high"]]
    rows = rows.reset_index(names="metric")
    rows.insert(1, "what", [metric_label(m) for m in names])
    return rows


def _comparison_rows(
    baseline: SimulationResult, result: SimulationResult
) -> pd.DataFrame:
    """Baseline and current side by side, and the paired difference."""
    runs = pd.concat(
        [
            baseline.runs.assign(label="baseline"),
            result.runs.assign(label="current"),
        ],
        ignore_index=True,
    )
    change = differences(runs, "baseline", paired=True).set_index("metric")
    names = [
        m
        for m in key_metrics(result.policy)
        if m in baseline.summary.index and m in result.summary.index
    ]
    base = baseline.summary.loc[names]
    current = result.summary.loc[names]
    return pd.DataFrame(
        {
            "metric": names,
            "what": [metric_label(m) for m in names],
            "baseline_mean": base["mean"].to_numpy(),
            "baseline_low": base["ci_low"].to_numpy(),
            "baseline_high": base["ci_high"].to_numpy(),
            "current_mean": current["mean"].to_numpy(),
            "current_low": current["ci_low"].to_numpy(),
            "current_high": current["ci_high"].to_numpy(),
            "n": change.loc[names, "n"].to_numpy(),
            "difference": change.loc[names, "difference"].to_numpy(),
            "difference_low": change.loc[names, "ci_low"].to_numpy(),
            "difference_high": change.loc[names, "ci_high"].to_numpy(),
        }
    )


def _shown(table: pd.DataFrame, replications: int) -> pd.DataFrame:
    rows = list(table.itertuples())
    return pd.DataFrame(
        {
            "What": table["what"],
            "Mean": [_amount(r.metric, r.mean) for r in rows],
            "95% interval": [_interval(r.metric, r.ci_low, r.ci_high) for r in rows],
            "Runs": [f"{r.n} of {replications}" for r in rows],
        }
    )


def _shown_comparison(table: pd.DataFrame) -> pd.DataFrame:
    rows = list(table.itertuples())
    return pd.DataFrame(
        {
            "What": table["what"],
            "Baseline": [
                f"{_amount(r.metric, r.baseline_mean)} "
                f"({_interval(r.metric, r.baseline_low, r.baseline_high)})"
                for r in rows
            ],
            "Current": [
                f"{_amount(r.metric, r.current_mean)} "
                f"({_interval(r.metric, r.current_low, r.current_high)})"
                for r in rows
            ],
            "Change": [_change(r.metric, r.difference) for r in rows],
            "95% interval of the change": [
                f"{_change(r.metric, r.difference_low)} to "
                f"{_change(r.metric, r.difference_high)}"
                for r in rows
            ],
            "Clear?": [_clear(r.difference_low, r.difference_high) for r in rows],
        }
    )


def _kind(metric: Any) -> str:
    if metric in METRICS:
        return METRICS[metric][1]
    return "levels" if _SKILL.fullmatch(metric) else "days"


def _amount(metric: Any, value: Any) -> str:
    if pd.isna(value):
        return "—"
    kind = _kind(metric)
    if kind == "share":
        return f"{value:.0%}"
    if kind == "levels":
        return f"{value:+.2f}"
    if kind == "index":
        return f"{value:.2f}"
    return f"{value:.1f}"


def _change(metric: Any, value: Any) -> str:
    if pd.isna(value):
        return "—"
    kind = _kind(metric)
    if kind == "share":
        return f"{100 * value:+.1f} points"
    return f"{value:+.2f}" if kind in ("levels", "index") else f"{value:+.1f}"


def _interval(metric: Any, low: Any, high: Any) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    return f"{_amount(metric, low)} to {_amount(metric, high)}"


def _clear(low: Any, high: Any) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    return "yes" if low > 0 or high < 0 else "no"


def _changes(before: ProgramPolicy, after: ProgramPolicy) -> str:
    old, new = before.to_dict(), after.to_dict()
    changed = [
        f"{_FIELD_WORDS.get(name, name)} {old[name]} → {new[name]}"
        for name in new
        if new[name] != old[name]
    ]
    return "; ".join(changed) or "nothing"


# ---------------------------------------------------------------- widgets
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


def _dropdown(description: str, options: list[tuple[str, Any]], value: Any) -> Any:
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        style=_STYLE,
        layout=_CONTROL,
    )


def _note_html(text: str, *, kind: str) -> str:
    """A note beside a control: the guide's reason, or a problem."""
    colour, mark = ("#c0392b", "✖") if kind == "problem" else ("#8a5300", "⚠")
    return (
        f'<div style="color:{colour}; font-size:90%; line-height:1.3; '
        f'margin:0.15em 0.8em">{mark} {html.escape(text, quote=False)}</div>'
    )


def _without_cli(text: str) -> str:
    """A toolkit message without its command-line hint (not an app control)."""
    return re.sub(r"\s*\(CLI: [^)]*\)", "", text)


def _words(name: str) -> str:
    return name.replace("_", " ")
