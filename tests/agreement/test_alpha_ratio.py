"""The ratio metric's quadrature against the pair-by-pair sums it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.agreement._alpha_ratio import ratio_expected


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).random(2000) * 100,
        np.random.default_rng(2).lognormal(0, 3, 2000),
        100 + np.random.default_rng(3).random(2000) * 0.01,
        np.r_[np.zeros(200), np.random.default_rng(4).random(2000)],
        np.random.default_rng(5).integers(1, 10_000, 2000).astype(float),
    ],
    ids=["uniform", "lognormal", "clustered", "zeros", "integers"],
)
def test_ratio_quadrature_matches_pair_by_pair_sums(values):
    total, mean_distance = ratio_expected(values, method="direct")
    total_q, mean_distance_q = ratio_expected(values, method="quadrature")
    assert total_q == pytest.approx(total, rel=1e-13)
    np.testing.assert_allclose(mean_distance_q, mean_distance, rtol=1e-11)
