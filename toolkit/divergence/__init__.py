"""Peer, manager and AI scores of the same calls: where they diverge, who to coach.

After launch, each reviewed call is scored on every criterion by a peer, the
manager and the AI. :func:`divergence_report` compares the three per call and
criterion (all agree, or which one is the outlier), counts per rep, criterion
and month how often and which way they diverge, and applies the routing rule
of the practitioner guide: where peer and manager differ by more than one
level, the criterion goes on the agenda of the rep's next one-on-one. It also
checks the anchor itself: the AI score's bias and drift against the manager's,
and, when peers annotate the AI score (column ``ai_verdict``: agree or
disagree), whether their disagreements point at real AI errors.

Examples
--------
>>> from toolkit.synthetic import monthly_scores
>>> month = monthly_scores(rng=4)
>>> report = divergence_report(month.table)
>>> len(report.agenda) > 0, report.agenda.columns[:3].tolist()
(True, ['rep', 'period', 'criterion'])
>>> report.anchor.flagged["criterion"].tolist()  # planted AI bias
['summarised next steps']
"""

from toolkit.divergence._anchor import AnchorQuality, anchor_flag
from toolkit.divergence._annotations import AnnotationSummary
from toolkit.divergence._input import ANNOTATIONS, PERIODS, ROLES, read_scores
from toolkit.divergence._report import DivergenceReport, divergence_report
from toolkit.divergence._routing import DIRECTIONS, VERDICTS

__all__ = [
    "ANNOTATIONS",
    "DIRECTIONS",
    "PERIODS",
    "ROLES",
    "VERDICTS",
    "AnchorQuality",
    "AnnotationSummary",
    "DivergenceReport",
    "anchor_flag",
    "divergence_report",
    "read_scores",
]
