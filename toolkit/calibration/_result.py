"""What a calibration report holds, and how it reads as text and as JSON."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from toolkit.calibration._verdict import BAND_COLUMNS, BANDS, band_of

__all__ = ["CalibrationReport"]

_TABLES = ("criteria", "raters", "calls", "scale_use", "rounds")


@dataclass(frozen=True)
class CalibrationReport:
    """A calibration round read per criterion, rater and call.

    Every table is a tidy DataFrame, one observation per row; numbers are not
    rounded.

    Attributes
    ----------
    criteria
        One row per criterion, on all its calls (every round pooled):
        ``scale`` and ``levels``; the ``coefficient`` and its ``variant``;
        ``estimate``, bootstrap percentile interval ``ci_low`` to ``ci_high``
        and ``standard_error``; ``n_calls`` and ``n_raters`` used; the band
        probabilities ``p_needs_sharper_definition``, ``p_tentative`` and
        ``p_ready``; the ``verdict`` (one of :data:`VERDICTS`) and its
        ``reason``; ``bootstrap_shift`` (mean resampled value minus the
        estimate) and ``n_undefined_resamples``; ``estimate_without_flagged``
        (without the raters flagged lenient or severe on it, NaN when none
        is); ``n_rounds`` and ``last_ready_round``; ``calls_needed`` (from
        :mod:`toolkit.planning`, NaN when not asked).
    raters
        One row per criterion and rater: ``n_calls`` scored; ``offset`` from
        the other raters' mean with its t interval ``offset_low`` to
        ``offset_high``; ``flag`` (``"lenient"``, ``"severe"`` or None);
        ``exact_agreement`` (share of the rater's pairs with others on a call
        that match); ``pairwise_agreement`` (mean coefficient over the pairs
        the rater forms); ``coefficient_without`` the rater and
        ``change_without`` (that minus the estimate: above 0, agreement rises
        without them); ``lowest_level`` and ``highest_level`` used and
        ``never_lowest`` / ``never_highest`` (others used a lower / higher
        level).
    calls
        One row per criterion and call, most disputed first within a
        criterion: ``round``, ``call``, ``n_scores``, ``scores`` (in scale
        order), ``disagreement`` and ``rank`` (1 = most disputed).
    scale_use
        One row per criterion, rater and level: ``position`` on the scale,
        ``count`` and ``share`` of the rater's scores.
    rounds
        One row per criterion and round (empty without rounds): the columns
        of ``criteria`` from ``coefficient`` to ``reason``, and ``change``
        from the criterion's previous round.
    notes
        What was left out or warned about, in words a lead reads.
    options
        The options the report was made with.
    seed
        The seed of every bootstrap and planning simulation; passing it as
        ``rng`` reproduces the report.
    toolkit_version
        The toolkit that made it.
    """

    criteria: pd.DataFrame
    raters: pd.DataFrame
    calls: pd.DataFrame
    scale_use: pd.DataFrame
    rounds: pd.DataFrame
    notes: tuple[str, ...]
    options: Mapping[str, Any]
    seed: int
    toolkit_version: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    @property
    def bands(self) -> pd.DataFrame:
        """Band probabilities in long form: criterion, round, band, edges.

        ``round`` is None for the pooled estimate; ``low`` and ``high`` are
        the band's edges (``-inf`` and ``inf`` at the open ends).
        """
        low, high = self.options["thresholds"]
        edges = dict(
            zip(BANDS, [(-math.inf, low), (low, high), (high, math.inf)], strict=True)
        )
        pooled = self.criteria.assign(round=None)
        rows = []
        for frame in (pooled, self.rounds):
            for record in frame.to_dict(orient="records"):
                for band in BANDS:
                    rows.append(
                        {
                            "criterion": record["criterion"],
                            "round": record["round"],
                            "band": band,
                            "low": edges[band][0],
                            "high": edges[band][1],
                            "probability": record[BAND_COLUMNS[band]],
                        }
                    )
        columns = ["criterion", "round", "band", "low", "high", "probability"]
        return pd.DataFrame(rows, columns=columns)

    def flagged_raters(self) -> pd.DataFrame:
        """The rows of ``raters`` flagged lenient or severe."""
        return self.raters[self.raters["flag"].notna()].reset_index(drop=True)

    def disputed(self, n_calls: int = 3) -> pd.DataFrame:
        """The ``n_calls`` most disputed calls of each criterion."""
        return (
            self.calls.groupby("criterion", sort=False)
            .head(n_calls)
            .reset_index(drop=True)
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain values for JSON: tables as lists of records.

        NaN becomes None, numpy numbers Python numbers, infinities the
        strings ``"inf"`` / ``"-inf"``.
        """
        payload: dict[str, Any] = {
            name: [_plain(r) for r in getattr(self, name).to_dict(orient="records")]
            for name in _TABLES
        }
        payload["notes"] = list(self.notes)
        payload["options"] = _plain(dict(self.options))
        payload["seed"] = self.seed
        payload["toolkit_version"] = self.toolkit_version
        return payload

    def summary(self, n_disputed: int = 3) -> str:
        """What a lead reads after the session, criterion by criterion."""
        options = self.options
        low, high = options["thresholds"]
        lines = [
            f"Verdicts: {_names(self.criteria['coefficient'])}, "
            f"{options['level']:.0%} bootstrap percentile intervals "
            f"({options['n_resamples']} resamples, seed {self.seed})",
            f"  bands: needs a sharper definition below {low:.3f}, tentative "
            f"{low:.3f} to {high:.3f}, ready {high:.3f} or more",
        ]
        for record in self.criteria.to_dict(orient="records"):
            lines.append("")
            lines.extend(self._criterion_lines(record, n_disputed))
        if self.notes:
            lines.extend(["", "Notes"])
            lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines) + "\n"

    def _criterion_lines(self, record: Mapping[Any, Any], n_disputed: int) -> list:
        name = record["criterion"]
        percent = f"{self.options['level']:.0%}"
        lines = [
            f"{name}: {record['verdict']}",
            f"  {record['coefficient']} {_number(record['estimate'])} ({percent} "
            f"interval {_number(record['ci_low'])} to {_number(record['ci_high'])})"
            f", {record['n_calls']} calls, {record['n_raters']} raters",
        ]
        if record["verdict"] not in BANDS:
            lines.append(f"  why: {record['reason']}")
        if not math.isnan(record["p_ready"]):
            chances = ", ".join(
                f"{record[BAND_COLUMNS[band]]:.0%} {band}" for band in BANDS
            )
            lines.append(f"  chance of each band (bootstrap): {chances}")
        lines.extend(self._rater_lines(name, record))
        disputed = self.calls[self.calls["criterion"] == name].head(n_disputed)
        if len(disputed):
            shown = "; ".join(
                f"{_call(row)} ({row['scores']}: {row['disagreement']:.2f})"
                for row in disputed.to_dict(orient="records")
            )
            lines.append(f"  most disputed calls: {shown}")
        lines.extend(self._round_lines(name, record))
        return lines

    def _rater_lines(self, name: str, record: Mapping[Any, Any]) -> list[str]:
        raters = self.raters[self.raters["criterion"] == name]
        if record["scale"] == "nominal":
            return ["  leniency: not defined on a nominal scale"]
        lines = []
        unit = "levels" if record["scale"] == "ordinal" else "points"
        for flag in ("lenient", "severe"):
            rows = raters[raters["flag"] == flag].to_dict(orient="records")
            shown = ", ".join(
                f"{row['rater']} ({row['offset']:+.2f} {unit}, "
                f"{_number(row['offset_low'])} to {_number(row['offset_high'])})"
                for row in rows
            )
            lines.append(f"  {flag}: {shown or 'nobody'}")
        without = record["estimate_without_flagged"]
        if not math.isnan(without):
            band = band_of(without, self.options["thresholds"])
            lines.append(f"  without the flagged raters: {_number(without)} ({band})")
        for side in ("lowest", "highest"):
            never = raters[f"never_{side}"].eq(True)
            if never.any() and not never.all():
                level = raters.loc[~never, f"{side}_level"].iloc[0]
                lines.append(
                    f"  never used the {side} level others used ({level}): "
                    f"{', '.join(map(str, raters.loc[never, 'rater']))}"
                )
        return lines

    def _round_lines(self, name: str, record: Mapping[Any, Any]) -> list[str]:
        rounds = self.rounds[self.rounds["criterion"] == name]
        if rounds.empty:
            return []
        shown = "; ".join(
            f"{row['round']}: {_number(row['estimate'])} {row['verdict']}"
            for row in rounds.to_dict(orient="records")
        )
        last = record["last_ready_round"]
        return [
            f"  by round: {shown}",
            f"  last ready: {'never' if pd.isna(last) else f'round {last}'}",
        ]


def _names(values: pd.Series) -> str:
    return ", ".join(str(v) for v in pd.unique(values)) or "no criterion"


def _call(row: dict[str, Any]) -> str:
    if pd.isna(row["round"]):
        return str(row["call"])
    return f"{row['call']} (round {row['round']})"


def _number(value: Any) -> str:
    number = float(value)
    return "—" if math.isnan(number) else f"{number:.3f}"


def _plain(value: Any) -> Any:
    """Plain Python values for JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    if value is pd.NA or value is pd.NaT:
        return None
    return value
