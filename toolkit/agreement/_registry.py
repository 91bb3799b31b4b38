"""Every coefficient by name, with the paths the bootstrap can take for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit.agreement import (
    _alpha,
    _cohen,
    _fleiss,
    _gwet,
    _icc,
    _kendall,
    _percent,
)
from toolkit.agreement._result import AgreementResult
from toolkit.agreement._terms import UnitTerms

__all__ = ["CoefficientSpec", "coefficient_names", "coefficient_spec"]


@dataclass(frozen=True)
class CoefficientSpec:
    """A coefficient and how to resample it.

    ``unit_terms`` gives additive per-unit terms (one matrix product per block of
    resamples); ``batch`` recomputes the statistic on a stack of resampled
    matrices. A spec has at least one of the two.
    """

    name: str
    function: Callable[..., AgreementResult]
    unit_terms: Callable[..., UnitTerms] | None = None
    batch: Callable[..., np.ndarray] | None = None


def _specs() -> dict[str, CoefficientSpec]:
    entries: list[tuple[str, Any, Any, Any]] = [
        (
            "percent_agreement",
            _percent.percent_agreement,
            _percent._percent_agreement_unit_terms,
            None,
        ),
        ("cohen_kappa", _cohen.cohen_kappa, _cohen._cohen_kappa_unit_terms, None),
        ("scott_pi", _cohen.scott_pi, _cohen._scott_pi_unit_terms, None),
        ("light_kappa", _cohen.light_kappa, _cohen._light_kappa_unit_terms, None),
        ("fleiss_kappa", _fleiss.fleiss_kappa, _fleiss._fleiss_kappa_unit_terms, None),
        ("conger_kappa", _gwet.conger_kappa, _gwet._conger_kappa_unit_terms, None),
        (
            "brennan_prediger",
            _gwet.brennan_prediger,
            _gwet._brennan_prediger_unit_terms,
            None,
        ),
        ("gwet_ac1", _gwet.gwet_ac1, _gwet._gwet_ac1_unit_terms, None),
        ("gwet_ac2", _gwet.gwet_ac2, _gwet._gwet_ac2_unit_terms, None),
        (
            "krippendorff_alpha",
            _alpha.krippendorff_alpha,
            _alpha._krippendorff_alpha_unit_terms,
            _alpha._krippendorff_alpha_batch,
        ),
        ("icc", _icc.icc, _icc._icc_unit_terms, None),
        ("kendall_w", _kendall.kendall_w, None, _kendall._kendall_w_batch),
    ]
    return {
        name: CoefficientSpec(name, function, terms, batch)
        for name, function, terms, batch in entries
    }


_SPECS = _specs()


def coefficient_names() -> tuple[str, ...]:
    """Names accepted wherever a coefficient is chosen by name."""
    return tuple(_SPECS)


def coefficient_spec(name: str) -> CoefficientSpec:
    """The spec of coefficient ``name``; a clear error for an unknown name."""
    if name not in _SPECS:
        raise ValueError(
            f"no agreement coefficient named {name!r}; choose one of "
            f"{', '.join(_SPECS)}"
        )
    return _SPECS[name]
