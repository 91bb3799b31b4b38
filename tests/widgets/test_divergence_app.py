"""The divergence review, driven from Python as a lead drives it.

Expected agendas are computed in the test with ``read_scores`` and
``divergence_report`` on the same file, never copied from a run of the app.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.divergence import divergence_report, read_scores
from toolkit.synthetic import monthly_scores
from toolkit.widgets import divergence_review
from toolkit.widgets._divergence import (
    AGENDA_COLUMNS,
    EXAMPLE_SEED,
    DivergenceReview,
)


def _uploaded(content: bytes, name: str) -> tuple[dict, ...]:
    """What ipywidgets 8's FileUpload holds after the lead picks one file."""
    return (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        },
    )


def _agenda(path: Path, **options) -> pd.DataFrame:
    """The agenda of ``path`` from the package itself."""
    columns = options.pop("columns", None)
    levels = options.pop("levels", None)
    table = read_scores(path, columns=columns, levels=levels)
    return divergence_report(table, **options).agenda[list(AGENDA_COLUMNS)]


def _month_frame() -> pd.DataFrame:
    return monthly_scores(rng=5).table


@pytest.fixture(scope="module")
def month_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic month: 8 reps, a friend pair and an AI bias planted."""
    path = tmp_path_factory.mktemp("months") / "november.csv"
    _month_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def app(month_file: Path) -> DivergenceReview:
    review = divergence_review()
    review.upload.value = _uploaded(month_file.read_bytes(), month_file.name)
    return review


def test_uploaded_month_shows_the_agenda_of_the_report(app, month_file):
    expected = _agenda(month_file)

    assert len(expected) > 0
    pd.testing.assert_frame_equal(app.agenda_table, expected)
    shown = re.sub(r"<[^>]+>", " ", app.agenda.value)
    for item in expected.itertuples():
        assert item.rep in shown and item.direction in shown
    assert f"{len(expected)} agenda item(s)" in app.message.value


def test_rep_filter_keeps_that_reps_agenda(app, month_file):
    expected = _agenda(month_file)
    rep = expected["rep"].iloc[-1]

    app.rep_filter.value = (rep,)

    pd.testing.assert_frame_equal(
        app.agenda_table, expected[expected["rep"] == rep].reset_index(drop=True)
    )


def test_criterion_and_rep_filters_combine(app, month_file):
    expected = _agenda(month_file)
    reps = tuple(pd.unique(expected["rep"])[:2])
    criterion = expected["criterion"].iloc[0]

    app.rep_filter.value = reps
    app.criterion_filter.value = (criterion,)

    kept = expected["rep"].isin(reps) & (expected["criterion"] == criterion)
    pd.testing.assert_frame_equal(
        app.agenda_table, expected[kept].reset_index(drop=True)
    )


def test_a_rep_with_nothing_routed_is_said_so(app, month_file):
    routed = set(_agenda(month_file)["rep"])
    quiet = next(rep for rep in app.rep_filter.options if rep not in routed)

    app.rep_filter.value = (quiet,)

    assert app.agenda_table.empty
    assert f"Nothing to route: {quiet}" in app.agenda.value


def test_show_everyone_clears_the_filters(app, month_file):
    app.rep_filter.value = app.rep_filter.options[:1]

    app.clear_filters.click()

    assert app.rep_filter.value == ()
    pd.testing.assert_frame_equal(app.agenda_table, _agenda(month_file))


def test_export_holds_the_agenda_items_shown(app, month_file):
    expected = _agenda(month_file)
    rep = expected["rep"].iloc[0]
    app.rep_filter.value = (rep,)

    exported = pd.read_csv(io.StringIO(app.agenda_csv), dtype={"period": str})

    mine = expected[expected["rep"] == rep].reset_index(drop=True)
    assert exported["calls"].tolist() == mine["calls"].tolist()
    assert exported["gap"].tolist() == pytest.approx(mine["gap"].tolist())
    link = re.search(r'href="data:text/csv;base64,([^"]+)"', app.download.value)
    assert link is not None
    assert base64.b64decode(link.group(1)).decode("utf-8") == app.agenda_csv
    assert 'download="november-agenda.csv"' in app.download.value
    assert f"Download the {len(mine)} agenda item(s) shown" in app.download.value


def test_export_is_safe_to_open_in_a_spreadsheet(tmp_path):
    frame = _month_frame()
    frame["rep"] = frame["rep"].where(frame["rep"] != "rep_3", "=HYPERLINK(1)")
    review = divergence_review()

    review.load_bytes(frame.to_csv(index=False).encode(), "month.csv")

    assert "=HYPERLINK(1)" in set(review.agenda_table["rep"])
    assert "\n'=HYPERLINK(1)," in review.agenda_csv


def test_threshold_and_tolerance_change_the_agenda(app, month_file):
    app.threshold.value = 0.0
    pd.testing.assert_frame_equal(app.agenda_table, _agenda(month_file, threshold=0))

    app.tolerance.value = 1.0
    pd.testing.assert_frame_equal(
        app.agenda_table, _agenda(month_file, threshold=0, tolerance=1)
    )


def test_period_none_reads_the_file_as_one_period(app, month_file):
    app.period.value = "none"

    assert set(app.agenda_table["period"]) == {"all"}
    pd.testing.assert_frame_equal(app.agenda_table, _agenda(month_file, period=None))


def test_other_column_names_are_chosen_in_the_dropdowns(tmp_path):
    path = tmp_path / "export.csv"
    _month_frame().rename(columns={"role": "kind", "rep": "whose"}).to_csv(
        path, index=False
    )
    review = divergence_review()

    review.load_bytes(path.read_bytes(), path.name)

    assert review.report is None
    assert "'role' or 'rep'" in review.message.value
    assert review.columns.box.layout.display is None
    review.columns.dropdowns["role"].value = "kind"
    review.columns.dropdowns["rep"].value = "whose"
    review.analyse_button.click()
    expected = _agenda(path, columns={"role": "kind", "rep": "whose"})
    pd.testing.assert_frame_equal(review.agenda_table, expected)


def test_scores_in_words_need_their_order_then_route(tmp_path):
    words = {1: "poor", 2: "weak", 3: "fair", 4: "good", 5: "great"}
    frame = _month_frame()
    path = tmp_path / "words.csv"
    frame.assign(score=frame["score"].map(words)).to_csv(path, index=False)
    review = divergence_review()

    review.load_bytes(path.read_bytes(), path.name)

    assert review.report is None
    assert "in no declared order" in review.message.value
    assert "the Levels box" in review.message.value
    review.levels.value = ",".join(words.values())
    expected = _agenda(path, levels=list(words.values()))
    pd.testing.assert_frame_equal(review.agenda_table, expected)


def test_example_button_loads_the_synthetic_month():
    review = divergence_review()

    review.example_button.click()

    table = monthly_scores(rng=EXAMPLE_SEED).table
    expected = divergence_report(table).agenda[list(AGENDA_COLUMNS)]
    pd.testing.assert_frame_equal(review.agenda_table, expected)
    assert "SYNTHETIC" in review.notes.value


def test_figure_and_anchor_are_shown(app, month_file):
    anchor = divergence_report(read_scores(month_file)).anchor.by_criterion

    assert bytes(app.figure.value).startswith(b"\x89PNG")
    for row in anchor.itertuples():
        assert row.criterion in app.anchor.value
    biased = anchor.loc[anchor["biased"], "criterion"].tolist()
    assert biased
    assert app.anchor.value.count("biased (") == len(biased)


HEADER = "call,criterion,role,rep,score\n"
ROWS = "c1,close,peer,ana,3\nc1,close,manager,ana,4\nc1,close,ai,ana,4\n"
BAD_UPLOADS = {
    "empty": (b"", "month.csv", r"'month\.csv' is empty"),
    "a picture": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "month.png",
        r"'month\.png' is not a text file",
    ),
    "an Excel workbook": (
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "month.xlsx",
        r"'month\.xlsx' is an Excel workbook",
    ),
    "not UTF-8": (
        (HEADER + "c1,clarté,peer,ana,3\n").encode("cp1252"),
        "month.csv",
        r"'month\.csv' is not UTF-8 text",
    ),
    "a calibration round": (
        b"call,criterion,rater,score\nc1,close,ana,3\nc1,close,ben,4\n",
        "round.csv",
        r"has no column named 'role' or 'rep'",
    ),
    "an unknown role": (
        (HEADER + ROWS.replace("manager", "boss")).encode(),
        "month.csv",
        r"line 3: role 'boss' is not one of peer, manager, ai",
    ),
    "an unreadable date": (
        b"call,criterion,role,rep,date,score\nc1,close,peer,ana,last week,3\n"
        b"c1,close,manager,ana,last week,4\n",
        "month.csv",
        r"date 'last week' could not be read; write dates as YYYY-MM-DD",
    ),
    "a blank rep": (
        (HEADER + ROWS.replace("ai,ana", "ai,")).encode(),
        "month.csv",
        r"line 4: column 'rep' is blank",
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_gives_a_message_that_names_the_problem(case):
    content, name, problem = BAD_UPLOADS[case]
    review = divergence_review()

    review.upload.value = _uploaded(content, name)

    assert review.report is None
    assert review.result_box.layout.display == "none"
    assert "Problem:" in review.message.value
    assert re.search(problem, review.message.value), review.message.value


def test_a_bad_upload_after_a_good_one_clears_the_agenda(app):
    assert len(app.agenda_table) > 0

    app.load_bytes(b"", "next.csv")

    assert app.report is None
    assert app.agenda_table.empty
    assert app.agenda_csv == ""
