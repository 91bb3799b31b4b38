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
those of :func:`~toolkit.simulation.simulate` with the same seed (one
:func:`~toolkit.simulation.run_sweep` call in a few chunks, so the progress
bar can move; see :mod:`toolkit.widgets._runs`), the differences those of
:func:`~toolkit.simulation.compare`. The controls are in
:mod:`toolkit.widgets._designer_controls`, the tables in
:mod:`toolkit.widgets._designer_results`.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    SimulationResult,
)
from toolkit.widgets._controls import run_controls
from toolkit.widgets._designer_controls import PolicyControls, pairing_problem
from toolkit.widgets._designer_results import (
    NO_BASELINE,
    comparison,
    empty_results,
    results_html,
    summary_rows,
)
from toolkit.widgets._display import (
    collect_warnings,
    download_html,
    message_html,
    notes_html,
    without_cli,
)
from toolkit.widgets._runs import simulate_with_progress
from toolkit.widgets._sim_results import key_metrics

__all__ = ["ProgramDesigner", "program_designer"]

_WIDTH = "13em"
_HELP = (
    "<p>Set the program's structure, then press <i>Run</i>. Each replication "
    "simulates one team living with the program for the months chosen "
    "(calls, reviews, the manager's queue, one-on-ones, skills and QA "
    "scores); the table gives the mean over replications and its 95% "
    "interval. A note beside a control says where a choice leaves the "
    "practitioner guide, and why.</p>"
)
_SCENARIO_HELP = (
    "<p>The chosen policy as a scenario file (TOML). Run it again later with "
    "<code>peercoach simulate</code> or <code>toolkit.simulation."
    "load_scenario</code>.</p>"
)


class ProgramDesigner(PolicyControls):
    """Design a peer-coaching program and read what the simulation says.

    Made by :func:`program_designer`, which documents the arguments (the
    same names, all by keyword) and their defaults.

    Attributes
    ----------
    widget
        The whole app, ready to display.
    controls, guide_notes, guide, other_guide, pairing_issue
        The policy's controls and the guide's notes beside them, as in
        :class:`~toolkit.widgets._designer_controls.PolicyControls`; each
        control is also an attribute of its name (``app.reviews_per_rep``).
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
    >>> app = program_designer(run=False)
    >>> app.reviews_per_rep.value = 6
    >>> print(app.guide["reviews_per_rep"][:62])
    6 review(s) per rep per month leaves the guide's range of 2 to
    >>> app.policy().reviews_per_rep
    6
    """

    def __init__(
        self,
        *,
        policy: ProgramPolicy | None,
        replications: int,
        seed: int,
        behaviour: BehaviourModel | None,
        n_jobs: int | None,
        run: bool,
    ) -> None:
        super().__init__(policy if policy is not None else ProgramPolicy())
        self.behaviour = behaviour if behaviour is not None else BehaviourModel()
        self.n_jobs = n_jobs
        self.result: SimulationResult | None = None
        self.baseline: SimulationResult | None = None
        self.results_table = empty_results()
        self.comparison_table = pd.DataFrame()
        self.shown_notes: tuple[str, ...] = ()
        self.stale = False

        self._build(replications, seed)
        self._refresh()
        if run:
            self.run()

    # ------------------------------------------------------------ widgets
    def _build(self, replications: int, seed: int) -> None:
        row = run_controls(replications, seed, most=200, width=_WIDTH)
        self.replications, self.seed = row.replications, row.seed
        self.run_button, self.progress = row.run_button, row.progress
        self.baseline_button = widgets.Button(
            description="Save as baseline",
            icon="bookmark",
            disabled=True,
            tooltip="compare later runs with the results shown now",
        )
        self.message = widgets.HTML()
        self.results = widgets.HTML()
        self.comparison = widgets.HTML(NO_BASELINE)
        self.scenario_name = widgets.Text(
            value="Our program",
            description="Scenario name",
            continuous_update=False,
            style={"description_width": _WIDTH},
            layout=widgets.Layout(width="30em"),
        )
        self.download = widgets.HTML()
        self.notes = widgets.HTML()

        self.tabs = widgets.Tab(
            children=[
                self.results,
                self.comparison,
                widgets.VBox(
                    [widgets.HTML(_SCENARIO_HELP), self.scenario_name, self.download]
                ),
            ],
            titles=("Results", "vs. baseline", "Scenario file"),
            layout=widgets.Layout(width="100%"),
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h3>Program designer</h3>" + _HELP),
                *self.sections(),
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
        self.results.add_class("peercoach-results")
        self.message.add_class("peercoach-message")

        for control in (*self.controls.values(), self.replications, self.seed):
            control.observe(lambda _: self._refresh(), names="value")
        self.scenario_name.observe(lambda _: self._offer_scenario(), names="value")
        self.run_button.on_click(lambda _: self.run())
        self.baseline_button.on_click(lambda _: self.save_baseline())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ the policy
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
            self.show_guide(None)
            self.download.value = ""
            self.message.value = message_html(str(exc), kind="problem")
            return

        self.show_guide(policy)
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

        # a baseline on other seeds runs again on this run's
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
                result = self._simulate(policy, replications, seed, start=0)
                if baseline is not None and again:
                    baseline = self._simulate(
                        baseline.policy, replications, seed, start=replications
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
        self, policy: ProgramPolicy, replications: int, seed: int, *, start: int
    ) -> SimulationResult:
        """``simulate(policy, replications, seed=seed)``, moving the bar."""
        return simulate_with_progress(
            policy,
            self.behaviour,
            replications,
            seed=seed,
            n_jobs=self.n_jobs,
            bar=self.progress,
            start=start,
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

        self.results_table = summary_rows(result)
        self.results.value = results_html(self.results_table, result.replications)
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
        self.comparison_table = pd.DataFrame()
        if self.baseline is None or self.result is None:
            return
        self.comparison_table, self.comparison.value = comparison(
            self.baseline, self.result
        )

    def _problem(self, text: str) -> None:
        self.progress.bar_style = "danger"
        self.message.value = message_html(without_cli(text), kind="problem")

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
        Fields without a control (minutes per manager review, one-on-ones,
        recalibration, sub-team sizes) keep its values.
    replications, seed
        Replications per run (2 or more) and the seed, the start values of
        the Replications slider and the Seed box; the same seed gives the
        same numbers as :func:`toolkit.simulation.simulate`.
    behaviour
        The behaviour assumptions; ``None`` uses the defaults.
    n_jobs
        Local processes per run, as in :func:`toolkit.simulation.run_sweep`;
        ``1`` runs in the kernel (the default: a kernel that starts
        processes is fragile), ``-1`` uses every core.
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
