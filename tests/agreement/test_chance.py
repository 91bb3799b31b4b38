"""The option checks shared by the chance-corrected coefficients and alpha."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.agreement._chance_data import check_choice, needs_order


def test_check_choice_names_the_argument_its_value_and_the_choices():
    choices = {"available": "all ratings", "drop_units": "complete calls"}

    with pytest.raises(ValueError) as raised:
        check_choice("missing", "pairwise", choices)

    assert str(raised.value) == (
        "missing='pairwise' is not known; use 'available' (all ratings) or "
        "'drop_units' (complete calls)"
    )


def test_check_choice_takes_a_plain_list_and_a_hint():
    with pytest.raises(ValueError, match=r"use 'a', 'b' or 'c', or pass x"):
        check_choice("kind", "d", ("a", "b", "c"), hint=", or pass x")


@pytest.mark.parametrize("value", [None, "gwet"])
def test_check_choice_accepts_listed_values_none_included(value):
    check_choice("standard_error", value, {"gwet": "linearisation", None: "none"})


def test_check_choice_refuses_an_array_without_numpy_errors():
    with pytest.raises(ValueError, match=r"weights=array"):
        check_choice("weights", np.eye(2), ("identity",))


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ("identity", False),
        ("unweighted", False),
        ("cubic", False),  # unknown kinds are weight_matrix's to refuse
        ("linear", True),
        ("quadratic", True),
        ("circular", True),
        (np.eye(3), False),
        (np.ones((3, 3)), True),
    ],
)
def test_needs_order_for_every_weighting_but_identity(weights, expected):
    assert needs_order(weights) is expected


@pytest.mark.parametrize("n_categories", [1, 2])
def test_no_weight_kind_needs_an_order_on_two_categories(n_categories):
    assert not needs_order("quadratic", n_categories)
    assert needs_order("quadratic", 3)
    assert needs_order(np.ones((2, 2)), n_categories)
