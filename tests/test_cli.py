"""`peercoach` as a user runs it: the main job, its formats and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import cli


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_calibrate_example_prints_fleiss_kappa_with_interval():
    # Fleiss (1971), Psychological Bulletin 76:378, p. 381: kappa = .430
    code, out, _ = _run("calibrate", "--example", "fleiss1971")

    assert code == 0
    line = next(x for x in out.splitlines() if "fleiss_kappa" in x)
    assert "0.430" in line
    assert "[0.3" in line
    assert "30 calls, 6 raters" in out


def test_calibrate_json_holds_every_row_and_the_source():
    code, out, _ = _run("calibrate", "--example", "fleiss1971", "--format", "json")

    payload = json.loads(out)
    assert code == 0
    assert payload["source"] == "example fleiss1971"
    fleiss = next(
        r for r in payload["coefficients"] if r["coefficient"] == "fleiss_kappa"
    )
    assert round(fleiss["estimate"], 3) == 0.430
    assert fleiss["ci_low"] < fleiss["estimate"] < fleiss["ci_high"]


def test_calibrate_csv_to_file_matches_screen_output(tmp_path: Path):
    target = tmp_path / "agreement.csv"
    _, screen, _ = _run("calibrate", "--example", "krippendorff2011", "--format", "csv")

    code, _, err = _run(
        "calibrate",
        "--example",
        "krippendorff2011",
        "--format",
        "csv",
        "--output",
        str(target),
    )

    assert code == 0
    assert "wrote" in err
    assert target.read_text(encoding="utf-8") == screen
    frame = pd.read_csv(target)
    alpha = frame[frame["coefficient"] == "krippendorff_alpha"].iloc[0]
    # Krippendorff (2011) p. 7: ordinal alpha of example C is 0.815
    assert round(alpha["estimate"], 3) == 0.815


def test_calibrate_own_file_with_mapped_columns(tmp_path: Path):
    path = tmp_path / "round.csv"
    pd.DataFrame(
        {
            "call_id": [1, 1, 2, 2, 3, 3, 4, 4],
            "reviewer": ["ana", "ben"] * 4,
            "score": [3, 3, 2, 3, 1, 1, 4, 4],
        }
    ).to_csv(path, index=False)

    code, out, _ = _run(
        "calibrate",
        str(path),
        "--call-column",
        "call_id",
        "--rater-column",
        "reviewer",
        "--levels",
        "1,2,3,4,5",
    )

    assert code == 0
    assert "ordinal scale (levels 1 | 2 | 3 | 4 | 5), 4 calls, 2 raters" in out
    assert "cohen_kappa" in out


def test_bad_row_is_one_line_on_stderr_without_traceback(tmp_path: Path):
    path = tmp_path / "round.csv"
    path.write_text("call,criterion,rater,score\nc1,close,ana,3\nc1,close,ben,9\n")

    code, out, err = _run("calibrate", str(path), "--levels", "1,2,3,4,5")

    assert code == 2
    assert out == ""
    assert err.startswith("peercoach: error: line 3: score 9")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calibrate",), "give either FILE or --example"),
        (("calibrate", "--example", "nope"), "no bundled example 'nope'"),
        (("calibrate", "missing.csv"), "no file at 'missing.csv'"),
        (
            ("calibrate", "--example", "fleiss1971", "--coefficients", "kappa9"),
            "no agreement coefficient named 'kappa9'",
        ),
    ],
)
def test_usage_errors_say_what_to_do(args, message):
    code, _, err = _run(*args)

    assert code == 2
    assert message in err


def test_csv_export_neutralises_formula_cells(tmp_path: Path):
    path = tmp_path / "round.csv"
    rows = ["call,criterion,rater,score"]
    rows += [
        f"c{i},=HYPERLINK(x),r{j},{(i + j) % 2}" for i in range(5) for j in range(3)
    ]
    path.write_text("\n".join(rows) + "\n")

    code, out, _ = _run("calibrate", str(path), "--format", "csv")

    assert code == 0
    assert "\n'=HYPERLINK(x)," in out
    assert "\n=HYPERLINK" not in out


def test_examples_lists_sources():
    code, out, _ = _run("examples")

    assert code == 0
    assert "fleiss1971" in out
    assert "Psychological Bulletin" in out


def test_levels_can_be_declared_per_criterion_and_criteria_chosen(tmp_path: Path):
    path = tmp_path / "round.csv"
    rows = ["call,criterion,rater,score"]
    rows += [f"c{i},close,r{j},{1 + (i + j) % 3}" for i in range(6) for j in range(3)]
    rows += [
        f"c{i},steps,r{j},{'yes' if (i * j) % 2 else 'no'}"
        for i in range(6)
        for j in range(3)
    ]
    rows += ["c0,tone,r0,2"]  # one rater only: refused unless left out
    path.write_text("\n".join(rows) + "\n")

    code, out, err = _run(
        "calibrate",
        str(path),
        "--levels",
        "close=1,2,3,4,5",
        "--criteria",
        "close,steps",
        "--format",
        "json",
    )

    assert code == 0, err
    levels = {r["criterion"]: r["levels"] for r in json.loads(out)["coefficients"]}
    assert levels == {"close": "1 | 2 | 3 | 4 | 5", "steps": "no | yes"}


def test_output_never_overwrites_the_input(tmp_path: Path):
    path = tmp_path / "round.csv"
    path.write_text("call,criterion,rater,score\nc1,x,a,1\nc1,x,b,2\n")
    before = path.read_bytes()

    code, _, err = _run("calibrate", str(path), "--output", str(path))

    assert code == 2
    assert "is the input file" in err
    assert path.read_bytes() == before


def test_bootstrap_intervals_are_seeded_and_labelled():
    args = (
        "calibrate",
        "--example",
        "fleiss1971",
        "--bootstrap",
        "300",
        "--format",
        "json",
    )

    first = json.loads(_run(*args, "--seed", "4")[1])["coefficients"]
    again = json.loads(_run(*args, "--seed", "4")[1])["coefficients"]

    assert first == again
    assert {row["interval"] for row in first} == {"bootstrap percentile"}
    kappa = next(r for r in first if r["coefficient"] == "fleiss_kappa")
    assert kappa["ci_low"] < 0.430 < kappa["ci_high"]


def test_coefficient_that_cannot_apply_gets_a_note_not_a_crash():
    code, out, _ = _run(
        "calibrate",
        "--example",
        "fleiss1971",
        "--coefficients",
        "cohen_kappa,fleiss_kappa",
    )

    assert code == 0
    cohen = next(line for line in out.splitlines() if "cohen_kappa" in line)
    assert "not computed" in cohen
    assert "0.430" in out


def test_calibrate_synthetic_example_names_the_planted_rater_and_criterion():
    code, out, err = _run("calibrate", "--example", "synthetic_round")

    assert code == 0
    assert "used customer words: needs a sharper definition" in out
    assert "lenient: peer_3 (+" in out
    # the other low criterion is the lenient rater's doing, not its definition
    assert "without the flagged raters: 0.875 (ready)" in out
    assert out.count("most disputed calls:") == 3
    # the planning warning is listed once, under Notes, not again on stderr
    assert "fewer than the" in out
    assert "fewer than the" not in err


def test_calibrate_json_is_the_whole_report_with_the_coefficients():
    code, out, _ = _run("calibrate", "--example", "synthetic_round", "--format", "json")

    payload = json.loads(out)
    assert code == 0
    tables = {"coefficients", "criteria", "raters", "calls", "scale_use", "rounds"}
    assert tables <= set(payload)
    lenient = {r["rater"] for r in payload["raters"] if r["flag"] == "lenient"}
    assert lenient == {"peer_3"}
    words = next(
        c for c in payload["criteria"] if c["criterion"] == "used customer words"
    )
    assert words["verdict"] == "needs a sharper definition"
    bands = ("p_needs_sharper_definition", "p_tentative", "p_ready")
    assert sum(words[band] for band in bands) == pytest.approx(1.0)


def test_calibrate_takes_thresholds_and_a_verdict_coefficient():
    code, out, err = _run(
        "calibrate",
        "--example",
        "krippendorff2011",
        "--format",
        "json",
        "--thresholds",
        "0.1,0.2",
        "--verdict-coefficient",
        "gwet_ac2",
    )

    payload = json.loads(out)
    assert code == 0, err
    assert payload["options"]["thresholds"] == [0.1, 0.2]
    assert payload["criteria"][0]["coefficient"] == "gwet_ac2"


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [("0.8", "give two numbers"), ("0.8,0.6", "two increasing numbers")],
)
def test_calibrate_bad_thresholds_say_what_to_pass(thresholds, message):
    code, _, err = _run(
        "calibrate", "--example", "fleiss1971", "--thresholds", thresholds
    )

    assert code == 2
    assert message in err
