"""Many runs: policies x replications, in parallel, appended to disk as they end.

A sweep is a list of :class:`SweepPoint` (a label, a policy and a behaviour
model) run ``replications`` times each. Replication ``r`` of every point uses
the same seed (common random numbers), so differences between points are not
blurred by different teams, calls and raters. Work goes out in chunks of runs
to local processes (joblib) or to a Dask cluster; each finished chunk is
appended to the results file at once, so an interrupted sweep keeps what it
finished and a second call with the same study resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from toolkit import __version__
from toolkit.errors import ToolkitError, ToolkitWarning
from toolkit.simulation._behaviour import BehaviourModel
from toolkit.simulation._model import run_once
from toolkit.simulation._policy import ProgramPolicy

__all__ = [
    "RUN_COLUMNS",
    "SweepPoint",
    "SweepResult",
    "SweepWarning",
    "replication_seeds",
    "run_sweep",
]

log = logging.getLogger(__name__)

#: Columns of a results file before the metrics, in order.
RUN_COLUMNS = ("label", "replication", "seed", "toolkit_version", "policy", "behaviour")

# runs per chunk at most: a chunk is the unit of work and of appending to disk
_MAX_CHUNK = 25
# how long to wait for a Dask scheduler before saying it cannot be reached
_CONNECT_TIMEOUT = "10s"
# pandas 3 reads floats back exactly and deprecates the option; pandas 2 needs it
_EXACT_FLOATS: dict[str, Any] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)
# with n_jobs=None, sweeps this small run in this process (no start-up cost)
_SERIAL_BELOW = 64


class SweepWarning(ToolkitWarning):
    """A sweep point that cannot run (e.g. a team too small for its cadence)."""


@dataclass(frozen=True)
class SweepPoint:
    """One policy of a sweep under one behaviour model, with its label.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, SweepPoint
    >>> SweepPoint("cadence 3", ProgramPolicy(reviews_per_rep=3)).label
    'cadence 3'
    """

    label: str
    policy: ProgramPolicy
    behaviour: BehaviourModel = field(default_factory=BehaviourModel)

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise ToolkitError(
                f"a sweep point needs a non-empty label; got {self.label!r}"
            )
        if not isinstance(self.policy, ProgramPolicy):
            raise TypeError(
                f"point {self.label!r}: policy must be a ProgramPolicy; "
                f"got {type(self.policy)!r}"
            )
        if not isinstance(self.behaviour, BehaviourModel):
            raise TypeError(
                f"point {self.label!r}: behaviour must be a BehaviourModel; "
                f"got {type(self.behaviour)!r}"
            )


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The runs of a sweep and what reproduces them.

    Attributes
    ----------
    runs
        One row per run: ``label``, ``replication`` (0, 1, ...), ``seed`` and
        one column per metric (see :func:`toolkit.simulation.run_once`),
        sorted by point (in the order given) and replication.
    points
        The points, in the order given.
    skipped
        Label -> reason, for points that cannot run at all (no row in
        ``runs``).
    replications, seed
        Replications per point and the sweep's seed.
    common_random_numbers
        Whether replication ``r`` used one seed for every point.
    resumed
        Runs read back from an earlier, interrupted sweep's file.
    output
        The results file, or ``None`` when the sweep kept its runs in memory.
    toolkit_version
        The toolkit version that produced the runs.
    """

    runs: pd.DataFrame
    points: tuple[SweepPoint, ...]
    skipped: dict[str, str]
    replications: int
    seed: int
    common_random_numbers: bool
    resumed: int
    output: Path | None
    toolkit_version: str

    @property
    def metric_names(self) -> list[str]:
        """The metric columns of :attr:`runs`."""
        return [
            c for c in self.runs.columns if c not in ("label", "replication", "seed")
        ]


