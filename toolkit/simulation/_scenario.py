"""Scenario files: a policy, its assumptions and a study, written in TOML."""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from toolkit.errors import ToolkitError
from toolkit.simulation._behaviour import BehaviourModel
from toolkit.simulation._policy import NEVER, ProgramPolicy
from toolkit.simulation._records import field_names
from toolkit.simulation._sweep import SweepPoint

__all__ = ["Scenario", "load_scenario"]

_KEYS = (
    "name",
    "description",
    "replications",
    "seed",
    "metrics",
    "policy",
    "behaviour",
    "sweep",
)
DEFAULT_METRICS = ("cadence_reached_share", "evaluator_compliance")


@dataclass(frozen=True)
class Scenario:
    """A what-if study: a base policy, its assumptions and what to vary.

    A scenario file is TOML::

        name = "Cadence 1 to 6"
        description = "What more or fewer reviews a month do."
        replications = 50
        seed = 2026
        metrics = ["evaluator_compliance", "skill_change_90d_criterion_1"]

        [policy]          # fields of ProgramPolicy; the rest keep defaults
        team_size = 14

        [behaviour]       # optional: assumptions other than the defaults
        compliance_knee = 6.0

        [sweep]           # optional: a grid of policy fields to vary
        reviews_per_rep = [1, 2, 3, 4, 5, 6]

    ``"never"`` stands for no period (``rotation_months``, ``split_above``,
    ``recalibration_months``). The first field of ``[sweep]`` is the x axis
    of the study's figure, a second one gives one line per value.

    Examples
    --------
    >>> from toolkit.simulation import Scenario
    >>> scenario = Scenario.from_toml('''
    ... name = "Rotation"
    ... [sweep]
    ... rotation_months = ["never", 1, 3]
    ... ''')
    >>> [point.label for point in scenario.points()]
    ['rotation_months=never', 'rotation_months=1', 'rotation_months=3']
    >>> scenario.points()[0].policy.rotation_months is None
    True
    """

    name: str
    policy: ProgramPolicy = field(default_factory=ProgramPolicy)
    behaviour: BehaviourModel = field(default_factory=BehaviourModel)
    description: str = ""
    replications: int = 50
    seed: int = 0
    metrics: tuple[str, ...] = DEFAULT_METRICS
    sweep: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    source: str = "<scenario>"

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<scenario>") -> Scenario:
        """Read a scenario from TOML text; errors name ``source`` and the key."""
        try:
            record = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ToolkitError(
                f"{source}: not valid TOML ({error}); see the files in "
                "simulations/ for examples"
            ) from error
        return cls.from_dict(record, source=source)

    @classmethod
    def from_dict(
        cls, record: Mapping[str, Any], *, source: str = "<scenario>"
    ) -> Scenario:
        """A scenario from the dict a TOML file holds."""
        unknown = [key for key in record if key not in _KEYS]
        if unknown:
            raise ToolkitError(
                f"{source}: unknown key(s) {', '.join(map(repr, unknown))}; "
                f"a scenario has: {', '.join(_KEYS)}"
            )
        name = record.get("name", Path(source).stem)
        _expect(source, "name", name, str)
        description = record.get("description", "")
        _expect(source, "description", description, str)
        replications = record.get("replications", 50)
        seed = record.get("seed", 0)
        _whole(source, "replications", replications, 1)
        _whole(source, "seed", seed, 0)
        metrics = record.get("metrics", list(DEFAULT_METRICS))
        if isinstance(metrics, str):
            metrics = [metrics]
        if (
            not isinstance(metrics, list)
            or not metrics
            or not all(isinstance(m, str) for m in metrics)
        ):
            raise ToolkitError(
                f"{source}: metrics must be a list of metric names; got {metrics!r}"
            )

        policy_record = _table(source, record, "policy")
        behaviour_record = _table(source, record, "behaviour")
        try:
            policy = ProgramPolicy.from_dict(policy_record)
            behaviour = BehaviourModel.from_dict(behaviour_record)
        except ToolkitError as error:
            raise ToolkitError(f"{source}: {error}") from error

        sweep = _sweep(source, _table(source, record, "sweep"))
        scenario = cls(
            name=name,
            policy=policy,
            behaviour=behaviour,
            description=description.strip(),
            replications=int(replications),
            seed=int(seed),
            metrics=tuple(metrics),
            sweep=sweep,
            source=source,
        )
        scenario.points()  # every point of the grid must be a valid policy
        return scenario

    @property
    def x(self) -> str | None:
        """The swept field on the figure's x axis (the first), if any."""
        return next(iter(self.sweep), None)

    @property
    def series(self) -> str | None:
        """The swept field drawn as one line per value (the second), if any."""
        names = list(self.sweep)
        return names[1] if len(names) > 1 else None

    def points(self) -> list[SweepPoint]:
        """Every policy of the grid, labelled ``field=value, ...``.

        Without a sweep, the scenario's policy alone, labelled with its name.
        """
        if not self.sweep:
            return [SweepPoint(self.name, self.policy, self.behaviour)]
        points = []
        names = list(self.sweep)
        for values in itertools.product(*self.sweep.values()):
            changes = dict(zip(names, values, strict=True))
            label = ", ".join(f"{k}={_text(v)}" for k, v in changes.items())
            try:
                policy = ProgramPolicy.from_dict({**self.policy.to_dict(), **changes})
            except ToolkitError as error:
                raise ToolkitError(
                    f"{self.source}: sweep point {label}: {error}"
                ) from error
            points.append(SweepPoint(label, policy, self.behaviour))
        return points

    def sweep_values(self) -> dict[str, dict[str, Any]]:
        """Label -> the swept fields' values, for joining with a summary."""
        names = list(self.sweep)
        return {
            point.label: dict(zip(names, values, strict=True))
            for point, values in zip(
                self.points(), itertools.product(*self.sweep.values()), strict=True
            )
        }

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a TOML-ready dict (behaviour: changed fields only)."""
        defaults = BehaviourModel().to_dict()
        changed = {
            k: v for k, v in self.behaviour.to_dict().items() if v != defaults[k]
        }
        record: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "replications": self.replications,
            "seed": self.seed,
            "metrics": list(self.metrics),
            "policy": self.policy.to_dict(),
        }
        if changed:
            record["behaviour"] = changed
        if self.sweep:
            record["sweep"] = {
                k: [NEVER if v is None else v for v in values]
                for k, values in self.sweep.items()
            }
        return record

    def to_toml(self) -> str:
        """The scenario as TOML text, which :meth:`from_toml` reads back.

        Examples
        --------
        >>> from toolkit.simulation import ProgramPolicy, Scenario
        >>> scenario = Scenario("Ours", ProgramPolicy(team_size=14))
        >>> Scenario.from_toml(scenario.to_toml()) == scenario
        True
        """
        return tomli_w.dumps(self.to_dict())


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (TOML); see :class:`Scenario` for its keys.

    Raises
    ------
    ToolkitError
        A missing or unreadable file, invalid TOML (with its line), an
        unknown key, or a policy field or assumption outside its range.
    """
    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"no scenario file at {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ToolkitError(
            f"{path}: not UTF-8 text; save the scenario as UTF-8 TOML"
        ) from error
    return Scenario.from_toml(text, source=str(path))


