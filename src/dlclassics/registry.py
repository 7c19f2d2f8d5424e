"""A tiny name → object registry, so the CLI maps names to builders without if/elif."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from dlclassics.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Ordered mapping from a public name to an object, with a helpful lookup error.

    >>> r: Registry[int] = Registry("model")
    >>> r.add("one", 1)
    >>> r["one"]
    1
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> None:
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = item

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self._items) or "(none)"
            raise ConfigError(f"unknown {self.kind} {name!r}; choose one of: {known}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())
