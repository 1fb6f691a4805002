"""Outputs of the previous generation, reused when they were made from the very same inputs.

A long-lived process (`mkdocs serve`) loads unchanged files as the same model objects
(see `load.LoadedFiles`), so a page made from the same objects, compared by identity,
is the same page: after a one-fact edit only what that fact feeds is rendered again.
A fresh `Memo` (the CLI's case) simply renders everything once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Token:
    """Stands for a collection of objects: the same token while they are the same objects."""

    __slots__ = ()


class Memo:
    def __init__(self, keep: bool = True) -> None:
        """`keep=False`: a single generation, which keeps nothing (and so holds no memory)."""
        self.keep = keep
        self._previous: dict[Hashable, tuple[tuple[object, ...], Any]] = {}
        self._current: dict[Hashable, tuple[tuple[object, ...], Any]] = {}

    def get(self, kind: str, inputs: tuple[object, ...], make: Callable[[], T], values: Hashable = ()) -> T:
        """`make()`, or its result from the previous generation if it had the same `inputs` (compared
        by identity) and the same `values` (compared by equality)."""
        if not self.keep:
            return make()
        key = (kind, values, *map(id, inputs))
        hit = self._current.get(key) or self._previous.get(key)
        # The entry holds its inputs, so no id can have been reused by another object meanwhile.
        if hit is not None and all(a is b for a, b in zip(hit[0], inputs, strict=True)):
            result: T = hit[1]
        else:
            result = make()
        self._current[key] = (inputs, result)
        return result

    def token(self, kind: str, objects: Iterable[object]) -> Token:
        """One object for the whole collection: memo keys stay short however large it is."""
        return self.get(kind, tuple(objects), Token)

    def finish(self) -> None:
        """End a generation: keep only what it used."""
        self._previous, self._current = self._current, {}


class Once(Generic[T]):
    """`make()`, made on the first call and kept: what several outputs of a plan share, made only if one is."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._made: T | None = None

    def __call__(self) -> T:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made  # type: ignore[return-value]


def replaced(before: Sequence[T], after: Sequence[T]) -> list[tuple[T, T]] | None:
    """The places where `after` holds another object than `before`, as (the one before, the one now); None when
    they differ in length or in more than a tenth of their places (an index is then as cheap to make again)."""
    if len(before) != len(after):
        return None
    pairs = [(old, new) for old, new in zip(before, after, strict=True) if old is not new]
    return pairs if len(pairs) <= len(after) // 10 + 1 else None
