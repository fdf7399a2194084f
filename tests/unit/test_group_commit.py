"""Group commit (infra/group_commit.py): appends arriving while a group is
being written are written together next, each with its own answer."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from infra.group_commit import Append, GroupCommit


def _append(version: int = 1) -> Append:
    return Append([StoredEvent(uuid4(), version, "t", b"{}")])


def test_appends_arriving_during_a_write_share_the_next_group() -> None:
    groups: list[list[Append]] = []
    first_written = threading.Event()
    release = threading.Event()

    def write(group: list[Append]) -> None:
        groups.append(group)
        if len(groups) == 1:
            first_written.set()
            release.wait()
        for n, append in enumerate(group):
            if append.events[0].originator_version == 2:
                append.refuse(IntegrityError("taken"))
            else:
                append.answer([len(groups) * 100 + n])

    commit = GroupCommit(write)
    answers: dict[int, object] = {}

    def send(index: int, append: Append) -> None:
        try:
            answers[index] = commit.append(append)
        except IntegrityError as error:
            answers[index] = error

    first = threading.Thread(target=send, args=(0, _append()))
    first.start()
    first_written.wait()
    others = [
        threading.Thread(target=send, args=(i, _append(2 if i == 2 else 1)))
        for i in (1, 2, 3)
    ]
    for thread in others:
        thread.start()
    while commit.waiting() < 3:  # all three queued behind the first group
        threading.Event().wait(0.01)
    release.set()
    for thread in [first, *others]:
        thread.join()

    assert [len(group) for group in groups] == [1, 3]
    assert answers[0] == [100]
    assert isinstance(answers[2], IntegrityError)  # refused alone
    assert sorted(a for i, a in answers.items() if i in (1, 3)) == [[200], [202]]


def test_an_error_escaping_the_write_refuses_the_whole_group() -> None:
    def write(group: list[Append]) -> None:
        msg = "connection lost"
        raise OSError(msg)

    commit = GroupCommit(write)
    with pytest.raises(OSError, match="connection lost"):
        commit.append(_append())
