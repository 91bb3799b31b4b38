"""Speed of our ICC against pingouin's intraclass_corr on the same scores.

1,000 calls x 10 raters, normal scores with a call effect and rater offsets.
Each timing is the median over several runs of the time per call; pingouin gets
the long table it needs, we get the wide matrix (and, separately, the wide
DataFrame). Our scores go through ``rating_matrix`` like every coefficient's;
its share is timed on its own. Run by hand:

    /work/venv/bin/python benchmarks/bench_icc.py
"""

from __future__ import annotations

import statistics
import timeit
import warnings

import numpy as np
import pandas as pd
import pingouin

from toolkit.agreement._icc import icc, icc_table
from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import AgreementResult

N_UNITS = 1_000
N_RATERS = 10
RUNS = 7


def _scores(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(N_UNITS, 1))
        + 0.5 * rng.normal(size=(1, N_RATERS))
        + rng.normal(size=(N_UNITS, N_RATERS))
    )


def _median_seconds(function, number: int) -> float:
    """Median over RUNS of the mean time of ``number`` calls."""
    times = timeit.repeat(function, number=number, repeat=RUNS)
    return statistics.median(times) / number


def main() -> None:
    scores = _scores()
    wide = pd.DataFrame(scores)
    long = (
        wide.rename_axis("call")
        .reset_index()
        .melt(id_vars="call", var_name="rater", value_name="score")
    )

    def ours() -> AgreementResult:
        return icc(scores)

    def ours_frame() -> AgreementResult:
        return icc(wide)

    def ours_table() -> pd.DataFrame:
        return icc_table(scores)

    def ours_input() -> RatingMatrix:
        return rating_matrix(scores)

    def theirs() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pingouin.intraclass_corr(
                long, targets="call", raters="rater", ratings="score"
            )

    # same numbers first: ICC(A,1) from both
    table = theirs().set_index("Type")
    expected = float(table["ICC"].to_numpy()[table.index == "ICC(A,1)"][0])
    if abs(ours().statistic - expected) > 1e-9:
        raise SystemExit(f"ICC(A,1) differs: ours {ours().statistic}, {expected}")

    t_ours = _median_seconds(ours, 200)
    t_frame = _median_seconds(ours_frame, 50)
    t_table = _median_seconds(ours_table, 50)
    t_input = _median_seconds(ours_input, 200)
    t_theirs = _median_seconds(theirs, 5)

    print(f"ICC on {N_UNITS:,} calls x {N_RATERS} raters, median of {RUNS} runs")
    print(f"  ours  icc(ndarray), ICC(A,1)       {t_ours * 1e3:8.3f} ms")
    print(f"  ours  icc(wide DataFrame)           {t_frame * 1e3:8.3f} ms")
    print(f"  ours  icc_table (all six forms)     {t_table * 1e3:8.3f} ms")
    print(f"    of which rating_matrix(ndarray)   {t_input * 1e3:8.3f} ms")
    print(f"  pingouin intraclass_corr (six)      {t_theirs * 1e3:8.3f} ms")
    print(f"  ratio pingouin / icc(ndarray)       {t_theirs / t_ours:8.1f} x")
    print(f"  ratio pingouin / icc(DataFrame)     {t_theirs / t_frame:8.1f} x")
    print(f"  ratio pingouin / icc_table          {t_theirs / t_table:8.1f} x")


if __name__ == "__main__":
    main()
