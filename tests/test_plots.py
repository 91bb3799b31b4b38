"""The figures show the report's own numbers, and leave nothing open."""

from __future__ import annotations

import io
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from toolkit import plots
from toolkit.calibration import calibration_report
from toolkit.divergence import divergence_report
from toolkit.examples import load_example
from toolkit.ratings import RatingsTable
from toolkit.synthetic import monthly_scores


@pytest.fixture(scope="module")
def round_table() -> RatingsTable:
    return load_example("synthetic_round")


@pytest.fixture(scope="module")
def report(round_table):
    return calibration_report(
        round_table, rng=7, n_resamples=200, target_half_width=None
    )


@pytest.fixture(scope="module")
def month_report():
    return divergence_report(monthly_scores(rng=4).table)


@pytest.fixture(autouse=True)
def no_figure_left_open():
    yield
    assert plt.get_fignums() == []


def _collection(ax, gid):
    return next(c for c in ax.collections if c.get_gid() == gid)


def _row_labels(ax) -> dict[float, str]:
    return {
        float(y): label.get_text()
        for y, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }


def test_criteria_figure_has_one_interval_per_criterion_at_the_reports_numbers(
    report,
):
    ax = plots.criteria_figure(report).axes[0]

    segments = _collection(ax, "intervals").get_segments()
    lows = [segment[0][0] for segment in segments]
    highs = [segment[1][0] for segment in segments]
    estimates = next(line for line in ax.lines if line.get_gid() == "estimates")
    assert len(segments) == len(report.criteria)
    np.testing.assert_allclose(lows, report.criteria["ci_low"])
    np.testing.assert_allclose(highs, report.criteria["ci_high"])
    np.testing.assert_allclose(estimates.get_xdata(), report.criteria["estimate"])
    rows = _row_labels(ax)
    assert [rows[segment[0][1]] for segment in segments] == list(
        report.criteria["criterion"]
    )


def test_criteria_figure_shades_the_three_bands_at_the_thresholds(report):
    ax = plots.criteria_figure(report).axes[0]

    edges = sorted({round(p.get_x(), 6) for p in ax.patches})
    low, high = report.options["thresholds"]
    assert len(ax.patches) == 3
    assert low in edges and high in edges


def test_leniency_figure_highlights_exactly_the_flagged_raters(report):
    ax = plots.leniency_figure(report).axes[0]

    flagged = report.flagged_raters()
    segments = _collection(ax, "flagged").get_segments()
    rows = _row_labels(ax)
    headings = {y: t for y, t in rows.items() if t in set(report.raters.criterion)}
    shown = []
    for segment in segments:
        y = segment[0][1]
        heading = max(h for h in headings if h < y)
        shown.append([headings[heading], rows[y], segment[0][0], segment[1][0]])
    expected = flagged[["criterion", "rater", "offset_low", "offset_high"]]
    assert shown == expected.to_numpy().tolist()
    assert len(_collection(ax, "unflagged").get_segments()) == len(report.raters) - len(
        flagged
    )
    bold = [
        label.get_text()
        for label in ax.get_yticklabels()
        if label.get_fontweight() == "bold" and label.get_color() != "black"
    ]
    assert bold == list(flagged["rater"])


def _pairwise_by_hand(matrix: pd.DataFrame) -> np.ndarray:
    raters = list(matrix.columns)
    shares = np.full((len(raters), len(raters)), np.nan)
    for (i, a), (j, b) in itertools.permutations(enumerate(raters), 2):
        both = matrix[[a, b]].dropna()
        if len(both):
            shares[i, j] = (both[a] == both[b]).mean()
    return shares


