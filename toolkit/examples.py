"""Bundled example data: published inter-rater ratings and one synthetic round.

Each published example is a long CSV under ``toolkit/data/`` with columns
``unit``, ``rater`` and ``score`` (an empty score is a missing rating) and one
criterion. An example with several criteria (``Example.criteria``) uses the
ratings table's own columns ``call``, ``criterion``, ``rater`` and ``score``.
Their sources are listed in ``toolkit/data/PROVENANCE.md`` and in
:data:`EXAMPLES`; the synthetic one says so in its description and source.

Examples
--------
>>> table = load_example("fleiss1971")
>>> table.criteria
('diagnosis',)
>>> ratings = table.criterion("diagnosis")
>>> ratings.n_calls, ratings.n_raters
(30, 6)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from toolkit.ratings import RatingsTable
from toolkit.scales import Scale

__all__ = ["EXAMPLES", "Example", "example_path", "load_example"]


@dataclass(frozen=True)
class Example:
    """A bundled data set: where it is, what it measures, where it comes from.

    ``criterion`` is the file's one criterion, or the first of ``criteria``
    when the file has a criterion column (every criterion shares ``scale``).
    """

    name: str
    file: str
    criterion: str
    scale: Scale
    description: str
    source: str
    criteria: tuple[str, ...] = ()


def _example(
    name: str,
    file: str,
    criterion: str,
    kind: str,
    levels: tuple[Any, ...] | None,
    description: str,
    source: str,
) -> Example:
    return Example(
        name,
        file,
        criterion,
        Scale(kind, levels),  # type: ignore[arg-type]
        description,
        source,
    )


_FLEISS = "Fleiss (1971) Psychological Bulletin 76:378-382, Table 1"
_KRIPP = "Krippendorff (2011) Computing Krippendorff's alpha-reliability"
_GWET = "Gwet (2014) Handbook of Inter-Rater Reliability, 4th ed.; irrCAC data"
_SYNTHETIC_CRITERIA = (
    "confirmed primary concern",
    "summarised next steps",
    "used customer words",
)

EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        _example(
            "fleiss1971",
            "fleiss1971_diagnoses.csv",
            "diagnosis",
            "nominal",
            None,
            "30 patients, 6 psychiatrists each, 5 diagnoses",
            _FLEISS,
        ),
        _example(
            "fleiss1971_r4r6",
            "fleiss1971_diagnoses_r4r6.csv",
            "diagnosis",
            "nominal",
            None,
            "raters 4 and 6 of fleiss1971",
            _FLEISS,
        ),
        _example(
            "fleiss1971_distrib15",
            "fleiss1971_distrib15.csv",
            "diagnosis",
            "nominal",
            None,
            "first 15 patients of fleiss1971 (irrCAC distrib_6raters)",
            _FLEISS,
        ),
        _example(
            "shrout_fleiss1979",
            "shrout_fleiss1979.csv",
            "rating",
            "interval",
            None,
            "6 targets rated by 4 judges on 1-10",
            "Shrout & Fleiss (1979) Psychological Bulletin 86:420, Table 2",
        ),
        _example(
            "krippendorff2011",
            "krippendorff2011_c_data.csv",
            "value",
            "ordinal",
            (1, 2, 3, 4, 5),
            "12 units, 4 observers, 7 missing",
            _KRIPP + "; irrCAC raw_4raters",
        ),
        _example(
            "krippendorff2011_binary",
            "krippendorff2011_binary.csv",
            "value",
            "nominal",
            None,
            "10 units, 2 observers, binary",
            _KRIPP,
        ),
        _example(
            "krippendorff2011_nominal",
            "krippendorff2011_nominal_2obs.csv",
            "value",
            "nominal",
            None,
            "12 units, 2 observers, labels a-e",
            _KRIPP + "; irrCAC raw_ben_gerry",
        ),
        _example(
            "wikipedia_alpha",
            "wikipedia_alpha_example.csv",
            "value",
            "ordinal",
            (1, 2, 3, 4),
            "15 units, 3 coders, 18 missing",
            "Wikipedia, Krippendorff's alpha, worked example",
        ),
        _example(
            "pingouin_wine",
            "pingouin_wine_icc.csv",
            "rating",
            "interval",
            None,
            "8 wines, 4 judges, scores 0-9",
            "pingouin datasets/icc.csv",
        ),
        _example(
            "cohen1968",
            "cohen1968_table.csv",
            "category",
            "nominal",
            None,
            "200 units, 2 raters, 3 categories (table proportions x 200)",
            "Cohen (1968) Psychological Bulletin 70:213",
        ),
        _example(
            "fce1969",
            "fce1969_table.csv",
            "category",
            "nominal",
            None,
            "200 units, 2 raters, 3 categories",
            "Fleiss, Cohen & Everitt (1969) Psychological Bulletin 72:323",
        ),
        _example(
            "gwet2014_abstractors",
            "gwet2014_abstractors.csv",
            "diagnosis",
            "nominal",
            None,
            "100 records, 2 abstractors, 3 categories",
            _GWET,
        ),
        _example(
            "gwet2014_diagnosis",
            "gwet2014_diagnosis4x4.csv",
            "diagnosis",
            "nominal",
            None,
            "223 patients, 2 methods, 4 diagnoses",
            _GWET,
        ),
        _example(
            "gwet2014_gender",
            "gwet2014_raw_gender.csv",
            "category",
            "nominal",
            None,
            "15 units, 4 raters, 3 categories",
            _GWET,
        ),
        _example(
            "gwet2014_5observers",
            "gwet2014_raw5obser.csv",
            "score",
            "ordinal",
            (0, 1, 2, 3),
            "15 units, 5 observers, 17 missing",
            _GWET,
        ),
        _example(
            "gwet2014_g1g2",
            "gwet2014_raw_g1g2.csv",
            "category",
            "nominal",
            None,
            "14 units, 4 raters, 7 missing",
            _GWET,
        ),
        _example(
            "gwet2014_ben_gerry",
            "gwet2014_ben_gerry.csv",
            "category",
            "nominal",
            None,
            "12 units, 2 raters, labels a-e",
            _GWET,
        ),
        Example(
            "synthetic_round",
            "synthetic_round.csv",
            _SYNTHETIC_CRITERIA[0],
            Scale("ordinal", (1, 2, 3, 4, 5)),
            "SYNTHETIC calibration round: 12 calls, 5 peers, 3 criteria on 1-5; "
            "planted: lenient peer_3, ambiguous 'used customer words'",
            "synthetic, not real data: toolkit.synthetic.calibration_round("
            "n_calls=12, rng=7)",
            _SYNTHETIC_CRITERIA,
        ),
    )
}


def example_path(name: str) -> Any:
    """Path (a ``Traversable``) of a bundled example's CSV."""
    if name not in EXAMPLES:
        raise KeyError(
            f"no bundled example {name!r}; choose one of {', '.join(EXAMPLES)}"
        )
    return resources.files("toolkit") / "data" / EXAMPLES[name].file


def load_example(name: str) -> RatingsTable:
    """Load a bundled example as a :class:`~toolkit.ratings.RatingsTable`."""
    path = example_path(name)
    example = EXAMPLES[name]
    with resources.as_file(path) as file:
        if example.criteria:
            return RatingsTable.from_csv(
                file, scale=example.scale.kind, levels=example.scale.levels
            )
        return RatingsTable.from_csv(
            file,
            call="unit",
            criterion=None,
            default_criterion=example.criterion,
            scale=example.scale.kind,
            levels=example.scale.levels,
        )
