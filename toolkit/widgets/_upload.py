"""Uploaded files read by the toolkit's own readers, and the column choices.

A file a lead uploads in an app goes through the same readers as the
command line (:meth:`toolkit.ratings.RatingsTable.from_csv` and
:func:`toolkit.divergence.read_scores`), so it gets the same checks and the
same messages: a workbook, a picture, a file that is not UTF-8, an empty
file, a score off the scale, each is refused with what to do about it. The
messages name the uploaded file, never the temporary copy the readers open.

When the file's columns have other names than the toolkit expects,
:class:`ColumnChooser` offers one dropdown per expected column, filled with
the file's own column names.

Examples
--------
>>> upload = Upload("round.csv", b"call_id,rater,score\\nc1,ana,3\\nc1,ben,4\\n")
>>> header_of(upload)
('call_id', 'rater', 'score')
>>> chooser = ColumnChooser({"call": "the call scored", "rater": "who scored",
...                          "score": "the score"})
>>> chooser.set_header(header_of(upload))
{'call': 'call_id'}
>>> chooser.mapping()
{'call': 'call_id', 'rater': 'rater', 'score': 'score'}
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from toolkit._csv import read_csv_lines
from toolkit._scores import as_number
from toolkit.divergence import read_scores
from toolkit.errors import ToolkitError
from toolkit.ratings import RatingsTable
from toolkit.widgets._display import in_app

__all__ = [
    "ACCEPTED_FILES",
    "UNCHOSEN",
    "ColumnChooser",
    "Upload",
    "UploadError",
    "header_of",
    "on_upload_change",
    "parse_levels",
    "ratings_from_upload",
    "scores_from_upload",
    "upload_from_value",
]

ACCEPTED_FILES = ".csv,.tsv,.txt,text/csv"
NOT_CHOSEN = "— choose a column —"
NO_COLUMN = "(none)"
# the value of the first entry of each column dropdown: no column chosen (a
# dropdown whose value is None shows an empty box)
UNCHOSEN = ""

# other names leads' exports give the columns, lower case with underscores
SYNONYMS: dict[str, tuple[str, ...]] = {
    "call": ("call_id", "callid", "unit", "recording", "recording_id", "call_name"),
    "criterion": ("criteria", "behaviour", "behavior", "item", "question"),
    "rater": ("reviewer", "scorer", "scored_by", "evaluator", "coder", "peer"),
    "score": ("rating", "level", "value", "points", "mark"),
    "role": ("source", "scorer_role", "reviewer_role", "rater_role"),
    "rep": ("agent", "seller", "salesperson", "owner", "rep_name", "rep_id"),
    "date": ("call_date", "day", "scored_on"),
    "ai_verdict": ("verdict", "ai_agreement", "agrees_with_ai"),
}


class UploadError(ToolkitError):
    """An upload the app cannot read; the message says what to do."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name on the lead's computer and its bytes."""

    name: str
    content: bytes

    def __repr__(self) -> str:
        return f"Upload({self.name!r}, {len(self.content)} bytes)"


def upload_from_value(value: Any) -> Upload | None:
    """The file in a ``FileUpload`` value; ``None`` when nothing is uploaded.

    Reads ipywidgets 8's value, a tuple of dicts with ``name`` and
    ``content`` (a ``memoryview``), and ipywidgets 7's dict of file name to
    a dict with ``content``.

    Raises
    ------
    UploadError
        Several files at once, or a value that holds no file content.

    Examples
    --------
    >>> upload_from_value(({"name": "round.csv", "content": memoryview(b"x")},))
    Upload('round.csv', 1 bytes)
    >>> upload_from_value(()) is None
    True
    """
    if isinstance(value, Mapping):  # ipywidgets 7
        value = tuple({"name": name, **entry} for name, entry in value.items())
    files = tuple(value or ())
    if not files:
        return None
    if len(files) > 1:
        names = ", ".join(repr(str(entry.get("name", "?"))) for entry in files)
        raise UploadError(
            f"{len(files)} files were uploaded at once ({names}); upload one CSV "
            "file, or put the rows of all of them into one file"
        )
    entry = files[0]
    if not isinstance(entry, Mapping) or "content" not in entry:
        raise UploadError(
            "the upload holds no file content; choose the file again with the "
            "Upload button"
        )
    return Upload(str(entry.get("name") or "upload.csv"), bytes(entry["content"]))


