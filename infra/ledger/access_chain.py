"""The access log's chain (issue 13): each row of the access log is sealed in its
insert transaction, as events are, by

    entry_hash = SHA-256(F("logis.access.v1") F(at) F(subject) F(role)
                         F(organisation) F(kind) F(record_id) F(endpoint)
                         F(request_id) F(categories))
    chain_hash = the events' chain_hash (hashing.py), over the log's own ids

at is ISO 8601 in UTC to the microsecond, record_id its 32 hex digits, categories
their compact JSON list. The seals live in a table of their own
(infra/access_log.py), so a deleted row leaves its seal behind and is named.
The trigger refusing UPDATE and DELETE stays the first line of defence; the
chain is what still tells once it has been dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from infra.ledger.hashing import GENESIS, chain_hash, fields_hash
from infra.ledger.verification import (
    LOWEST,
    PAGE_SIZE,
    Kind,
    Mismatch,
    Verification,
    anchor_mismatch,
    unreached_anchor,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from infra.ledger.verification import Progress

ACCESS_TAG = b"logis.access.v1"


@dataclass(frozen=True)
class EntryDigest:
    """A row of the log as stored, reduced to its recomputed hash."""

    position: int
    entry_hash: bytes


@dataclass(frozen=True)
class EntrySeal(EntryDigest):
    """A row's hash as sealed when it was written, and the chain's link there."""

    chain_hash: bytes


def entry_hash(fields: Sequence[str]) -> bytes:
    return fields_hash(ACCESS_TAG, [f.encode() for f in fields])


def seal_entries(entries: Sequence[EntryDigest], head: bytes) -> list[EntrySeal]:
    """The seals of rows just inserted, in id order, after the chain's `head`."""
    seals = []
    for entry in entries:
        head = chain_hash(head, entry.position, entry.entry_hash)
        seals.append(EntrySeal(entry.position, entry.entry_hash, head))
    return seals


class ChainedLog(Protocol):
    def last_position(self) -> int | None: ...

    def page(
        self, after: int, stop: int, limit: int
    ) -> tuple[list[EntryDigest], list[EntrySeal], int]: ...


def _mismatch(kind: Kind, position: int) -> Mismatch:
    where = f"Entrée n° {position} du journal des accès"
    messages = {
        "altered": f"{where} altérée : son empreinte recalculée ne correspond plus "
        "à son sceau.",
        "deleted": f"{where} supprimée : son sceau demeure, l'entrée n'est plus "
        "dans la table.",
        "inserted": f"{where} insérée : aucun sceau ne l'a scellée lors de l'écriture.",
        "reordered": f"{where} déplacée : son contenu est celui qu'un sceau donne "
        "à une autre position.",
        "seal_altered": f"Sceau de l'entrée n° {position} du journal des accès "
        "altéré : le maillon de la chaîne ne se recalcule pas (sceau modifié, ou "
        "entrée et sceau supprimés juste avant).",
    }
    return Mismatch(kind, position, None, None, messages[kind])


def verify_access_log(
    log: ChainedLog,
    anchors: Mapping[int, str] | None = None,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> Verification:
    """Recompute every entry hash and chain link in id order and check the
    published anchors: the first row that does not match, or none.
    `progress(position, last)` after each page, as verify_store."""
    anchors = dict(anchors or {})
    chain = before = GENESIS
    count = position = 0
    last: EntrySeal | None = None

    def result(mismatch: Mismatch | None) -> Verification:
        return Verification(count, position, chain.hex(), mismatch)

    stop = log.last_position()
    after = LOWEST
    while stop is not None and after < stop:
        rows, seals, until = log.page(after, stop, page_size)
        after = until
        by_row = {r.position: r for r in rows}
        by_seal = {s.position: s for s in seals}
        sealed_at = {s.entry_hash: s.position for s in seals}
        for at in sorted(by_row.keys() | by_seal.keys()):
            row, seal = by_row.get(at), by_seal.get(at)
            if seal is None:
                return result(_mismatch("inserted", at))
            if row is None:
                return result(_mismatch("deleted", at))
            if chain_hash(chain, at, seal.entry_hash) != seal.chain_hash:
                if last is not None and (
                    chain_hash(before, at, seal.entry_hash) == seal.chain_hash
                ):
                    return result(_mismatch("inserted", last.position))
                return result(_mismatch("seal_altered", at))
            if row.entry_hash != seal.entry_hash:
                moved = sealed_at.get(row.entry_hash, at) != at
                return result(_mismatch("reordered" if moved else "altered", at))
            expected = anchors.pop(at, None)
            if expected is not None and expected != seal.chain_hash.hex():
                return result(
                    anchor_mismatch(
                        at,
                        f"Ancre du journal des accès non conforme à l'entrée n° {at}"
                        f" : la chaîne y vaut {seal.chain_hash.hex()[:16]}…, l'ancre "
                        f"publiée {expected[:16]}… (chaîne réécrite depuis).",
                    )
                )
            before, chain, last = chain, seal.chain_hash, seal
            count += 1
            position = at
        if progress is not None:
            progress(min(after, stop), stop)
    return result(
        unreached_anchor(
            anchors,
            lambda at, expected: (
                f"Ancre du journal des accès publiée à l'entrée n° {at} "
                f"({expected[:16]}…) : aucune entrée scellée n'y figure plus "
                "(tables tronquées ou réécrites)."
            ),
        )
    )