def replication_seeds(
    seed: int, replications: int, *, stream: int | None = None
) -> list[int]:
    """The run seeds of replications ``0 .. replications - 1``.

    Drawn from ``numpy.random.SeedSequence(seed)`` (for a point of its own,
    without common random numbers, from its child ``spawn_key=(stream,)``).
    The first ``k`` seeds do not depend on ``replications``, so more
    replications extend a study.

    Examples
    --------
    >>> from toolkit.simulation import replication_seeds
    >>> replication_seeds(1, 3) == replication_seeds(1, 5)[:3]
    True
    >>> replication_seeds(1, 2) != replication_seeds(1, 2, stream=0)
    True
    """
    _check_seed(seed)
    if isinstance(replications, bool) or not isinstance(replications, int | np.integer):
        raise ToolkitError(
            f"replications must be a whole number 1 or more; got {replications!r}"
        )
    if replications < 1:
        raise ToolkitError(
            f"replications must be a whole number 1 or more; got {replications!r}"
        )
    key = () if stream is None else (int(stream),)
    sequence = np.random.SeedSequence(int(seed), spawn_key=key)
    words = sequence.generate_state(int(replications), np.uint64)
    return [int(word) for word in words]


def run_sweep(
    points: Sequence[SweepPoint],
    replications: int,
    *,
    seed: int = 0,
    output: str | os.PathLike[str] | None = None,
    resume: bool = True,
    common_random_numbers: bool = True,
    n_jobs: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    progress: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every point ``replications`` times, in parallel, saving as it goes.

    Parameters
    ----------
    points
        The policies to run, each with a behaviour model and a unique label.
    replications
        Runs per point, 1 or more.
    seed
        The sweep's seed; run seeds come from :func:`replication_seeds`.
    output
        A CSV file to append finished chunks to. An existing file of the same
        study is resumed (its runs are kept, not redone); a file of another
        study is refused. ``None`` keeps the runs in memory only.
    resume
        With ``False`` an existing ``output`` is refused instead of resumed.
    common_random_numbers
        Replication ``r`` of every point uses one seed (the same team, calls
        and raters), which makes differences between points paired. With
        ``False`` each point draws its own seeds.
    n_jobs
        Local processes (joblib): ``1`` runs in this process, ``-1`` uses
        every core, ``None`` uses every core unless the sweep has fewer than
        64 runs to do.
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or a
        ``distributed.Client``; the chunks then run on that cluster and
        ``n_jobs`` is ignored.
    chunk_size
        Runs per chunk (the unit appended to ``output``); by default up to 25,
        small enough that each worker gets several chunks.
    progress
        Show a progress bar on stderr (tqdm).
    on_chunk
        Called as ``on_chunk(done, total)`` after each chunk is saved: runs
        done in this call and runs it has to do (for a progress bar of one's
        own, as in the notebook apps).

    Returns
    -------
    SweepResult

    Raises
    ------
    ToolkitError
        Bad arguments, repeated labels, or an ``output`` that holds another
        study, was written by another toolkit version or cannot be read.

    Warns
    -----
    GuideWarning
        Once per policy that departs from the guide.
    SweepWarning
        Once per point that cannot run (e.g. a pool too small for its
        cadence); its reason is in :attr:`SweepResult.skipped`.

    Notes
    -----
    A results file has one row per run: ``label``, ``replication``, ``seed``,
    ``toolkit_version``, the ``policy`` and ``behaviour`` as JSON (what
    reproduces the run with :func:`toolkit.simulation.run_once`), then one
    column per metric. Rows are appended in the order chunks finish; chunks
    go out replication by replication, so an interrupted sweep holds about as
    many runs of every point.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, SweepPoint, run_sweep
    >>> points = [
    ...     SweepPoint(f"cadence {c}", ProgramPolicy(reviews_per_rep=c,
    ...                horizon_months=2))
    ...     for c in (2, 3)
    ... ]
    >>> result = run_sweep(points, 3, seed=5, n_jobs=1)
    >>> result.runs.groupby("label", sort=False).size().to_dict()
    {'cadence 2': 3, 'cadence 3': 3}
    >>> result.runs["seed"].nunique()  # common random numbers: 3 seeds
    3
    """
    points = _check_points(points)
    seeds = _seeds(points, replications, seed, common_random_numbers)
    path = _check_output(output, resume)

    _warn_departures(points)
    skipped = _infeasible(points)
    runnable = [point for point in points if point.label not in skipped]
    columns = list(RUN_COLUMNS) + metric_columns(runnable)

    done: pd.DataFrame = _empty_runs(columns)
    if path is not None and path.exists():
        done = _read_done(path, columns, runnable, seeds)
    todo = _tasks(runnable, replications, seeds, done)

    frames = [done]
    if todo:
        size = chunk_size or _chunk_size(len(todo), n_jobs, scheduler)
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        frames += _run_chunks(
            chunks, columns, path, n_jobs, scheduler, progress, on_chunk
        )

    runs = _tidy(pd.concat(frames, ignore_index=True), runnable)
    return SweepResult(
        runs=runs,
        points=tuple(points),
        skipped=skipped,
        replications=int(replications),
        seed=int(seed),
        common_random_numbers=bool(common_random_numbers),
        resumed=len(done),
        output=path,
        toolkit_version=__version__,
    )


# ---------------------------------------------------------------- checks
def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ToolkitError(f"seed must be a whole number 0 or more; got {seed!r}")


def _check_points(points: Any) -> list[SweepPoint]:
    if isinstance(points, SweepPoint | ProgramPolicy) or not isinstance(
        points, Iterable
    ):
        raise TypeError("points must be a list of SweepPoint")
    points = list(points)
    if not points:
        raise ToolkitError("a sweep needs at least one point")
    for point in points:
        if not isinstance(point, SweepPoint):
            raise TypeError(f"points must be SweepPoint objects; got {point!r}")
    labels = [point.label for point in points]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ToolkitError(
            f"sweep point labels must be unique; repeated: {', '.join(repeated)}"
        )
    return points


def _seeds(
    points: list[SweepPoint], replications: int, seed: int, common: bool
) -> dict[str, list[int]]:
    if common:
        shared = replication_seeds(seed, replications)
        return {point.label: shared for point in points}
    return {
        point.label: replication_seeds(seed, replications, stream=i)
        for i, point in enumerate(points)
    }


def _check_output(output: Any, resume: bool) -> Path | None:
    if output is None:
        return None
    path = Path(output)
    if path.suffix.lower() != ".csv":
        raise ToolkitError(f"the results file must end in .csv; got {str(path)!r}")
    if path.exists() and not resume:
        raise ToolkitError(
            f"{path} exists; remove it, choose another file, or resume the sweep"
        )
    if path.exists() and path.is_dir():
        raise ToolkitError(f"{path} is a folder; give a .csv file name")
    if not path.parent.exists():
        raise ToolkitError(f"the folder {path.parent} does not exist; create it first")
    return path


def _warn_departures(points: list[SweepPoint]) -> None:
    seen: list[ProgramPolicy] = []
    for point in points:
        if point.policy not in seen:
            seen.append(point.policy)
            point.policy.check(stacklevel=4)


def _infeasible(points: list[SweepPoint]) -> dict[str, str]:
    """Points whose pairing cannot be built at all, with the reason."""
    reasons: dict[str, str] = {}
    for point in points:
        problem = point.policy.pairing_problem()
        if problem is not None:
            reasons[point.label] = problem
            warnings.warn(
                f"sweep point {point.label!r} cannot run: {problem}",
                SweepWarning,
                stacklevel=4,
            )
    return reasons


# ------------------------------------------------------------ the table
def metric_columns(points: list[SweepPoint]) -> list[str]:
    """Metric names of the sweep, read off a tiny run of the most criteria.

    Metric names depend only on the number of criteria, and a run with ``k``
    criteria names every metric of a run with fewer.
    """
    if not points:
        return []
    criteria = max(point.policy.criteria_per_review for point in points)
    probe = ProgramPolicy(
        team_size=5,
        reviews_per_rep=1,
        criteria_per_review=criteria,
        horizon_months=1,
    )
    return list(run_once(probe, seed=0, warn=False).metrics)


def _empty_runs(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def _tidy(frame: pd.DataFrame, points: list[SweepPoint]) -> pd.DataFrame:
    """Runs sorted by point then replication, without the provenance columns."""
    order = {point.label: i for i, point in enumerate(points)}
    frame = frame.drop(columns=["toolkit_version", "policy", "behaviour"])
    frame = frame.assign(
        label=frame["label"].astype(object),
        replication=frame["replication"].astype(np.int64),
        seed=frame["seed"].astype(object).map(int),
    )
    metrics = [c for c in frame.columns if c not in ("label", "replication", "seed")]
    frame[metrics] = frame[metrics].astype(float)
    rank = frame["label"].map(order)
    frame = frame.assign(_rank=rank).sort_values(["_rank", "replication"])
    return frame.drop(columns="_rank").reset_index(drop=True)


# ------------------------------------------------------------ resuming
def _read_done(
    path: Path,
    columns: list[str],
    points: list[SweepPoint],
    seeds: dict[str, list[int]],
) -> pd.DataFrame:
    """The runs an earlier sweep of the same study left in ``path``."""
    _drop_partial_line(path)
    try:
        frame = pd.read_csv(
            path,
            dtype={"label": str, "seed": str, "policy": str, "behaviour": str},
            keep_default_na=False,
            na_values=[""],
            **_EXACT_FLOATS,
        )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
    ) as error:
        raise ToolkitError(
            f"{path} cannot be read as a sweep's results ({error}); "
            "remove it or choose another --output"
        ) from error
    if list(frame.columns) != columns:
        raise ToolkitError(
            f"{path} holds the results of another sweep (its columns differ "
            "from this study's); remove it or choose another --output"
        )

    # every distinct provenance once, then each run's seed
    expected = {point.label: _provenance(point) for point in points}
    distinct = frame.drop_duplicates(
        ["label", "toolkit_version", "policy", "behaviour"]
    )
    for index, row in distinct.iterrows():
        _check_provenance(f"{path}, line {index + 2}", row, expected)
    _check_seeds(path, frame, seeds)
    return frame


def _check_provenance(
    where: str, row: pd.Series, expected: dict[str, dict[str, Any]]
) -> None:
    label = row["label"]
    if label not in expected:
        raise ToolkitError(
            f"{where}: point {label!r} is not in this study; the file holds "
            "another sweep: remove it or choose another --output"
        )
    if row["toolkit_version"] != __version__:
        raise ToolkitError(
            f"{where}: written by toolkit {row['toolkit_version']}, this is "
            f"{__version__}; runs of two versions are not mixed: remove the "
            "file or choose another --output"
        )
    for part in ("policy", "behaviour"):
        if json.loads(row[part]) != expected[label][part]:
            raise ToolkitError(
                f"{where}: the {part} of point {label!r} differs from this "
                "study's; remove the file or choose another --output"
            )


def _check_seeds(path: Path, frame: pd.DataFrame, seeds: dict[str, list[int]]) -> None:
    replication = frame["replication"].to_numpy(np.int64)
    count = frame["label"].map({label: len(s) for label, s in seeds.items()})
    inside = (replication >= 0) & (replication < count.to_numpy())
    wanted = [
        str(seeds[label][r]) if ok else ""
        for label, r, ok in zip(frame["label"], replication, inside, strict=True)
    ]
    wrong = np.flatnonzero(frame["seed"].to_numpy(str) != np.array(wanted, str))
    if len(wrong):
        first = int(wrong[0])
        raise ToolkitError(
            f"{path}, line {first + 2}: replication {replication[first]} of "
            f"{frame['label'].iloc[first]!r} does not belong to this study "
            "(another seed or fewer replications); remove the file or choose "
            "another --output"
        )


def _drop_partial_line(path: Path) -> None:
    """Cut a last line that an interruption left half written.

    Chunks are appended whole and end with a newline, so text after the last
    newline is a write that did not finish; it holds no complete run.
    """
    with path.open("rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return
        data = path.read_bytes()
        keep = data.rfind(b"\n") + 1
        handle.truncate(keep)
    log.info("dropped a half-written last line of %s", path)


def _tasks(
    points: list[SweepPoint],
    replications: int,
    seeds: dict[str, list[int]],
    done: pd.DataFrame,
) -> list[tuple[SweepPoint, int, int]]:
    """Runs still to do, replication by replication."""
    finished = set(zip(done["label"], done["replication"].astype(int), strict=True))
    return [
        (point, r, seeds[point.label][r])
        for r in range(replications)
        for point in points
        if (point.label, r) not in finished
    ]


# ------------------------------------------------------------ running
def _chunk_size(n_tasks: int, n_jobs: int | None, scheduler: Any) -> int:
    workers = 1 if (scheduler is None and n_jobs == 1) else (os.cpu_count() or 1)
    return max(1, min(_MAX_CHUNK, math.ceil(n_tasks / (4 * workers))))


def _provenance(point: SweepPoint) -> dict[str, Any]:
    return {"policy": point.policy.to_dict(), "behaviour": point.behaviour.to_dict()}


def run_chunk(tasks: list[tuple[SweepPoint, int, int]]) -> list[dict[str, Any]]:
    """Run a chunk of ``(point, replication, seed)``; one row per run.

    Top-level so that joblib and Dask workers can import it.
    """
    rows = []
    for point, replication, seed in tasks:
        result = run_once(point.policy, point.behaviour, seed=seed, warn=False)
        provenance = _provenance(point)
        rows.append(
            {
                "label": point.label,
                "replication": replication,
                "seed": str(seed),
                "toolkit_version": __version__,
                "policy": json.dumps(provenance["policy"]),
                "behaviour": json.dumps(provenance["behaviour"]),
                **result.metrics,
            }
        )
    return rows


def _run_chunks(
    chunks: list[list[tuple[SweepPoint, int, int]]],
    columns: list[str],
    path: Path | None,
    n_jobs: int | None,
    scheduler: Any,
    progress: bool,
    on_chunk: Callable[[int, int], None] | None,
) -> list[pd.DataFrame]:
    frames = []
    done = 0
    total = sum(len(chunk) for chunk in chunks)
    bar = tqdm(
        total=total,
        unit="run",
        desc="simulating",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    if path is not None and not path.exists():
        _empty_runs(columns).to_csv(path, index=False)
    try:
        for rows in _results(chunks, n_jobs, scheduler, total):
            frame = pd.DataFrame(rows, columns=columns)
            if path is not None:
                _append(path, frame)
            frames.append(frame)
            bar.update(len(frame))
            done += len(frame)
            if on_chunk is not None:
                on_chunk(done, total)
    finally:
        bar.close()
    return frames


def _append(path: Path, frame: pd.DataFrame) -> None:
    text = frame.to_csv(index=False, header=False, lineterminator="\n")
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _results(
    chunks: list[list[tuple[SweepPoint, int, int]]],
    n_jobs: int | None,
    scheduler: Any,
    total: int,
) -> Iterator[list[dict[str, Any]]]:
    if scheduler is not None:
        yield from _on_dask(chunks, scheduler)
        return
    jobs = n_jobs if n_jobs is not None else (1 if total < _SERIAL_BELOW else -1)
    if jobs == 1:
        for chunk in chunks:
            yield run_chunk(chunk)
        return

    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, return_as="generator_unordered")
    yield from parallel(delayed(run_chunk)(chunk) for chunk in chunks)


def _on_dask(
    chunks: list[list[tuple[SweepPoint, int, int]]], scheduler: Any
) -> Iterator[list[dict[str, Any]]]:
    try:
        from distributed import Client, as_completed
    except ImportError as error:  # pragma: no cover - a dependency
        raise ToolkitError(
            "running on a Dask cluster needs the distributed package: "
            "pip install 'dask[distributed]'"
        ) from error

    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise ToolkitError(
                f"cannot reach the Dask scheduler at {scheduler!r} ({error}); "
                "check the address (tcp://host:port) and that it is running"
            ) from error
    else:
        client = scheduler
    try:
        futures = client.map(run_chunk, chunks, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        if own:
            client.close()
