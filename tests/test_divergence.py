"""Divergence routing finds what is planted and what a lead computes by hand."""

from __future__ import annotations

import importlib
import inspect
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.divergence import (
    DIRECTIONS,
    VERDICTS,
    divergence_report,
    read_scores,
)
from toolkit.errors import RatingsError
from toolkit.ratings import RatingsTable
from toolkit.synthetic import monthly_scores

ROLES = ("peer", "manager", "ai")
LEVELS = [1, 2, 3, 4, 5]


def _report(data, **options):
    """The report on a 1-5 scale (small hand tables leave levels unused)."""
    options.setdefault("levels", LEVELS)
    return divergence_report(data, **options)


def _table(rows, *, date=None) -> pd.DataFrame:
    """Long table from (call, rep, criterion, peer, manager, ai[, date]) rows.

    A score of None is left out (that role did not score the call).
    """
    long = []
    for row in rows:
        call, rep, criterion, *scores = row
        when = scores.pop() if len(scores) == 4 else date
        for role, score in zip(ROLES, scores, strict=True):
            if score is not None:
                entry = {
                    "call": call,
                    "rep": rep,
                    "criterion": criterion,
                    "role": role,
                    "score": score,
                }
                if when is not None:
                    entry["date"] = when
                long.append(entry)
    return pd.DataFrame(long)


def _two_months(seed: int, *, bias_in_second: dict[str, float]) -> pd.DataFrame:
    """October with an unbiased AI, November with ``bias_in_second``."""
    first = monthly_scores(ai_bias={}, month="2026-10", rng=seed).table
    second = monthly_scores(ai_bias=bias_in_second, month="2026-11", rng=seed + 50)
    later = second.table.assign(call=second.table["call"] + "_nov")
    return pd.concat([first, later], ignore_index=True)


# ------------------------------------------------------------ public names
def test_all_names_import_and_public_definitions_are_listed():
    module = importlib.import_module("toolkit.divergence")

    for name in module.__all__:
        assert hasattr(module, name)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
    }
    assert public <= set(module.__all__)


# ---------------------------------------------------------- per call verdicts
@pytest.mark.parametrize(
    ("scores", "tolerance", "verdict", "outlier"),
    [
        ((3, 3, 3), 0, "all agree", None),
        ((5, 2, 2), 0, "one outlier", "peer"),
        ((2, 5, 2), 0, "one outlier", "manager"),
        ((4, 4, 2), 0, "one outlier", "ai"),
        ((1, 3, 5), 0, "all differ", None),
        ((3, 4, 3), 1, "all agree", None),
        ((1, 4, 4), 1, "one outlier", "peer"),
        ((2, 3, 4), 1, "no clear outlier", None),
        ((3, 3, None), 0, "incomplete", None),
    ],
)
def test_call_verdict_names_the_outlier(scores, tolerance, verdict, outlier):
    rows = [("c1", "ana", "close", *scores), ("c2", "ana", "close", 1, 2, 5)]

    calls = _report(_table(rows), tolerance=tolerance).calls

    first = calls[calls["call"] == "c1"].iloc[0]
    assert first["verdict"] == verdict
    assert first["outlier"] == outlier
    assert set(calls["verdict"]) <= set(VERDICTS)


def test_call_gaps_are_signed_differences_of_levels():
    calls = _report(_table([("c1", "ana", "close", 5, 2, 4)])).calls

    row = calls.iloc[0]
    assert (row["peer_minus_manager"], row["ai_minus_manager"]) == (3, 2)
    assert row["peer_minus_ai"] == 1


# ------------------------------------------------------------------ routing
@pytest.mark.parametrize(
    ("threshold", "gap", "routed"),
    [(1, 1, False), (1, 2, True), (2, 2, False), (2, 3, True), (0, 1, True)],
)
def test_routing_needs_a_gap_above_the_threshold(threshold, gap, routed):
    rows = [("c1", "ana", "close", 1 + gap, 1, 1), ("c2", "ana", "close", 2, 2, 2)]

    report = _report(_table(rows), threshold=threshold)

    assert bool(report.calls["routed"].iloc[0]) is routed
    assert len(report.agenda) == int(routed)


