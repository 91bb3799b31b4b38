"""Planning a calibration round: the model, the vectorised alpha, the search."""

from __future__ import annotations

import inspect
import itertools
import json
import math
import warnings

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from toolkit import planning
from toolkit.agreement import krippendorff_alpha
from toolkit.cli import cli
from toolkit.errors import ToolkitError, UndefinedCoefficientWarning
from toolkit.planning._batch import alpha_of_rounds
from toolkit.planning._model import level_pairs

DESIGN = {"n_raters": 5, "n_levels": 4, "expected_agreement": 0.8}


def _codes(rounds: np.ndarray) -> np.ndarray:
    """Levels as the batch takes them: integers, 0 where missing."""
    return np.nan_to_num(rounds).astype(int)


# --------------------------------------------------------------------------
# the generating model


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9, 0.999])
def test_two_level_true_alpha_is_the_phi_coefficient(rho):
    # two levels cut at the median: phi = 2 asin(rho) / pi (Sheppard 1899)
    alpha = planning.true_alpha(rho, n_levels=2, metric="nominal")

    assert alpha == pytest.approx(2 * math.asin(rho) / math.pi, abs=1e-12)


@pytest.mark.parametrize("n_levels", [3, 5])
def test_level_pairs_match_scipy_bivariate_normal(n_levels):
    rho = 0.7
    joint = level_pairs(rho, n_levels)
    cuts = stats.norm.ppf(np.arange(1, n_levels) / n_levels)
    normal = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])

    cdf = np.array([[normal.cdf([h, k]) for k in cuts] for h in cuts])

    cumulative = np.cumsum(np.cumsum(joint, axis=0), axis=1)[:-1, :-1]
    np.testing.assert_allclose(cumulative, cdf, atol=1e-6)
    np.testing.assert_allclose(joint.sum(axis=0), 1 / n_levels, atol=1e-14)


@pytest.mark.parametrize("metric", planning.PLANNING_METRICS)
@pytest.mark.parametrize("target", [0.3, 0.667, 0.8, 0.95])
def test_latent_correlation_solves_for_the_target_alpha(metric, target):
    rho = planning.latent_correlation(target, n_levels=4, metric=metric)

    assert planning.true_alpha(rho, n_levels=4, metric=metric) == pytest.approx(
        target, abs=1e-12
    )


@pytest.mark.parametrize(
    ("n_levels", "target", "metric"),
    [(4, 0.8, "ordinal"), (2, 0.667, "nominal"), (5, 0.5, "interval")],
)
def test_generator_hits_its_target_alpha_on_a_huge_sample(n_levels, target, metric):
    rounds = planning.simulate_rounds(
        n_simulations=1,
        n_calls=200_000,
        n_raters=4,
        n_levels=n_levels,
        expected_agreement=target,
        metric=metric,
        rng=5,
    )
    huge = alpha_of_rounds(_codes(rounds), n_levels=n_levels, metric=metric, level=0.95)

    # independent check: the krippendorff package on a subsample
    sample = rounds[0, :3000]
    reference = krippendorff.alpha(
        reliability_data=sample.T, level_of_measurement=metric
    )
    ours = alpha_of_rounds(
        _codes(sample[None]), n_levels=n_levels, metric=metric, level=0.95
    )

    assert abs(huge.statistic[0] - target) < 4 * huge.standard_error[0]
    assert ours.statistic[0] == pytest.approx(reference, abs=1e-10)
    assert abs(reference - target) < 4 * ours.standard_error[0]


def test_levels_are_equally_likely():
    design = {**DESIGN, "n_raters": 2}
    rounds = planning.simulate_rounds(n_simulations=1, n_calls=50_000, rng=3, **design)

    shares = np.bincount(_codes(rounds).ravel(), minlength=5)[1:] / rounds.size

    np.testing.assert_allclose(shares, 0.25, atol=0.01)


# --------------------------------------------------------------------------
# alpha of many rounds at once


