"""Synthetic rounds and months carry the structure they claim to plant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.agreement import krippendorff_alpha
from toolkit.ratings import RatingsTable
from toolkit.synthetic import calibration_round, monthly_scores, score_levels


def test_levels_are_equally_likely_bands_of_the_normal():
    draws = np.random.default_rng(0).normal(size=200_000)

    shares = np.bincount(score_levels(draws, 5), minlength=6)[1:] / draws.size

    np.testing.assert_allclose(shares, 0.2, atol=0.005)


def test_round_has_every_rater_on_every_call_and_criterion():
    round_ = calibration_round(n_calls=6, n_raters=4, rng=2)

    counts = round_.table.groupby(["criterion", "call"])["rater"].nunique()
    assert (counts == 4).all()
    assert round_.table["score"].between(1, 5).all()


def test_same_seed_same_round_and_different_seed_differs():
    first = calibration_round(rng=5).table
    again = calibration_round(rng=5).table
    other = calibration_round(rng=6).table

    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_planted_lenient_rater_scores_highest_on_average():
    # over 20 rounds the planted rater's mean offset from the others is
    # about the planted 0.9 latent units, i.e. clearly positive every time
    for seed in range(20):
        round_ = calibration_round(n_calls=20, rng=seed)
        means = round_.table.groupby("rater")["score"].mean()
        assert means.idxmax() == round_.truth.lenient_rater


def test_ambiguous_criterion_has_the_lowest_agreement():
    lowest = []
    for seed in range(10):
        round_ = calibration_round(n_calls=30, lenient_rater=None, rng=seed)
        table = RatingsTable.from_long(round_.table, levels=round_.levels)
        alphas = {
            ratings.criterion: krippendorff_alpha(ratings).statistic
            for ratings in table
        }
        lowest.append(min(alphas, key=lambda c: alphas[c]))
    assert set(lowest) == {round_.truth.ambiguous_criterion}


def test_month_divergences_are_peer_manager_gaps_above_one_level():
    month = monthly_scores(rng=3)
    wide = month.table.pivot_table(
        index=["rep", "criterion", "call"], columns="role", values="score"
    )

    gaps = (wide["peer"] - wide["manager"]).abs()

    assert len(month.truth.divergent) == int((gaps > 1).sum())
    assert set(month.table["role"]) == {"peer", "manager", "ai"}


def test_month_plants_ai_bias_on_one_criterion():
    month = monthly_scores(n_reps=20, rng=1)
    wide = month.table.pivot_table(
        index=["criterion", "call"], columns="role", values="score"
    )

    offset = (wide["ai"] - wide["manager"]).groupby("criterion").mean()

    biased = next(iter(month.truth.ai_bias))
    assert offset.idxmax() == biased
    assert offset[biased] > 0.5


@pytest.mark.parametrize("bad", [{"n_calls": 0}, {"n_raters": -1}, {"n_levels": 1.5}])
def test_bad_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="must be a whole number"):
        calibration_round(**bad)


def test_month_plants_the_friend_bonus_on_the_friends_calls():
    # the friend's peer scores sit above the manager's; other reps' do not
    gaps = {"friend": [], "others": []}
    for seed in range(10):
        month = monthly_scores(rng=seed)
        wide = month.table.pivot_table(
            index=["rep", "criterion", "call"], columns="role", values="score"
        ).reset_index()
        gap = wide["peer"] - wide["manager"]
        friend = wide["rep"] == "rep_3"
        gaps["friend"].append(gap[friend].mean())
        gaps["others"].append(gap[~friend].mean())
    assert np.mean(gaps["friend"]) > 0.8
    assert abs(np.mean(gaps["others"])) < 0.2


def test_friend_pair_outside_the_review_ring_is_refused():
    with pytest.raises(ValueError, match=r"never meets.*reviewed by 'rep_4'"):
        monthly_scores(friend_pairs=[("rep_2", "rep_5")])