def on_upload_change(
    change: Mapping[str, Any],
    *,
    load: Callable[[bytes, str], None],
    problem: Callable[[str], None],
) -> None:
    """What an app does when its ``FileUpload`` value changes.

    Hands the file's bytes and name to ``load``, or the reason it cannot be
    taken to ``problem``; nothing when the upload was cleared.
    """
    try:
        upload = upload_from_value(change["new"])
    except UploadError as exc:
        problem(str(exc))
        return
    if upload is not None:
        load(upload.content, upload.name)


def header_of(upload: Upload) -> tuple[str, ...]:
    """The column names of an uploaded CSV file.

    Raises
    ------
    RatingsError
        A workbook, a binary file, text that is not UTF-8, an empty file or
        one that is not CSV (from the toolkit's CSV reader).
    UploadError
        A file with a single column: no separator was found.
    """
    with _saved(upload) as path:
        frame, _ = read_csv_lines(path)
    columns = tuple(str(c) for c in frame.columns)
    if len(columns) < 2:
        shown = columns[0][:40] if columns else ""
        raise UploadError(
            f"{upload.name!r} has a single column ({shown!r}), so it is not a "
            "table of scores in CSV form; export the sheet as CSV with one row "
            "per score and the columns separated by commas (or semicolons, tabs)"
        )
    return columns


def ratings_from_upload(
    upload: Upload,
    *,
    columns: Mapping[str, str | None],
    scale: str | None = None,
    levels: Any = None,
) -> RatingsTable:
    """A calibration round from an uploaded long CSV, one row per score.

    ``columns`` maps call, criterion, rater and score to the file's column
    names; a criterion of ``None`` reads the file as one criterion called
    ``score``. ``scale`` and ``levels`` are those of
    :meth:`~toolkit.ratings.RatingsTable.from_long`.

    Raises
    ------
    RatingsError
        Everything :meth:`~toolkit.ratings.RatingsTable.from_csv` refuses,
        with lines of the uploaded file named.
    """
    with _saved(upload) as path:
        return RatingsTable.from_csv(
            path,
            call=columns.get("call") or "call",
            criterion=columns.get("criterion"),
            rater=columns.get("rater") or "rater",
            score=columns.get("score") or "score",
            scale=scale,
            levels=levels,
        )


def scores_from_upload(
    upload: Upload,
    *,
    columns: Mapping[str, str | None],
    levels: Any = None,
) -> RatingsTable:
    """A month of peer, manager and AI scores from an uploaded CSV.

    ``columns`` maps the names :func:`toolkit.divergence.read_scores` reads
    (call, criterion, role, rep, score, rater, date, ai_verdict) to the
    file's; a name mapped to ``None`` is read under its own name if present.

    Raises
    ------
    RatingsError
        Everything :func:`~toolkit.divergence.read_scores` refuses, with
        lines of the uploaded file named.
    """
    chosen = {name: column for name, column in columns.items() if column}
    with _saved(upload) as path:
        return read_scores(path, columns=chosen, levels=levels)


def parse_levels(text: str) -> list[Any] | dict[str, list[Any]] | None:
    """Levels typed in an app: ``1,2,3,4,5`` or ``close=1,2,3; next=no,yes``.

    Lowest level first; numbers are read as numbers. Empty text means the
    levels are read from the scores.

    Raises
    ------
    UploadError
        A level listed twice, or levels for every criterion mixed with
        levels for named ones.

    Examples
    --------
    >>> parse_levels("1, 2, 3")
    [1, 2, 3]
    >>> parse_levels("close=no,yes; next steps=1,2,3")
    {'close': ['no', 'yes'], 'next steps': [1, 2, 3]}
    >>> parse_levels("  ") is None
    True
    """
    parts = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
    if not parts:
        return None
    shared: list[Any] | None = None
    named: dict[str, list[Any]] = {}
    for part in parts:
        name, _, listed = part.rpartition("=")
        levels = [_level(cell.strip()) for cell in listed.split(",") if cell.strip()]
        seen = [str(level) for level in levels]
        repeated = sorted({level for level in seen if seen.count(level) > 1})
        if repeated:
            raise UploadError(
                f"the levels {listed.strip()!r} list {', '.join(repeated)} more "
                "than once; list each level once, lowest first"
            )
        if name.strip():
            named[name.strip()] = levels
        elif shared is None:
            shared = levels
        else:
            raise UploadError(
                f"levels {text.strip()!r} give two lists for every criterion; "
                "give one list, or name the criterion of each: close=1,2,3; "
                "next steps=no,yes"
            )
    if shared is not None and named:
        raise UploadError(
            f"levels {text.strip()!r} mix a list for every criterion with "
            "lists for named criteria; name the criterion of each list"
        )
    return shared if shared is not None else named