@pytest.mark.parametrize("metric", planning.PLANNING_METRICS)
def test_batch_alpha_matches_krippendorff_alpha_per_round(metric):
    # small rounds with missing scores: some are undefined, some have
    # calls scored once
    rounds = planning.simulate_rounds(
        n_simulations=120,
        n_calls=4,
        n_raters=3,
        n_levels=4,
        expected_agreement=0.9,
        metric=metric,
        missing_share=0.3,
        rng=8,
    )
    batch = alpha_of_rounds(_codes(rounds), n_levels=4, metric=metric, level=0.9)

    expected = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCoefficientWarning)
        for matrix in rounds:
            result = krippendorff_alpha(matrix, metric=metric, level=0.9)
            ci = result.confidence_interval
            expected.append([result.statistic, result.standard_error, ci.low, ci.high])
    expected_array = np.array(expected)
    got = np.column_stack(batch)

    assert np.isnan(got[:, 0]).sum() > 0
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected_array))
    np.testing.assert_allclose(got, expected_array, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------
# what a planned round shows


def test_tiny_round_shows_a_wide_interval_and_near_even_verdicts():
    plan = planning.interval_for_round(n_calls=3, rng=2, **DESIGN)

    assert plan.half_width.value > 0.4
    assert plan.spread_half_width.value > 0.4
    assert plan.estimate_low.value < 0.2
    for verdict in planning.VERDICTS:
        assert 0.15 < plan.band_probabilities[verdict].value < 0.5
    assert plan.true_verdict == "ready"


def test_band_shares_and_undefined_rounds_sum_to_one():
    plan = planning.interval_for_round(
        n_calls=3, n_raters=3, n_levels=2, expected_agreement=0.95, rng=4
    )
    shares = [figure.value for figure in plan.band_probabilities.values()]

    assert plan.undefined_share.value > 0.05
    assert sum(shares) + plan.undefined_share.value == pytest.approx(1.0)


@pytest.mark.parametrize("method", planning.HALF_WIDTH_METHODS)
def test_more_calls_give_narrower_intervals(method):
    widths = [
        planning.interval_for_round(
            n_calls=n_calls, half_width_method=method, rng=3, **DESIGN
        ).half_width.value
        for n_calls in (3, 6, 12, 24, 48)
    ]

    assert all(a > b for a, b in itertools.pairwise(widths))
    assert widths[-1] < widths[0] / 3


def test_more_raters_and_fewer_missing_scores_give_narrower_intervals():
    def width(**options):
        design = {**DESIGN, **options}
        plan = planning.interval_for_round(n_calls=20, rng=6, **design)
        return plan.half_width.value

    assert width(n_raters=8) < width(n_raters=5) < width(n_raters=3)
    assert width(missing_share=0.0) < width(missing_share=0.3)


def test_half_width_is_the_chosen_figure():
    plan = planning.interval_for_round(
        n_calls=10, half_width_method="spread", rng=1, **DESIGN
    )

    assert plan.half_width == plan.spread_half_width
    assert plan.half_width != plan.analytic_half_width


def test_monte_carlo_error_shrinks_with_more_simulations():
    few = planning.interval_for_round(n_calls=10, n_simulations=500, rng=1, **DESIGN)
    many = planning.interval_for_round(n_calls=10, n_simulations=8000, rng=1, **DESIGN)

    ratio = few.half_width.monte_carlo_error / many.half_width.monte_carlo_error
    assert 3 < ratio < 5.5  # sqrt(16) = 4
    assert abs(few.half_width.value - many.half_width.value) < 4 * (
        few.half_width.monte_carlo_error
    )


# --------------------------------------------------------------------------
# how many calls


def test_planned_calls_for_a_tenth_give_that_interval_with_its_coverage():
    needed = planning.calls_needed(target_half_width=0.1, rng=11, **DESIGN)
    n_calls = needed.n_calls

    # fresh rounds of the answered size, on other seeds
    fresh = planning.interval_for_round(
        n_calls=n_calls, n_simulations=4000, rng=12, **DESIGN
    )
    rounds = planning.simulate_rounds(
        n_simulations=300, n_calls=n_calls, rng=13, **DESIGN
    )
    results = [krippendorff_alpha(matrix) for matrix in rounds]
    lows = np.array([r.confidence_interval.low for r in results])
    highs = np.array([r.confidence_interval.high for r in results])
    held = (lows <= 0.8) & (highs >= 0.8)
    half_widths = (highs - lows) / 2

    assert 20 <= n_calls <= 60
    assert needed.half_width.value <= 0.1
    width = fresh.analytic_half_width
    assert width.value <= 0.1 + 3 * width.monte_carlo_error
    assert abs(fresh.coverage.value - 0.95) < 0.02
    # the toolkit's own intervals, one round at a time
    assert half_widths.mean() <= 0.1 + 3 * half_widths.std() / math.sqrt(300)
    assert abs(held.mean() - 0.95) < 0.02 + 3 * math.sqrt(0.95 * 0.05 / 300)


def test_calls_needed_is_the_smallest_size_that_meets_the_target():
    needed = planning.calls_needed(target_half_width=0.15, rng=2, **DESIGN)
    one_fewer = planning.interval_for_round(n_calls=needed.n_calls - 1, rng=2, **DESIGN)
    evaluated = dict(needed.evaluations)

    assert needed.half_width.value <= 0.15 < one_fewer.half_width.value
    assert evaluated[needed.n_calls] == needed.half_width.value
    assert needed.plan.n_calls == needed.n_calls
    assert 0 <= needed.n_calls_monte_carlo_error < 2


def test_spread_needs_at_least_as_many_calls_as_its_figure_says():
    needed = planning.calls_needed(
        target_half_width=0.15, half_width_method="spread", rng=2, **DESIGN
    )

    assert needed.plan.spread_half_width.value <= 0.15
    assert needed.half_width == needed.plan.spread_half_width


def test_unreachable_target_names_max_calls():
    with pytest.raises(ToolkitError, match=r"max_calls=16"):
        planning.calls_needed(target_half_width=0.05, max_calls=16, rng=1, **DESIGN)


# --------------------------------------------------------------------------
# seeds


def test_same_seed_gives_the_same_plan_and_records_it():
    first = planning.interval_for_round(n_calls=5, rng=21, **DESIGN)
    second = planning.interval_for_round(n_calls=5, rng=21, **DESIGN)
    other = planning.interval_for_round(n_calls=5, rng=22, **DESIGN)

    assert first == second
    assert first.seed == 21
    assert other.half_width != first.half_width


def test_a_generator_is_recorded_as_a_seed_that_reproduces_the_plan():
    plan = planning.interval_for_round(
        n_calls=5, rng=np.random.default_rng(3), **DESIGN
    )

    assert plan == planning.interval_for_round(n_calls=5, rng=plan.seed, **DESIGN)


def test_a_smaller_round_is_the_start_of_a_larger_one_on_the_same_seed():
    def rounds(n_simulations, n_calls):
        return planning.simulate_rounds(
            n_simulations=n_simulations,
            n_calls=n_calls,
            missing_share=0.2,
            rng=9,
            **DESIGN,
        )

    # blocks of 500 rounds: full blocks stay when more rounds are drawn
    np.testing.assert_array_equal(rounds(600, 5), rounds(600, 8)[:, :5])
    np.testing.assert_array_equal(rounds(1000, 5), rounds(1200, 8)[:1000, :5])


# --------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"n_calls": 1}, r"n_calls=1"),
        ({"n_calls": 2.5}, r"n_calls=2.5"),
        ({"n_calls": True}, r"n_calls=True"),
        ({"n_raters": 1}, r"n_raters=1"),
        ({"n_levels": 1}, r"n_levels=1"),
        ({"n_levels": 40}, r"n_levels=40"),
        ({"expected_agreement": 0.0}, r"expected_agreement=0.0"),
        ({"expected_agreement": 1.0}, r"expected_agreement=1.0"),
        ({"expected_agreement": -0.2}, r"expected_agreement=-0.2"),
        ({"expected_agreement": math.nan}, r"expected_agreement=nan"),
        ({"missing_share": 1.0}, r"missing_share=1.0"),
        ({"n_simulations": 10}, r"n_simulations=10"),
        ({"metric": "ratio"}, r"metric='ratio'"),
        ({"level": 1.5}, r"level=1.5"),
        ({"thresholds": (0.8, 0.667)}, r"thresholds="),
        ({"half_width_method": "bootstrap"}, r"half_width_method='bootstrap'"),
        ({"coefficient": "alfa"}, r"coefficient='alfa'"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(options, match):
    arguments = {"n_calls": 4, **DESIGN, **options}

    with pytest.raises(ValueError, match=match):
        planning.interval_for_round(**arguments)


@pytest.mark.parametrize("target", [0, -0.1, math.inf, "0.1"])
def test_calls_needed_refuses_a_target_that_is_not_positive(target):
    with pytest.raises(ValueError, match=r"target_half_width="):
        planning.calls_needed(target_half_width=target, **DESIGN)


def test_other_coefficients_are_not_implemented():
    with pytest.raises(NotImplementedError, match=r"krippendorff_alpha"):
        planning.interval_for_round(n_calls=4, coefficient="fleiss_kappa", **DESIGN)


# --------------------------------------------------------------------------
# results and public names


def test_results_convert_to_strict_json():
    needed = planning.calls_needed(target_half_width=0.3, rng=1, **DESIGN)

    payload = json.loads(json.dumps(needed.to_dict(), allow_nan=False))

    assert payload["n_calls"] == needed.n_calls
    assert payload["plan"]["band_probabilities"]["ready"]["value"] >= 0
    assert payload["plan"]["seed"] == 1


def test_public_names_are_listed_in_all():
    for name in planning.__all__:
        assert hasattr(planning, name)
    public = {
        name
        for name, value in vars(planning).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
    }
    assert public <= set(planning.__all__)


# --------------------------------------------------------------------------
# command line


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["plan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_plan_calls_prints_interval_width_and_verdict_shares():
    code, out, _ = _run("--calls", "4", "--raters", "5", "--levels", "4")
    plan = planning.interval_for_round(n_calls=4, rng=0, **DESIGN)

    assert code == 0
    assert f"interval half-width: {plan.half_width}" in out
    assert "ready (0.800 or more)" in out
    assert plan.band_probabilities["ready"].percent() in out
    assert "seed 0" in out


def test_plan_half_width_prints_the_calls_needed():
    code, out, _ = _run(
        "--half-width", "0.2", "--raters", "5", "--levels", "4", "--seed", "3"
    )
    needed = planning.calls_needed(target_half_width=0.2, rng=3, **DESIGN)

    assert code == 0
    assert out.startswith("Calls needed")
    assert f": {needed.n_calls} calls" in out


def test_plan_json_is_the_result():
    code, out, _ = _run(
        "--calls",
        "6",
        "--raters",
        "4",
        "--levels",
        "3",
        "--agreement",
        "0.7",
        "--format",
        "json",
    )
    payload = json.loads(out)

    assert code == 0
    assert payload["n_calls"] == 6
    assert payload["expected_agreement"] == 0.7
    assert set(payload["band_probabilities"]) == set(planning.VERDICTS)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--raters", "5", "--levels", "4"], "either --calls"),
        (
            ["--calls", "4", "--half-width", "0.1", "--raters", "5", "--levels", "4"],
            "either --calls",
        ),
        (["--calls", "1", "--raters", "5", "--levels", "4"], "--calls 1"),
        (
            ["--calls", "4", "--raters", "5", "--levels", "4", "--agreement", "1.5"],
            "--agreement 1.5",
        ),
    ],
)
def test_plan_errors_are_one_line_with_exit_code_2(args, match):
    code, out, err = _run(*args)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert match in err
