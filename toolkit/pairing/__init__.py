"""Who reviews whom: pairing schedules, rotation, sub-teams and access lists.

A lead lists the team (:func:`read_reps`) and, optionally, pairs to keep apart
(:func:`read_conflicts`); :func:`pairing_schedule` says who reviews whose calls
in every period. The default follows the practitioner guide: pairs assigned by
the manager and rotated quarterly, 2 reviewers per rep per month, and sub-teams
of 5 to 8 above 20 reps. Every schedule keeps these rules in every period: no
self-review, no two reps reviewing each other, no conflict pair, and each peer
reviews as many reps as they get reviewers. Random and self-selected pairs are
there to compare against in the program simulation.

The access list (:meth:`PairingSchedule.access_list`) is what a call-recording
tool needs: which peer may open which rep's calls, and when.
:func:`check_review_log` lists every review made outside it.

Examples
--------
>>> from toolkit.pairing import pairing_schedule
>>> schedule = pairing_schedule(7, n_periods=6, rotation=1, rng=2)
>>> schedule.frame.columns.tolist()
['period', 'sub_team', 'reviewer', 'rep']
>>> len(schedule.frame)  # 7 reps x 2 reviewers x 6 months
84
>>> schedule.first_repeat()  # every rep meets all 6 peers first
4
"""

from toolkit.pairing._access import (
    REASONS,
    AccessList,
    ReviewLogCheck,
    check_review_log,
)
from toolkit.pairing._input import read_conflicts, read_reps
from toolkit.pairing._schedule import METHODS, PairingSchedule, pairing_schedule

__all__ = [
    "METHODS",
    "REASONS",
    "AccessList",
    "PairingSchedule",
    "ReviewLogCheck",
    "check_review_log",
    "pairing_schedule",
    "read_conflicts",
    "read_reps",
]
