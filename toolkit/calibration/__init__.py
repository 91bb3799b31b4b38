"""Calibration rounds: is each criterion defined well enough to score?

Before launch, peers score the same sample calls independently. For each
criterion, :func:`calibration_report` gives the agreement coefficient that
fits its scale with a bootstrap interval, the chance that it lies in each
band (*needs a sharper definition*, *tentative*, *ready*) and a verdict; per
rater, leniency or severity and their effect on agreement; per call, how much
the raters disagreed, so the session discusses the most disputed calls first;
how each rater used the scale; and, over several rounds, the pooled estimate,
its drift from round to round and when each criterion last passed.

Examples
--------
The bundled synthetic round has a planted lenient rater (peer_3) and an
ambiguous criterion (used customer words):

>>> from toolkit.examples import load_example
>>> report = calibration_report(
...     load_example("synthetic_round"), rng=7, target_half_width=None
... )
>>> for row in report.criteria.itertuples():
...     print(row.criterion, round(row.estimate, 2), row.verdict)
confirmed primary concern 0.66 needs a sharper definition
summarised next steps 0.58 too few calls to tell
used customer words 0.21 needs a sharper definition
>>> report.flagged_raters()[["criterion", "rater", "flag"]].values.tolist()
[['confirmed primary concern', 'peer_3', 'lenient'],
 ['summarised next steps', 'peer_3', 'lenient']]
>>> print(round(report.criteria["estimate_without_flagged"][0], 2))
0.88
"""

from toolkit.calibration._report import calibration_report
from toolkit.calibration._result import CalibrationReport
from toolkit.calibration._verdict import BAND_COLUMNS, BANDS, VERDICTS

__all__ = [
    "BANDS",
    "BAND_COLUMNS",
    "VERDICTS",
    "CalibrationReport",
    "calibration_report",
]
