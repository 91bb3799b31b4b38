"""Turn what a caller passes into a units x raters matrix the formulas use.

A coefficient accepts a 2-D array (units x raters, NaN or None for missing), a
wide ``pandas.DataFrame`` (calls as rows, raters as columns), or one
criterion of a :class:`toolkit.ratings.RatingsTable`
(:class:`toolkit.ratings.CriterionRatings`), which also carries the scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit._scores import as_number, is_number, score_key
from toolkit.errors import RatingsError
from toolkit.scales import Scale

__all__ = ["RatingMatrix", "rating_matrix"]

# above this many categories a categorical coefficient refuses the ratings
_MAX_CATEGORIES = 1000
# below this many, observed categories are always accepted
_FEW_CATEGORIES = 20


@dataclass(frozen=True)
class RatingMatrix:
    """Ratings as integer category codes and as numbers.

    Attributes
    ----------
    codes
        ``(n_units, n_raters)`` int array; the index of each score in
        ``categories``, ``-1`` where the rating is missing.
    categories
        The categories in scale order: the declared levels when given, else
        the observed scores sorted (numerically when they are numbers).
    category_values
        A number per category: the score itself when scores are numbers, else
        its rank 1..q.
    values
        ``(n_units, n_raters)`` float array of ``category_values`` per rating,
        NaN where missing (the raw number for continuous scores).
    units, raters
        Labels of rows and columns.
    scale
        The declared scale, or ``None`` when the caller gave none.
    """

    codes: np.ndarray
    categories: np.ndarray
    category_values: np.ndarray
    values: np.ndarray
    units: np.ndarray
    raters: np.ndarray
    scale: Scale | None
    numeric: bool
    declared: bool = False

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_raters(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @property
    def has_order(self) -> bool:
        """True when the categories have a known order: numbers or declared."""
        return self.numeric or self.declared

    def require_order(self, what: str) -> None:
        """Refuse an order-based computation on labels of unknown order."""
        if not self.has_order:
            raise RatingsError(
                f"{what} needs ordered levels, but the scores are labels "
                f"({', '.join(map(repr, self.categories[:5]))}) whose order is "
                "unknown; pass levels=[...] lowest first, or use a criterion of "
                "a RatingsTable declared ordinal with its levels"
            )

    def require_categories(self, coefficient: str, limit: int | None = None) -> None:
        """Refuse a categorical coefficient on (near-)continuous scores.

        Declared levels are trusted up to 1000. Observed scores look
        continuous when there are more than 20 distinct ones and fewer than
        two scores per distinct score on average, or more than 1000 in all.
        ``limit`` overrides the rule with a fixed number of categories.
        """
        if limit is None:
            limit = _MAX_CATEGORIES
            if not self.declared:
                n_scores = int(self.present.sum())
                limit = min(limit, max(_FEW_CATEGORIES, n_scores // 2))
        if self.n_categories > limit:
            raise RatingsError(
                f"{coefficient} treats every distinct score as a category, and "
                f"these ratings have {self.n_categories} distinct scores (limit "
                f"{limit} here); for continuous scores use icc(...) or "
                "krippendorff_alpha(..., metric='interval')"
            )

    @property
    def present(self) -> np.ndarray:
        """Boolean mask of ratings that are there."""
        return self.codes >= 0

    def counts(self) -> np.ndarray:
        """``(n_units, n_categories)`` number of raters who chose each category."""
        self.require_categories("a category count", limit=_MAX_CATEGORIES)
        n_units, n_cat = self.n_units, self.n_categories
        flat = self.codes + (np.arange(n_units)[:, None] * n_cat)
        flat = flat[self.codes >= 0]
        return np.bincount(flat, minlength=n_units * n_cat).reshape(n_units, n_cat)

    def select_units(self, keep: np.ndarray) -> RatingMatrix:
        """The same ratings restricted to the units where ``keep`` is true."""
        return RatingMatrix(
            codes=self.codes[keep],
            categories=self.categories,
            category_values=self.category_values,
            values=self.values[keep],
            units=self.units[keep],
            raters=self.raters,
            scale=self.scale,
            numeric=self.numeric,
            declared=self.declared,
        )


def _is_missing(cells: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(cells), dtype=bool)


def _sort_observed(observed: list[Any], numeric: bool) -> list[Any]:
    if numeric:
        return sorted(observed, key=float)
    return sorted(observed, key=str)


def rating_matrix(
    data: Any,
    *,
    levels: Sequence[Any] | None = None,
    scale: Scale | str | None = None,
) -> RatingMatrix:
    """Coerce ``data`` to a :class:`RatingMatrix`.

    Parameters
    ----------
    data
        Units x raters array-like, wide DataFrame, or ``CriterionRatings``.
    levels
        Declared categories in scale order. Overrides the scale's levels.
    scale
        The scale (or its kind name); taken from ``data`` when it carries one.

    Raises
    ------
    RatingsError
        When ``data`` is not two-dimensional, is empty, or holds a score that is
        not among the declared ``levels``.

    Examples
    --------
    >>> m = rating_matrix([[1, 2], [2, None], [3, 3]])
    >>> m.codes.tolist()
    [[0, 1], [1, -1], [2, 2]]
    >>> m.categories.tolist()
    [1, 2, 3]
    """
    scale_obj: Scale | None = Scale.of(scale) if scale is not None else None
    if hasattr(data, "matrix") and hasattr(data, "scale"):
        scale_obj = scale_obj or data.scale
        data = data.matrix

    # reshape: a DataFrame keeps its labels, anything else becomes an object array
    observed_only = levels is None and (scale_obj is None or scale_obj.levels is None)
    numeric_array = isinstance(data, np.ndarray) and data.dtype.kind in "iuf"
    if numeric_array and data.ndim == 2 and observed_only:
        return _from_numeric(data.astype(float), scale_obj)
    if (
        isinstance(data, pd.DataFrame)
        and observed_only
        and all(kind in "iuf" for kind in data.dtypes.map(lambda d: d.kind))
    ):
        fast = _from_numeric(data.to_numpy(dtype=float), scale_obj)
        return RatingMatrix(
            codes=fast.codes,
            categories=fast.categories,
            category_values=fast.category_values,
            values=fast.values,
            units=np.asarray(data.index),
            raters=np.asarray(data.columns),
            scale=scale_obj,
            numeric=True,
            declared=False,
        )
    if isinstance(data, pd.DataFrame):
        units = np.asarray(data.index)
        raters = np.asarray(data.columns)
        typed = all(d.kind in "iuf" for d in data.dtypes)
        cells = data.to_numpy(dtype=float if typed else object)
    else:
        try:
            typed = isinstance(data, np.ndarray) and data.dtype.kind in "iuf"
            cells = np.asarray(data, dtype=float if typed else object)
        except ValueError as exc:
            raise RatingsError(
                "the ratings are ragged; pass a units x raters matrix with one "
                "row per call and NaN where a rater did not score it"
            ) from exc
        if cells.ndim != 2:
            raise RatingsError(
                f"ratings must be a units x raters matrix; got an array with "
                f"{cells.ndim} dimension(s) of shape {cells.shape}"
            )
        units = np.arange(cells.shape[0])
        raters = np.arange(cells.shape[1])
    if cells.size == 0:
        raise RatingsError(
            f"the ratings matrix is empty (shape {cells.shape}); it needs at least "
            "one call and two raters"
        )

    missing = np.isnan(cells) if typed else _is_missing(cells)
    if not typed:
        # scores that are, or read as, numbers become floats: 2, 2.0 and "2"
        # are one level; text stays text
        cells = cells.copy()
        cells[missing] = np.nan
        numbers = [as_number(v) for v in cells[~missing]]
        if all(n is not None for n in numbers):
            cells = np.where(missing, np.nan, 0.0)
            cells[~missing] = numbers
            typed = True
    _check_finite(cells, missing, units, raters)
    present_cells = cells[~missing]
    numeric = typed

    # categories: declared levels in their order, else the observed ones sorted
    declared = (
        levels if levels is not None else (scale_obj.levels if scale_obj else None)
    )
    if declared is not None:
        categories = list(declared)
    else:
        categories = _sort_observed(_distinct(present_cells), numeric)
        if numeric:
            categories = _plain_numbers(np.asarray(categories, dtype=float))
    index = {score_key(c): i for i, c in enumerate(categories)}

    codes = np.full(cells.shape, -1, dtype=np.int64)
    if numeric and all(is_number(c) for c in categories):
        # numbers on numeric categories: match by sorted search, no loop
        flat = present_cells.astype(float)
        cat_values = np.asarray(categories, dtype=float)
        order = np.argsort(cat_values, kind="stable")
        found = np.searchsorted(cat_values[order], flat)
        found = np.minimum(found, len(order) - 1)
        matched = cat_values[order][found] == flat
        if not matched.all():
            first = int(np.argmin(matched))
            _off_scale(
                present_cells[first],
                first,
                missing,
                units,
                raters,
                categories,
                int((~matched).sum()),
            )
        codes[~missing] = order[found]
    else:
        keys = [score_key(v) for v in present_cells]
        off = [i for i, k in enumerate(keys) if k not in index]
        if off:
            _off_scale(
                present_cells[off[0]],
                off[0],
                missing,
                units,
                raters,
                categories,
                len(off),
            )
        codes[~missing] = [index[k] for k in keys]

    if numeric or all(is_number(c) for c in categories):
        category_values = np.asarray(categories, dtype=float)
    else:
        category_values = np.arange(1, len(categories) + 1, dtype=float)
    values = np.where(codes >= 0, category_values[np.maximum(codes, 0)], np.nan)
    if numeric and declared is None:
        values = np.where(missing, np.nan, cells.astype(float))

    return RatingMatrix(
        codes=codes,
        categories=np.asarray(categories, dtype=object),
        category_values=category_values,
        values=values.astype(float),
        units=units,
        raters=raters,
        scale=scale_obj,
        numeric=bool(numeric),
        declared=declared is not None,
    )


def _distinct(cells: np.ndarray) -> list[Any]:
    """Distinct scores in order of appearance; 2 and "2" count once."""
    seen: dict[Any, Any] = {}
    for value in pd.unique(cells):
        seen.setdefault(score_key(value), value)
    return list(seen.values())


def _plain_numbers(values: np.ndarray) -> list[Any]:
    """Python numbers (3, not 3.0 or np.float64(3.0)) for labels in messages."""
    if len(values) > 1000 or not np.all(values % 1 == 0):
        return values.tolist()
    return [int(v) for v in values]


def _check_finite(
    cells: np.ndarray, missing: np.ndarray, units: np.ndarray, raters: np.ndarray
) -> None:
    """Refuse infinite scores: they are a data error, not a level."""
    if cells.dtype.kind != "f":
        bad = np.zeros(cells.shape, dtype=bool)
        for index in zip(*np.nonzero(~missing), strict=True):
            value = cells[index]
            bad[index] = is_number(value) and not np.isfinite(float(value))
    else:
        bad = np.isinf(cells)
    if bad.any():
        row, col = (int(i[0]) for i in np.nonzero(bad))
        raise RatingsError(
            f"the score of unit {_plain(units[row])!r}, rater "
            f"{_plain(raters[col])!r} is infinite ({int(bad.sum())} such score(s)); "
            "correct it or leave it empty for a missing rating"
        )


def _from_numeric(values: np.ndarray, scale: Scale | None) -> RatingMatrix:
    """Fast path for a float matrix with observed categories."""
    if values.size == 0:
        raise RatingsError(
            f"the ratings matrix is empty (shape {values.shape}); it needs at least "
            "one call and two raters"
        )
    missing = np.isnan(values)
    _check_finite(
        values, missing, np.arange(values.shape[0]), np.arange(values.shape[1])
    )
    category_values, inverse = np.unique(values[~missing], return_inverse=True)
    codes = np.full(values.shape, -1, dtype=np.int64)
    codes[~missing] = inverse
    return RatingMatrix(
        codes=codes,
        categories=np.asarray(_plain_numbers(category_values), dtype=object),
        category_values=category_values,
        values=values,
        units=np.arange(values.shape[0]),
        raters=np.arange(values.shape[1]),
        scale=scale,
        numeric=True,
    )


def _off_scale(
    value: Any,
    position: int,
    missing: np.ndarray,
    units: np.ndarray,
    raters: np.ndarray,
    categories: list[Any],
    n_off: int,
) -> None:
    rows, cols = np.nonzero(~missing)
    raise RatingsError(
        f"score {_plain(value)!r} of unit {_plain(units[rows[position]])!r}, rater "
        f"{_plain(raters[cols[position]])!r} is not among the declared levels "
        f"{categories!r} ({n_off} score(s) in all); correct the data or declare "
        "the levels it uses"
    )


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value
