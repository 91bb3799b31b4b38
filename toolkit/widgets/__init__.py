"""Widget apps for JupyterLab: each app is a function that returns it.

The notebooks in ``notebooks/`` call one app each; the apps arrange what the
package computes (:mod:`toolkit.calibration`, :mod:`toolkit.divergence`,
:mod:`toolkit.planning`, :mod:`toolkit.plots`, :mod:`toolkit.report`) behind
controls a lead can use without writing code. An app displays itself as the
last expression of a cell and keeps its state in attributes (its tables,
``report``, the ``message`` it shows), so it can be driven from code and
tested without a browser.

Examples
--------
>>> analyser = calibration_analyser(example="synthetic_round", n_resamples=200)
>>> analyser.verdict_table["criterion"].tolist()
['confirmed primary concern', 'summarised next steps', 'used customer words']
>>> review = divergence_review(example=True)
>>> "rep_3" in set(review.agenda_table["rep"])  # scored by a friend
True
"""

from toolkit.widgets._calibration import calibration_analyser
from toolkit.widgets._designer import program_designer
from toolkit.widgets._divergence import divergence_review
from toolkit.widgets._team_size import team_size_what_if

__all__ = [
    "calibration_analyser",
    "divergence_review",
    "program_designer",
    "team_size_what_if",
]
