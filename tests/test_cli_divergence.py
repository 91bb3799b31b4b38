"""`peercoach divergence` as a lead runs it: agenda, anchor flags, exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.synthetic import monthly_scores


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def month_file(tmp_path: Path) -> Path:
    """A synthetic month (seed 1: three agenda items, AI biased on one)."""
    path = tmp_path / "month.csv"
    monthly_scores(rng=1).table.to_csv(path, index=False)
    return path


def test_table_prints_the_agenda_per_rep_and_the_biased_criterion(month_file):
    code, out, err = _run("divergence", str(month_file))

    assert code == 0, err
    agenda = out.split("Agenda for the next one-on-one")[1].split("AI anchor")[0]
    assert "rep_4" in agenda
    assert "peer below manager" in agenda
    assert "nothing to route: rep_1" in agenda
    anchor = out.split("AI anchor")[1]
    biased = next(line for line in anchor.splitlines() if "biased" in line)
    assert "summarised next steps" in biased


def test_agenda_file_matches_csv_output_and_the_report(month_file, tmp_path):
    target = tmp_path / "agenda.csv"

    code, screen, err = _run(
        "divergence", str(month_file), "--agenda", str(target), "--format", "csv"
    )

    # one agenda item per (rep, criterion) with a planted divergence
    divergent = monthly_scores(rng=1).truth.divergent
    items = len(divergent.groupby(["rep", "criterion"]))
    assert code == 0
    assert f"wrote {items} agenda item(s)" in err
    assert target.read_text(encoding="utf-8") == screen
    agenda = pd.read_csv(target)
    assert agenda.columns[:3].tolist() == ["rep", "period", "criterion"]
    assert agenda["n_calls"].sum() == len(monthly_scores(rng=1).truth.divergent)


def test_threshold_option_changes_the_agenda(month_file):
    _, strict, _ = _run("divergence", str(month_file), "--format", "csv")
    _, loose, _ = _run(
        "divergence", str(month_file), "--format", "csv", "--threshold", "0"
    )

    assert len(loose.splitlines()) > len(strict.splitlines())


def test_json_holds_agenda_anchor_and_notes(month_file):
    code, out, _ = _run("divergence", str(month_file), "--format", "json")

    payload = json.loads(out)
    assert code == 0
    assert payload["threshold"] == 1
    divergent = monthly_scores(rng=1).truth.divergent
    assert len(payload["agenda"]) == len(divergent.groupby(["rep", "criterion"]))
    flagged = [r["criterion"] for r in payload["anchor"]["by_criterion"] if r["biased"]]
    assert flagged == ["summarised next steps"]
    assert payload["annotations"] is None
    assert payload["notes"] == []


def test_csv_exports_neutralise_formula_cells(tmp_path: Path):
    path = tmp_path / "scores.csv"
    path.write_text(
        "call,rep,criterion,role,score\n"
        "=HYPERLINK(x),@rep,+close,peer,5\n"
        "=HYPERLINK(x),@rep,+close,manager,1\n"
        "=HYPERLINK(x),@rep,+close,ai,1\n"
        "c2,@rep,+close,peer,3\n"
        "c2,@rep,+close,manager,3\n"
        "c2,@rep,+close,ai,4\n",
        encoding="utf-8",
    )
    target = tmp_path / "agenda.csv"

    code, _, err = _run(
        "divergence", str(path), "--levels", "1,2,3,4,5", "--agenda", str(target)
    )

    assert code == 0, err
    row = target.read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith("'@rep,")
    assert "'+close" in row
    assert "'=HYPERLINK(x)" in row


def test_bad_file_is_one_line_on_stderr_without_traceback(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "call,rep,criterion,role,score\n"
        "c1,ana,close,peer,3\n"
        "c1,ana,close,,2\n"
        "c1,ana,close,ai,3\n",
        encoding="utf-8",
    )

    code, out, err = _run("divergence", str(path))

    assert code == 2
    assert out == ""
    assert err.startswith("peercoach: error: line 3: column 'role' is blank")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unknown_role_in_a_file_lists_the_allowed_roles(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "call,rep,criterion,role,score\nc1,ana,close,peer,3\nc1,ana,close,boss,2\n",
        encoding="utf-8",
    )

    code, _, err = _run("divergence", str(path))

    assert code == 2
    assert "line 3: role 'boss' is not one of peer, manager, ai" in err


def test_notes_go_to_the_table_and_to_stderr_for_csv(tmp_path: Path):
    path = tmp_path / "scores.csv"
    path.write_text(
        "call,rep,criterion,role,score\n"
        "c1,ana,close,manager,1\nc1,ana,close,ai,2\n"
        "c2,ana,close,peer,2\nc2,ana,close,manager,1\nc2,ana,close,ai,2\n",
        encoding="utf-8",
    )

    _, table, _ = _run("divergence", str(path))
    _, _, err = _run("divergence", str(path), "--format", "csv")

    assert "a manager score but no peer score" in table
    assert "peercoach: note: 1 call(s) have a manager score" in err


def test_output_never_overwrites_the_input(month_file):
    before = month_file.read_text(encoding="utf-8")

    code, _, err = _run("divergence", str(month_file), "--agenda", str(month_file))

    assert code == 2
    assert "is the input file" in err
    assert month_file.read_text(encoding="utf-8") == before


def test_output_writes_the_report_to_a_file(month_file, tmp_path):
    target = tmp_path / "report.json"

    code, out, err = _run(
        "divergence", str(month_file), "--format", "json", "--output", str(target)
    )

    assert code == 0
    assert out == ""
    assert "wrote the json report" in err
    assert json.loads(target.read_text(encoding="utf-8"))["agenda"]
