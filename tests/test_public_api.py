"""Every public module lists in ``__all__`` exactly what it offers."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "toolkit",
    "toolkit.agreement",
    "toolkit.calibration",
    "toolkit.errors",
    "toolkit.divergence",
    "toolkit.examples",
    "toolkit.guide",
    "toolkit.pairing",
    "toolkit.planning",
    "toolkit.plots",
    "toolkit.report",
    "toolkit.ratings",
    "toolkit.widgets",
    "toolkit.scales",
    "toolkit.simulation",
    "toolkit.synthetic",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_import_and_public_definitions_are_listed(name):
    module = importlib.import_module(name)

    for public in module.__all__:
        assert hasattr(module, public), f"{name}.__all__ lists missing {public}"

    defined_here = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", "") == name
    }
    assert defined_here <= set(module.__all__)


def test_agreement_exports_every_registered_coefficient():
    from toolkit import agreement

    for coefficient in agreement.coefficient_names():
        assert coefficient in agreement.__all__
