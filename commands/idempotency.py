"""Idempotency keys: a retried command returns its first answer, appends nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IdempotencyRecord:
    """Saved with the command's events, in the same transaction."""

    key: str
    fingerprint: str
    answer: dict[str, Any]


def fingerprint(*parts: Any) -> str:
    """A stable digest of what was asked (target, command, body, actor)."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
