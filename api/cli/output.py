"""What people read from `logis`: rich tables with French headers, moments in
the department's local time, progress bars on long commands, and JSON. Off a
terminal (a pipe, a file, a test) the same tables come out as plain text: no
colour, no escape code, a fixed width so that they do not wrap at 80 columns;
progress bars are then not drawn at all (a log would fill with redraws)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from domain.clocks import zone
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import date, datetime
    from typing import TextIO

# Wide enough for a UUID column beside a few labels: rows stay one line each,
# as `grep` and `cut` expect; a terminal uses its own width.
PIPE_WIDTH = 200


def console(stream: TextIO | None = None, width: int = PIPE_WIDTH) -> Console:
    """A console on `stream` (stdout); markup off, since cells hold people's
    text (« [donnée effacée] » is not a style)."""
    stream = stream or sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        force_terminal=tty,  # FORCE_COLOR in the environment must not add escapes
        color_system="auto" if tty else None,
        width=None if tty else width,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=not tty,  # titles and sentences: one line each in a pipe
    )


Column = str | tuple[str, str] | tuple[str, str, int]


def table(*columns: Column) -> Table:
    """A table with these French headers; ("présents", "right") aligns a column,
    ("motif", "left", 40) cuts its cells at 40 characters with an ellipsis (one
    line a row; the whole text is in --format json)."""
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        header, justify, *most = (
            column if isinstance(column, tuple) else (column, "left")
        )
        grid.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            max_width=most[0] if most else None,
            no_wrap=bool(most),
            overflow="ellipsis" if most else "fold",
        )
    return grid


def print_table(
    title: str,
    grid: Table | None = None,
    *lines: str,
    stream: TextIO | None = None,
    width: int = PIPE_WIDTH,
) -> int:
    """The title, then the table (if any rows) and the lines after it, on
    `stream` (stdout; off a terminal `width` columns wide)."""
    out = console(stream, width)
    out.print(title)
    if grid is not None and grid.row_count:
        if out.is_terminal:
            out.print(grid)
        else:  # the last column's padding: trailing blanks in a file
            with out.capture() as captured:
                out.print(grid)
            out.file.write(
                "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
            )
    for line in lines:
        out.print(line)
    return 0


def rows(grid: Table, values: Sequence[Sequence[Any]]) -> Table:
    for row in values:
        grid.add_row(*(dash(v) for v in row))
    return grid


def dash(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def how_many(page: Any) -> str:
    """A list's count (`count`, `count_capped`: more than it), in French."""
    return f"plus de {page.count}" if page.count_capped else str(page.count)


def day(value: date | None) -> str:
    return "—" if value is None else fr_day(value)


def local_time(department: str | None, moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in the department's zone (mainland: Europe/Paris)."""
    local = moment.astimezone(zone(department))
    return f"{fr_day(local)} {local:%H:%M}"


@contextmanager
def progress(description: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr while the block runs, fed `(done, total)`; a
    no-op when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    task = bar.add_task(description, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def print_json(value: Any) -> int:
    print(json_text(value))
    return 0
