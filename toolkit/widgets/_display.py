"""What the apps show: messages, notes, tables, figures and download links.

Everything here turns a toolkit result into HTML or PNG for an ipywidgets
``HTML`` or ``Image``; nothing computes a statistic. Every name from the data
is escaped, so a rater called ``<b>ana</b>`` is shown as text.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from toolkit.errors import ToolkitWarning

__all__ = [
    "collect_warnings",
    "download_html",
    "figure_png",
    "in_app",
    "message_html",
    "notes_html",
    "number",
    "share",
    "signed",
    "table_html",
    "without_cli",
]

_BOXES = {
    "problem": ("#fdecea", "#c0392b", "Problem"),
    "working": ("#eef3fb", "#1f5fa6", ""),
    "done": ("#edf7ed", "#2e7d32", ""),
    "hint": ("#f7f7f7", "#6b6b6b", ""),
}

# what the CLI hint in a toolkit message means in an app
_APP_CONTROLS = {
    "--levels": "the Levels box",
    "--scale": "the Scale choice",
    "--period": "Period: none",
}
_CLI_HINT = re.compile(r"CLI: (--[a-z-]+)[^)]*")


def in_app(message: str) -> str:
    """A toolkit message with its command-line hints turned into app controls.

    Examples
    --------
    >>> in_app("declare them lowest first (CLI: --levels)")
    'declare them lowest first (in this app: the Levels box)'
    >>> in_app("map them (CLI: --call-column, --rater-column, ...)")
    'map them (in this app: the column choices)'
    """

    def control(match: re.Match[str]) -> str:
        option = match.group(1)
        if option.endswith("-column"):
            return "in this app: the column choices"
        return f"in this app: {_APP_CONTROLS.get(option, option)}"

    return _CLI_HINT.sub(control, message)


def without_cli(message: str) -> str:
    """A toolkit message without its command-line hint, for an app with none.

    Examples
    --------
    >>> without_cli("give a larger team (CLI: --team-size).")
    'give a larger team.'
    """
    return re.sub(r"\s*\(CLI: [^)]*\)", "", message)


def message_html(text: str, *, kind: str = "problem") -> str:
    """One message in a coloured box: a problem, work in progress, or done.

    Examples
    --------
    >>> print(message_html("score 9 is off the scale <1-5>"))  # doctest: +ELLIPSIS
    <div ...><b>Problem:</b> score 9 is off the scale &lt;1-5&gt;</div>
    """
    background, colour, label = _BOXES[kind]
    prefix = f"<b>{label}:</b> " if label else ""
    style = (
        f"background:{background}; border-left:4px solid {colour}; "
        "padding:0.4em 0.8em; margin:0.3em 0"
    )
    return f'<div style="{style}">{prefix}{_escape(text)}</div>'


def notes_html(notes: Sequence[str], *, heading: str = "Notes") -> str:
    """Notes and warnings as a bulleted list; empty when there are none."""
    if not notes:
        return ""
    items = "".join(f"<li>{_escape(note)}</li>" for note in notes)
    return f"<b>{_escape(heading)}</b><ul>{items}</ul>"


def table_html(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    headers: Mapping[str, str] | None = None,
    emphasise: Sequence[bool] | None = None,
) -> str:
    """A small DataFrame as an HTML table, every cell escaped.

    Parameters
    ----------
    frame
        The rows to show, in order.
    formats
        Column -> function writing a cell (numbers are rounded here, for
        the eye only; the app's tables keep every digit).
    headers
        Column -> heading; the column's name otherwise.
    emphasise
        Rows to set in bold, such as flagged raters.

    Examples
    --------
    >>> frame = pd.DataFrame({"rater": ["<ana>"], "offset": [0.123456]})
    >>> print(table_html(frame, formats={"offset": signed}))  # doctest: +ELLIPSIS
    <table ...><tr><th ...>rater</th><th ...>offset</th></tr>
    <tr><td ...>&lt;ana&gt;</td><td ...>+0.12</td></tr></table>
    """
    formats = formats or {}
    headers = headers or {}
    cell = "padding:0.2em 0.6em; border-bottom:1px solid #e3e3e3; text-align:left"
    head = "".join(
        f'<th style="{cell}">{_escape(headers.get(c, str(c)))}</th>'
        for c in frame.columns
    )
    rows = []
    for i, record in enumerate(frame.to_dict(orient="records")):
        weight = "; font-weight:600" if emphasise is not None and emphasise[i] else ""
        cells = "".join(
            f'<td style="{cell}{weight}">'
            f"{_escape(formats.get(str(c), _plain)(record[c]))}</td>"
            for c in frame.columns
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<table style="border-collapse:collapse; margin:0.4em 0">'
        f"<tr>{head}</tr>\n" + "\n".join(rows) + "</table>"
    )


def figure_png(figure: Figure, *, dpi: int = 90) -> bytes:
    """A figure as PNG bytes for an ``ipywidgets.Image``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def download_html(data: bytes, *, filename: str, mime: str, label: str) -> str:
    """A link that saves ``data`` as ``filename``, with the data inside it.

    The file travels in the link itself (a ``data:`` address), so the
    download works without a server route, also in a notebook saved with
    its widgets.

    Examples
    --------
    >>> link = download_html(b"rep,criterion\\n", filename="agenda.csv",
    ...                      mime="text/csv", label="Download")
    >>> link.startswith('<a download="agenda.csv" href="data:text/csv;base64,')
    True
    """
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{html.escape(filename)}" '
        f'href="data:{mime};base64,{encoded}" target="_blank" '
        'style="font-weight:600">'
        f"{_escape(label)}</a>"
    )


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Collect the toolkit's warnings as notes for the app, once each.

    Other warnings are passed on after the block, as if it had not been
    there; a warning the test configuration turns into an error still is.
    """
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ToolkitWarning)
        yield notes
    for warning in caught:
        if issubclass(warning.category, ToolkitWarning):
            text = str(warning.message)
            if text not in notes:
                notes.append(text)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def number(value: Any) -> str:
    """Three decimals, or a dash for a missing value."""
    return "—" if _missing(value) else f"{float(value):.3f}"


def signed(value: Any) -> str:
    """Two decimals with a sign, or a dash for a missing value."""
    return "—" if _missing(value) else f"{float(value):+.2f}"


def share(value: Any) -> str:
    """A share as a whole percent, or a dash for a missing value."""
    return "—" if _missing(value) else f"{float(value):.0%}"


def _plain(value: Any) -> str:
    if _missing(value):
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def _escape(text: str) -> str:
    # quotes stay readable: the text goes between tags, never into an attribute
    return html.escape(str(text), quote=False)
