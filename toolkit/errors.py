"""Errors and warnings raised by the toolkit.

Every error is a ``ValueError`` or ``TypeError`` subclass, so callers that do not
know the toolkit can still catch them; the CLI turns any :class:`ToolkitError`
into one line on stderr.
"""

from __future__ import annotations

__all__ = [
    "BootstrapWarning",
    "GuideWarning",
    "RatingsError",
    "ToolkitError",
    "ToolkitWarning",
    "UndefinedCoefficientWarning",
]


class ToolkitError(ValueError):
    """Bad input the caller can correct; the message says what and where."""


class RatingsError(ToolkitError):
    """A ratings table or matrix that cannot be used as it is."""


class ToolkitWarning(UserWarning):
    """Base class of every warning the toolkit issues."""


class UndefinedCoefficientWarning(ToolkitWarning):
    """A coefficient is undefined for these ratings; the result holds NaN."""


class GuideWarning(ToolkitWarning):
    """A choice leaves the practitioner guide's recommendations."""


class BootstrapWarning(ToolkitWarning):
    """Some bootstrap resamples were undefined; the interval leaves them out."""
