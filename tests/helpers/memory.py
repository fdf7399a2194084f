"""Where the tests write what they throw away: in memory (Linux's /dev/shm)
where the system has room there."""

from __future__ import annotations

import os

MEMORY = "/dev/shm"
MEMORY_NEEDED = 1 << 30  # bytes free there, for every worker's stores


def memory_directory() -> str | None:
    """A directory in memory for the tests' temporary files and SQLite stores:
    their commits skip the flush to the disk (4 ms a commit on this machine's
    disk, a quarter of an API test's time; half the time of the tests committing
    thousands of transactions), and what the tests check does not depend on
    durability. None (the system's temporary directory) where there is none, or
    where it is small (a container's default /dev/shm holds 64 MB)."""
    if not (os.path.isdir(MEMORY) and os.access(MEMORY, os.W_OK)):
        return None
    free = os.statvfs(MEMORY)
    return MEMORY if free.f_bavail * free.f_frsize >= MEMORY_NEEDED else None
