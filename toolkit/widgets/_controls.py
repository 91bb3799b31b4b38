"""Controls both simulation apps build: sliders, choices and the run row.

Every control gets the app's description width and one width for the
control, and sliders wait for the lead to let go (``continuous_update`` off),
so a control sends one change, not one per pixel dragged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from toolkit.simulation import NEVER

__all__ = [
    "RunControls",
    "dropdown",
    "float_slider",
    "int_slider",
    "rotation_dropdown",
    "run_controls",
]

_CONTROL = widgets.Layout(width="30em")
# the rotation choice in words, for the months an app offers
_ROTATION_WORDS = {
    1: "monthly",
    2: "every 2 months",
    3: "quarterly",
    4: "every 4 months",
    6: "every 6 months",
    12: "yearly",
}
# the largest seed the Seed box takes
_SEED_MAX = 2**31 - 1


@dataclass(frozen=True)
class RunControls:
    """The run row of a simulation app: how many runs, their seed, and Run.

    Attributes
    ----------
    replications, seed
        The Replications slider and the Seed box.
    run_button, progress
        The *Run* button and the bar that counts the replications done.
    """

    replications: widgets.IntSlider
    seed: widgets.BoundedIntText
    run_button: widgets.Button
    progress: widgets.IntProgress


def int_slider(
    description: str, value: int, low: int, high: int, *, width: str
) -> widgets.IntSlider:
    """A whole-number slider from ``low`` to ``high`` (or ``value``, if larger).

    Examples
    --------
    >>> slider = int_slider("Team size (reps)", 70, 2, 60, width="13em")
    >>> slider.value, slider.max
    (70, 70)
    """
    return widgets.IntSlider(
        value=value,
        min=low,
        max=max(high, value),
        description=description,
        continuous_update=False,
        style={"description_width": width},
        layout=_CONTROL,
    )


def float_slider(
    description: str,
    value: float,
    low: float,
    high: float,
    *,
    step: float,
    width: str,
    **options: Any,
) -> widgets.FloatSlider:
    """A slider of a number with one decimal; ``options`` go to the widget.

    Examples
    --------
    >>> slider = float_slider("Manager hours a week", 3.0, 0.5, 10.0, step=0.5,
    ...                       width="13em", disabled=True)
    >>> slider.readout_format, slider.disabled
    ('.1f', True)
    """
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".1f",
        continuous_update=False,
        style={"description_width": width},
        layout=_CONTROL,
        **options,
    )


def dropdown(
    description: str, options: list[tuple[str, Any]], value: Any, *, width: str
) -> widgets.Dropdown:
    """A choice among ``(words, value)`` options.

    Examples
    --------
    >>> choice = dropdown("Pairing", [("random", "random")], "random", width="13em")
    >>> choice.label
    'random'
    """
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        style={"description_width": width},
        layout=_CONTROL,
    )


def rotation_dropdown(
    months: tuple[int, ...], start: int | None, *, width: str
) -> widgets.Dropdown:
    """The *Rotate pairs* choice: every ``months`` offered, then never.

    A ``start`` rotation the app does not offer (a policy's every 5 months)
    is added before *never*; ``None`` starts on *never*.

    Examples
    --------
    >>> choice = rotation_dropdown((1, 3), 5, width="11em")
    >>> [label for label, _ in choice.options]
    ['monthly', 'quarterly', 'every 5 months', 'never']
    """
    rotation = NEVER if start is None else start
    options: list[tuple[str, Any]] = [(_ROTATION_WORDS[m], m) for m in months]
    options.append(("never", NEVER))
    if rotation not in [value for _, value in options]:
        options.insert(-1, (f"every {rotation} months", rotation))

    return dropdown("Rotate pairs", options, rotation, width=width)


def run_controls(replications: int, seed: int, *, most: int, width: str) -> RunControls:
    """Replications (2 to ``most``), the Seed box, *Run* and its progress bar.

    Examples
    --------
    >>> row = run_controls(20, 0, most=200, width="13em")
    >>> row.replications.max, row.run_button.description
    (200, 'Run')
    """
    return RunControls(
        replications=int_slider("Replications", replications, 2, most, width=width),
        seed=widgets.BoundedIntText(
            value=seed,
            min=0,
            max=_SEED_MAX,
            description="Seed",
            style={"description_width": width},
            layout=_CONTROL,
        ),
        run_button=widgets.Button(
            description="Run", button_style="primary", icon="play"
        ),
        progress=widgets.IntProgress(
            value=0, min=0, max=1, description="Runs", bar_style=""
        ),
    )
