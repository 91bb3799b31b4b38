"""Program simulation: the policy a lead chooses and what it assumes of people.

:class:`ProgramPolicy` holds the choices (cadence, pairing and rotation,
calibration, manager review, routing, use of peer scores);
:class:`BehaviourModel` holds every assumption about people (review time,
compliance under load, bias, retaliation, learning and forgetting), each with
a default, a unit, a sensitivity range and its source, listed in
:data:`PARAMETERS`. :func:`run_once` runs a policy under a behaviour model
once, as a discrete-event model in simpy, and returns a :class:`RunResult`
with the run's metrics, tidy tables and what reproduces it.

Examples
--------
>>> from toolkit.simulation import BehaviourModel, ProgramPolicy
>>> policy = ProgramPolicy.recommended(team_size=12)
>>> policy.departures()
{}
>>> round(float(BehaviourModel().compliance(policy.reviews_per_rep)), 2)
0.97
>>> result = run_once(policy, seed=7)
>>> result.metrics["evaluator_compliance"] > 0.9
True
"""

from toolkit.simulation._behaviour import PARAMETERS, BehaviourModel, Parameter
from toolkit.simulation._figures import study_figure, tornado_figure
from toolkit.simulation._model import DAYS_PER_MONTH, STREAMS, run_once
from toolkit.simulation._policy import NEVER, PEER_SCORE_USES, ProgramPolicy
from toolkit.simulation._replicate import (
    Comparison,
    SimulationResult,
    compare,
    differences,
    simulate,
    summarise,
)
from toolkit.simulation._result import RunResult
from toolkit.simulation._scenario import Scenario, load_scenario
from toolkit.simulation._sensitivity import SensitivityResult, sensitivity
from toolkit.simulation._study import StudyResult, run_study
from toolkit.simulation._sweep import (
    SweepPoint,
    SweepResult,
    SweepWarning,
    replication_seeds,
    run_sweep,
)

__all__ = [
    "DAYS_PER_MONTH",
    "NEVER",
    "PARAMETERS",
    "PEER_SCORE_USES",
    "STREAMS",
    "BehaviourModel",
    "Comparison",
    "Parameter",
    "ProgramPolicy",
    "RunResult",
    "Scenario",
    "SensitivityResult",
    "SimulationResult",
    "StudyResult",
    "SweepPoint",
    "SweepResult",
    "SweepWarning",
    "compare",
    "differences",
    "load_scenario",
    "replication_seeds",
    "run_once",
    "run_study",
    "run_sweep",
    "sensitivity",
    "simulate",
    "study_figure",
    "summarise",
    "tornado_figure",
]