def test_agenda_by_hand_sorted_by_rep_then_largest_gap():
    rows = [
        # rep_10, close: +2 and -3 on two calls -> both ways, mean gap -0.5
        ("c1", "rep_10", "close", 4, 2, 3),
        ("c2", "rep_10", "close", 1, 4, 4),
        # rep_2: a gap of 2 on "concern" and of 4 on "close"
        ("c3", "rep_2", "concern", 5, 3, 3),
        ("c3", "rep_2", "close", 1, 5, 5),
        ("c4", "rep_2", "close", 3, 3, 3),
    ]

    agenda = _report(_table(rows)).agenda

    assert agenda[["rep", "criterion"]].to_numpy().tolist() == [
        ["rep_2", "close"],
        ["rep_2", "concern"],
        ["rep_10", "close"],
    ]
    both = agenda.iloc[2]
    assert both["calls"] == "c1; c2"
    assert both["n_calls"] == 2
    assert (both["peer_score"], both["manager_score"]) == (2.5, 3.0)
    assert both["ai_score"] == 3.5
    assert both["gap"] == -0.5
    assert both["direction"] == "both ways"
    assert agenda["direction"].iloc[0] == "peer below manager"
    assert set(agenda["direction"]) <= set(DIRECTIONS)


def test_agenda_for_a_rep_with_nothing_routed_is_empty():
    report = _report(_table([("c1", "ana", "close", 3, 3, 3)]))

    assert report.agenda.empty
    assert report.agenda_for("ana").empty
    assert "peer_score" in report.agenda.columns


def test_summary_counts_directions_and_mean_gaps_by_hand():
    rows = [
        ("c1", "ana", "close", 4, 2, 2),  # peer outlier, +2, routed
        ("c2", "ana", "close", 3, 3, 3),  # all agree
        ("c3", "ana", "close", 2, 3, 5),  # all differ, -1
        ("c4", "ana", "close", 3, 3, 1),  # ai outlier
    ]

    summary = _report(_table(rows)).summary

    row = summary.iloc[0]
    assert row["n_calls"] == 4
    assert (row["n_all_agree"], row["n_all_differ"]) == (1, 1)
    assert (row["n_peer_outlier"], row["n_manager_outlier"]) == (1, 0)
    assert row["n_ai_outlier"] == 1
    assert (row["n_peer_above"], row["n_peer_below"]) == (1, 1)
    assert (row["n_ai_above"], row["n_ai_below"]) == (1, 1)
    assert row["n_routed"] == 1
    assert row["mean_peer_minus_manager"] == pytest.approx((2 + 0 - 1 + 0) / 4)
    assert row["mean_ai_minus_manager"] == pytest.approx((0 + 0 + 2 - 2) / 4)


def test_periods_split_by_month_of_the_call_and_none_pools_them():
    rows = [
        ("c1", "ana", "close", 5, 2, 2, "2026-10-30"),
        ("c2", "ana", "close", 1, 4, 4, "2026-11-02"),
    ]

    by_month = _report(_table(rows))
    pooled = _report(_table(rows), period=None)

    assert by_month.agenda["period"].tolist() == ["2026-10", "2026-11"]
    assert pooled.agenda["period"].tolist() == ["all"]
    assert pooled.agenda["direction"].iloc[0] == "both ways"
    assert by_month.notes == ()


def test_a_call_belongs_to_the_period_of_its_earliest_date():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table["date"] = ["2026-11-03", "2026-10-31", "2026-11-01"]

    report = _report(table)

    assert report.calls["period"].tolist() == ["2026-10"]


