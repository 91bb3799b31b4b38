"""End to end: the program designer in JupyterLab, in a real browser.

JupyterLab opens notebook 01, runs it, and the designer shows its first
results; the test moves the team-size slider, presses Run, waits for the
results to change and keeps a screenshot of the designer with its results.
"""

from __future__ import annotations

import re
from pathlib import Path

NOTEBOOK = "01_design_program.ipynb"
# a notebook's kernel start, imports and first 20 runs, on 2 slow cores
FIRST_RESULTS_MS = 180_000
RUN_MS = 180_000


def test_moving_a_slider_and_running_changes_the_results(lab, browser, artifacts):
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    try:
        _open_and_run_all(page, lab.notebook(NOTEBOOK))
        results = page.locator(".peercoach-results").first
        results.wait_for(timeout=FIRST_RESULTS_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.peercoach-results')]"
            ".some(e => e.innerText.includes('Manager hours'))",
            timeout=FIRST_RESULTS_MS,
        )
        before = results.inner_text()

        slider = page.locator(".widget-slider", has_text="Team size").first
        start = int(slider.locator(".widget-readout").inner_text())
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        for _ in range(4):
            handle.press("ArrowRight")
        page.wait_for_timeout(300)
        moved = int(slider.locator(".widget-readout").inner_text())
        assert moved == start + 4

        page.locator(".widget-button", has_text=re.compile(r"^\s*Run\s*$")).click()
        page.wait_for_function(
            "([before]) => { const e = document.querySelector('.peercoach-results');"
            " return e && e.innerText !== before"
            " && e.innerText.includes('Manager hours'); }",
            arg=[before],
            timeout=RUN_MS,
        )
        after = results.inner_text()
        assert after != before
        message = page.locator(".peercoach-message").first.inner_text()
        assert f"teams of {moved} reps" in message

        results.scroll_into_view_if_needed()
        designer = page.locator(".peercoach-designer").first
        shot = Path(artifacts) / "program_designer.png"
        designer.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
    except Exception:
        page.screenshot(path=str(Path(artifacts) / "program_designer_failure.png"))
        raise
    finally:
        page.close()


def _open_and_run_all(page, url: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)

    # wait for the kernel: Run All sent before it is connected is dropped
    page.wait_for_function(
        "() => { const bar = document.querySelector('#jp-main-statusbar');"
        " return bar && bar.innerText.includes('Idle'); }",
        timeout=120_000,
    )
    for _ in range(3):
        page.click("div.lm-MenuBar-itemLabel:text('Run')")
        page.click("text=Run All Cells")
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-InputPrompt')]"
                ".some(e => /\\[(\\*|\\d+)\\]/.test(e.innerText))",
                timeout=20_000,
            )
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("JupyterLab did not start running the notebook's cells")
