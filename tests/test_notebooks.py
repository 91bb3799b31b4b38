"""Every notebook runs top to bottom headless, and is stored without outputs.

The notebooks run in a kernel of the interpreter running the tests: a
``python3`` kernel spec written for ``sys.executable`` is put first on
``JUPYTER_PATH``, so a kernel spec elsewhere on the machine (another Python)
is never the one that runs.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
FOUND = sorted(NOTEBOOKS.glob("*.ipynb"))
# a notebook a lead waits for should not take longer than this, kernel start
# included
SECONDS = 60


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder whose python3 kernel is this interpreter."""
    from ipykernel.kernelspec import write_kernel_spec

    folder = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(folder / "kernels" / "python3")
    return folder


def test_the_notebooks_are_there():
    names = [path.name for path in FOUND]

    assert names == [
        "01_design_program.ipynb",
        "02_calibration_round.ipynb",
        "03_team_size_what_if.ipynb",
        "04_divergence_review.ipynb",
    ]


@pytest.mark.parametrize("path", FOUND, ids=[path.name for path in FOUND])
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)

    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell holds outputs"
            assert cell.execution_count is None, f"{path.name}: execution count"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", FOUND, ids=[path.name for path in FOUND])
def test_notebook_runs_top_to_bottom(path, kernel_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=SECONDS,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )

    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    seconds = time.perf_counter() - start

    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    assert seconds < SECONDS
    # the app was displayed as a widget, not as its text
    shown = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert shown, f"{path.name}: no cell displayed an app"


def test_notebooks_run_in_this_interpreter(kernel_path, monkeypatch):
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable
