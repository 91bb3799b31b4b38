"""A pool: the reps of one sub-team, who may only be paired with each other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Pool"]

BoolArray = np.ndarray


@dataclass(frozen=True)
class Pool:
    """The reps of one sub-team and the pairs among them to avoid or prefer.

    ``conflict[a, b]`` and ``friend[a, b]`` are symmetric; ``block_names[b]``
    says in words when block ``b`` starts ("period 4"), for messages.
    """

    name: str
    members: Sequence[str]
    conflict: BoolArray
    friend: BoolArray
    block_names: Sequence[str]

    @property
    def size(self) -> int:
        return len(self.members)
