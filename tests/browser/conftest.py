"""A JupyterLab server on localhost and Debian's chromium, for end-to-end tests.

The server runs on a copy of the notebooks (JupyterLab saves what it runs) with
its own settings, runtime and workspace folders, so nothing of the user's or
the repository's is touched. Chromium is the system's (``/usr/bin/chromium``);
Playwright drives it and never downloads a browser. Without chromium or
Playwright the tests skip, unless ``PEERCOACH_REQUIRE_BROWSER=1`` (as in CI),
where they fail instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# flags that work on this workplace's machines (closed network, root, no GPU)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_SECONDS = 90


def _unavailable(reason: str) -> None:
    if os.environ.get("PEERCOACH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"the browser test must run here but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its address, token and notebook folder."""

    url: str
    token: str
    root: Path

    def notebook(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a free localhost port, serving a copy of the notebooks."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root)
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no "would you like news?" toast over the screenshot
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )

    from ipykernel.kernelspec import write_kernel_spec

    write_kernel_spec(base / "data" / "kernels" / "python3")
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_PATH=str(base / "data"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
    )
    port, token = _free_port(), secrets.token_hex(16)
    log = (base / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(server, f"{url}/api/status?token={token}", base / "server.log")
        yield Lab(url=url, token=token, root=root)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_for(server: subprocess.Popen[bytes], status: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(status, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer in {SERVER_SECONDS} s")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _unavailable("chromium is not installed (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture()
def artifacts() -> Path:
    """Where screenshots go: ``$PEERCOACH_ARTIFACTS`` or ``test-artifacts/``."""
    default = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder = Path(os.environ.get("PEERCOACH_ARTIFACTS", default))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
