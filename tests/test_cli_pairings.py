"""`peercoach pairings` as a lead runs it: the schedule, its formats, its errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def reps(tmp_path: Path) -> Path:
    path = tmp_path / "reps.csv"
    names = ["ana", "ben", "cy", "dee", "eve", "fay", "gus"]
    path.write_text("rep\n" + "\n".join(names) + "\n")
    return path


def test_csv_schedule_gives_every_rep_two_reviewers_each_month(reps, tmp_path):
    target = tmp_path / "schedule.csv"

    code, _, err = _run(
        "pairings",
        "--reps",
        str(reps),
        "--months",
        "12",
        "--seed",
        "4",
        "--format",
        "csv",
        "--output",
        str(target),
    )

    assert code == 0
    assert "wrote 168 rows" in err
    frame = pd.read_csv(target)
    assert frame.columns.tolist() == ["period", "sub_team", "reviewer", "rep"]
    per_rep = Counter(zip(frame["period"], frame["rep"], strict=True))
    assert set(per_rep.values()) == {2}
    assert (frame["reviewer"] != frame["rep"]).all()


def test_same_seed_writes_the_same_schedule(reps):
    args = ("pairings", "--reps", str(reps), "--seed", "9", "--format", "csv")

    first = _run(*args)[1]
    second = _run(*args)[1]

    assert first == second


def test_without_seed_the_drawn_seed_is_printed(reps):
    code, out, err = _run("pairings", "--reps", str(reps), "--months", "3")

    assert code == 0
    seed = err.split("--seed ")[1].split()[0]
    again = _run("pairings", "--reps", str(reps), "--months", "3", "--seed", seed)
    assert again[1] == out


def test_table_shows_each_rotation_and_the_first_repeat(reps):
    code, out, _ = _run(
        "pairings",
        "--reps",
        str(reps),
        "--months",
        "6",
        "--rotation",
        "1",
        "--start",
        "2025-01",
        "--seed",
        "1",
    )

    assert code == 0
    assert "7 reps in 1 sub-team(s), 2 reviewer(s) per rep per month" in out
    # 7 reps, 2 reviewers a month: 3 months before any pair meets again
    assert "first repeated pair: month 4" in out
    assert "month 2025-06" in out
    assert out.count("reviewed by") == 6


def test_conflicts_file_is_kept_apart(reps, tmp_path):
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text("rep_a,rep_b,reason\nana,ben,friend\ncy,dee,competitor\n")

    code, out, _ = _run(
        "pairings",
        "--reps",
        str(reps),
        "--conflicts",
        str(conflicts),
        "--rotation",
        "1",
        "--seed",
        "2",
        "--format",
        "csv",
    )

    assert code == 0
    frame = pd.read_csv(pd.io.common.StringIO(out))
    pairs = {frozenset(p) for p in zip(frame["reviewer"], frame["rep"], strict=True)}
    assert frozenset({"ana", "ben"}) not in pairs
    assert frozenset({"cy", "dee"}) not in pairs


def test_self_selection_runs_with_a_guide_warning(reps):
    code, _, err = _run(
        "pairings", "--reps", str(reps), "--method", "self-selected", "--seed", "1"
    )

    assert code == 0
    assert "peercoach: warning: self-selected pairs leave the guide" in err


def test_csv_export_neutralises_formula_names(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("rep\n=HYPERLINK(x)\n+ben\n-cy\n@dee\neve\n")

    code, out, _ = _run("pairings", "--reps", str(path), "--format", "csv")

    assert code == 0
    assert "'=HYPERLINK(x)" in out
    assert ",=HYPERLINK" not in out
    assert ",+ben" not in out and ",-cy" not in out and ",@dee" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reviews-per-rep", "4"), "needs at least 9 reps"),
        (("--rotation", "quarterly"), "--rotation quarterly: give a number"),
        (("--start", "soon"), "start 'soon'"),
    ],
)
def test_errors_are_one_line_without_traceback(reps, args, message):
    code, out, err = _run("pairings", "--reps", str(reps), *args)

    assert code == 2
    assert out == ""
    assert err.startswith("peercoach: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_reps_file_and_bad_line_are_named(tmp_path):
    bad = tmp_path / "reps.csv"
    bad.write_text("rep\nana\nben\nana\n")

    missing = _run("pairings", "--reps", str(tmp_path / "nope.csv"))
    repeated = _run("pairings", "--reps", str(bad))

    assert missing[0] == 2 and "no file at" in missing[2]
    assert repeated[0] == 2 and "rep 'ana' appears on lines 2, 4" in repeated[2]


def test_output_may_not_overwrite_the_reps_file(reps):
    code, _, err = _run("pairings", "--reps", str(reps), "--output", str(reps))

    assert code == 2
    assert "is an input file" in err
