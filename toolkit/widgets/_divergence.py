"""The divergence review: a month of scores in, one-on-one agendas out.

A lead uploads a month of peer, manager and AI scores of the same calls and
reads, per rep, the criteria where peer and manager differ by more than the
routing threshold: the agenda of the rep's next one-on-one. Filters narrow
it to some reps or criteria; the agendas shown can be downloaded as CSV.
Every number comes from :func:`toolkit.divergence.divergence_report`, the
figure from :func:`toolkit.plots.divergence_figure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit import plots
from toolkit._export import spreadsheet_safe
from toolkit.divergence import DivergenceReport, anchor_flag, divergence_report
from toolkit.errors import ToolkitError
from toolkit.ratings import RatingsTable
from toolkit.synthetic import monthly_scores
from toolkit.widgets._display import (
    collect_warnings,
    download_html,
    figure_png,
    in_app,
    message_html,
    notes_html,
    number,
    share,
    signed,
    table_html,
)
from toolkit.widgets._upload import (
    ACCEPTED_FILES,
    ColumnChooser,
    Upload,
    on_upload_change,
    parse_levels,
    scores_from_upload,
)

__all__ = [
    "AGENDA_COLUMNS",
    "EXAMPLE_SEED",
    "SUMMARY_COLUMNS",
    "DivergenceReview",
    "divergence_review",
]

AGENDA_COLUMNS: tuple[str, ...] = (
    "rep",
    "period",
    "criterion",
    "calls",
    "n_calls",
    "peer_score",
    "manager_score",
    "ai_score",
    "gap",
    "direction",
)
SUMMARY_COLUMNS: tuple[str, ...] = (
    "rep",
    "period",
    "criterion",
    "n_calls",
    "n_routed",
    "n_peer_above",
    "n_peer_below",
    "mean_peer_minus_manager",
    "mean_ai_minus_manager",
)
# the synthetic month of the example button (toolkit.synthetic.monthly_scores)
EXAMPLE_SEED = 1
EXAMPLE_NAME = "synthetic_month.csv"

_REQUIRED = {
    "call": "the call that was scored",
    "criterion": "the criterion scored",
    "role": "who scored: peer, manager or ai",
    "rep": "whose call it is",
    "score": "the score given",
}
_OPTIONAL = {
    "rater": "which peer scored (several peers per call are averaged)",
    "date": "the call's date, for periods",
    "ai_verdict": "a peer's agree / disagree with the AI score",
}
_PERIODS = [
    ("month", "month"),
    ("week", "week"),
    ("quarter", "quarter"),
    ("year", "year"),
    ("none: the whole file", "none"),
]
_FORMAT_HELP = (
    "<details><summary>What to upload</summary>A CSV file with one row per "
    "score and the columns <code>call</code>, <code>criterion</code>, "
    "<code>role</code> (peer, manager or ai), <code>rep</code> (whose call) "
    "and <code>score</code>; optionally <code>rater</code>, <code>date</code> "
    "(YYYY-MM-DD) and <code>ai_verdict</code> (agree / disagree). Other "
    "names: choose them after the upload. Scores in words need their order "
    "in Levels, e.g. <code>poor,fair,good</code>.</details>"
)


class DivergenceReview:
    """Upload a month of peer, manager and AI scores; read the agendas.

    Parameters
    ----------
    example
        Start with the synthetic month (``toolkit.synthetic.monthly_scores``
        with seed :data:`EXAMPLE_SEED`), as the *Try a synthetic month*
        button does.

    Attributes
    ----------
    widget
        The whole app, ready to display.
    upload, example_button, columns, threshold, tolerance, period, levels
        The controls; changing an option analyses again.
    rep_filter, criterion_filter
        Multiple selections; nothing selected shows every rep (criterion).
    message, notes
        HTML widgets: what went wrong or what was read, and the report's
        notes and warnings.
    table, report
        The scores read and their
        :class:`~toolkit.divergence.DivergenceReport`, or ``None``.
    agenda_table
        The agenda items the filters keep (columns :data:`AGENDA_COLUMNS`).
    agenda_csv
        Those items as the CSV the download link holds.
    summary_table
        Per rep, period and criterion: calls compared and routed, as the
        filters keep them.

    Examples
    --------
    >>> app = DivergenceReview(example=True)
    >>> app.rep_filter.value = ("rep_4",)
    >>> set(app.agenda_table["rep"])
    {'rep_4'}
    """

    def __init__(self, *, example: bool = False) -> None:
        self.source: Upload | None = None
        self.table: RatingsTable | None = None
        self.report: DivergenceReport | None = None
        self.shown_notes: tuple[str, ...] = ()
        self._reading_notes: list[str] = []
        self._quiet = False
        self._clear_tables()
        self._build()
        if example:
            self.load_example()

    # ------------------------------------------------------------ controls
    def _build(self) -> None:
        self.upload = widgets.FileUpload(
            accept=ACCEPTED_FILES, multiple=False, description="Upload CSV"
        )
        self.example_button = widgets.Button(
            description="Try a synthetic month", icon="flask", layout=_auto()
        )
        self.columns = ColumnChooser(_REQUIRED, _OPTIONAL)
        self.threshold = widgets.FloatSlider(
            value=1.0,
            min=0.0,
            max=4.0,
            step=0.5,
            description="Route above",
            style={"description_width": "initial"},
            tooltip="peer and manager more than this many levels apart: agenda",
            readout_format=".1f",
        )
        self.tolerance = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=2.0,
            step=0.5,
            description="Agree within",
            style={"description_width": "initial"},
            tooltip="scores at most this many levels apart agree",
            readout_format=".1f",
        )
        self.period = widgets.Dropdown(
            options=_PERIODS, value="month", description="Period"
        )
        self.levels = widgets.Text(
            description="Levels",
            placeholder="e.g. 1,2,3,4,5 or poor,fair,good (lowest first)",
            continuous_update=False,
            layout=widgets.Layout(width="30em"),
        )
        self.analyse_button = widgets.Button(
            description="Analyse", button_style="primary", icon="play"
        )
        self.message = widgets.HTML(
            message_html(
                "Upload a CSV file of a month's scores, or try a synthetic month.",
                kind="hint",
            )
        )
        self.notes = widgets.HTML()

        self.rep_filter = widgets.SelectMultiple(
            description="Reps", rows=6, layout=widgets.Layout(width="18em")
        )
        self.criterion_filter = widgets.SelectMultiple(
            description="Criteria", rows=6, layout=widgets.Layout(width="26em")
        )
        self.clear_filters = widgets.Button(
            description="Show everyone", icon="times", layout=_auto()
        )
        self.agenda = widgets.HTML()
        self.download = widgets.HTML()
        self.figure = widgets.Image(format="png")
        self.summary = widgets.HTML()
        self.anchor = widgets.HTML()
        self.results = widgets.Tab(
            children=[
                widgets.VBox([self.agenda, self.download]),
                widgets.VBox([self.figure, self.summary]),
                widgets.VBox([self.anchor]),
            ],
            titles=("Agenda", "Per rep", "AI anchor"),
            layout=widgets.Layout(width="100%"),
        )
        self.result_box = widgets.VBox(
            [
                widgets.HBox(
                    [self.rep_filter, self.criterion_filter, self.clear_filters]
                ),
                self.results,
            ],
            layout=widgets.Layout(display="none", width="100%"),
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h3>Divergence review</h3>"),
                widgets.HBox([self.upload, self.example_button]),
                widgets.HTML(_FORMAT_HELP),
                self.columns.box,
                widgets.HBox([self.threshold, self.tolerance, self.period]),
                widgets.HBox([self.levels, self.analyse_button]),
                self.message,
                self.result_box,
                self.notes,
            ],
            layout=widgets.Layout(width="100%"),
        )

        self.upload.observe(self._on_upload, names="value")
        self.example_button.on_click(lambda _: self.load_example())
        self.analyse_button.on_click(lambda _: self.analyse())
        for option in (self.threshold, self.tolerance, self.period, self.levels):
            option.observe(self._on_option, names="value")
        for selection in (self.rep_filter, self.criterion_filter):
            selection.observe(self._on_filter, names="value")
        self.clear_filters.on_click(lambda _: self._show_everyone())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ sources
    def load_bytes(self, content: bytes, name: str = "upload.csv") -> None:
        """Read an uploaded file's bytes, as the Upload button does.

        Analyses at once when the expected columns are found; otherwise
        shows the column choices and waits for *Analyse*.
        """
        self._load(Upload(name, bytes(content)), notes=[])

    def load_example(self) -> None:
        """Analyse a synthetic month with planted divergence and AI bias."""
        month = monthly_scores(rng=EXAMPLE_SEED)
        truth = month.truth
        bias = ", ".join(f"{c!r} {b:+g} levels" for c, b in truth.ai_bias.items())
        friends = ", ".join(f"{a} reviews friend {b}" for a, b in truth.friend_pairs)
        planted = (
            "SYNTHETIC data, not real scores: toolkit.synthetic.monthly_scores"
            f"(rng={EXAMPLE_SEED}); planted: the AI scores {bias}; {friends} "
            f"and scores {truth.friend_bonus:g} levels generously"
        )
        content = month.table.to_csv(index=False).encode("utf-8")
        self._load(Upload(EXAMPLE_NAME, content), notes=[planted])

    def _load(self, upload: Upload, *, notes: list[str]) -> None:
        self.source = upload
        self._reading_notes = []
        self._clear_results()
        try:
            header, guessed = self.columns.offer(upload)
        except ToolkitError as exc:
            self._problem(str(exc))
            return

        missing = self.columns.missing()
        self._reading_notes = [*notes, *guessed]
        self.columns.show(bool(missing or guessed))
        if missing:
            self._problem(
                f"{upload.name!r} has no column named "
                f"{' or '.join(map(repr, missing))} (it has "
                f"{', '.join(map(repr, header))}); under Columns, choose which "
                "of its columns holds "
                f"{'each' if len(missing) > 1 else 'it'}, then press Analyse"
            )
            return
        self.analyse()

    def _on_upload(self, change: dict[str, Any]) -> None:
        on_upload_change(change, load=self.load_bytes, problem=self._problem)

    def _on_option(self, _: dict[str, Any]) -> None:
        if self.source is not None and not self.columns.missing():
            self.analyse()

    # ------------------------------------------------------------ analysis
    def analyse(self) -> None:
        """Read the uploaded scores and show the agendas they route."""
        self._clear_results()
        if self.source is None:
            self.message.value = message_html(
                "Upload a CSV file or try a synthetic month first.", kind="hint"
            )
            return
        missing = self.columns.missing()
        if missing:
            self._problem(
                f"choose the column of {self.source.name!r} that holds "
                f"{' and '.join(map(repr, missing))} under Columns"
            )
            return

        try:
            with collect_warnings() as caught:
                table = scores_from_upload(
                    self.source,
                    columns=self.columns.mapping(),
                    levels=parse_levels(self.levels.value),
                )
                report = divergence_report(
                    table,
                    threshold=self.threshold.value,
                    tolerance=self.tolerance.value,
                    period=None if self.period.value == "none" else self.period.value,
                )
        except ToolkitError as exc:
            self._problem(str(exc))
            return

        self.table, self.report = table, report
        extra = [note for note in caught if note not in report.notes]
        self.shown_notes = (*self._reading_notes, *report.notes, *extra)
        self._show_results(report)

    # ------------------------------------------------------------ showing
    def _show_results(self, report: DivergenceReport) -> None:
        self._offer(self.rep_filter, pd.unique(report.summary["rep"]))
        self._offer(self.criterion_filter, pd.unique(report.summary["criterion"]))
        self.figure.value = figure_png(plots.divergence_figure(report))
        self.anchor.value = _anchor_html(report)
        self._show_agenda()

        self.notes.value = notes_html(self.shown_notes)
        n_reps = report.summary["rep"].nunique()
        limit = f"{report.threshold:g} level{'' if report.threshold == 1 else 's'}"
        self.message.value = message_html(
            f"{self._source_name()}: {len(report.calls)} call-criterion scores "
            f"of {n_reps} reps compared; {len(report.agenda)} agenda item(s) "
            f"where peer and manager are more than {limit} apart.",
            kind="done",
        )
        self.result_box.layout.display = None

    def _show_agenda(self) -> None:
        """The agenda items and summaries the filters keep, and their CSV."""
        report = self.report
        if report is None:
            return
        agenda = report.agenda[list(AGENDA_COLUMNS)]
        summary = report.summary[list(SUMMARY_COLUMNS)]
        self.agenda_table = agenda[self._kept(agenda)].reset_index(drop=True)
        self.summary_table = summary[self._kept(summary)].reset_index(drop=True)
        self.agenda_csv = spreadsheet_safe(self.agenda_table).to_csv(index=False)

        reps = self.rep_filter.value or self.rep_filter.options
        quiet = [r for r in reps if r not in set(self.agenda_table["rep"])]
        nothing = f"<p>Nothing to route: {_names(quiet)}.</p>" if quiet else ""
        self.agenda.value = (
            "<p>For each rep's next one-on-one: the criteria where the peer's "
            "and the manager's scores of a call were further apart than the "
            "routing threshold, with the mean scores over those calls and the "
            "gap (peer minus manager).</p>"
            + (
                table_html(
                    self.agenda_table,
                    formats={
                        "peer_score": _level,
                        "manager_score": _level,
                        "ai_score": _level,
                        "gap": signed,
                    },
                    headers={
                        "n_calls": "how many",
                        "peer_score": "peer",
                        "manager_score": "manager",
                        "ai_score": "AI",
                    },
                )
                if len(self.agenda_table)
                else "<p><i>No agenda item for this selection.</i></p>"
            )
            + nothing
        )
        self.download.value = download_html(
            self.agenda_csv.encode("utf-8"),
            filename=f"{Path(self._source_name()).stem}-agenda.csv",
            mime="text/csv",
            label=f"Download the {len(self.agenda_table)} agenda item(s) shown (CSV)",
        )
        self.summary.value = (
            "<p>Per rep and criterion: calls with both a peer and a manager "
            "score, how many were routed, and how often the peer scored above "
            "or below the manager.</p>"
            + table_html(
                self.summary_table,
                formats={
                    "mean_peer_minus_manager": signed,
                    "mean_ai_minus_manager": signed,
                },
                headers={
                    "n_calls": "calls",
                    "n_routed": "routed",
                    "n_peer_above": "peer above",
                    "n_peer_below": "peer below",
                    "mean_peer_minus_manager": "peer - manager",
                    "mean_ai_minus_manager": "AI - manager",
                },
            )
        )

    def _kept(self, frame: pd.DataFrame) -> pd.Series:
        keep = pd.Series(True, index=frame.index)
        if self.rep_filter.value:
            keep &= frame["rep"].isin(self.rep_filter.value)
        if self.criterion_filter.value:
            keep &= frame["criterion"].isin(self.criterion_filter.value)
        return keep

    def _on_filter(self, _: dict[str, Any]) -> None:
        if not self._quiet:
            self._show_agenda()

    def _show_everyone(self) -> None:
        self._quiet = True
        try:
            self.rep_filter.value = ()
            self.criterion_filter.value = ()
        finally:
            self._quiet = False
        self._show_agenda()

    def _offer(self, selection: widgets.SelectMultiple, values: Iterable[Any]) -> None:
        """New options for a filter, keeping what was selected and still there."""
        options = [str(v) for v in values]
        kept = tuple(v for v in selection.value if v in options)
        self._quiet = True
        try:
            selection.options = options
            selection.value = kept
        finally:
            self._quiet = False

    def _problem(self, text: str) -> None:
        self._clear_results()
        self.message.value = message_html(in_app(text), kind="problem")

    def _clear_results(self) -> None:
        self.table = None
        self.report = None
        self.shown_notes = ()
        self._clear_tables()
        if hasattr(self, "result_box"):
            self.result_box.layout.display = "none"
            self.notes.value = ""
            self.download.value = ""

    def _clear_tables(self) -> None:
        self.agenda_table = pd.DataFrame(columns=list(AGENDA_COLUMNS))
        self.summary_table = pd.DataFrame(columns=list(SUMMARY_COLUMNS))
        self.agenda_csv = ""

    def _source_name(self) -> str:
        return self.source.name if self.source is not None else "no file"


def divergence_review(*, example: bool = False) -> DivergenceReview:
    """The divergence review, ready to display in a notebook.

    Upload a month of peer, manager and AI scores (one row per score: call,
    criterion, role, rep, score; optionally rater, date, ai_verdict); the
    app shows the agenda of each rep's next one-on-one (the criteria where
    peer and manager differ by more than the routing threshold), filters
    by rep and criterion, a download of the agendas as CSV, the
    divergence per rep and whether the AI score is still a trustworthy
    anchor.

    Parameters
    ----------
    example
        Start with a synthetic month (planted: a peer who scores a friend
        generously, an AI score biased on one criterion).

    Returns
    -------
    DivergenceReview
        Displays itself as the last expression of a cell; ``report``,
        ``agenda_table`` and ``agenda_csv`` are there for code.

    Notes
    -----
    A bad file never stops the app: what is wrong and how to fix it shows
    in its message line. The agenda CSV is safe to open in a spreadsheet
    (a cell starting with ``=`` is written as text).

    Examples
    --------
    >>> app = divergence_review(example=True)
    >>> app.agenda_table.columns[:3].tolist()
    ['rep', 'period', 'criterion']
    >>> app.threshold.value = 4.0  # nothing is more than 4 levels apart
    >>> len(app.agenda_table)
    0
    """
    return DivergenceReview(example=example)


def _anchor_html(report: DivergenceReport) -> str:
    anchor = report.anchor
    rows = anchor.by_criterion
    shown = pd.DataFrame(
        {
            "criterion": rows["criterion"],
            "calls": rows["n_calls"],
            "mean bias (AI - manager)": rows["mean_bias"].map(signed),
            f"{anchor.level:.0%} interval": [
                f"{signed(a)} to {signed(b)}"
                for a, b in zip(rows["bias_low"], rows["bias_high"], strict=True)
            ],
            "within one level": rows["within_one_level"].map(share),
            "weighted kappa": rows["weighted_kappa"].map(number),
            "flag": [anchor_flag(row) for row in rows.itertuples()],
        }
    )
    flagged = [bool(r.biased or r.drifting) for r in rows.itertuples()]
    parts = [
        "<p>Is the AI score still a trustworthy anchor? Its scores against the "
        "manager's on the same calls: a <i>bias</i> flag when the AI scores a "
        "criterion consistently higher or lower, a <i>drift</i> flag when its "
        "agreement falls from one period to the next.</p>",
        table_html(shown, emphasise=flagged),
    ]
    if report.annotations is not None:
        by = report.annotations.by_criterion
        parts.append("<p><b>Peers' verdicts on the AI score</b></p>")
        parts.append(
            table_html(
                by[["criterion", "n_annotated", "share_disagree"]],
                formats={"share_disagree": share},
                headers={"n_annotated": "verdicts", "share_disagree": "disagree"},
            )
        )
    return "".join(parts)


def _level(value: Any) -> str:
    # a mean over several calls: two decimals at most, 4.5 stays 4.5
    return "—" if pd.isna(value) else f"{round(float(value), 2):g}"


def _names(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _auto() -> widgets.Layout:
    return widgets.Layout(width="auto")
