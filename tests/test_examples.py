"""Bundled examples: each loads, and each file has its provenance recorded."""

from __future__ import annotations

from importlib import resources

import pytest

from toolkit.examples import EXAMPLES, load_example


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_loads_with_its_declared_scale(name):
    example = EXAMPLES[name]

    table = load_example(name)

    ratings = table.criterion(example.criterion)
    assert ratings.scale.kind == example.scale.kind
    assert ratings.n_raters >= 2


def test_every_bundled_file_is_listed_in_provenance():
    folder = resources.files("toolkit") / "data"
    provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    files = [p.name for p in folder.iterdir() if p.name.endswith(".csv")]

    for file in files:
        family = file.startswith("gwet2014_") and "gwet2014_*.csv" in provenance
        assert file in provenance or family, f"{file} has no provenance line"
    assert {e.file for e in EXAMPLES.values()} <= set(files)


def test_fleiss_example_matches_the_published_table_shape():
    # Fleiss (1971) Table 1: 30 patients, 6 ratings each, 5 diagnoses
    ratings = load_example("fleiss1971").criterion("diagnosis")

    assert (ratings.n_calls, ratings.n_raters, ratings.n_scores) == (30, 6, 180)
    assert len(ratings.scale.levels or ()) == 5


def test_synthetic_round_is_the_generator_output_its_provenance_names():
    # PROVENANCE.md: calibration_round(n_calls=12, rng=7), levels 1-5
    from toolkit.synthetic import calibration_round

    bundled = load_example("synthetic_round").frame
    generated = calibration_round(n_calls=12, rng=7).table

    assert "SYNTHETIC" in EXAMPLES["synthetic_round"].description
    assert bundled["score"].astype(int).tolist() == generated["score"].tolist()
    assert bundled["call"].tolist() == generated["call"].tolist()
    assert bundled["rater"].tolist() == generated["rater"].tolist()
