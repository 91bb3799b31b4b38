"""Program simulation: the policy a lead chooses and what it assumes of people.

:class:`ProgramPolicy` holds the choices (cadence, pairing and rotation,
calibration, manager review, routing, use of peer scores);
:class:`BehaviourModel` holds every assumption about people (review time,
compliance under load, bias, retaliation, learning and forgetting), each with
a default, a unit, a sensitivity range and its source, listed in
:data:`PARAMETERS`. The discrete-event model that runs a policy under a
behaviour model is still to come.

Examples
--------
>>> from toolkit.simulation import BehaviourModel, ProgramPolicy
>>> policy = ProgramPolicy.recommended(team_size=12)
>>> policy.departures()
{}
>>> round(float(BehaviourModel().compliance(policy.reviews_per_rep)), 2)
0.97
"""

from toolkit.simulation._behaviour import PARAMETERS, BehaviourModel, Parameter
from toolkit.simulation._policy import NEVER, PEER_SCORE_USES, ProgramPolicy

__all__ = [
    "NEVER",
    "PARAMETERS",
    "PEER_SCORE_USES",
    "BehaviourModel",
    "Parameter",
    "ProgramPolicy",
]