def test_without_a_date_column_the_table_is_one_period_with_a_note():
    report = _report(_table([("c1", "ana", "close", 5, 2, 2)]))

    assert report.calls["period"].tolist() == ["all"]
    assert "no date column" in report.notes[0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_agenda_lists_exactly_the_planted_divergences(seed):
    month = monthly_scores(rng=seed)
    planted = {
        tuple(row)
        for row in month.truth.divergent[["rep", "criterion", "call"]].to_numpy()
    }

    report = _report(month.table)

    routed = report.calls[report.calls["routed"]]
    assert set(map(tuple, routed[["rep", "criterion", "call"]].to_numpy())) == planted
    listed = {
        (item.rep, item.criterion, call)
        for item in report.agenda.itertuples()
        for call in item.calls.split("; ")
    }
    assert listed == planted
    assert report.agenda["n_calls"].sum() == len(planted)


def test_planted_divergences_with_a_larger_team_and_threshold_two():
    month = monthly_scores(n_reps=12, calls_per_rep=6, rng=11)
    wide = month.table.pivot_table(
        index=["rep", "criterion", "call"], columns="role", values="score"
    )
    expected = set(wide.index[(wide["peer"] - wide["manager"]).abs() > 2])

    report = _report(month.table, threshold=2)

    routed = report.calls[report.calls["routed"]]
    assert set(map(tuple, routed[["rep", "criterion", "call"]].to_numpy())) == (
        expected
    )


# ---------------------------------------------------------------- AI anchor
def test_anchor_bias_interval_and_within_one_by_hand():
    # AI minus manager: +1, +1, +2, 0 -> mean 1, sd sqrt(2/3), t(3) interval
    rows = [
        ("c1", "ana", "close", 3, 2, 3),
        ("c2", "ana", "close", 3, 3, 4),
        ("c3", "ana", "close", 3, 1, 3),
        ("c4", "ana", "close", 3, 4, 4),
    ]

    row = _report(_table(rows)).anchor.by_criterion.iloc[0]

    half = stats.t.ppf(0.975, 3) * math.sqrt(2 / 3) / 2
    assert row["n_calls"] == 4
    assert row["mean_bias"] == pytest.approx(1.0)
    assert row["bias_low"] == pytest.approx(1 - half)
    assert row["bias_high"] == pytest.approx(1 + half)
    assert row["within_one_level"] == pytest.approx(3 / 4)
    assert not row["biased"]  # the interval includes 0


def test_anchor_agreeing_with_manager_everywhere_has_kappa_one_and_no_flag():
    rows = [(f"c{k}", "ana", "close", 3, k % 4 + 1, k % 4 + 1) for k in range(8)]

    quality = _report(_table(rows)).anchor

    row = quality.by_criterion.iloc[0]
    assert row["weighted_kappa"] == pytest.approx(1.0)
    assert row["within_one_level"] == 1.0
    assert quality.flagged.empty


def test_anchor_with_one_call_is_nan_with_a_note_not_a_crash():
    row = _report(_table([("c1", "ana", "close", 3, 2, 3)]))
    anchor = row.anchor.by_criterion.iloc[0]

    assert math.isnan(anchor["weighted_kappa"])
    assert math.isnan(anchor["bias_low"])
    assert "1 call(s)" in anchor["note"]
    assert not anchor["biased"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_anchor_flags_the_planted_biased_criterion_only(seed):
    month = monthly_scores(rng=seed)

    quality = _report(month.table).anchor

    assert quality.flagged["criterion"].tolist() == list(month.truth.ai_bias)
    biased = quality.by_criterion.set_index("criterion").loc[list(month.truth.ai_bias)]
    assert (biased["bias_low"] > 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_anchor_flags_drift_when_bias_starts_in_the_second_month(seed):
    table = _two_months(seed, bias_in_second={"summarised next steps": 1.2})

    quality = _report(table).anchor

    drifting = quality.by_criterion[quality.by_criterion["drifting"]]
    assert drifting["criterion"].tolist() == ["summarised next steps"]
    assert drifting["drop_period"].tolist() == ["2026-11"]
    first_month = quality.by_period[quality.by_period["period"] == "2026-10"]
    assert not first_month["biased"].any()


def test_no_drift_flag_when_neither_month_is_biased():
    table = _two_months(7, bias_in_second={})

    quality = _report(table).anchor

    assert quality.flagged.empty
    assert len(quality.by_period) == 6


def test_anchor_thresholds_are_options():
    month = monthly_scores(rng=3)

    quality = _report(month.table, bias_threshold=5).anchor

    assert quality.flagged.empty
    assert quality.bias_threshold == 5


# ------------------------------------------------------- peers' annotations
def test_annotations_checked_against_the_manager_by_hand():
    rows = [
        ("a", "ana", "close", 2, 2, 4),  # disagree, manager below AI too
        ("b", "ana", "close", 4, 3, 3),  # disagree, manager = AI
        ("c", "ana", "close", 3, 3, 5),  # agree, but manager is off the AI
        ("d", "ana", "close", 3, 3, 3),  # agree, all the same
        ("e", "ana", "close", 5, 1, 3),  # disagree upward, manager downward
    ]
    table = _table(rows)
    verdicts = {"a": "disagree", "b": "Disagree", "c": "agree", "d": "agree"}
    verdicts["e"] = " disagree"
    peer = table["role"] == "peer"
    table["ai_verdict"] = ""
    table.loc[peer, "ai_verdict"] = table.loc[peer, "call"].map(verdicts)
    table["rater"] = np.where(peer, "ben", table["role"])
    table.loc[peer & table["call"].isin(["d", "e"]), "rater"] = "cy"

    summary = _report(table).annotations

    assert summary is not None
    annotated = summary.annotations
    checks = dict(zip(annotated["call"], annotated["check"], strict=True))
    assert checks == {
        "a": "confirmed",
        "b": "unconfirmed",
        "c": "missed",
        "d": "agreed",
        "e": "unconfirmed",
    }
    row = summary.by_criterion.iloc[0]
    assert (row["n_annotated"], row["n_disagree"]) == (5, 3)
    assert row["share_disagree"] == pytest.approx(0.6)
    assert (row["n_confirmed"], row["n_unconfirmed"], row["n_missed"]) == (1, 2, 1)
    assert row["share_confirmed"] == pytest.approx(1 / 3)
    by_peer = summary.by_peer.set_index("peer")
    assert by_peer.loc["ben", "n_annotated"] == 3
    assert by_peer.loc["cy", "share_disagree"] == pytest.approx(0.5)


def test_no_annotation_column_means_no_annotation_summary():
    report = _report(_table([("c1", "ana", "close", 3, 3, 3)]))

    assert report.annotations is None


def test_annotation_on_a_manager_row_is_left_out_with_a_note():
    table = _table([("c1", "ana", "close", 3, 3, 3), ("c2", "ana", "close", 2, 2, 2)])
    table["ai_verdict"] = ["agree", "disagree", "", "agree", "", ""]

    report = _report(table)

    assert report.annotations is not None
    assert report.annotations.by_criterion["n_annotated"].tolist() == [2]
    assert any("row 2: an ai_verdict on a manager" in n for n in report.notes)


def test_annotation_column_can_be_mapped():
    table = _table([("c1", "ana", "close", 3, 3, 4), ("c2", "ana", "close", 2, 2, 2)])
    table["verdict"] = ["disagree", "", "", "agree", "", ""]

    report = _report(table, columns={"ai_verdict": "verdict"})

    assert report.annotations is not None
    assert report.annotations.by_peer["n_disagree"].tolist() == [1]


# ------------------------------------------------------- documented treatments
def test_manager_score_without_peer_score_is_noted_and_not_routed():
    rows = [
        ("c1", "ana", "close", None, 5, 1),
        ("c2", "ana", "close", 5, 1, 1),
        ("c3", "ana", "close", 3, 3, 3),
    ]

    report = _report(_table(rows), period=None)

    assert report.notes == (
        "1 call(s) have a manager score but no peer score on 1 criterion "
        "score(s) (calls c1); left out of routing",
    )
    assert report.agenda["calls"].tolist() == ["c2"]
    first = report.calls.set_index("call").loc["c1"]
    assert first["verdict"] == "incomplete"
    assert not first["routed"]
    assert report.summary["n_calls"].tolist() == [2]


def test_missing_ai_score_is_noted_and_left_out_of_the_anchor():
    rows = [("c1", "ana", "close", 4, 2, None), ("c2", "ana", "close", 3, 3, 3)]

    report = _report(_table(rows), period=None)

    assert "no AI score" in report.notes[0]
    assert report.agenda["calls"].tolist() == ["c1"]
    assert report.anchor.by_criterion["n_calls"].tolist() == [1]


def test_two_peer_scores_on_a_call_are_averaged_with_a_note():
    table = _table([("c1", "ana", "close", 5, 2, 2), ("c2", "ana", "close", 3, 3, 3)])
    table["rater"] = table["role"]
    extra = table.iloc[[0]].assign(rater="second peer", score=4)
    table = pd.concat([table, extra], ignore_index=True)

    report = _report(table, period=None)

    assert report.calls.set_index("call").loc["c1", "peer"] == 4.5
    assert report.agenda["gap"].tolist() == [2.5]
    assert (
        "more than one peer score (calls c1); their mean is used" in (report.notes[0])
    )


def test_input_frame_is_not_modified():
    table = _table([("c1", "ana", "close", 5, 2, 2)], date="2026-11-02")
    before = table.copy()

    _report(table)

    pd.testing.assert_frame_equal(table, before)


def test_ratings_table_and_frame_give_the_same_report():
    month = monthly_scores(rng=2)
    table = RatingsTable.from_long(
        month.table, columns={"role": "role", "rep": "rep", "date": "date"}
    )

    from_table = _report(table)
    from_frame = _report(month.table)

    pd.testing.assert_frame_equal(from_table.agenda, from_frame.agenda)
    pd.testing.assert_frame_equal(
        from_table.anchor.by_criterion, from_frame.anchor.by_criterion
    )


def test_mapped_columns_and_role_names():
    table = _table([("c1", "ana", "close", 5, 2, 2)]).rename(
        columns={"role": "source", "rep": "agent"}
    )
    table["source"] = ["Peer", "coach", "AI "]

    report = _report(
        table, columns={"role": "source", "rep": "agent"}, roles={"Coach": "manager"}
    )

    assert report.agenda["rep"].tolist() == ["ana"]


def test_text_levels_count_by_rank_when_declared():
    table = _table([("c1", "ana", "close", "high", "low", "low")])
    levels = {"close": ["low", "mid", "high"]}

    report = _report(table, levels=levels)

    assert report.agenda["gap"].tolist() == [2.0]


# ------------------------------------------------------------------ errors
def test_blank_role_is_an_error_naming_the_rows():
    table = _table([("c1", "ana", "close", 5, 2, 2), ("c2", "ana", "close", 3, 3, 3)])
    table.loc[[2, 4], "role"] = [None, " "]

    with pytest.raises(RatingsError, match=r"rows 3, 5: column 'role' is blank"):
        _report(table)


def test_unknown_role_names_rows_and_the_allowed_values():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table.loc[1, "role"] = "coach"

    with pytest.raises(
        RatingsError, match=r"row 2: role 'coach' is not one of peer, manager, ai"
    ):
        _report(table)


def test_missing_role_column_says_how_to_map_it():
    table = _table([("c1", "ana", "close", 5, 2, 2)]).drop(columns="role")

    with pytest.raises(RatingsError, match=r"needs column\(s\) 'role'.*columns="):
        _report(table)


def test_roles_mapping_to_an_unknown_role_is_refused():
    table = _table([("c1", "ana", "close", 5, 2, 2)])

    with pytest.raises(ValueError, match="roles maps to 'boss'"):
        _report(table, roles={"manager": "boss"})


def test_call_shared_by_two_reps_is_an_error():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table.loc[2, "rep"] = "ben"

    with pytest.raises(RatingsError, match=r"rows 1, 2, 3: call 'c1' belongs to"):
        _report(table)


def test_blank_rep_is_an_error_naming_the_row():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table.loc[1, "rep"] = ""

    with pytest.raises(RatingsError, match=r"row 2: column 'rep' is blank"):
        _report(table)


def test_unreadable_date_names_the_row():
    table = _table([("c1", "ana", "close", 5, 2, 2)], date="2026-11-02")
    table.loc[2, "date"] = "next tuesday"

    with pytest.raises(RatingsError, match=r"row 3: date 'next tuesday'.*YYYY-MM-DD"):
        _report(table)


def test_call_without_any_date_is_an_error_unless_periods_are_off():
    table = _table([("c1", "ana", "close", 5, 2, 2), ("c2", "ana", "close", 3, 3, 3)])
    table["date"] = [None, None, None, "2026-11-02", "", ""]

    with pytest.raises(RatingsError, match=r"rows 1, 2, 3: call\(s\) 'c1' have no"):
        _report(table)
    assert len(_report(table, period=None).agenda) == 1


def test_unknown_annotation_value_names_the_row():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table["ai_verdict"] = ["maybe", "", ""]

    with pytest.raises(RatingsError, match=r"row 1: ai_verdict 'maybe' is not one"):
        _report(table)


def test_labels_without_order_are_an_error():
    table = _table([("c1", "ana", "close", "high", "low", "low")])

    with pytest.raises(RatingsError, match=r"labels .* in no declared order"):
        _report(table, levels=None)


@pytest.mark.parametrize(
    ("option", "value", "error", "message"),
    [
        ("threshold", -1, ValueError, "threshold=-1 must be"),
        ("tolerance", True, TypeError, "tolerance=True is not a number"),
        ("period", "fortnight", ValueError, "period='fortnight' is not known"),
        ("level", 1.5, ValueError, "level=1.5 must be between 0 and 1"),
        ("columns", {"agent": "rep"}, ValueError, "columns maps 'agent'"),
    ],
)
def test_bad_options_say_what_to_pass(option, value, error, message):
    table = _table([("c1", "ana", "close", 5, 2, 2)])

    with pytest.raises(error, match=message):
        _report(table, **{option: value})


def test_not_a_table_is_a_type_error():
    with pytest.raises(TypeError, match="needs a pandas DataFrame or a Ratings"):
        _report([[1, 2, 3]])


# -------------------------------------------------------------------- files
def test_read_scores_keeps_annotations_and_names_file_lines(tmp_path: Path):
    path = tmp_path / "month.csv"
    path.write_text(
        "call,rep,criterion,role,score,ai_verdict\n"
        "c1,ana,close,peer,5,disagree\n"
        "c1,ana,close,manager,2,\n"
        "c1,ana,close,ai,2,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        path.read_text(encoding="utf-8").replace("manager,2", "boss,2"),
        encoding="utf-8",
    )

    report = _report(read_scores(path, levels=LEVELS))

    assert report.agenda["calls"].tolist() == ["c1"]
    assert report.annotations is not None
    with pytest.raises(RatingsError, match=r"line 3: role 'boss'"):
        _report(read_scores(bad, levels=LEVELS))


def test_read_scores_without_role_column_says_so(tmp_path: Path):
    path = tmp_path / "scores.csv"
    path.write_text("call,rep,criterion,rater,score\nc1,ana,close,ben,3\n")

    with pytest.raises(RatingsError, match=r"needs column\(s\) 'role'"):
        read_scores(path)


def test_two_peer_scores_without_a_rater_column_are_refused_by_row():
    table = _table([("c1", "ana", "close", 5, 2, 2)])
    table = pd.concat([table, table.iloc[[0]].assign(score=4)], ignore_index=True)

    with pytest.raises(RatingsError, match=r"rows 1, 4: call 'c1' has 2 peer sco"):
        _report(table)