# ------------------------------------------------------------------ helpers
def _expect(source: str, key: str, value: Any, kind: type) -> None:
    if not isinstance(value, kind):
        raise ToolkitError(f"{source}: {key} must be {kind.__name__}; got {value!r}")


def _whole(source: str, key: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ToolkitError(
            f"{source}: {key} must be a whole number {least} or more; got {value!r}"
        )


def _table(source: str, record: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = record.get(key, {})
    if not isinstance(value, dict):
        raise ToolkitError(
            f"{source}: [{key}] must be a table of name = value lines; got {value!r}"
        )
    return value


def _sweep(source: str, record: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    known = field_names(ProgramPolicy)
    sweep = {}
    for name, values in record.items():
        if name not in known:
            hint = (
                " (behaviour assumptions are varied by peercoach sensitivity)"
                if name in field_names(BehaviourModel)
                else ""
            )
            raise ToolkitError(
                f"{source}: [sweep] {name!r} is not a policy field{hint}; "
                f"policy fields: {', '.join(known)}"
            )
        if not isinstance(values, list) or not values:
            raise ToolkitError(
                f"{source}: [sweep] {name} must be a non-empty list of values; "
                f"got {values!r}"
            )
        sweep[name] = tuple(_never_as_none(value) for value in values)
    return sweep


def _never_as_none(value: Any) -> Any:
    """``"never"`` (TOML has no null) as the ``None`` the policy uses."""
    if isinstance(value, str) and value.strip().lower() == NEVER:
        return None
    return value


def _text(value: Any) -> str:
    if value is None:
        return NEVER
    if isinstance(value, list):
        return "-".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)
