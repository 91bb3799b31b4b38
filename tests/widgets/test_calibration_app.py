"""The calibration round analyser, driven from Python as a lead drives it.

Every expected value is computed in the test by calling the package directly
on the same data (``calibration_report`` and the ratings readers), never
copied from a run of the app.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit.calibration import calibration_report
from toolkit.errors import GuideWarning
from toolkit.examples import load_example
from toolkit.ratings import RatingsTable
from toolkit.synthetic import calibration_round
from toolkit.widgets import calibration_analyser
from toolkit.widgets._calibration import (
    PLANNING_COLUMNS,
    RATER_COLUMNS,
    VERDICT_COLUMNS,
    CalibrationAnalyser,
)

# fewer resamples than the app's default keep the tests quick; the app and
# the expected report use the same number, seed and planning target
RESAMPLES = 300
SEED = 0
TARGET = 0.1


def _expected(table: RatingsTable, *, target: float = TARGET):
    with pytest.warns(GuideWarning, match="fewer than"):
        return calibration_report(
            table, n_resamples=RESAMPLES, rng=SEED, target_half_width=target
        )


def _uploaded(content: bytes, name: str) -> tuple[dict, ...]:
    """What ipywidgets 8's FileUpload holds after the lead picks one file."""
    return (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 11, 3, tzinfo=dt.UTC),
        },
    )


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture(scope="module")
def round_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic round of 12 calls: planted lenient peer_3, one vague criterion."""
    path = tmp_path_factory.mktemp("rounds") / "march_round.csv"
    calibration_round(n_calls=12, rng=3).table.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def expected(round_file: Path):
    """The report of ``round_file``, computed without the app."""
    return _expected(RatingsTable.from_csv(round_file))


@pytest.fixture
def app() -> CalibrationAnalyser:
    return calibration_analyser(seed=SEED, n_resamples=RESAMPLES)


def test_example_verdicts_equal_the_report_on_the_same_example():
    app = calibration_analyser(
        example="synthetic_round", seed=SEED, n_resamples=RESAMPLES
    )

    expected = _expected(load_example("synthetic_round"))
    pd.testing.assert_frame_equal(
        app.verdict_table, expected.criteria[list(VERDICT_COLUMNS)]
    )
    shown = _text(app.verdicts.value)
    for row in expected.criteria.itertuples():
        assert row.criterion in shown
        assert row.verdict in shown
        assert f"{row.estimate:.3f}" in shown


def test_upload_shows_verdicts_raters_and_disputed_calls_of_the_report(
    app, round_file, expected
):
    app.upload.value = _uploaded(round_file.read_bytes(), round_file.name)

    pd.testing.assert_frame_equal(
        app.verdict_table, expected.criteria[list(VERDICT_COLUMNS)]
    )
    pd.testing.assert_frame_equal(app.rater_table, expected.raters[list(RATER_COLUMNS)])
    disputed = expected.disputed(app.n_disputed.value)
    assert app.disputed_table["call"].tolist() == disputed["call"].tolist()
    flagged = expected.flagged_raters()["rater"].unique()
    assert len(flagged) > 0
    assert all(rater in _text(app.raters.value) for rater in flagged)
    assert "march_round.csv" in app.message.value
    assert app.results.layout.display is None


def test_more_disputed_calls_when_asked(app, round_file, expected):
    app.load_bytes(round_file.read_bytes(), round_file.name)

    app.n_disputed.value = 5

    disputed = expected.disputed(5)
    assert app.disputed_table["call"].tolist() == disputed["call"].tolist()


def test_figures_are_png_images(app, round_file):
    app.load_bytes(round_file.read_bytes(), round_file.name)

    for image in (
        app.criteria_image,
        app.leniency_image,
        app.heatmap_image,
        app.disputed_image,
    ):
        assert bytes(image.value).startswith(b"\x89PNG")


def test_heatmap_follows_the_chosen_criterion(app, round_file):
    app.load_bytes(round_file.read_bytes(), round_file.name)
    first = app.heatmap_image.value

    app.heatmap_criterion.value = app.heatmap_criterion.options[-1]

    assert app.heatmap_image.value != first


def test_guide_warnings_become_notes_and_do_not_escape(app, round_file, expected):
    # pytest turns an escaped ToolkitWarning into an error
    app.load_bytes(round_file.read_bytes(), round_file.name)

    assert expected.notes
    for note in expected.notes:
        assert note in app.shown_notes
        assert note in app.notes.value


def test_planning_panel_compares_calls_scored_with_calls_needed(
    app, round_file, expected
):
    app.load_bytes(round_file.read_bytes(), round_file.name)

    criteria = expected.criteria
    planning = app.planning_table
    assert planning.columns.tolist() == list(PLANNING_COLUMNS)
    assert planning["calls_needed"].tolist() == criteria["calls_needed"].tolist()
    enough = (criteria["n_calls"] >= criteria["calls_needed"]).tolist()
    assert planning["enough"].tolist() == enough
    shown = _text(app.planning.value)
    assert f"{sum(enough)} of {len(criteria)} criteria" in shown
    for row in criteria.itertuples():
        assert f"planning asks for {row.calls_needed:.0f}" in shown


def test_planning_target_changes_the_calls_needed(app, round_file):
    app.load_bytes(round_file.read_bytes(), round_file.name)

    app.target_half_width.value = 0.2
    app.analyse_button.click()

    criteria = _expected(RatingsTable.from_csv(round_file), target=0.2).criteria
    assert app.planning_table["calls_needed"].tolist() == (
        criteria["calls_needed"].tolist()
    )


def test_report_download_holds_the_html_report(app, round_file):
    app.load_bytes(round_file.read_bytes(), round_file.name)
    assert app.download.value == ""

    app.report_button.click()

    page = app.report_html
    assert page is not None and page.startswith("<!DOCTYPE html>")
    link = re.search(r'href="data:text/html;base64,([^"]+)"', app.download.value)
    assert link is not None
    assert base64.b64decode(link.group(1)).decode("utf-8") == page
    assert 'download="march_round-calibration-report.html"' in app.download.value
    for criterion in app.verdict_table["criterion"]:
        assert criterion in page


def test_report_before_any_analysis_asks_for_one(app):
    assert app.make_report() is None
    assert "analyse a round first" in app.message.value


def test_other_column_names_are_chosen_in_the_dropdowns(app, round_file, tmp_path):
    renamed = pd.read_csv(round_file).rename(
        columns={"call": "ref", "rater": "person", "score": "given"}
    )
    path = tmp_path / "export.csv"
    renamed.to_csv(path, index=False)

    app.load_bytes(path.read_bytes(), path.name)

    assert app.report is None
    assert app.columns.box.layout.display is None
    for name in ("'call'", "'rater'", "'score'"):
        assert name in app.message.value

    app.columns.dropdowns["call"].value = "ref"
    app.columns.dropdowns["rater"].value = "person"
    app.columns.dropdowns["score"].value = "given"
    app.analyse_button.click()

    table = RatingsTable.from_csv(path, call="ref", rater="person", score="given")
    pd.testing.assert_frame_equal(
        app.verdict_table, _expected(table).criteria[list(VERDICT_COLUMNS)]
    )


def test_usual_other_names_are_guessed_and_said(app, round_file, tmp_path):
    path = tmp_path / "export.csv"
    pd.read_csv(round_file).rename(columns={"rater": "Reviewer"}).to_csv(
        path, index=False
    )

    app.load_bytes(path.read_bytes(), path.name)

    assert app.columns.mapping()["rater"] == "Reviewer"
    assert "read column 'Reviewer' as 'rater'" in app.notes.value
    table = RatingsTable.from_csv(path, rater="Reviewer")
    pd.testing.assert_frame_equal(
        app.verdict_table, _expected(table).criteria[list(VERDICT_COLUMNS)]
    )


def test_analyse_with_a_required_column_unchosen_names_it(app, round_file):
    app.load_bytes(round_file.read_bytes(), round_file.name)

    app.columns.dropdowns["rater"].index = 0  # "— choose a column —"
    app.analyse_button.click()

    assert app.report is None
    assert "'rater'" in app.message.value


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


HEADER = "call,criterion,rater,score\n"
BAD_UPLOADS = {
    "empty": (b"", "round.csv", r"'round\.csv' is empty"),
    "a picture": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "round.png",
        r"'round\.png' is not a text file; export the table as CSV",
    ),
    "an Excel workbook": (
        _xlsx(),
        "round.xlsx",
        r"'round\.xlsx' is an Excel workbook .*CSV UTF-8",
    ),
    "not UTF-8": (
        (HEADER + "c1,clarté,ana,3\nc1,clarté,ben,4\n").encode("latin-1"),
        "round.csv",
        r"'round\.csv' is not UTF-8 text .*save it as 'CSV UTF-8'",
    ),
    "not a table": (
        b"Notes from the March session\nall went well\n",
        "notes.txt",
        r"'notes\.txt' has a single column .* not a table of scores",
    ),
    "wrong columns": (
        b"who,what,when\nana,close,monday\n",
        "round.csv",
        r"has no column named 'call' or 'rater' or 'score' .*under Columns",
    ),
    "header only": (HEADER.encode(), "round.csv", r"has no rows"),
    "words among numbers": (
        (
            HEADER + "c1,close,ana,3\nc1,close,ben,good\nc2,close,ana,2\n"
            "c2,close,ben,2\nc3,close,ana,1\nc3,close,ben,1\n"
        ).encode(),
        "round.csv",
        r"line 3: criterion 'close' is scored in numbers.*the Scale choice",
    ),
    "one rater": (
        (HEADER + "c1,close,ana,3\nc2,close,ana,2\n").encode(),
        "round.csv",
        r"scored by 1 rater",
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_gives_a_message_that_names_the_problem(app, case):
    content, name, problem = BAD_UPLOADS[case]

    app.upload.value = _uploaded(content, name)

    assert app.report is None
    assert app.results.layout.display == "none"
    assert "Problem:" in app.message.value
    assert re.search(problem, app.message.value), app.message.value
    assert "Traceback" not in app.message.value


def test_score_off_the_declared_levels_names_the_line(app):
    app.levels.value = "1,2,3,4,5"

    app.load_bytes(
        (HEADER + "c1,close,ana,3\nc1,close,ben,7\nc2,close,ana,2\n").encode()
    )

    assert app.report is None
    assert re.search(
        r"line 3: score 7 on criterion 'close' is not one of the declared "
        r"levels \[1, 2, 3, 4, 5\]",
        app.message.value,
    )


def test_labels_on_an_ordinal_scale_ask_for_their_order(app):
    app.scale.value = "ordinal"

    app.load_bytes(
        (
            HEADER + "c1,close,ana,good\nc1,close,ben,poor\nc2,close,ana,good\n"
            "c2,close,ben,good\n"
        ).encode()
    )

    assert app.report is None
    assert "order is unknown" in app.message.value
    assert "the Levels box" in app.message.value


def test_levels_listed_twice_are_refused_in_the_app(app, round_file):
    app.levels.value = "1,2,2,3"

    app.load_bytes(round_file.read_bytes(), round_file.name)

    assert app.report is None
    assert "list 2 more than once" in app.message.value


def test_a_gap_in_the_levels_is_a_note_not_an_error(app):
    scores = "c1,close,ana,3\nc1,close,ben,33\nc2,close,ana,2\nc2,close,ben,2\n"
    scores += "c3,close,ana,1\nc3,close,ben,2\nc4,close,ana,3\nc4,close,ben,3\n"

    app.load_bytes((HEADER + scores).encode(), "round.csv")

    assert app.report is not None
    assert any("33" in note for note in app.shown_notes)
    assert "33" in app.notes.value


def test_two_files_at_once_are_refused(app, round_file):
    content = round_file.read_bytes()

    app.upload.value = _uploaded(content, "a.csv") + _uploaded(content, "b.csv")

    assert app.report is None
    assert "2 files were uploaded at once ('a.csv', 'b.csv')" in app.message.value


def test_choosing_an_example_analyses_it(app):
    app.example.value = "fleiss1971"

    assert app.verdict_table["criterion"].tolist() == ["diagnosis"]
    assert app.verdict_table["n_calls"].tolist() == [
        load_example("fleiss1971").criterion("diagnosis").n_calls
    ]


def test_an_upload_replaces_the_example(app, round_file):
    app.example.value = "fleiss1971"

    app.load_bytes(round_file.read_bytes(), round_file.name)

    assert app.example.value == ""
    assert "diagnosis" not in app.verdict_table["criterion"].tolist()


def test_unknown_example_is_a_message(app):
    app.load_example("fleiss1917")

    assert "no bundled example 'fleiss1917'" in app.message.value


def test_names_from_the_data_are_escaped(app):
    scores = "".join(
        f"c{i},<b>close</b>,ana,{a}\nc{i},<b>close</b>,ben,{b}\n"
        for i, (a, b) in enumerate([(1, 1), (2, 2), (3, 2), (3, 3), (1, 2)])
    )

    app.load_bytes((HEADER + scores).encode(), "round.csv")

    assert app.report is not None
    assert "<b>close</b>" not in app.verdicts.value
    assert "&lt;b&gt;close&lt;/b&gt;" in app.verdicts.value


def test_the_app_displays_as_its_widget(app):
    bundle = app._repr_mimebundle_()

    assert "application/vnd.jupyter.widget-view+json" in bundle
    model = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model == app.widget.model_id


def test_a_negative_seed_cannot_be_typed(app):
    app.seed.value = -1

    assert app.seed.value == 0
