"""The calibration round analyser: upload a round, read its verdicts.

A lead uploads the scores of a calibration round (or picks a bundled
example) and reads, per criterion, whether it is defined well enough to
score; which raters score leniently or severely; which calls the group
should discuss first; whether the round had enough calls for its verdict;
and downloads the whole report as one HTML page. Every number comes from
:func:`toolkit.calibration.calibration_report`, every figure from
:mod:`toolkit.plots`; the app only arranges them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit import plots
from toolkit.calibration import BAND_COLUMNS, CalibrationReport, calibration_report
from toolkit.errors import ToolkitError
from toolkit.examples import EXAMPLES, load_example
from toolkit.ratings import RatingsTable
from toolkit.report import calibration_html
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
    ratings_from_upload,
)

__all__ = [
    "DISPUTED_COLUMNS",
    "PLANNING_COLUMNS",
    "RATER_COLUMNS",
    "VERDICT_COLUMNS",
    "CalibrationAnalyser",
    "calibration_analyser",
]

VERDICT_COLUMNS: tuple[str, ...] = (
    "criterion",
    "verdict",
    "coefficient",
    "estimate",
    "ci_low",
    "ci_high",
    "n_calls",
    "n_raters",
    *BAND_COLUMNS.values(),
    "reason",
)
RATER_COLUMNS: tuple[str, ...] = (
    "criterion",
    "rater",
    "n_calls",
    "offset",
    "offset_low",
    "offset_high",
    "flag",
    "change_without",
)
DISPUTED_COLUMNS: tuple[str, ...] = (
    "criterion",
    "round",
    "call",
    "scores",
    "disagreement",
    "rank",
)
PLANNING_COLUMNS: tuple[str, ...] = (
    "criterion",
    "n_calls",
    "n_raters",
    "estimate",
    "half_width",
    "calls_needed",
    "enough",
)

_REQUIRED = {
    "call": "the call that was scored",
    "rater": "who scored it",
    "score": "the score given",
}
_OPTIONAL = {"criterion": "the criterion scored; (none) when the file holds one"}
_INFERRED = "inferred"
_SCALES = [
    ("inferred from the scores", _INFERRED),
    ("nominal (labels)", "nominal"),
    ("ordinal (ordered levels)", "ordinal"),
    ("interval (numbers)", "interval"),
    ("ratio (numbers from 0)", "ratio"),
]
_FORMAT_HELP = (
    "<details><summary>What to upload</summary>A CSV file with one row per "
    "score and the columns <code>call</code>, <code>criterion</code>, "
    "<code>rater</code> and <code>score</code> (other names: choose them "
    "after the upload). Optional: <code>round</code> or <code>date</code> "
    "to compare rounds. In Excel: File &gt; Save As &gt; "
    "<i>CSV UTF-8 (comma delimited)</i>. An empty score, NA or N/A is a "
    "missing rating.</details>"
)
_WIDE = widgets.Layout(width="100%")


class CalibrationAnalyser:
    """Upload a calibration round and read its verdicts, raters and calls.

    Parameters
    ----------
    example
        Name of a bundled example (see :data:`toolkit.examples.EXAMPLES`)
        to analyse at once.
    seed
        Seed of the bootstrap and the planning simulations (the Seed box).
    n_resamples
        Bootstrap resamples of the calls per criterion.

    Attributes
    ----------
    widget
        The whole app, ready to display.
    upload, example, columns, scale, levels, target_half_width, seed
        The controls: file upload, bundled example, column choices
        (:class:`~toolkit.widgets._upload.ColumnChooser`), scale, levels,
        planning target and seed.
    message, notes
        HTML widgets: what went wrong or what was read, and the report's
        notes and warnings.
    table, report
        The ratings read and their
        :class:`~toolkit.calibration.CalibrationReport`, or ``None``.
    verdict_table, rater_table, disputed_table, planning_table
        What the tabs show, as DataFrames (numbers unrounded).
    report_html
        The HTML report once prepared, else ``None``.

    Examples
    --------
    >>> app = CalibrationAnalyser(example="synthetic_round", n_resamples=200)
    >>> app.verdict_table["criterion"].tolist()
    ['confirmed primary concern', 'summarised next steps', 'used customer words']
    >>> flagged = app.rater_table["flag"].notna()
    >>> app.rater_table.loc[flagged, "rater"].unique().tolist()  # planted
    ['peer_3']
    """

    def __init__(
        self, *, example: str | None = None, seed: int = 0, n_resamples: int = 2000
    ) -> None:
        self.n_resamples = n_resamples
        self.source: Upload | str | None = None
        self.table: RatingsTable | None = None
        self.report: CalibrationReport | None = None
        self.report_html: str | None = None
        self.shown_notes: tuple[str, ...] = ()
        self._reading_notes: list[str] = []
        self._quiet = False
        self._clear_tables()
        self._build(seed)
        if example is not None:
            self.load_example(example)

    # ------------------------------------------------------------ controls
    def _build(self, seed: int) -> None:
        self.upload = widgets.FileUpload(
            accept=ACCEPTED_FILES, multiple=False, description="Upload CSV"
        )
        self.example = widgets.Dropdown(
            options=[
                ("— or try a bundled example —", ""),
                *((f"{name}: {e.description}", name) for name, e in EXAMPLES.items()),
            ],
            value="",
            layout=widgets.Layout(width="34em"),
        )
        self.columns = ColumnChooser(_REQUIRED, _OPTIONAL)
        self.scale = widgets.Dropdown(
            options=_SCALES, value=_INFERRED, description="Scale"
        )
        self.levels = widgets.Text(
            description="Levels",
            placeholder="e.g. 1,2,3,4,5 (lowest first); empty: as scored",
            layout=widgets.Layout(width="30em"),
        )
        self.target_half_width = widgets.FloatSlider(
            value=0.1,
            min=0.05,
            max=0.3,
            step=0.01,
            readout_format=".2f",
            description="Planning ±",
            tooltip="the interval half-width a verdict needs",
        )
        # a seed is a whole number from 0 (the bounds keep a typed -1 out)
        self.seed = widgets.BoundedIntText(
            value=seed,
            min=0,
            max=2**31 - 1,
            description="Seed",
            layout=widgets.Layout(width="12em"),
        )
        self.analyse_button = widgets.Button(
            description="Analyse", button_style="primary", icon="play"
        )
        self.message = widgets.HTML(
            message_html("Upload a CSV file or choose an example.", kind="hint")
        )
        self.notes = widgets.HTML()

        self.verdicts = widgets.HTML()
        self.criteria_image = widgets.Image(format="png")
        self.raters = widgets.HTML()
        self.leniency_image = widgets.Image(format="png")
        self.heatmap_criterion = widgets.Dropdown(
            description="Heatmap of", layout=widgets.Layout(width="30em")
        )
        self.heatmap_image = widgets.Image(format="png")
        self.n_disputed = widgets.IntSlider(
            value=3, min=1, max=10, description="Calls each"
        )
        self.disputed = widgets.HTML()
        self.disputed_image = widgets.Image(format="png")
        self.planning = widgets.HTML()
        self.report_button = widgets.Button(
            description="Prepare the HTML report",
            icon="file",
            layout=widgets.Layout(width="18em"),
        )
        self.download = widgets.HTML()
        self.results = widgets.Tab(
            children=[
                widgets.VBox([self.verdicts, self.criteria_image]),
                widgets.VBox(
                    [
                        self.raters,
                        self.leniency_image,
                        self.heatmap_criterion,
                        self.heatmap_image,
                    ]
                ),
                widgets.VBox([self.n_disputed, self.disputed, self.disputed_image]),
                widgets.VBox([self.planning]),
                widgets.VBox([self.report_button, self.download]),
            ],
            titles=("Verdicts", "Raters", "Disputed calls", "Planning", "Report"),
            layout=widgets.Layout(display="none", width="100%"),
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h3>Calibration round</h3>"),
                widgets.HBox([self.upload, self.example]),
                widgets.HTML(_FORMAT_HELP),
                self.columns.box,
                widgets.HBox([self.scale, self.levels]),
                widgets.HBox([self.target_half_width, self.seed, self.analyse_button]),
                self.message,
                self.results,
                self.notes,
            ],
            layout=_WIDE,
        )

        self.upload.observe(self._on_upload, names="value")
        self.example.observe(self._on_example, names="value")
        self.analyse_button.on_click(lambda _: self.analyse())
        self.report_button.on_click(lambda _: self.make_report())
        self.heatmap_criterion.observe(lambda _: self._draw_heatmap(), names="value")
        self.n_disputed.observe(lambda _: self._show_disputed(), names="value")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------ sources
    def load_bytes(self, content: bytes, name: str = "upload.csv") -> None:
        """Read an uploaded file's bytes, as the Upload button does.

        Analyses at once when the expected columns are found; otherwise
        shows the column choices and waits for *Analyse*.
        """
        upload = Upload(name, bytes(content))
        self.source = upload
        self._set_example("")
        self._clear_results()
        try:
            header, self._reading_notes = self.columns.offer(upload)
        except ToolkitError as exc:
            self._problem(str(exc))
            return

        missing = self.columns.missing()
        if self.columns.mapping()["criterion"] is None:
            self._reading_notes.append(
                f"{upload.name!r} has no criterion column, so it is read as one "
                "criterion called 'score'; if it holds several, choose the "
                "column under Columns"
            )
        self.columns.show(bool(missing or self._reading_notes))
        if missing:
            self._problem(self._missing_message(upload, missing, header))
            return
        self.analyse()

    def load_example(self, name: str) -> None:
        """Analyse a bundled example (see :data:`toolkit.examples.EXAMPLES`)."""
        if name not in EXAMPLES:
            self._problem(
                f"there is no bundled example {name!r}; choose one of "
                f"{', '.join(EXAMPLES)}"
            )
            return
        self.source = name
        self._set_example(name)
        self._reading_notes = []
        self.columns.show(False)
        self.analyse()

    def _on_upload(self, change: dict[str, Any]) -> None:
        on_upload_change(change, load=self.load_bytes, problem=self._problem)

    def _on_example(self, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"]:
            self.load_example(change["new"])

    def _set_example(self, name: str) -> None:
        self._quiet = True
        try:
            self.example.value = name
        finally:
            self._quiet = False

    # ------------------------------------------------------------ analysis
    def analyse(self) -> None:
        """Read the chosen file or example and show its calibration report."""
        self._clear_results()
        if self.source is None:
            self.message.value = message_html(
                "Upload a CSV file or choose an example first.", kind="hint"
            )
            return
        if isinstance(self.source, Upload):
            missing = self.columns.missing()
            if missing:
                self._problem(self._missing_message(self.source, missing, None))
                return

        self.message.value = message_html("Analysing the round…", kind="working")
        try:
            with collect_warnings() as caught:
                table = self._read()
                report = calibration_report(
                    table,
                    n_resamples=self.n_resamples,
                    rng=self.seed.value,
                    target_half_width=self.target_half_width.value,
                )
        except ToolkitError as exc:
            self._problem(str(exc))
            return

        self.table, self.report = table, report
        extra = [note for note in caught if note not in report.notes]
        self.shown_notes = (*self._reading_notes, *report.notes, *extra)
        self._show_results(table, report)

    def _read(self) -> RatingsTable:
        if isinstance(self.source, Upload):
            return ratings_from_upload(
                self.source,
                columns=self.columns.mapping(),
                scale=None if self.scale.value == _INFERRED else self.scale.value,
                levels=parse_levels(self.levels.value),
            )
        own_scale = self.scale.value != _INFERRED or self.levels.value.strip()
        self._reading_notes = (
            [
                f"the example {self.source!r} keeps its own scale; Scale and "
                "Levels apply to uploaded files"
            ]
            if own_scale
            else []
        )
        return load_example(str(self.source))

    def make_report(self) -> str | None:
        """Build the HTML report and offer it for download; returns the page."""
        if self.report is None:
            self._problem("analyse a round first; then prepare its report")
            return None
        with collect_warnings():
            page = calibration_html(
                self.report,
                title=f"Calibration round: {self._source_name()}",
                table=self.table,
            )
        self.report_html = page
        self.download.value = download_html(
            page.encode("utf-8"),
            filename=f"{Path(self._source_name()).stem}-calibration-report.html",
            mime="text/html",
            label="Download the report (HTML, opens in any browser)",
        )
        return page

    # ------------------------------------------------------------ showing
    def _show_results(self, table: RatingsTable, report: CalibrationReport) -> None:
        criteria = report.criteria
        self.verdict_table = criteria[list(VERDICT_COLUMNS)].copy()
        self.rater_table = report.raters[list(RATER_COLUMNS)].copy()
        self.planning_table = _planning_table(criteria)

        self.verdicts.value = _verdicts_html(self.verdict_table, report)
        self.criteria_image.value = figure_png(plots.criteria_figure(report))
        flagged = self.rater_table["flag"].notna().tolist()
        self.raters.value = _raters_html(self.rater_table, flagged)
        self.leniency_image.value = figure_png(plots.leniency_figure(report))
        self._quiet_heatmap(list(table.criteria))
        self._show_disputed()
        self.planning.value = _planning_html(
            self.planning_table, report, self.target_half_width.value
        )

        self.notes.value = notes_html(self.shown_notes)
        n_calls = criteria["n_calls"].max()
        self.message.value = message_html(
            f"{self._source_name()}: {len(table)} scores on {len(criteria)} "
            f"{'criterion' if len(criteria) == 1 else 'criteria'}, up to "
            f"{n_calls} calls each. Verdicts below; the "
            "Planning tab says whether the round had enough calls.",
            kind="done",
        )
        self.results.layout.display = None

    def _show_disputed(self) -> None:
        if self.report is None:
            return
        calls = self.report.disputed(self.n_disputed.value)
        self.disputed_table = calls[list(DISPUTED_COLUMNS)].copy()
        self.disputed.value = (
            "<p>Discuss these first: the calls where the raters' scores were "
            "furthest apart (disagreement: the mean difference between two "
            "scores of the call).</p>"
            + table_html(
                self.disputed_table,
                formats={"disagreement": number},
                headers={"n_scores": "scores given"},
            )
        )
        self.disputed_image.value = figure_png(
            plots.disputed_calls_figure(self.report, self.n_disputed.value)
        )

    def _quiet_heatmap(self, criteria: list[str]) -> None:
        self._quiet = True
        try:
            self.heatmap_criterion.options = criteria
            self.heatmap_criterion.value = criteria[0] if criteria else None
        finally:
            self._quiet = False
        self._draw_heatmap()

    def _draw_heatmap(self) -> None:
        criterion = self.heatmap_criterion.value
        if self._quiet or self.table is None or criterion is None:
            return
        with collect_warnings():
            figure = plots.rater_agreement_figure(self.table, criterion)
        self.heatmap_image.value = figure_png(figure)

    def _problem(self, text: str) -> None:
        self._clear_results()
        self.message.value = message_html(in_app(text), kind="problem")

    def _clear_results(self) -> None:
        self.table = None
        self.report = None
        self.report_html = None
        self.shown_notes = ()
        self._clear_tables()
        if hasattr(self, "results"):
            self.results.layout.display = "none"
            self.notes.value = ""
            self.download.value = ""

    def _clear_tables(self) -> None:
        self.verdict_table = pd.DataFrame(columns=list(VERDICT_COLUMNS))
        self.rater_table = pd.DataFrame(columns=list(RATER_COLUMNS))
        self.disputed_table = pd.DataFrame(columns=list(DISPUTED_COLUMNS))
        self.planning_table = pd.DataFrame(columns=list(PLANNING_COLUMNS))

    def _source_name(self) -> str:
        if isinstance(self.source, Upload):
            return self.source.name
        return f"example {self.source}"

    @staticmethod
    def _missing_message(
        upload: Upload, missing: list[str], header: tuple[str, ...] | None
    ) -> str:
        has = f" (it has {', '.join(map(repr, header))})" if header else ""
        return (
            f"{upload.name!r} has no column named {' or '.join(map(repr, missing))}"
            f"{has}; under Columns, choose which of its columns holds "
            f"{'each' if len(missing) > 1 else 'it'}, then press Analyse"
        )


def calibration_analyser(
    *, example: str | None = None, seed: int = 0, n_resamples: int = 2000
) -> CalibrationAnalyser:
    """The calibration round analyser, ready to display in a notebook.

    Upload a CSV of a calibration round (one row per score: call,
    criterion, rater, score) or pick a bundled example; the app shows the
    verdict per criterion with the chance of each band, lenient and severe
    raters, the most disputed calls, whether the round had enough calls
    (from :mod:`toolkit.planning`), and offers the HTML report.

    Parameters
    ----------
    example
        A bundled example to analyse at once, e.g. ``"synthetic_round"``.
    seed
        Seed of the bootstrap and planning simulations.
    n_resamples
        Bootstrap resamples per criterion.

    Returns
    -------
    CalibrationAnalyser
        Displays itself as the last expression of a cell; its tables
        (``verdict_table``, ``rater_table``, ``disputed_table``,
        ``planning_table``) and ``report`` are there for code.

    Notes
    -----
    A bad file never stops the app: what is wrong and how to fix it shows
    in its message line. The toolkit's warnings (a round with too few
    calls, a gap in the levels) show as notes under it.

    Examples
    --------
    >>> app = calibration_analyser(example="fleiss1971", n_resamples=200)
    >>> app.verdict_table[["criterion", "n_calls", "n_raters"]].values.tolist()
    [['diagnosis', 30, 6]]
    """
    return CalibrationAnalyser(example=example, seed=seed, n_resamples=n_resamples)


def _planning_table(criteria: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: calls scored, calls planning asks for, and enough or not."""
    needed = criteria["calls_needed"].astype(float)
    enough = [
        None if math.isnan(need) else bool(n >= need)
        for n, need in zip(criteria["n_calls"], needed, strict=True)
    ]
    return pd.DataFrame(
        {
            "criterion": criteria["criterion"],
            "n_calls": criteria["n_calls"],
            "n_raters": criteria["n_raters"],
            "estimate": criteria["estimate"],
            "half_width": (criteria["ci_high"] - criteria["ci_low"]) / 2,
            "calls_needed": needed,
            "enough": pd.Series(enough, index=criteria.index, dtype=object),
        }
    )


