"""The methods both clients have, declared once.

Each method is a descriptor around its builder in `_requests` (which has the parameters
and the docstring): on a `SelfModelClient` it returns the result, on an
`AsyncSelfModelClient` an awaitable of it, because it hands the built `Rpc` to the
client's own `_run` (or `_items` and `_list` for the pages of a list).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from selfmodel_client import _requests as calls
from selfmodel_client._requests import Page, Rpc
from selfmodel_client._session import Session

if TYPE_CHECKING:
    from selfmodel_client.aio import AsyncSelfModelClient
    from selfmodel_client.client import SelfModelClient

P = ParamSpec("P")
Result = TypeVar("Result")
Built = TypeVar("Built", bound=Rpc[Any, Any])


class _Method(Generic[P, Built]):
    """Calls the instance's `runner` (an attribute name) with the built `Rpc`."""

    runner = "_run"

    def __init__(self, build: Callable[P, Built]) -> None:
        self._build = build
        self.__doc__ = build.__doc__
        parameters = inspect.signature(build).parameters.values()
        self.__signature__ = inspect.Signature(
            [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY), *parameters]
        )

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    def _bound(self, instance: Session) -> Callable[..., Any]:
        run = getattr(instance, self.runner)
        build = self._build

        def method(*args: Any, **kwargs: Any) -> Any:
            return run(build(*args, **kwargs))

        method.__name__ = method.__qualname__ = self.__name__
        method.__doc__ = self.__doc__
        method.__signature__ = inspect.signature(build).replace(  # type: ignore[attr-defined]
            return_annotation=inspect.Signature.empty
        )
        return method

    def __call__(self, instance: Session, /, *args: Any, **kwargs: Any) -> Any:
        """`SelfModelClient.observe(client, ...)`, as with a plain method."""
        return self._bound(instance)(*args, **kwargs)


class Unary(_Method[P, Rpc[Any, Result]]):
    @overload
    def __get__(self, instance: None, owner: type) -> Unary[P, Result]: ...
    @overload
    def __get__(self, instance: SelfModelClient, owner: type) -> Callable[P, Result]: ...
    @overload
    def __get__(
        self, instance: AsyncSelfModelClient, owner: type
    ) -> Callable[P, Awaitable[Result]]: ...
    def __get__(self, instance: Session | None, owner: type) -> Any:
        return self if instance is None else self._bound(instance)


class Iterated(_Method[P, Rpc[Any, Page[Result]]]):
    """Every item of every page, fetched a page at a time as the caller iterates."""

    runner = "_items"

    @overload
    def __get__(self, instance: None, owner: type) -> Iterated[P, Result]: ...
    @overload
    def __get__(self, instance: SelfModelClient, owner: type) -> Callable[P, Iterator[Result]]: ...
    @overload
    def __get__(
        self, instance: AsyncSelfModelClient, owner: type
    ) -> Callable[P, AsyncIterator[Result]]: ...
    def __get__(self, instance: Session | None, owner: type) -> Any:
        return self if instance is None else self._bound(instance)


class Listed(_Method[P, Rpc[Any, Page[Result]]]):
    """Every item of every page, as one list."""

    runner = "_list"

    @overload
    def __get__(self, instance: None, owner: type) -> Listed[P, Result]: ...
    @overload
    def __get__(self, instance: SelfModelClient, owner: type) -> Callable[P, list[Result]]: ...
    @overload
    def __get__(
        self, instance: AsyncSelfModelClient, owner: type
    ) -> Callable[P, Awaitable[list[Result]]]: ...
    def __get__(self, instance: Session | None, owner: type) -> Any:
        return self if instance is None else self._bound(instance)


class Surface(Session):
    """The public methods of both clients (see `_requests` for each one's parameters)."""

    get_or_create = Unary(calls.get_or_create)
    get = Unary(calls.get)
    observe = Unary(calls.observe)
    iter_beliefs = Iterated(calls.beliefs)
    beliefs = Listed(calls.beliefs)
    render_context = Unary(calls.render_context)
    apply_inventory = Unary(calls.apply_inventory)
    inventory = Unary(calls.inventory)
    adaptations = Unary(calls.adaptations)
