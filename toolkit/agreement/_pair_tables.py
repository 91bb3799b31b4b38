"""Two-rater contingency tables and the kappa-type coefficients built on them.

Shared by :mod:`toolkit.agreement._cohen` (Cohen's kappa, Scott's pi) and
:mod:`toolkit.agreement._light` (Light's kappa). A pair's table counts the
calls its first rater put in level ``k`` and its second rater in level ``l``.

Notation (Fleiss, Cohen & Everitt 1969): ``p`` the table as proportions, ``r``
and ``c`` its row and column margins, ``w`` the agreement weights, ``p_o`` the
weighted observed agreement and ``p_e`` the weighted agreement expected by
chance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import Interval

__all__: list[str] = []

# p_e this close to 1 means every rating pair gets full credit by chance
_CHANCE_TOLERANCE = 1e-12


# --- tables ---------------------------------------------------------------


def _rater_pairs(n_raters: int) -> list[tuple[int, int]]:
    first, second = np.triu_indices(n_raters, 1)
    return [(int(i), int(j)) for i, j in zip(first, second, strict=True)]


def _pair_table(matrix: RatingMatrix) -> tuple[np.ndarray, int]:
    """Contingency table of raters 0 (rows) and 1, and the calls left out."""
    tables, in_pair, _ = _pair_tables(matrix, [(0, 1)], "drop_units")
    return tables[0], matrix.n_units - int(in_pair.sum())


def _pair_tables(
    matrix: RatingMatrix, pairs: list[tuple[int, int]], missing: str
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(n_pairs, q, q)`` tables, which calls each pair uses, calls left out."""
    a, b, in_pair = _pair_codes(matrix, pairs, _kept_calls(matrix, missing))

    # count the cells of every pair's table at once
    q = matrix.n_categories
    cell = np.arange(len(pairs))[None, :] * q * q + a * q + b
    counts = np.bincount(cell[in_pair], minlength=len(pairs) * q * q)
    n_dropped = matrix.n_units - int(in_pair.any(axis=1).sum())
    return counts.reshape(len(pairs), q, q), in_pair, n_dropped


def _kept_calls(matrix: RatingMatrix, missing: str) -> np.ndarray:
    """Calls that may count: all, or only those every rater scored."""
    if missing == "pairwise":
        return np.ones(matrix.n_units, dtype=bool)
    return np.asarray(matrix.present.all(axis=1))


