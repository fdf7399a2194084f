"""Tamper evidence: every stored event is sealed, in its append transaction, by a
hash chaining it to its aggregate's previous event, and by a link of one global
chain over all the seals in notification order.

- `hashing`: the canonical encoding, `event_hash`, `chain_hash`, `seal_batch`;
- `tables`: the seal tables beside the events, on SQLite and PostgreSQL;
- `verification`: recomputing the hashes, and the anchors an operator publishes
  outside the database (README: "Preuve d'intégrité").
"""

from infra.ledger.hashing import (
    CHAIN_TAG,
    EVENT_TAG,
    GENESIS,
    Seal,
    chain_hash,
    event_hash,
    id_text,
    seal_batch,
)
from infra.ledger.tables import (
    EventRow,
    Ledger,
    Page,
    PostgresLedger,
    SealRow,
    SQLiteLedger,
    ledger_of,
)
from infra.ledger.verification import (
    PAGE_SIZE,
    Anchor,
    Kind,
    Mismatch,
    Verification,
    check_anchors,
    parse_anchor,
    verify_aggregate,
    verify_store,
)

__all__ = [
    "CHAIN_TAG",
    "EVENT_TAG",
    "GENESIS",
    "PAGE_SIZE",
    "Anchor",
    "EventRow",
    "Kind",
    "Ledger",
    "Mismatch",
    "Page",
    "PostgresLedger",
    "SQLiteLedger",
    "Seal",
    "SealRow",
    "Verification",
    "chain_hash",
    "check_anchors",
    "event_hash",
    "id_text",
    "ledger_of",
    "parse_anchor",
    "seal_batch",
    "verify_aggregate",
    "verify_store",
]
