"""How many calls and raters a calibration round needs.

A round of three or four calls rarely says whether a criterion is defined
well enough: its interval is wide and the verdict is close to chance. This
module answers two questions by simulating many rounds from a process whose
true Krippendorff's alpha is known:

- :func:`interval_for_round`: how wide the interval of a planned round will
  be, where its estimate will land, and how often each verdict comes out;
- :func:`calls_needed`: the fewest calls for an interval half-width at most
  a target.

Every figure carries its Monte Carlo error, and every result its seed. The
generating model and its assumptions are in :func:`interval_for_round`'s
Notes and :func:`true_alpha`.

Examples
--------
>>> from toolkit import planning
>>> plan = planning.interval_for_round(
...     n_calls=40, n_raters=5, n_levels=4, expected_agreement=0.8, rng=7
... )
>>> print(round(plan.half_width.value, 2), round(plan.coverage.value, 2))
0.09 0.97
"""

from toolkit.planning._model import PLANNING_METRICS, latent_correlation, true_alpha
from toolkit.planning._plan import HALF_WIDTH_METHODS, calls_needed, interval_for_round
from toolkit.planning._result import (
    VERDICTS,
    CallsNeeded,
    RoundPlan,
    SimulatedFigure,
)
from toolkit.planning._simulate import simulate_rounds

__all__ = [
    "HALF_WIDTH_METHODS",
    "PLANNING_METRICS",
    "VERDICTS",
    "CallsNeeded",
    "RoundPlan",
    "SimulatedFigure",
    "calls_needed",
    "interval_for_round",
    "latent_correlation",
    "simulate_rounds",
    "true_alpha",
]