@pytest.mark.parametrize(
    "matrix",
    [
        pd.DataFrame(
            {
                "ana": [1, 2, 3, 4, 2, np.nan],
                "ben": [1, 2, 2, 4, np.nan, 3],
                "cy": [2, 2, 3, np.nan, 2, 3],
                "dee": [np.nan, np.nan, np.nan, 1, np.nan, np.nan],
            }
        ),
        pd.DataFrame(
            {
                "ana": ["yes", "no", "no", None],
                "ben": ["yes", "yes", "no", "no"],
                "cy": ["no", "no", None, "no"],
            }
        ),
    ],
    ids=["numbers with gaps", "labels"],
)
def test_rater_agreement_heatmap_equals_a_pairwise_count_by_hand(matrix):
    image = plots.rater_agreement_figure(matrix).axes[0].images[0]

    shown = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_allclose(shown, _pairwise_by_hand(matrix), equal_nan=True)


def test_rater_agreement_figure_takes_a_table_and_a_criterion(round_table):
    criterion = round_table.criteria[2]
    figure = plots.rater_agreement_figure(round_table, criterion)

    matrix = round_table.criterion(criterion).matrix
    shown = np.ma.filled(figure.axes[0].images[0].get_array().astype(float), np.nan)
    np.testing.assert_allclose(shown, _pairwise_by_hand(matrix), equal_nan=True)
    assert criterion in figure.axes[0].get_title(loc="left")


def test_rater_agreement_figure_refuses_a_report_and_asks_for_the_table(
    report, round_table
):
    with pytest.raises(TypeError, match="pass the RatingsTable"):
        plots.rater_agreement_figure(report, "used customer words")
    with pytest.raises(ValueError, match="name one"):
        plots.rater_agreement_figure(round_table)


def test_disputed_calls_figure_draws_the_most_disputed_calls(report):
    ax = plots.disputed_calls_figure(report, n_calls=3).axes[0]

    widths = [bar.get_width() for bar in ax.patches]
    np.testing.assert_allclose(widths, report.disputed(3)["disagreement"])


def test_divergence_figure_counts_peer_above_and_below_per_rep_and_criterion(
    month_report,
):
    ax = plots.divergence_figure(month_report).axes[0]

    above, below = ax.containers
    totals = month_report.summary.groupby(["rep", "criterion"], sort=False)[
        ["n_peer_above", "n_peer_below"]
    ].sum()
    assert [bar.get_width() for bar in above] == list(totals["n_peer_above"])
    assert [-bar.get_width() for bar in below] == list(totals["n_peer_below"])


def test_figures_draw_into_a_given_axes(report):
    figure = Figure()
    ax = figure.add_subplot()

    assert plots.criteria_figure(report, ax=ax) is figure
    assert len(_collection(ax, "intervals").get_segments()) == 3


def test_names_with_dollars_are_shown_as_text_not_as_formulas():
    rows = [
        (f"c{i}", name, rater, score)
        for i, scores in enumerate([(1, 1, 2), (2, 2, 2), (3, 3, 3), (1, 2, 1)])
        for name in [r"$\frac{x$ calls"]
        for rater, score in zip(["$ana$", "ben", "cy"], scores, strict=True)
    ]
    table = RatingsTable.from_long(
        pd.DataFrame(rows, columns=["call", "criterion", "rater", "score"])
    )
    report = calibration_report(table, rng=1, n_resamples=100, target_half_width=None)

    figures = [
        plots.criteria_figure(report),
        plots.leniency_figure(report),
        plots.disputed_calls_figure(report),
        plots.rater_agreement_figure(table),
    ]
    for figure in figures:
        figure.savefig(io.BytesIO(), format="png")  # a formula would not parse
    labels = [t.get_text() for t in figures[0].axes[0].get_yticklabels()]
    assert labels == [r"\$\frac{x\$ calls"]


def test_figures_take_only_their_report(report, month_report):
    with pytest.raises(TypeError, match="takes a CalibrationReport"):
        plots.criteria_figure(month_report)
    with pytest.raises(TypeError, match="takes a DivergenceReport"):
        plots.divergence_figure(report)
    with pytest.raises(ValueError, match="n_calls=0"):
        plots.disputed_calls_figure(report, n_calls=0)
