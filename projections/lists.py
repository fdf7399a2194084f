"""A list's query (its page, its filters) and its answer: the page's rows and
how many rows match, counted up to a limit.

An exact count reads every matching row, so the first page of a department's
dossiers cost seven times more at 10⁶ events than at 10⁴ (issue 18). A list
counts at most `count_limit` rows past its page's end: beyond that it says
"more than", and a page costs what its offset costs, whatever the store holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from projections.rows import RowReader

T = TypeVar("T")
# How many matching rows a list counts at most (LOGIS_LIST_COUNT_LIMIT): about
# what a person reads as "many", and a few milliseconds of an index's entries.
COUNT_LIMIT = 10_000


class PageQuery(Protocol):
    @property
    def limit(self) -> int: ...

    @property
    def offset(self) -> int: ...

    @property
    def count_limit(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class Page:
    """A list query's page: `limit` rows from its `offset` (keywords only, so
    that a filter's own fields come first); matching rows counted up to
    `count_limit`, or to the page's end if further."""

    limit: int = 100
    offset: int = 0
    count_limit: int = COUNT_LIMIT


@dataclass(frozen=True)
class AreaFilter(Page):
    """The rows of a department, of a commune (those given)."""

    department: str | None = None
    commune: str | None = None


@dataclass(frozen=True)
class PlaceFilter(AreaFilter):
    """The rows of a department, a commune, a programme (those given)."""

    programme_id: UUID | None = None


@dataclass(frozen=True)
class Counted:
    """How many rows match a list's filters: `count`, or more than `count` when
    `count_capped` (the counting stopped there). Named as the lists' answers
    name them."""

    count: int
    count_capped: bool = False

    def more_than(self, rows: int) -> bool:
        """More rows match than `rows` (those read so far, say)."""
        return self.count_capped or self.count > rows


def count_bound(query: PageQuery) -> int:
    """How many rows the query's count goes to: its limit, or its page's end
    if further, so that a count past it means another page follows."""
    return max(query.count_limit, query.offset + query.limit)


def counted(total: int, bound: int) -> Counted:
    """A count that stopped at `bound` + 1 rows as a list answers it."""
    return Counted(bound, count_capped=True) if total > bound else Counted(total)


def equal_to(query: object, *columns: str) -> dict[str, Any]:
    """A `where` of equalities: the query's fields named after these columns,
    those it gives (not None)."""
    return {c: getattr(query, c) for c in columns if getattr(query, c) is not None}


def select_page(
    view: RowReader,
    table: str,
    where: dict[str, Any],
    order_by: tuple[str, ...],
    query: PageQuery,
    row: Callable[..., T],
) -> tuple[list[T], Counted]:
    """The page the query asks (its `limit` rows from its `offset`), each row as
    `row(**columns)`, and how many rows match (up to its `count_bound`)."""
    bound = count_bound(query)
    rows, total = view.select(
        table, where, order_by, query.limit, query.offset, count_limit=bound
    )
    return [row(**r) for r in rows], counted(total, bound)