def _pair_codes(
    matrix: RatingMatrix, pairs: list[tuple[int, int]], keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both raters' codes per call and pair, and where the pair counts the call."""
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    a, b = matrix.codes[:, first], matrix.codes[:, second]
    in_pair = (a >= 0) & (b >= 0) & keep[:, None]
    return np.maximum(a, 0), np.maximum(b, 0), in_pair


# --- per-call terms for the bootstrap ---------------------------------------


def _margin_terms(
    matrix: RatingMatrix,
    pairs: list[tuple[int, int]],
    keep: np.ndarray,
    w: np.ndarray,
) -> np.ndarray:
    """``(n_units, n_pairs * (2q + 2))`` additive terms of each pair's table.

    Per pair, a call counted by it contributes its agreement weight
    ``w[a, b]``, a one in the first rater's level (``q`` columns), a one in
    the second rater's level (``q`` columns) and a one to the call count.
    Their totals give ``p_o`` and both margins, all that kappa and pi need,
    in ``2q + 2`` columns rather than the ``q * q`` cells of the table.
    """
    q = matrix.n_categories
    a, b, in_pair = _pair_codes(matrix, pairs, keep)
    units, pair = np.nonzero(in_pair)
    a, b = a[in_pair], b[in_pair]

    terms = np.zeros((matrix.n_units, len(pairs), 2 * q + 2))
    terms[units, pair, 0] = w[a, b]
    terms[units, pair, 1 + a] = 1.0
    terms[units, pair, 1 + q + b] = 1.0
    terms[units, pair, -1] = 1.0
    return terms.reshape(matrix.n_units, -1)


def _statistic_from_margins(
    totals: np.ndarray, w: np.ndarray, n_pairs: int, *, scott: bool = False
) -> np.ndarray:
    """Kappa (or pi) per pair from totals of :func:`_margin_terms`.

    ``totals`` has shape ``(..., n_pairs * (2q + 2))``; the result
    ``(..., n_pairs)``, NaN where undefined.
    """
    q = len(w)
    totals = np.asarray(totals, dtype=float)
    parts = totals.reshape(*totals.shape[:-1], n_pairs, 2 * q + 2)
    n = parts[..., -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = parts[..., 0] / n
        r = parts[..., 1 : q + 1] / n[..., None]
        c = parts[..., q + 1 : 2 * q + 1] / n[..., None]
    if scott:
        r = c = (r + c) / 2
    chance = ((r @ w) * c).sum(axis=-1)
    return _chance_corrected(observed, chance, n)


# --- the coefficients from tables -----------------------------------------


def _margins(tables: np.ndarray) -> tuple[np.ndarray, ...]:
    """Calls, proportions, row and column margins of ``(..., q, q)`` tables."""
    n = tables.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = tables / n[..., None, None]
    return n, p, p.sum(axis=-1), p.sum(axis=-2)


def _kappa_statistic(tables: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Kappa of ``(..., q, q)`` count tables; NaN where undefined."""
    n, p, r, c = _margins(tables)
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("...i,ij,...j->...", r, w, c)
    return _chance_corrected(observed, chance, n)


def _scott_statistic(tables: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Scott's pi of ``(..., q, q)`` count tables; NaN where undefined."""
    n, p, r, c = _margins(tables)
    m = (r + c) / 2
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("...i,ij,...j->...", m, w, m)
    return _chance_corrected(observed, chance, n)


def _chance_corrected(
    observed: np.ndarray, chance: np.ndarray, n: np.ndarray
) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        defined = (n >= 2) & (np.abs(1 - chance) > _CHANCE_TOLERANCE)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, (observed - chance) / (1 - chance), np.nan)


def _kappa_parts(tables: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Kappa of ``(n_pairs, q, q)`` defined tables with its FCE (1969) terms.

    ``influence[t, k, l]`` is ``n`` times the change in kappa when one call
    in cell ``(k, l)`` is added (to first order): the non-null variance is
    ``sum(table * influence**2) / n**2``.
    """
    n, p, r, c = _margins(tables.astype(float))
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("ti,ij,tj->t", r, w, c)
    kappa = (observed - chance) / (1 - chance)

    # w_bar[k] over the second rater's margin, w_bar[l] over the first's
    w_row = np.einsum("kl,tl->tk", w, c)
    w_col = np.einsum("kl,tk->tl", w, r)
    spread = w_row[:, :, None] + w_col[:, None, :]
    shrink = (1 - kappa)[:, None, None]
    h = (w - shrink * spread) / (1 - chance)[:, None, None]
    influence = h - (p * h).sum(axis=(-2, -1))[:, None, None]
    variance = (tables * influence**2).sum(axis=(-2, -1)) / n**2

    # null variance: the same terms under independent margins
    independent = r[:, :, None] * c[:, None, :]
    variance_null = (
        (independent * (w - spread) ** 2).sum(axis=(-2, -1)) - chance**2
    ) / (n * (1 - chance) ** 2)

    return {
        "kappa": kappa,
        "observed": observed,
        "chance": chance,
        "n": n,
        "influence": influence,
        "variance": variance,
        "variance_null": variance_null,
    }


# --- checks and labels ------------------------------------------------------


def _require_categories(matrix: RatingMatrix, coefficient: str) -> None:
    """Refuse scores that look continuous (the rule of ``require_categories``)."""
    matrix.require_categories(coefficient)


def _undefined_reason(
    table: np.ndarray,
    w: np.ndarray,
    matrix: RatingMatrix,
    who: str,
    *,
    scott: bool = False,
) -> str | None:
    """Why the coefficient of ``table`` is undefined, or ``None``."""
    n = int(table.sum())
    if n < 2:
        return (
            f"fewer than two calls were scored by {who} (found {n}); score more calls"
        )
    statistic = _scott_statistic(table, w) if scott else _kappa_statistic(table, w)
    if np.isfinite(statistic):
        return None
    used = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    if len(used) == 1:
        score = _label(matrix.categories[used[0]])
        return (
            f"{who} gave every call the same score {score!r}, so agreement "
            "expected by chance is 1 and kappa is 0/0"
        )
    return (
        "the weights give full credit to every pair of scores used, so "
        "agreement expected by chance is 1"
    )


def _within_bounds(interval: Interval) -> Interval:
    """The interval with both ends kept within [-1, 1], the range of kappa."""
    return Interval(
        low=min(max(interval.low, -1.0), 1.0),
        high=min(max(interval.high, -1.0), 1.0),
        level=interval.level,
    )


def _label(value: Any) -> Any:
    """A rater or level label as a plain Python value (1, not np.int64(1))."""
    return value.item() if isinstance(value, np.generic) else value


def _labels(values: np.ndarray) -> list[Any]:
    return [_label(value) for value in values]


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is not known; use one of "
            f"{', '.join(repr(c) for c in choices)}"
        )
