"""The HTML report: self-contained, figures embedded, every name escaped."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.calibration import calibration_report
from toolkit.cli import cli
from toolkit.examples import load_example
from toolkit.ratings import RatingsTable
from toolkit.report import calibration_html, write_calibration_html

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script>"


class _Page(HTMLParser):
    """Tags, image sources and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _hostile_rows() -> pd.DataFrame:
    scores = [(1, 1, 2), (2, 2, 2), (3, 3, 3), (1, 2, 1), (3, 3, 2), (2, 2, 2)]
    rows = [
        (f"call <{i}>", HOSTILE, rater, score)
        for i, three in enumerate(scores)
        for rater, score in zip(["ana & co", '"ben"', "<i>cy"], three, strict=True)
    ]
    return pd.DataFrame(rows, columns=["call", "criterion", "rater", "score"])


@pytest.fixture(scope="module")
def round_table() -> RatingsTable:
    return load_example("synthetic_round")


@pytest.fixture(scope="module")
def page(round_table) -> str:
    report = calibration_report(
        round_table, rng=7, n_resamples=200, target_half_width=None
    )
    return calibration_html(report, title="March <round>", table=round_table)


@pytest.fixture(autouse=True)
def no_figure_left_open():
    yield
    assert plt.get_fignums() == []


def test_page_embeds_one_png_per_figure(page, round_table):
    parsed = _parse(page)

    # criteria, leniency and disputed calls, and one heatmap per criterion
    assert len(parsed.images) == 3 + len(round_table.criteria)
    for source in parsed.images:
        assert source.startswith("data:image/png;base64,")
        data = base64.b64decode(source.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_MAGIC)


def test_page_fetches_nothing_and_runs_no_script(page):
    parsed = _parse(page)

    assert "http://" not in page and "https://" not in page
    assert not {"script", "link", "iframe", "object"} & set(parsed.tags)


def test_page_holds_verdicts_band_chances_raters_and_disputed_calls(page):
    text = " ".join(_parse(page).text)

    for words in (
        "March <round>",
        "chance: needs a sharper definition",
        "chance: ready",
        "peer_3",
        "lenient",
        "Most disputed calls",
        "call_06",
        "Scale use",
    ):
        assert words in text


def test_names_from_the_data_are_escaped_and_shown_as_text():
    report = calibration_report(
        _hostile_rows(), rng=1, n_resamples=100, target_half_width=None
    )

    page = calibration_html(report, title=HOSTILE)
    parsed = _parse(page)
    assert "script" not in parsed.tags and "i" not in parsed.tags
    assert HOSTILE in parsed.text
    for name in ("ana & co", '"ben"', "<i>cy", "call <3>"):
        assert name in parsed.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_write_refuses_a_missing_folder(tmp_path: Path, page):
    report = calibration_report(
        _hostile_rows(), rng=1, n_resamples=100, target_half_width=None
    )

    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_calibration_html(report, tmp_path / "nowhere" / "report.html")


def _run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def round_file(tmp_path: Path) -> Path:
    path = tmp_path / "round.csv"
    _hostile_rows().to_csv(path, index=False)
    return path


def test_cli_report_writes_the_page_beside_the_printed_table(
    round_file: Path, tmp_path: Path
):
    target = tmp_path / "report.html"

    code, out, err = _run(
        "calibrate", str(round_file), "--bootstrap", "100", "--report", str(target)
    )
    assert code == 0, err
    assert "krippendorff_alpha" in out
    page = target.read_text(encoding="utf-8")
    assert len(_parse(page).images) == 4
    assert HOSTILE in _parse(page).text


def test_cli_report_refuses_the_input_file_and_a_missing_folder(
    round_file: Path, tmp_path: Path
):
    before = round_file.read_bytes()

    code, _, err = _run("calibrate", str(round_file), "--report", str(round_file))
    assert code == 2
    assert "is the input file" in err
    assert round_file.read_bytes() == before

    missing = tmp_path / "nowhere" / "report.html"
    code, _, err = _run("calibrate", str(round_file), "--report", str(missing))
    assert code == 2
    assert "does not exist" in err
    assert "Traceback" not in err


def test_cli_report_comes_with_csv_output_too(round_file: Path, tmp_path: Path):
    target, table = tmp_path / "report.html", tmp_path / "coefficients.csv"

    code, _, err = _run(
        "calibrate",
        str(round_file),
        "--format",
        "csv",
        "--output",
        str(table),
        "--report",
        str(target),
    )
    assert code == 0, err
    assert table.read_text(encoding="utf-8").startswith("criterion,")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
