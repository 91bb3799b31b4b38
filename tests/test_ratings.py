"""The ratings table: shapes it builds and the bad input it refuses."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import RatingsError
from toolkit.ratings import (
    CriterionRatings,
    DuplicateScoreWarning,
    RatingsTable,
    ScaleWarning,
)
from toolkit.scales import Scale


def _long(**columns: list) -> pd.DataFrame:
    base = {
        "call": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "criterion": ["close"] * 6,
        "rater": ["ana", "ben"] * 3,
        "score": [3, 3, 2, 4, 1, 1],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_long_table_gives_calls_by_raters_matrix_with_nan_for_missing():
    frame = _long(score=[3, None, 2, 4, 1, 1])

    ratings = RatingsTable.from_long(frame).criterion("close")

    assert isinstance(ratings, CriterionRatings)
    assert ratings.matrix.index.tolist() == ["c1", "c2", "c3"]
    assert ratings.matrix.columns.tolist() == ["ana", "ben"]
    assert math.isnan(ratings.matrix.loc["c1", "ben"])
    assert ratings.n_scores == 5


def test_input_frame_is_not_modified():
    frame = _long(score=[3, None, 2, 4, 1, 1])
    before = frame.copy()

    RatingsTable.from_long(frame)

    pd.testing.assert_frame_equal(frame, before)


def test_whole_number_scores_default_to_ordinal_on_observed_levels():
    scale = RatingsTable.from_long(_long()).scale("close")

    assert scale == Scale("ordinal", (1, 2, 3, 4))


@pytest.mark.parametrize(
    ("scores", "kind"),
    [
        (["a", "b", "a", "a", "b", "b"], "nominal"),
        ([1.5, 2, 3, 2.25, 1, 1], "interval"),
    ],
)
def test_scale_is_inferred_from_scores(scores, kind):
    assert RatingsTable.from_long(_long(score=scores)).scale("close").kind == kind


def test_declared_levels_keep_unused_levels_in_order():
    table = RatingsTable.from_long(_long(), scale="ordinal", levels=[1, 2, 3, 4, 5])

    assert table.scale("close").levels == (1, 2, 3, 4, 5)


def test_columns_are_mapped_by_argument():
    frame = _long().rename(columns={"call": "call_id", "rater": "reviewer"})

    table = RatingsTable.from_long(frame, call="call_id", rater="reviewer")

    assert table.criterion("close").matrix.columns.tolist() == ["ana", "ben"]


def test_several_criteria_each_get_their_own_matrix_and_scale():
    frame = pd.concat([_long(), _long(criterion=["empathy"] * 6, score=list("ababab"))])

    table = RatingsTable.from_long(frame)

    assert table.criteria == ("close", "empathy")
    assert table.scale("empathy").kind == "nominal"
    assert [c.criterion for c in table] == ["close", "empathy"]


def test_wide_matrix_becomes_one_criterion():
    table = RatingsTable.from_wide(
        np.array([[1, 2], [2, np.nan], [3, 3]]), criterion="summary"
    )

    ratings = table.criterion("summary")
    assert ratings.n_calls == 3
    assert ratings.n_scores == 5


def test_missing_required_column_is_named_with_what_the_table_has():
    frame = _long().drop(columns="rater")

    with pytest.raises(RatingsError, match=r"no column\(s\) 'rater'.*it has 'call'"):
        RatingsTable.from_long(frame)


def test_empty_table_is_refused():
    with pytest.raises(RatingsError, match="no rows"):
        RatingsTable.from_long(_long().iloc[0:0])


def test_score_off_declared_levels_names_the_row():
    frame = _long(score=[3, 3, 2, 7, 1, 1])

    with pytest.raises(
        RatingsError, match=r"row 4: score 7 on criterion 'close' is not one of"
    ):
        RatingsTable.from_long(frame, levels=[1, 2, 3, 4, 5])


def test_conflicting_duplicate_scores_name_both_rows():
    frame = _long(
        rater=["ana", "ben", "ana", "ben", "ana", "ana"], score=[3, 3, 2, 4, 1, 2]
    )

    with pytest.raises(
        RatingsError, match=r"rows 5, 6: rater 'ana' scored call 'c3'.*different"
    ):
        RatingsTable.from_long(frame, score="score")


def test_identical_duplicate_warns_and_keeps_one_copy():
    frame = _long(
        rater=["ana", "ben", "ana", "ben", "ana", "ana"], score=[3, 3, 2, 4, 1, 1]
    )

    with pytest.warns(DuplicateScoreWarning, match="rows 5, 6"):
        table = RatingsTable.from_long(frame)

    assert table.criterion("close").n_scores == 5


def test_criterion_scored_by_one_rater_is_refused():
    frame = pd.concat(
        [
            _long(),
            _long(
                criterion=["empathy"] * 6,
                rater=["ana"] * 6,
                call=["c1", "c2", "c3", "c4", "c5", "c6"],
            ),
        ]
    )

    with pytest.raises(RatingsError, match=r"criterion 'empathy' was scored by 1"):
        RatingsTable.from_long(frame)


def test_blank_rater_names_the_row():
    frame = _long(rater=["ana", "ben", "ana", "  ", "ana", "ben"])

    with pytest.raises(RatingsError, match=r"row 4: column 'rater' is blank"):
        RatingsTable.from_long(frame)


def test_text_on_interval_scale_names_the_row():
    frame = _long(score=[3, 3, "n/a", 4, 1, 1])

    with pytest.raises(
        RatingsError, match=r"row 3: criterion 'close' is scored in numbers.*'n/a'"
    ):
        RatingsTable.from_long(frame, scale="interval")


def test_negative_score_on_ratio_scale_is_refused():
    with pytest.raises(RatingsError, match="ratio scale, which has a true zero"):
        RatingsTable.from_long(_long(score=[3, 3, -2, 4, 1, 1]), scale="ratio")


def test_ordinal_labels_without_order_ask_for_levels():
    frame = _long(score=["low", "low", "high", "mid", "low", "mid"])

    with pytest.raises(RatingsError, match=r"order is unknown\. Pass levels"):
        RatingsTable.from_long(frame, scale="ordinal")


def test_unknown_scale_kind_is_refused():
    with pytest.raises(ValueError, match="scale 'likert'"):
        RatingsTable.from_long(_long(), scale="likert")


def test_csv_errors_name_the_line_of_the_file(tmp_path: Path):
    # the header is line 1, so the fourth score is on line 5
    path = tmp_path / "round.csv"
    _long(score=[3, 3, 2, 9, 1, 1]).to_csv(path, index=False)
    before = path.read_bytes()

    with pytest.raises(RatingsError, match="line 5: score 9"):
        RatingsTable.from_csv(path, levels=[1, 2, 3, 4])

    assert path.read_bytes() == before


def test_csv_numbers_are_read_as_numbers(tmp_path: Path):
    path = tmp_path / "round.csv"
    _long().to_csv(path, index=False)

    ratings = RatingsTable.from_csv(path).criterion("close")

    assert ratings.matrix.to_numpy().tolist() == [[3, 3], [2, 4], [1, 1]]


def test_missing_file_and_empty_file_get_clear_errors(tmp_path: Path):
    with pytest.raises(RatingsError, match="no file at"):
        RatingsTable.from_csv(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(RatingsError, match="is empty"):
        RatingsTable.from_csv(empty)


def test_unknown_criterion_lists_the_known_ones():
    with pytest.raises(KeyError, match=r"no criterion 'tone'.*'close'"):
        RatingsTable.from_long(_long()).criterion("tone")


def _write(tmp_path: Path, text: str, name: str = "round.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MIXED = """call,criterion,rater,score
c1,close,ana,4
c1,close,ben,3
c2,close,ana,2
c2,close,ben,2
c1,next steps,ana,yes
c1,next steps,ben,no
c2,next steps,ana,yes
c2,next steps,ben,yes
"""


def test_each_criterion_is_typed_on_its_own(tmp_path: Path):
    table = RatingsTable.from_csv(_write(tmp_path, MIXED))

    assert table.scale("close") == Scale("ordinal", (2, 3, 4))
    assert table.scale("next steps") == Scale("nominal", ("no", "yes"))


def test_text_levels_that_read_as_numbers_match_numeric_scores(tmp_path: Path):
    table = RatingsTable.from_csv(
        _write(tmp_path, MIXED), levels={"close": list("12345")}
    )

    assert table.scale("close").levels == (1, 2, 3, 4, 5)


@pytest.mark.parametrize("marker", ["NA", "n/a", "N/A", ""])
def test_missing_markers_are_missing_ratings(tmp_path: Path, marker: str):
    text = MIXED.replace("c2,close,ben,2", f"c2,close,ben,{marker}")

    ratings = RatingsTable.from_csv(_write(tmp_path, text)).criterion("close")

    assert ratings.n_scores == 3
    assert ratings.scale.levels == (2, 3, 4)


def test_excel_semicolons_and_byte_order_mark_are_read(tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + MIXED.replace(",", ";").encode())

    table = RatingsTable.from_csv(path)

    assert table.criteria == ("close", "next steps")


def test_spaces_around_names_are_ignored(tmp_path: Path):
    text = MIXED.replace("c2,close,ben,2", "c2 ,close, ben ,2")

    ratings = RatingsTable.from_csv(_write(tmp_path, text)).criterion("close")

    assert ratings.matrix.shape == (2, 2)


def test_labels_differing_only_in_case_warn_and_stay_apart(tmp_path: Path):
    text = MIXED.replace("c2,next steps,ben,yes", "c2,next steps,ben,Yes")

    with pytest.warns(ScaleWarning, match=r"upper / lower case \('yes', 'Yes'\)"):
        table = RatingsTable.from_csv(_write(tmp_path, text))

    assert table.scale("next steps").levels == ("Yes", "no", "yes")


def test_gap_in_inferred_levels_warns_of_a_typo():
    with pytest.warns(ScaleWarning, match="gap between 4 and 33"):
        RatingsTable.from_long(_long(score=[3, 3, 2, 4, 33, 1]))


def test_missing_criterion_column_is_named_when_scores_collide(tmp_path: Path):
    text = MIXED.replace("criterion", "question").replace("yes", "4").replace("no", "1")

    with pytest.raises(RatingsError, match="no 'criterion' column"):
        RatingsTable.from_csv(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest-of-a-workbook", "is an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a text file"),
        (
            "call,criterion,rater,score\nc1,x,Jos\xe9,3\n".encode("cp1252"),
            "is not UTF-8 text",
        ),
    ],
)
def test_files_that_are_not_csv_say_what_they_are(tmp_path, content, message):
    path = tmp_path / "round.csv"
    path.write_bytes(content)

    with pytest.raises(RatingsError, match=message):
        RatingsTable.from_csv(path)


def test_a_word_among_numbers_is_refused_with_its_line(tmp_path: Path):
    text = MIXED.replace("c2,close,ben,2", "c2,close,ben,three")

    with pytest.raises(RatingsError, match=r"line 5: criterion 'close' is scored"):
        RatingsTable.from_csv(_write(tmp_path, text))


def test_blank_lines_keep_the_line_numbers_of_the_file(tmp_path: Path):
    text = MIXED.replace("c1,close,ben,3\n", "c1,close,ben,3\n\n\n")
    text = text.replace("c2,close,ben,2", "c2,close,ben,7")

    with pytest.raises(RatingsError, match="line 7: score 7"):
        RatingsTable.from_csv(_write(tmp_path, text), levels=[1, 2, 3, 4, 5])


def test_missing_markers_apply_to_scores_only(tmp_path: Path):
    text = MIXED.replace(",ben,", ",NA,")

    table = RatingsTable.from_csv(_write(tmp_path, text))

    assert table.criterion("close").matrix.columns.tolist() == ["ana", "NA"]


def test_repeated_header_line_is_named(tmp_path: Path):
    text = MIXED + "call,criterion,rater,score\nc3,close,ana,1\n"

    with pytest.raises(RatingsError, match=r"line\(s\) 10 repeat the header"):
        RatingsTable.from_csv(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("rows", "line", "cells"),
    [
        ("c1,close,ana,1,4,5\n", 2, 6),  # every row too long: no shifted columns
        ("c1,close,ana,4,5\nc2,close,ana,4,3\n", 2, 5),
    ],
)
def test_rows_longer_than_the_header_are_named(tmp_path: Path, rows, line, cells):
    text = "call,criterion,rater,score\n" + rows

    with pytest.raises(
        RatingsError,
        match=rf"line {line}: {cells} ','-separated cells but the "
        "header names 4 columns",
    ):
        RatingsTable.from_csv(_write(tmp_path, text))


def test_decimal_commas_are_read_with_semicolons(tmp_path: Path):
    text = "call;criterion;rater;score\nc1;x;a;3,5\nc1;x;b;4\nc2;x;a;1,25\nc2;x;b;2\n"

    scale = RatingsTable.from_csv(_write(tmp_path, text)).scale("x")

    assert scale.kind == "interval"


def test_call_ids_repeated_across_rounds_are_refused_with_advice():
    frame = pd.concat([_long(round=["1"] * 6), _long(round=["2"] * 6)])

    with pytest.raises(RatingsError, match=r"appears in rounds '1', '2'.*'r2-c01'"):
        RatingsTable.from_long(frame)
