"""Tables derived from a campaign, computed once per campaign and arguments: `@derived`.

    @derived
    def _pace(campaign, when, tolerance): ...

`_pace(campaign, when, tolerance)` is computed once and kept in the campaign's bounded memo under a key made of
the function itself and its arguments: no other module can spell that key, so callers ask through functions
(`_pace.seed(view, when, tolerance, value=frame)` hands a view a table computed elsewhere, `_pace.key(...)` names
an entry a narrowed view keeps). Arguments must be hashable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from analytics.data.campaign import Campaign

T = TypeVar("T")


class Derived(Generic[T]):
    """A function of a campaign memoised on it (see the module's docstring)."""

    def __init__(self, fn: Callable[..., T]) -> None:
        self._fn = fn
        functools.update_wrapper(self, fn)

    def key(self, *args: Hashable) -> tuple:
        return (self, *args)

    def __call__(self, campaign: Campaign, *args: Hashable) -> T:
        return campaign.memoised(self.key(*args), lambda: self._fn(campaign, *args))

    def cached(self, campaign: Campaign, *args: Hashable) -> bool:
        """Whether the value for these arguments is already kept on `campaign`."""
        return self.key(*args) in campaign.memo

    def seed(self, campaign: Campaign, *args: Hashable, value: T) -> None:
        """Give `campaign` (a view) the value computed elsewhere, so that it is not computed again."""
        campaign.remember(self.key(*args), value)

    def __repr__(self) -> str:
        return f"derived({self._fn.__module__}.{self._fn.__qualname__})"


def derived(fn: Callable[..., T]) -> Derived[T]:
    return Derived(fn)


__all__ = ["Derived", "derived"]