class ColumnChooser:
    """One dropdown per expected column, filled with the file's column names.

    Parameters
    ----------
    required
        Expected name -> what it holds, for columns the reader needs.
    optional
        Expected name -> what it holds, for columns it can do without (the
        dropdown offers ``(none)``).

    Attributes
    ----------
    dropdowns
        Expected name -> its ``ipywidgets.Dropdown``; the value is a column
        of the file, or ``""`` (:data:`UNCHOSEN`) for none.
    box
        The dropdowns with a heading, ready to display.
    """

    def __init__(
        self,
        required: Mapping[str, str],
        optional: Mapping[str, str] | None = None,
    ) -> None:
        self.required = dict(required)
        self.optional = dict(optional or {})
        style = {"description_width": "9em"}
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        for name, meaning in {**self.required, **self.optional}.items():
            self.dropdowns[name] = widgets.Dropdown(
                options=[(self._empty(name), UNCHOSEN)],
                value=UNCHOSEN,
                description=name,
                description_allow_html=False,
                tooltip=meaning,
                style=style,
                layout=widgets.Layout(width="26em"),
            )
        self.box = widgets.VBox(
            [
                widgets.HTML(
                    "<b>Columns</b>: which column of your file holds each of "
                    "these? Then press <i>Analyse</i>."
                ),
                *self.dropdowns.values(),
            ],
            layout=widgets.Layout(display="none"),
        )

    def offer(self, upload: Upload) -> tuple[tuple[str, ...], list[str]]:
        """Offer ``upload``'s columns; its header and notes on the guesses.

        Each note says which of the file's columns was read as an expected
        one under another name, and how to change it.

        Raises
        ------
        ToolkitError
            The file's header cannot be read (see :func:`header_of`).
        """
        header = header_of(upload)
        guessed = self.set_header(header)
        notes = [
            f"read column {column!r} as {expected!r}; change it under Columns if "
            "that is wrong"
            for expected, column in guessed.items()
        ]
        return header, notes

    def set_header(self, header: Sequence[str]) -> dict[str, str]:
        """Offer ``header``'s columns and pick the matching ones.

        A column is picked when its name matches, ignoring case, spaces and
        hyphens, or when it has a name leads' exports often use instead
        (``reviewer`` for ``rater``). Returns the columns picked that way,
        so the app can say which it guessed.
        """
        guessed: dict[str, str] = {}
        keys = {_key(column): column for column in header}
        for name, dropdown in self.dropdowns.items():
            options = [(self._empty(name), UNCHOSEN), *((c, c) for c in header)]
            match = keys.get(_key(name))
            if match is None:
                for other in SYNONYMS.get(name, ()):
                    if other in keys and keys[other] not in guessed.values():
                        match = keys[other]
                        break
                if match is not None and match != name:
                    guessed[name] = match
            dropdown.options = options
            dropdown.value = UNCHOSEN if match is None else match
        return guessed

    def mapping(self) -> dict[str, str | None]:
        """Expected name -> the file's column chosen for it (or ``None``)."""
        return {
            name: dropdown.value or None for name, dropdown in self.dropdowns.items()
        }

    def missing(self) -> list[str]:
        """Required columns no column of the file is chosen for."""
        return [name for name in self.required if not self.dropdowns[name].value]

    def show(self, visible: bool = True) -> None:
        """Show or hide the dropdowns."""
        self.box.layout.display = None if visible else "none"

    def _empty(self, name: str) -> str:
        return NOT_CHOSEN if name in self.required else NO_COLUMN


@contextmanager
def _saved(upload: Upload) -> Iterator[Path]:
    """The upload as a temporary file; messages name the upload, not the copy."""
    with tempfile.TemporaryDirectory(prefix="peercoach-upload-") as folder:
        path = Path(folder) / _safe_name(upload.name)
        path.write_bytes(upload.content)
        try:
            yield path
        except ToolkitError as exc:
            message = in_app(str(exc).replace(str(path), upload.name))
            raise type(exc)(message) from None


def _safe_name(name: str) -> str:
    """The last part of an uploaded file's name, usable as a file name."""
    base = re.sub(r"[^\w. -]", "_", Path(name.replace("\\", "/")).name).strip(". ")
    return base or "upload.csv"


def _key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", str(name).strip().casefold())


def _level(text: str) -> Any:
    number = as_number(text)
    return text if number is None else number
