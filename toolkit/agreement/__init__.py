"""Inter-rater agreement coefficients for calls scored by several raters.

Every coefficient takes a units x raters matrix (NaN for a missing rating), a
wide DataFrame, or one criterion of a :class:`toolkit.ratings.RatingsTable`, and
returns an :class:`AgreementResult`. Where R's irr, psych and irrCAC differ by
definition, the variant is an option whose default each docstring states.

Examples
--------
>>> from toolkit import agreement
>>> ratings = [[1, 1, 2], [2, 2, 2], [3, 3, 3], [1, 2, 1], [4, 4, 4]]
>>> result = agreement.fleiss_kappa(ratings)
>>> round(result.statistic, 3), result.n_units, result.n_raters
(0.639, 5, 3)
"""

from toolkit.agreement._alpha import krippendorff_alpha
from toolkit.agreement._bootstrap import bootstrap
from toolkit.agreement._cohen import cohen_kappa, light_kappa, scott_pi
from toolkit.agreement._fleiss import fleiss_kappa
from toolkit.agreement._gwet import (
    brennan_prediger,
    conger_kappa,
    gwet_ac,
    gwet_ac1,
    gwet_ac2,
)
from toolkit.agreement._icc import icc, icc_table
from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._kendall import kendall_w
from toolkit.agreement._pairwise import pairwise_agreement
from toolkit.agreement._percent import percent_agreement
from toolkit.agreement._registry import coefficient_names
from toolkit.agreement._result import AgreementResult, Interval
from toolkit.agreement._summary import agreement_summary, default_coefficients
from toolkit.agreement._weights import WEIGHT_KINDS, weight_matrix

__all__ = [
    "WEIGHT_KINDS",
    "AgreementResult",
    "Interval",
    "RatingMatrix",
    "agreement_summary",
    "bootstrap",
    "brennan_prediger",
    "coefficient_names",
    "cohen_kappa",
    "conger_kappa",
    "default_coefficients",
    "fleiss_kappa",
    "gwet_ac",
    "gwet_ac1",
    "gwet_ac2",
    "icc",
    "icc_table",
    "kendall_w",
    "krippendorff_alpha",
    "light_kappa",
    "pairwise_agreement",
    "percent_agreement",
    "rating_matrix",
    "scott_pi",
    "weight_matrix",
]
