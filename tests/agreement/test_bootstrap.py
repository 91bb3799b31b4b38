"""The bootstrap: each resample equals the coefficient recomputed on that resample."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.agreement import bootstrap
from toolkit.agreement._bootstrap import _multiplicities
from toolkit.agreement._registry import coefficient_names, coefficient_spec
from toolkit.errors import BootstrapWarning, UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings
from toolkit.scales import Scale

# coefficient -> options and the shape of ratings it needs
CASES = {
    "percent_agreement": ({}, 4, 3),
    "cohen_kappa": ({"weights": "quadratic"}, 2, 4),
    "scott_pi": ({}, 2, 4),
    "light_kappa": ({}, 3, 3),
    "fleiss_kappa": ({}, 4, 3),
    "conger_kappa": ({}, 4, 3),
    "brennan_prediger": ({}, 4, 3),
    "gwet_ac1": ({}, 4, 3),
    "gwet_ac2": ({"weights": "ordinal"}, 4, 4),
    "krippendorff_alpha": ({"metric": "ordinal"}, 4, 5),
    "icc": ({}, 4, 0),
    "kendall_w": ({}, 4, 0),
}


def _ratings(n_raters: int, n_levels: int, seed: int) -> np.ndarray:
    """Correlated scores: a true level per call plus rater noise."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=(25, 1))
    scores = truth + 0.6 * rng.normal(size=(25, n_raters))
    if n_levels == 0:
        return scores
    cuts = np.quantile(scores, np.linspace(0, 1, n_levels + 1)[1:-1])
    return np.digitize(scores, cuts).astype(float) + 1


def test_every_registered_coefficient_has_a_case():
    assert set(CASES) == set(coefficient_names())


def _criterion(ratings: np.ndarray, n_levels: int) -> CriterionRatings:
    """The ratings as a table criterion: ordinal text labels, declared levels."""
    if n_levels == 0:
        matrix = pd.DataFrame(ratings)
        return CriterionRatings("score", Scale("interval"), matrix)
    labels = [f"level {k}" for k in range(1, n_levels + 1)]
    matrix = pd.DataFrame(ratings).map(lambda v: labels[int(v) - 1])
    return CriterionRatings("score", Scale("ordinal", tuple(labels)), matrix)


def _resampled(data, rows: np.ndarray):
    """The data with its calls drawn ``rows`` (a list of call positions)."""
    if isinstance(data, CriterionRatings):
        matrix = data.matrix.iloc[rows].reset_index(drop=True)
        return CriterionRatings(data.criterion, data.scale, matrix)
    return data[rows]


