"""Rater x rater exact agreement: who agrees with whom on a criterion."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.agreement._input import rating_matrix

__all__ = ["pairwise_agreement"]


def pairwise_agreement(ratings: Any) -> pd.DataFrame:
    """Rater x rater share of shared calls given the same score.

    Parameters
    ----------
    ratings
        A units x raters matrix (DataFrame or array, NaN or None where a rater
        did not score a call) or a :class:`~toolkit.ratings.CriterionRatings`.

    Returns
    -------
    pandas.DataFrame
        Raters as rows and columns. A cell is the share of calls scored by
        both raters on which they gave the same score; NaN on the diagonal
        and for two raters with no call in common.

    Notes
    -----
    This is exact agreement, without chance correction and without partial
    credit for neighbouring levels; on an interval scale with many distinct
    scores it is close to 0 and says little.

    Examples
    --------
    >>> import pandas as pd
    >>> matrix = pd.DataFrame({"ana": [1, 2, 3, 3], "ben": [1, 2, 2, None],
    ...                        "cy": [1, 3, 3, 3]})
    >>> pairwise_agreement(matrix).round(2)
          ana   ben    cy
    ana   NaN  0.67  0.75
    ben  0.67   NaN  0.33
    cy   0.75  0.33   NaN
    """
    matrix = rating_matrix(ratings)
    codes = matrix.codes

    # per pair of raters: calls both scored, and calls they scored the same
    present = codes >= 0
    both = np.einsum("ur,us->rs", present.astype(int), present.astype(int))
    same = present[:, :, None] & (codes[:, :, None] == codes[:, None, :])
    agreeing = same.sum(axis=0)

    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(both > 0, agreeing / np.maximum(both, 1), np.nan)
    np.fill_diagonal(shares, np.nan)
    raters = [str(r) for r in matrix.raters]
    return pd.DataFrame(shares, index=raters, columns=raters)