def _verdicts_html(frame: pd.DataFrame, report: CalibrationReport) -> str:
    low, high = report.options["thresholds"]
    level = report.options["level"]
    shown = pd.DataFrame(
        {
            "criterion": frame["criterion"],
            "verdict": frame["verdict"],
            "estimate": frame["estimate"].map(number),
            f"{level:.0%} interval": [
                f"{number(a)} to {number(b)}"
                for a, b in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
            "chance: sharper definition": frame["p_needs_sharper_definition"].map(
                share
            ),
            "tentative": frame["p_tentative"].map(share),
            "ready": frame["p_ready"].map(share),
            "calls": frame["n_calls"],
            "raters": frame["n_raters"],
        }
    )
    coefficients = ", ".join(str(c) for c in pd.unique(frame["coefficient"]))
    why = [
        f"{criterion}: {reason}"
        for criterion, verdict, reason in zip(
            frame["criterion"], frame["verdict"], frame["reason"], strict=True
        )
        if verdict in ("too few calls to tell", "undefined") and reason
    ]
    return (
        f"<p>Per criterion, {coefficients} with its bootstrap interval. "
        f"<i>Ready</i> from {high:.3f}, <i>tentative</i> from {low:.3f}, "
        "below that the criterion <i>needs a sharper definition</i>; the "
        "chances are the shares of the bootstrap in each band.</p>"
        + table_html(shown)
        + notes_html(why, heading="Why no verdict")
    )


def _raters_html(frame: pd.DataFrame, flagged: list[bool]) -> str:
    return (
        "<p>Offset: how far a rater's score lies from the other raters' mean "
        "on the same calls (above 0: lenient, below: severe), with its "
        "interval. <i>Change without</i>: how the criterion's coefficient "
        "moves without the rater (above 0: agreement rises). Flagged raters "
        "are in bold.</p>"
        + table_html(
            frame,
            formats={
                "offset": signed,
                "offset_low": signed,
                "offset_high": signed,
                "change_without": signed,
            },
            headers={
                "n_calls": "calls",
                "offset_low": "from",
                "offset_high": "to",
                "change_without": "change without",
            },
            emphasise=flagged,
        )
    )


def _planning_html(
    frame: pd.DataFrame, report: CalibrationReport, target: float
) -> str:
    level = report.options["level"]
    enough = int(frame["enough"].eq(True).sum())
    lines = []
    for row in frame.itertuples():
        lines.append(_planning_line(row, target))
    pooled = report.criteria["n_rounds"].max() > 1
    return (
        f"<p><b>Enough calls for a {level:.0%} interval of ±{target:.2f}: "
        f"{enough} of {len(frame)} criteria.</b> Three or four sample calls "
        "rarely tell a ready criterion from one that needs work.</p>"
        + notes_html(lines, heading="Per criterion")
        + table_html(
            frame,
            formats={
                "estimate": number,
                "half_width": number,
                "calls_needed": _calls,
                "enough": _yes_no,
            },
            headers={
                "n_calls": "calls" + (" (all rounds)" if pooled else ""),
                "n_raters": "raters",
                "half_width": "interval ±",
                "calls_needed": "calls needed",
            },
        )
        + "<p style='color:#555'>Calls needed: "
        "<code>toolkit.planning.calls_needed</code> at each criterion's "
        "observed coefficient (kept within 0.05-0.95), with this round's "
        "raters, levels and share of missing scores. Move the Planning slider "
        "and press Analyse for another target.</p>"
    )


def _planning_line(row: Any, target: float) -> str:
    needed, n_calls = row.calls_needed, row.n_calls
    if math.isnan(needed):
        return (
            f"{row.criterion}: the coefficient is undefined, so planning "
            "cannot say how many calls a verdict needs"
        )
    if math.isinf(needed):
        return (
            f"{row.criterion}: even 1000 calls would not give an interval of "
            f"±{target:.2f} at the observed {number(row.estimate)}; sharpen the "
            "criterion's definition before scoring more calls"
        )
    if row.enough:
        return (
            f"{row.criterion}: {n_calls} calls are enough (planning asks for "
            f"{needed:.0f})"
        )
    return (
        f"{row.criterion}: {n_calls} calls, planning asks for {needed:.0f}; "
        f"score about {needed - n_calls:.0f} more calls, or pool this round "
        "with the next, before trusting the verdict"
    )


def _calls(value: Any) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "more than 1000" if math.isinf(value) else f"{value:.0f}"


def _yes_no(value: Any) -> str:
    return "—" if value is None else ("yes" if value else "no")
