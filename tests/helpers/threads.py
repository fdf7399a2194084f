"""Writers raced in threads released together by a barrier (the app runs their
sync endpoints in its worker threads, so most load before any saves)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx


def race(*writers: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the writers in threads released at once; their answers, in order."""
    barrier = threading.Barrier(len(writers))
    answers: list[Any] = [None] * len(writers)

    def run(i: int) -> None:
        barrier.wait(timeout=10)
        try:
            answers[i] = writers[i]()
        except BaseException as exc:  # reported by the main thread
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer never answered"
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers
