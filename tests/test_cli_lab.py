"""`peercoach lab`: the notebooks copied into the lead's folder, JupyterLab started.

The launcher is replaced by a recorder, so no server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import _lab
from toolkit.cli._lab import lab

MASTERS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture
def launched(monkeypatch) -> list[tuple[list[str], Path]]:
    calls: list[tuple[list[str], Path]] = []
    monkeypatch.setattr(_lab, "_is_root", lambda: False)

    def record(command: list[str], folder: Path) -> int:
        calls.append((command, folder))
        return 0

    monkeypatch.setattr(_lab, "launch", record)
    return calls


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(lab, list(args))
    return result.exit_code, result.stderr


def test_copies_the_notebooks_and_starts_jupyterlab_there(tmp_path, launched):
    folder = tmp_path / "my notebooks"

    code, err = _run("--dir", str(folder), "--no-browser", "--port", "9123")

    masters = sorted(path.name for path in MASTERS.glob("*.ipynb"))
    assert code == 0, err
    assert sorted(path.name for path in folder.glob("*.ipynb")) == masters
    for name in masters:
        assert (folder / name).read_bytes() == (MASTERS / name).read_bytes()
    assert launched == [
        ([sys.executable, "-m", "jupyterlab", "--no-browser", "--port=9123"], folder)
    ]
    assert f"copied {', '.join(masters)}" in err


def test_default_folder_is_peer_coaching_notebooks(tmp_path, monkeypatch, launched):
    monkeypatch.chdir(tmp_path)

    code, err = _run()

    assert code == 0, err
    assert (
        tmp_path / "peer-coaching-notebooks" / "02_calibration_round.ipynb"
    ).exists()
    command, folder = launched[0]
    assert command == [sys.executable, "-m", "jupyterlab"]
    assert folder == Path("peer-coaching-notebooks")


def test_an_edited_copy_is_never_overwritten(tmp_path, launched):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    edited = folder / "02_calibration_round.ipynb"
    edited.write_text('{"my": "edits"}', encoding="utf-8")

    code, err = _run("--dir", str(folder))

    assert code == 0
    assert edited.read_text(encoding="utf-8") == '{"my": "edits"}'
    assert "kept your edited 02_calibration_round.ipynb" in err
    assert (folder / "04_divergence_review.ipynb").exists()


def test_an_unchanged_copy_is_kept_without_a_word(tmp_path, launched):
    folder = tmp_path / "notebooks"
    _run("--dir", str(folder))

    code, err = _run("--dir", str(folder))

    assert code == 0
    assert "kept your" not in err
    assert "copied" not in err
    assert len(launched) == 2


def test_the_master_folder_itself_is_opened_without_copying(launched):
    code, err = _run("--dir", str(MASTERS))

    assert code == 0
    assert "copied" not in err
    assert launched[0][1] == MASTERS


def test_missing_notebooks_fail_with_where_it_looked(tmp_path, monkeypatch, launched):
    nowhere = tmp_path / "nowhere"
    monkeypatch.setattr(_lab, "notebook_sources", lambda: [nowhere])

    code, err = _run("--dir", str(tmp_path / "mine"))

    assert code == 2
    assert f"notebooks were not found (looked in {nowhere})" in err
    assert "pip install -e ." in err
    assert launched == []


def test_a_file_as_dir_is_refused(tmp_path, launched):
    file = tmp_path / "notes.txt"
    file.write_text("x", encoding="utf-8")

    code, err = _run("--dir", str(file))

    assert code == 2
    assert "is a file" in err
    assert launched == []


def test_missing_jupyterlab_says_how_to_install_it(tmp_path, monkeypatch, launched):
    monkeypatch.setattr(_lab.importlib.util, "find_spec", lambda name: None)

    code, err = _run("--dir", str(tmp_path / "mine"))

    assert code == 2
    assert "-m pip install jupyterlab" in err
    assert launched == []


def test_jupyterlab_failing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(_lab, "launch", lambda command, folder: 1)

    code, err = _run("--dir", str(tmp_path / "mine"))

    assert code == 2
    assert "JupyterLab stopped with exit code 1" in err


def test_port_out_of_range_is_a_usage_error(tmp_path, launched):
    code, _ = _run("--dir", str(tmp_path), "--port", "70000")

    assert code == 2
    assert launched == []


def test_root_gets_allow_root(tmp_path, monkeypatch, launched):
    monkeypatch.setattr(_lab, "_is_root", lambda: True)

    code, err = _run("--dir", str(tmp_path / "mine"))

    assert code == 0
    assert launched[0][0] == [sys.executable, "-m", "jupyterlab", "--allow-root"]
    assert "running as root" in err


def test_launch_runs_the_command_in_the_folder_and_returns_its_code(tmp_path):
    script = "import os, sys; print(os.getcwd()); sys.exit(3)"

    code = _lab.launch([sys.executable, "-c", script], tmp_path)

    assert code == 3
