"""The program designer's controls: one per policy choice, the guide beside it.

:class:`PolicyControls` builds a control for every choice a lead makes in
:class:`~toolkit.simulation.ProgramPolicy` (team size, sub-teams, cadence,
criteria, pairing, rotation, calibration, manager review and its hours,
routing threshold, use of peer scores, months simulated), reads the policy
they describe back, and shows each of the guide's departures
(:meth:`~toolkit.simulation.ProgramPolicy.departures`) beside the control
it concerns. The program designer is built on it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from toolkit.guide import GUIDE_SPLIT_ABOVE
from toolkit.simulation import NEVER, ProgramPolicy
from toolkit.widgets._controls import (
    dropdown,
    float_slider,
    int_slider,
    rotation_dropdown,
)
from toolkit.widgets._display import notes_html, without_cli

__all__ = ["SECTIONS", "PolicyControls", "pairing_problem"]

#: Heading -> the controls under it, in the order the designer shows them.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Team and pairing": ("team_size", "sub_teams", "pairing"),
    "Rotation": ("rotation_months",),
    "Reviews": ("reviews_per_rep", "criteria_per_review", "calibration"),
    "Manager and use of scores": (
        "manager_review",
        "manager_hours_per_week",
        "divergence_threshold",
        "peer_score_use",
    ),
    "Simulation": ("horizon_months",),
}

_PAIRINGS = [
    ("assigned by the manager", "assigned"),
    ("random", "random"),
    ("self-selected", "self_selected"),
]
_ROTATION_MONTHS = (1, 2, 3, 4, 6, 12)
_SCORE_USES = [
    ("coaching input only", "coaching"),
    ("feeds performance ratings", "performance"),
]
_WIDTH = "13em"
# a checkbox says its choice in words after the box
_WIDE = widgets.Layout(width="44em")


class PolicyControls:
    """A control per policy choice, and the guide's notes beside them.

    Parameters
    ----------
    start
        The policy the controls start from. Fields without a control
        (minutes per manager review, one-on-ones, recalibration, sub-team
        sizes) keep its values in :meth:`policy`.

    Attributes
    ----------
    controls
        Policy field (and ``"sub_teams"``) -> its control; each control is
        also an attribute of the same name (``controls.reviews_per_rep``).
    guide_notes, guide
        Control name -> the HTML widget beside it; topic -> the guide's
        departure message it shows.
    other_guide
        Departures that concern no control.
    pairing_issue
        Why the pairing cannot fill the cadence in this team (shown beside
        the team size), or ``None``.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> controls = PolicyControls(ProgramPolicy(rotation_months=5))
    >>> controls.rotation_months.label
    'every 5 months'
    >>> controls.reviews_per_rep.value = 6
    >>> controls.show_guide(controls.policy())
    >>> print(controls.guide["reviews_per_rep"][:62])
    6 review(s) per rep per month leaves the guide's range of 2 to
    """

    def __init__(self, start: ProgramPolicy) -> None:
        self.start = start
        self.guide: dict[str, str] = {}
        self.pairing_issue: str | None = None

        self.team_size = int_slider(
            "Team size (reps)", start.team_size, 2, 60, width=_WIDTH
        )
        self.sub_teams = _checkbox(
            f"Sub-teams of {start.sub_team_size[0]}-{start.sub_team_size[1]} "
            f"above {start.split_above or GUIDE_SPLIT_ABOVE} reps",
            start.split_above is not None,
        )
        self.pairing = dropdown("Pairing", _PAIRINGS, start.pairing, width=_WIDTH)
        self.rotation_months = rotation_dropdown(
            _ROTATION_MONTHS, start.rotation_months, width=_WIDTH
        )
        self.reviews_per_rep = int_slider(
            "Reviews per rep a month", start.reviews_per_rep, 1, 8, width=_WIDTH
        )
        self.criteria_per_review = int_slider(
            "Criteria per review", start.criteria_per_review, 1, 8, width=_WIDTH
        )
        self.calibration = _checkbox(
            "Calibration session before launch", start.calibration
        )

        self.manager_review = _checkbox(
            "Manager reviews feedback before the rep sees it", start.manager_review
        )
        self.manager_hours_per_week = float_slider(
            "Manager hours a week",
            start.manager_hours_per_week,
            0.5,
            10.0,
            step=0.5,
            width=_WIDTH,
            disabled=not start.manager_review,
        )
        self.divergence_threshold = float_slider(
            "Routing gap (levels)",
            start.divergence_threshold,
            0.0,
            3.0,
            step=0.5,
            width=_WIDTH,
            tooltip="a peer-manager gap above this puts the criterion on the "
            "rep's one-on-one agenda",
        )
        self.peer_score_use = dropdown(
            "Peer scores are used as", _SCORE_USES, start.peer_score_use, width=_WIDTH
        )
        self.horizon_months = int_slider(
            "Months simulated", start.horizon_months, 1, 24, width=_WIDTH
        )

        self.controls: dict[str, widgets.ValueWidget] = {
            name: getattr(self, name) for names in SECTIONS.values() for name in names
        }
        self.guide_notes = {name: widgets.HTML() for name in self.controls}
        self.other_guide = widgets.HTML()

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

    def show_guide(self, policy: ProgramPolicy | None) -> None:
        """Show the guide's departures of ``policy`` beside their controls.

        A pairing problem shows beside the team size; ``None`` (the controls
        describe no policy) clears every note.
        """
        departures = {} if policy is None else policy.departures()
        problem = None if policy is None else pairing_problem(policy)
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

    def sections(self) -> list[widgets.Widget]:
        """The controls under their headings, each with its note beside it."""
        rows: list[widgets.Widget] = []
        for title, names in SECTIONS.items():
            rows.append(widgets.HTML(f"<b>{title}</b>"))
            rows += [
                widgets.HBox([self.controls[n], self.guide_notes[n]]) for n in names
            ]
        return [*rows, self.other_guide]


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
    return None if problem is None else without_cli(problem)


def _checkbox(description: str, value: bool) -> widgets.Checkbox:
    return widgets.Checkbox(
        value=value,
        description=description,
        style={"description_width": _WIDTH},
        layout=_WIDE,
    )


def _note_html(text: str, *, kind: str) -> str:
    """A note beside a control: the guide's reason, or a problem."""
    colour, mark = ("#c0392b", "✖") if kind == "problem" else ("#8a5300", "⚠")
    return (
        f'<div style="color:{colour}; font-size:90%; line-height:1.3; '
        f'margin:0.15em 0.8em">{mark} {html.escape(text, quote=False)}</div>'
    )
