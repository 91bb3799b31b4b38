"""Calibration report: verdicts, raters, disputed calls, scale use and rounds."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from toolkit import agreement
from toolkit.calibration import BANDS, VERDICTS, calibration_report
from toolkit.errors import GuideWarning, RatingsError
from toolkit.examples import load_example
from toolkit.ratings import RatingsTable
from toolkit.synthetic import calibration_round

QUICK = {"n_resamples": 300, "target_half_width": None}


def _long(
    scores: dict[str, list], criterion: str = "close", prefix: str = "c", **extra
) -> pd.DataFrame:
    """One row per score from rater -> scores of calls 1, 2, ... (None: missing)."""
    rows = [
        {
            "call": f"{prefix}{i + 1}",
            "criterion": criterion,
            "rater": rater,
            "score": score,
            **extra,
        }
        for rater, column in scores.items()
        for i, score in enumerate(column)
        if score is not None
    ]
    return pd.DataFrame(rows)


def _rater(report, name: str, criterion: str = "close") -> dict:
    raters = report.raters
    row = raters[(raters["rater"] == name) & (raters["criterion"] == criterion)]
    return row.iloc[0].to_dict()


# ---------------------------------------------------------------- planted truth
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_synthetic_round_reveals_ambiguous_criterion_and_lenient_rater(seed):
    planted = calibration_round(n_calls=30, rng=seed)

    report = calibration_report(planted.table, rng=seed, **QUICK)

    criteria = report.criteria.set_index("criterion")
    ambiguous = planted.truth.ambiguous_criterion
    assert criteria["estimate"].idxmin() == ambiguous
    assert criteria.loc[ambiguous, "verdict"] == "needs a sharper definition"
    lenient = report.raters[report.raters["flag"] == "lenient"]
    clear = set(criteria.index) - {ambiguous}
    planted_rater = planted.truth.lenient_rater
    assert clear <= set(lenient.loc[lenient["rater"] == planted_rater, "criterion"])
    mean_offset = report.raters.groupby("rater")["offset"].mean()
    assert mean_offset.idxmax() == planted_rater


def test_bundled_synthetic_round_names_only_what_was_planted():
    with pytest.warns(GuideWarning, match="fewer than the"):
        report = calibration_report(load_example("synthetic_round"), rng=0)

    criteria = report.criteria.set_index("criterion")
    flagged = report.flagged_raters()
    assert set(flagged["rater"]) == {"peer_3"}
    assert set(flagged["flag"]) == {"lenient"}
    # low agreement that leaving out the flagged rater does not explain
    low = criteria["verdict"] == "needs a sharper definition"
    explained = criteria["estimate_without_flagged"] >= 0.667
    assert criteria.index[low & ~explained].tolist() == ["used customer words"]


# ---------------------------------------------------------------- verdicts
@pytest.mark.parametrize("thresholds", [(0.667, 0.8), (0.3, 0.5), (0.1, 0.9)])
def test_verdict_follows_the_estimate_unless_the_interval_spans_every_band(
    thresholds,
):
    planted = calibration_round(n_calls=12, rng=5)

    report = calibration_report(planted.table, rng=5, thresholds=thresholds, **QUICK)

    low, high = thresholds
    for row in report.criteria.itertuples():
        spans = row.ci_low < low and row.ci_high >= high
        band = BANDS[int(np.searchsorted([low, high], row.estimate, "right"))]
        assert row.verdict == ("too few calls to tell" if spans else band)


def test_four_calls_are_too_few_to_tell():
    scores = {"ana": [1, 2, 3, 4], "ben": [1, 2, 4, 4], "cy": [2, 2, 3, 4]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    row = report.criteria.iloc[0]
    assert row["verdict"] == "too few calls to tell"
    assert "reaches all three bands" in row["reason"]
    assert row["ci_low"] < 0.667 and row["ci_high"] >= 0.8


def test_every_score_at_one_level_is_undefined_with_its_reason():
    scores = {"ana": [3, 3, 3], "ben": [3, 3, 3]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    row = report.criteria.iloc[0]
    assert row["verdict"] == "undefined"
    assert row["reason"].startswith("undefined:")
    assert math.isnan(row["p_ready"])
    assert set(report.calls["disagreement"]) == {0.0}


def test_verdicts_are_one_of_the_listed_ones():
    report = calibration_report(calibration_round(rng=2).table, rng=2, **QUICK)

    assert set(report.criteria["verdict"]) <= set(VERDICTS)


# ---------------------------------------------------------------- bands
def test_band_probabilities_are_the_shares_of_the_seeded_bootstrap():
    scores = {
        "ana": [1, 2, 3, 4, 5, 2, 3, 4],
        "ben": [2, 2, 3, 4, 5, 3, 3, 5],
        "cy": [1, 3, 3, 5, 4, 2, 4, 4],
    }
    long = _long(scores)

    report = calibration_report(long, rng=11, **QUICK)

    # the report's stream for criterion 0 is documented in its Notes
    stream = np.random.SeedSequence(11, spawn_key=(0, 0))
    expected = agreement.bootstrap(
        RatingsTable.from_long(long).criterion("close"),
        "krippendorff_alpha",
        metric="ordinal",
        n_resamples=300,
        rng=np.random.default_rng(stream),
    )
    values = expected.details["bootstrap_distribution"]
    row = report.criteria.iloc[0]
    assert row["p_needs_sharper_definition"] == np.mean(values < 0.667)
    assert row["p_tentative"] == np.mean((values >= 0.667) & (values < 0.8))
    assert row["p_ready"] == np.mean(values >= 0.8)
    assert row["ci_low"] == expected.confidence_interval.low
    assert row["bootstrap_shift"] == pytest.approx(values.mean() - expected.statistic)


def test_band_probabilities_sum_to_one_in_every_row():
    report = calibration_report(calibration_round(rng=4).table, rng=4, **QUICK)

    columns = ["p_needs_sharper_definition", "p_tentative", "p_ready"]
    assert np.allclose(report.criteria[columns].sum(axis=1), 1.0)
    sums = report.bands.groupby("criterion")["probability"].sum()
    assert np.allclose(sums, 1.0)
    assert report.bands["band"].tolist()[:3] == list(BANDS)


def test_same_seed_gives_the_same_report_and_records_it():
    table = calibration_round(rng=3).table

    first = calibration_report(table, rng=8, **QUICK)
    again = calibration_report(table, rng=first.seed, **QUICK)

    assert first.seed == 8
    pd.testing.assert_frame_equal(first.criteria, again.criteria)


# ---------------------------------------------------------------- raters
def test_offsets_are_scores_minus_the_other_raters_mean():
    scores = {"ana": [1, 2, 3, 4], "ben": [2, 3, 4, 4], "cy": [1, 2, 2, 4]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    # ben: 2 - 1, 3 - 2, 4 - 2.5, 4 - 4 -> mean 0.875; ana: -0.5, -0.5, 0, 0
    ben = _rater(report, "ben")
    assert ben["offset"] == pytest.approx(0.875)
    assert _rater(report, "ana")["offset"] == pytest.approx(-0.25)
    assert _rater(report, "cy")["offset"] == pytest.approx(-0.625)
    # t interval over 4 calls: sd 0.62915, t(0.975, 3) = 3.182446
    assert ben["offset_low"] == pytest.approx(0.875 - 1.00111, abs=1e-4)
    assert ben["flag"] is None  # the interval holds 0


def test_one_lenient_rater_does_not_make_the_others_look_severe():
    scores = {
        "ana": [1, 2, 3, 2, 3],
        "ben": [2, 3, 4, 3, 4],
        "cy": [1, 2, 3, 2, 3],
    }

    report = calibration_report(_long(scores), rng=1, **QUICK)

    assert _rater(report, "ben")["flag"] == "lenient"
    assert _rater(report, "ben")["offset"] == pytest.approx(1.0)
    # the others' mean leaves ben out once flagged: ana and cy match exactly
    assert _rater(report, "ana")["offset"] == pytest.approx(0.0)
    assert _rater(report, "ana")["flag"] is None


def test_severe_rater_is_flagged_and_threshold_is_an_option():
    scores = {
        "ana": [2, 3, 4, 3, 4],
        "ben": [1, 2, 3, 2, 3],
        "cy": [2, 3, 4, 3, 4],
    }

    default = calibration_report(_long(scores), rng=1, **QUICK)
    strict = calibration_report(_long(scores), rng=1, leniency_threshold=1.5, **QUICK)

    assert _rater(default, "ben")["flag"] == "severe"
    assert _rater(strict, "ben")["flag"] is None


def test_agreement_with_the_group_and_without_each_rater():
    scores = {
        "ana": [1, 2, 3, 4, 2],
        "ben": [1, 2, 3, 4, 2],
        "cy": [1, 2, 3, 3, 1],
    }

    report = calibration_report(_long(scores), rng=1, **QUICK)

    estimate = report.criteria["estimate"].iloc[0]
    ana, cy = _rater(report, "ana"), _rater(report, "cy")
    # ana's pairs: 5 of 5 calls match ben, 3 of 5 match cy
    assert ana["exact_agreement"] == pytest.approx(8 / 10)
    assert cy["exact_agreement"] == pytest.approx(6 / 10)
    pair = agreement.krippendorff_alpha(
        np.array([scores["ana"], scores["cy"]]).T, metric="ordinal"
    )
    assert ana["pairwise_agreement"] == pytest.approx((1.0 + pair.statistic) / 2)
    assert cy["coefficient_without"] == pytest.approx(1.0)
    assert cy["change_without"] == pytest.approx(1.0 - estimate)


def test_nominal_criterion_has_no_offsets():
    scores = {"ana": ["yes", "no", "yes"], "ben": ["yes", "yes", "yes"]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    ana = _rater(report, "ana")
    assert math.isnan(ana["offset"]) and ana["flag"] is None
    assert ana["never_lowest"] is None
    assert "not defined on a nominal scale" in report.summary()


# ---------------------------------------------------------------- calls
def test_disagreement_is_the_mean_pairwise_gap_most_disputed_first():
    scores = {"ana": [1, 2, 4, 3], "ben": [3, 2, 4, 3], "cy": [3, 3, 4, 3]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    calls = report.calls
    # c1: |1-3| + |1-3| + |3-3| over 3 pairs; c2: 0 + 1 + 1 over 3
    assert calls["call"].tolist() == ["c1", "c2", "c3", "c4"]
    assert calls["disagreement"].tolist() == pytest.approx([4 / 3, 2 / 3, 0, 0])
    assert calls["rank"].tolist() == [1, 2, 3, 3]
    assert calls["scores"].iloc[0] == "1, 3, 3"
    assert report.disputed(1)["call"].tolist() == ["c1"]


def test_nominal_disagreement_is_the_share_of_pairs_that_differ():
    scores = {
        "ana": ["a", "a", "b"],
        "ben": ["a", "b", "b"],
        "cy": ["b", "c", "b"],
        "dee": ["a", "a", "b"],
    }

    report = calibration_report(_long(scores), rng=1, **QUICK)

    by_call = report.calls.set_index("call")["disagreement"]
    # c1 a a b a: 3 of 6 pairs agree; c2 a b c a: 1 of 6; c3: all agree
    assert by_call.to_dict() == pytest.approx({"c2": 5 / 6, "c1": 0.5, "c3": 0})


def test_interval_criterion_disagreement_is_in_points():
    long = _long({"ana": [1.5, 4.0, 2.0], "ben": [2.5, 4.0, 3.5]})
    table = RatingsTable.from_long(long, scale="interval")

    report = calibration_report(table, rng=1, **QUICK)

    by_call = report.calls.set_index("call")["disagreement"]
    assert by_call.to_dict() == pytest.approx({"c3": 1.5, "c1": 1.0, "c2": 0.0})
    assert _rater(report, "ben")["offset"] == pytest.approx((1 + 0 + 1.5) / 3)


# ---------------------------------------------------------------- scale use
def test_scale_use_counts_every_declared_level_per_rater():
    long = _long({"ana": [1, 2, 2, 4], "ben": [2, 2, 3, 4]})
    table = RatingsTable.from_long(long, levels=[1, 2, 3, 4, 5])

    report = calibration_report(table, rng=1, **QUICK)

    use = report.scale_use.pivot(index="rater", columns="level", values="count")
    assert use.loc["ana"].tolist() == [1, 2, 0, 1, 0]
    assert use.loc["ben"].tolist() == [0, 2, 1, 1, 0]
    ana = report.scale_use[report.scale_use["rater"] == "ana"]
    assert ana["share"].sum() == pytest.approx(1.0)
    ben = _rater(report, "ben")
    assert ben["never_lowest"] is True and ben["never_highest"] is False
    assert (ben["lowest_level"], ben["highest_level"]) == (2, 4)
    assert "never used the lowest level others used (1): ben" in report.summary()


# ---------------------------------------------------------------- rounds
def _two_rounds() -> tuple[pd.DataFrame, dict, dict]:
    first = {
        "ana": [1, 2, 3, 4] * 3,
        "ben": [1, 2, 3, 4] * 3,
        "cy": [1, 2, 3, 4] * 2 + [1, 2, 3, 3],
    }
    second = {"ana": [1, 2, 3, 4], "ben": [2, 1, 4, 3], "cy": [3, 1, 2, 4]}
    long = pd.concat(
        [_long(first, prefix="a", round=1), _long(second, prefix="b", round=2)]
    )
    return long, first, second


def test_pooled_estimate_is_the_coefficient_on_every_rounds_calls():
    long, first, second = _two_rounds()

    report = calibration_report(long, rng=1, **QUICK)

    def alpha(*rounds: dict) -> float:
        rows = np.vstack([np.array(list(r.values())).T for r in rounds])
        return agreement.krippendorff_alpha(rows, metric="ordinal").statistic

    row = report.criteria.iloc[0]
    assert row["estimate"] == pytest.approx(alpha(first, second), abs=1e-12)
    assert row["n_calls"] == 16
    rounds = report.rounds
    assert rounds["round"].tolist() == ["1", "2"]
    assert rounds["estimate"].tolist() == pytest.approx([alpha(first), alpha(second)])
    assert math.isnan(rounds["change"].iloc[0])
    assert rounds["change"].iloc[1] == pytest.approx(alpha(second) - alpha(first))


def test_last_ready_round_is_the_last_round_whose_verdict_was_ready():
    long, _, _ = _two_rounds()

    report = calibration_report(long, rng=1, **QUICK)

    assert report.rounds["verdict"].tolist() == [
        "ready",
        "needs a sharper definition",
    ]
    row = report.criteria.iloc[0]
    assert (row["last_ready_round"], row["n_rounds"]) == ("1", 2)
    assert report.calls["round"].isin(["1", "2"]).all()


def test_dates_make_one_round_per_day():
    long = _long({"ana": [1, 2, 3, 4], "ben": [1, 2, 4, 4]})
    long["date"] = ["2026-03-02", "2026-03-02 15:00", "2026-03-09", "2026-03-09"] * 2

    report = calibration_report(long, rng=1, **QUICK)

    assert report.rounds["round"].tolist() == ["2026-03-02", "2026-03-09"]
    assert report.rounds["n_calls"].tolist() == [2, 2]
    assert report.options["rounds"] == "date"


def test_rounds_none_reads_the_table_as_one_round():
    long, _, _ = _two_rounds()

    report = calibration_report(long, rng=1, rounds=None, **QUICK)

    assert report.rounds.empty
    assert report.criteria["n_rounds"].iloc[0] == 1
    assert report.calls["round"].isna().all()


# ---------------------------------------------------------------- warnings
def test_more_than_three_criteria_in_a_round_warns():
    scores = {"ana": [1, 2, 3, 4], "ben": [1, 2, 4, 4]}
    long = pd.concat([_long(scores, criterion=f"k{i}") for i in range(4)])

    with pytest.warns(GuideWarning, match="the round scores 4 criteria"):
        report = calibration_report(long, rng=1, **QUICK)

    assert any("one to three" in note for note in report.notes)


def test_the_round_with_four_criteria_is_named():
    scores = {"ana": [1, 2, 3, 4], "ben": [1, 2, 4, 4]}
    first = [_long(scores, f"k{i}", prefix="a", round=1) for i in range(2)]
    second = [_long(scores, f"k{i}", prefix="b", round=2) for i in range(4)]

    with pytest.warns(GuideWarning, match="^round 2 scores 4 criteria"):
        calibration_report(pd.concat(first + second), rng=1, **QUICK)


def test_fewer_calls_than_planning_needs_warns_with_the_rule():
    scores = {"ana": [1, 2, 3, 4, 2], "ben": [1, 2, 4, 4, 2], "cy": [2, 2, 3, 4, 1]}

    with pytest.warns(GuideWarning, match=r"the round has 5 calls, fewer than"):
        report = calibration_report(
            _long(scores), rng=1, n_resamples=300, planning_simulations=200
        )

    assert report.criteria["calls_needed"].iloc[0] > 5
    assert "toolkit.planning.calls_needed" in report.notes[-1]


# ---------------------------------------------------------------- bad input
def test_calls_scored_by_one_rater_are_left_out_and_said_so():
    scores = {"ana": [1, 2, 3, 4, 5], "ben": [1, 2, 4, 4, None]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    assert report.criteria["n_calls"].iloc[0] == 4
    assert report.notes == (
        "criterion 'close': 1 call(s) scored by one rater were left out (c5); "
        "a call needs two scores to compare",
    )
    assert "c5" not in set(report.calls["call"])


def test_rater_missing_from_a_criterion_is_named():
    long = pd.concat(
        [
            _long({"ana": [1, 2, 3], "ben": [1, 2, 2], "dee": [1, 3, 3]}, "close"),
            _long({"ana": [1, 2, 3], "ben": [2, 2, 3]}, "steps"),
        ]
    )

    report = calibration_report(long, rng=1, **QUICK)

    assert any(
        note.startswith("criterion 'steps': rater(s) dee scored other criteria")
        for note in report.notes
    )
    assert set(report.raters.loc[report.raters["criterion"] == "steps", "rater"]) == {
        "ana",
        "ben",
    }


def test_rater_who_only_scored_lone_calls_is_left_out():
    scores = {"ana": [1, 2, 3, None], "ben": [1, 2, 2, None], "dee": [None] * 3 + [4]}

    report = calibration_report(_long(scores), rng=1, **QUICK)

    assert "dee" not in set(report.raters["rater"])
    assert any("dee scored only calls nobody else scored" in n for n in report.notes)


def test_blank_round_names_the_row():
    long, _, _ = _two_rounds()
    long = long.reset_index(drop=True)
    long.loc[2, "round"] = None

    with pytest.raises(RatingsError, match=r"^row 3: column 'round' is blank"):
        calibration_report(long, rng=1, **QUICK)


def test_unreadable_date_names_the_row():
    long = _long({"ana": [1, 2], "ben": [1, 2]})
    long["date"] = ["2026-03-02", "next week", "2026-03-02", "2026-03-02"]

    with pytest.raises(RatingsError, match="row 2: date 'next week' cannot be read"):
        calibration_report(long, rng=1, **QUICK)


def test_scale_mixing_numbers_and_labels_is_refused_naming_the_row():
    long = _long({"ana": [1, 2, 3, 4], "ben": [1, "three", 3, 4]})

    with pytest.raises(RatingsError, match="row 6: criterion 'close' is scored"):
        calibration_report(long, rng=1, **QUICK)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"coefficient": "kappa9"}, ValueError, "coefficient='kappa9' is not known"),
        ({"thresholds": (0.8, 0.6)}, ValueError, "two increasing numbers"),
        ({"level": 95}, ValueError, "level=95 is not a confidence level"),
        ({"n_resamples": 10}, ValueError, "n_resamples=10 must be a whole"),
        ({"leniency_threshold": -1}, ValueError, "leniency_threshold=-1"),
        ({"target_half_width": 0}, ValueError, "target_half_width=0"),
        ({"rng": "seven"}, TypeError, "rng='seven' must be None"),
        ({"rounds": "week"}, ValueError, "rounds='week' is not known"),
        ({"rounds": "round"}, RatingsError, "has no 'round' column"),
    ],
)
def test_bad_options_say_what_to_pass(options, error, message):
    long = _long({"ana": [1, 2, 3], "ben": [1, 2, 2]})

    with pytest.raises(error, match=message):
        calibration_report(long, **{**QUICK, **options})


def test_a_table_of_another_type_is_refused():
    with pytest.raises(TypeError, match="needs a RatingsTable or a long DataFrame"):
        calibration_report([[1, 2], [2, 2]])


def test_the_input_frame_is_not_modified():
    long, _, _ = _two_rounds()
    before = long.copy()

    calibration_report(long, rng=1, **QUICK)

    pd.testing.assert_frame_equal(long, before)


# ---------------------------------------------------------------- other coefficients
def test_another_coefficient_gets_the_options_that_fit_the_scale():
    report = calibration_report(
        calibration_round(rng=6).table, rng=6, coefficient="gwet_ac2", **QUICK
    )

    assert set(report.criteria["coefficient"]) == {"gwet_ac2"}
    assert set(report.criteria["variant"]) == {"weights=ordinal"}
    assert report.criteria["estimate"].notna().all()


def test_a_coefficient_that_cannot_apply_is_undefined_with_why():
    scores = {"ana": [1, 2, 3], "ben": [1, 2, 2], "cy": [1, 3, 3]}

    report = calibration_report(
        _long(scores), rng=1, coefficient="cohen_kappa", **QUICK
    )

    row = report.criteria.iloc[0]
    assert row["verdict"] == "undefined"
    assert row["reason"].startswith("cohen_kappa not computed:")


# ---------------------------------------------------------------- output
def test_to_dict_is_strict_json_with_every_table():
    long, _, _ = _two_rounds()
    report = calibration_report(long, rng=1, **QUICK)

    payload = json.loads(json.dumps(report.to_dict(), allow_nan=False))

    assert set(payload) >= {"criteria", "raters", "calls", "scale_use", "rounds"}
    assert payload["seed"] == 1
    assert payload["options"]["thresholds"] == [0.667, 0.8]
    criterion = payload["criteria"][0]
    assert {"verdict", "p_ready", "p_tentative"} <= set(criterion)
    assert payload["rounds"][0]["change"] is None


def test_summary_reads_verdict_chances_raters_and_disputed_calls():
    report = calibration_report(load_example("synthetic_round"), rng=0, **QUICK)

    text = report.summary()

    assert "used customer words: needs a sharper definition" in text
    assert "chance of each band (bootstrap): 100% needs a sharper definition" in text
    assert "lenient: peer_3 (+1.42 levels" in text
    assert "without the flagged raters: 0.875 (ready)" in text
    assert text.count("most disputed calls:") == 3