@pytest.mark.parametrize("as_criterion", [False, True], ids=["array", "criterion"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_bootstrap_distribution_equals_recomputation_on_each_resample(
    name, as_criterion
):
    options, n_raters, n_levels = CASES[name]
    ratings = _ratings(n_raters, n_levels, seed=3)
    data = _criterion(ratings, n_levels) if as_criterion else ratings
    spec = coefficient_spec(name)

    result = bootstrap(data, name, n_resamples=100, rng=11, **options)

    # the same draws, rebuilt as explicit resampled data sets; a resample keeps
    # the full data's categories, as a scale's levels do
    generator = np.random.default_rng(11)
    if spec.unit_terms is not None:
        counts = _multiplicities(len(ratings), 100, generator).astype(int)
        draws = [np.repeat(np.arange(len(ratings)), row) for row in counts]
    else:
        draws = list(generator.integers(0, len(ratings), size=(100, len(ratings))))
    direct_options = dict(options)
    takes_levels = "levels" in inspect.signature(spec.function).parameters
    if n_levels and not as_criterion and takes_levels:
        direct_options["levels"] = np.unique(ratings).tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCoefficientWarning)
        direct = [
            spec.function(_resampled(data, rows), **direct_options).statistic
            for rows in draws
        ]

    np.testing.assert_allclose(
        result.details["bootstrap_distribution"], direct, rtol=0, atol=1e-10
    )
    assert result.statistic == spec.function(data, **options).statistic


def test_blocks_follow_the_width_of_the_unit_terms():
    # 500 continuous calls give Cohen's kappa 1,000 categories: a million
    # columns of unit terms; blocks must shrink so memory stays bounded
    from toolkit.agreement._bootstrap import _BLOCK_CELLS, _resample_terms

    seen = []

    def combine(totals):
        seen.append(totals.shape)
        return totals[:, 0]

    terms = np.ones((50, 200_000))
    _resample_terms(terms, combine, 100, np.random.default_rng(0))

    assert max(rows * cols for rows, cols in seen) <= _BLOCK_CELLS


def test_undefined_resamples_warn_and_are_counted():
    ratings = np.ones((12, 3))
    ratings[0] = [1, 2, 2]

    with pytest.warns(BootstrapWarning, match=r"of 1000 bootstrap resamples"):
        result = bootstrap(ratings, "fleiss_kappa", rng=1)

    distribution = result.details["bootstrap_distribution"]
    assert result.details["n_undefined_resamples"] == np.isnan(distribution).sum()
    assert result.details["n_undefined_resamples"] > 0


def test_same_seed_gives_same_interval_and_records_it():
    ratings = _ratings(4, 5, seed=1)

    first = bootstrap(ratings, "krippendorff_alpha", metric="ordinal", rng=42)
    again = bootstrap(ratings, "krippendorff_alpha", metric="ordinal", rng=42)
    other = bootstrap(ratings, "krippendorff_alpha", metric="ordinal", rng=43)

    assert first.confidence_interval == again.confidence_interval
    assert first.confidence_interval != other.confidence_interval
    assert first.options["seed"] == 42
    assert first.options["interval"] == "bootstrap percentile"


def test_percentile_interval_covers_true_alpha_at_nominal_rate():
    # 200 simulated rounds with known structure; the 90% interval should cover
    # the alpha of the generating process (computed on a very large sample)
    # in roughly 90% of rounds (binomial sd 2.1 points at n = 200).
    rng = np.random.default_rng(5)

    def draw(n_calls):
        truth = rng.normal(size=(n_calls, 1))
        return np.round(truth + 0.8 * rng.normal(size=(n_calls, 4)))

    from toolkit.agreement import krippendorff_alpha

    target = krippendorff_alpha(draw(200_000), metric="interval").statistic
    hits = 0
    for seed in range(200):
        result = bootstrap(
            draw(60),
            "krippendorff_alpha",
            metric="interval",
            n_resamples=400,
            level=0.90,
            rng=seed,
        )
        interval = result.confidence_interval
        hits += interval.low <= target <= interval.high
    assert 0.82 <= hits / 200 <= 0.96


def test_too_few_resamples_and_unknown_name_are_refused():
    ratings = _ratings(3, 3, seed=2)

    with pytest.raises(ValueError, match="n_resamples=10 is too few"):
        bootstrap(ratings, "fleiss_kappa", n_resamples=10)
    with pytest.raises(ValueError, match="no agreement coefficient named 'alpha'"):
        bootstrap(ratings, "alpha")


def test_undefined_estimate_returns_its_reason_without_resampling():
    ratings = np.ones((10, 3))

    with pytest.warns(UndefinedCoefficientWarning):
        result = bootstrap(ratings, "fleiss_kappa", rng=0)

    assert np.isnan(result.statistic)
    assert "bootstrap_distribution" not in result.details


def test_alpha_on_many_levels_takes_the_stack_path_and_matches_direct():
    # ordinal alpha on 60 levels has no unit terms; resamples are recomputed
    # on stacks of matrices drawn from the same generator
    from toolkit.agreement import krippendorff_alpha

    rng = np.random.default_rng(8)
    ratings = np.clip(
        rng.integers(1, 61, size=(30, 1)) + rng.integers(-3, 4, (30, 4)), 1, 60
    ).astype(float)

    result = bootstrap(
        ratings, "krippendorff_alpha", metric="ordinal", n_resamples=100, rng=0
    )

    drawn = np.random.default_rng(0).integers(0, 30, size=(100, 30))
    direct = [
        krippendorff_alpha(ratings[rows], metric="ordinal").statistic for rows in drawn
    ]
    np.testing.assert_allclose(
        result.details["bootstrap_distribution"], direct, rtol=0, atol=1e-10
    )
