"""``peercoach lab``: JupyterLab on a copy of the toolkit's notebooks.

The notebooks' master copies are the repository's ``notebooks/`` folder. The
command copies them into a folder of the lead's own (``./peer-coaching-notebooks``
unless ``--dir`` says otherwise), so the lead's edits and outputs never touch
the master copies, and then starts JupyterLab there with the Python that runs
the command, so the notebooks import this toolkit. A notebook already in the
folder is never overwritten: the lead's edited copy is kept.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

import toolkit
from toolkit.cli._group import _fail

__all__: list[str] = []

DEFAULT_FOLDER = "peer-coaching-notebooks"
SHARED_FOLDER = Path("share") / "peer-coaching-toolkit" / "notebooks"


def notebook_sources() -> list[Path]:
    """Where the master notebooks may be, first match wins.

    The repository's ``notebooks/`` beside the package (an editable install
    or a source checkout), then ``<prefix>/share/peer-coaching-toolkit/
    notebooks`` (where a wheel that ships them as data files puts them).
    """
    package = Path(toolkit.__file__).resolve().parent
    return [package.parent / "notebooks", Path(sys.prefix) / SHARED_FOLDER]


def find_notebooks() -> Path | None:
    """The first folder of :func:`notebook_sources` that holds notebooks."""
    for folder in notebook_sources():
        if folder.is_dir() and any(folder.glob("*.ipynb")):
            return folder
    return None


def copy_notebooks(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """Copy the notebooks the target lacks; returns (copied, kept edited).

    A notebook already in ``target`` is left as it is, whether or not it
    differs from the master copy; the second list names those that differ.
    """
    target.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for notebook in sorted(source.glob("*.ipynb")):
        destination = target / notebook.name
        if not destination.exists():
            shutil.copy2(notebook, destination)
            copied.append(notebook.name)
        elif not filecmp.cmp(notebook, destination, shallow=False):
            kept.append(notebook.name)
    return copied, kept


def launch(command: list[str], folder: Path) -> int:
    """Run ``command`` in ``folder`` until it stops; returns its exit code.

    Ctrl-C reaches JupyterLab too, which asks before it stops (a second
    Ctrl-C stops it at once), so this waits on rather than killing it.
    """
    process = subprocess.Popen(command, cwd=folder)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


@click.command()
@click.option(
    "--dir",
    "folder",
    default=DEFAULT_FOLDER,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Your notebooks folder: the toolkit's notebooks are copied here "
    "unless a notebook of that name is already there.",
)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Start JupyterLab without opening a browser; open the address it prints.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port JupyterLab listens on [default: 8888, or the next free one].",
)
def lab(folder: str, no_browser: bool, port: int | None) -> None:
    """Open the toolkit's notebooks in JupyterLab.

    Copies the notebooks (calibration round, divergence review, ...) into
    --dir, keeping any copy you already have there, and starts JupyterLab
    on that folder. Stop it with Ctrl-C in this terminal.
    """
    source = find_notebooks()
    if source is None:
        searched = ", ".join(str(path) for path in notebook_sources())
        _fail(
            f"the toolkit's notebooks were not found (looked in {searched}); "
            "install the toolkit from its repository (pip install -e .) or "
            "download the notebooks/ folder of the repository"
        )
        return
    if importlib.util.find_spec("jupyterlab") is None:
        _fail(
            f"JupyterLab is not installed for {sys.executable}; install it with "
            f"'{sys.executable} -m pip install jupyterlab', then run peercoach "
            "lab again"
        )
        return

    target = Path(folder).expanduser()
    copied: list[str] = []
    kept: list[str] = []
    if target.resolve() != source.resolve():
        try:
            copied, kept = copy_notebooks(source, target)
        except OSError as exc:
            _fail(f"--dir {folder}: the notebooks could not be copied ({exc})")
            return
    if copied:
        click.echo(f"copied {', '.join(copied)} into {target}", err=True)
    for name in kept:
        click.echo(
            f"kept your edited {name}; the toolkit's version is "
            f"{source / name} (delete yours to get it)",
            err=True,
        )

    command = [sys.executable, "-m", "jupyterlab"]
    if no_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--port={port}")
    if _is_root():
        # JupyterLab refuses root unless told; containers often run as root
        command.append("--allow-root")
        click.echo("running as root: JupyterLab gets --allow-root", err=True)
    click.echo(f"starting JupyterLab in {target} (Ctrl-C to stop)", err=True)
    code = launch(command, target)
    if code:
        _fail(f"JupyterLab stopped with exit code {code}; its messages are above")


def _is_root() -> bool:
    """True for the superuser on POSIX; never on Windows."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0
