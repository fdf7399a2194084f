"""Verification: `verify_store` recomputes everything, page by page, and names the
first event that does not match; `head` is the chain's last link, the anchor an
operator publishes outside the database (README: "Preuve d'intégrité")."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from infra.ledger.hashing import GENESIS, chain_hash, event_hash, id_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from uuid import UUID

    from infra.ledger.tables import EventRow, Ledger, Page, SealRow

    Progress = Callable[[int, int | None], None]

PAGE_SIZE = 2000
LOWEST = -(2**63)

Kind = Literal[
    "altered",
    "deleted",
    "inserted",
    "reordered",
    "seal_altered",
    "anchor_mismatch",
    "snapshot_altered",  # infra/ledger/snapshot_check.py
]


@dataclass(frozen=True)
class Mismatch:
    kind: Kind
    position: int | None
    originator_id: str | None
    version: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Verification:
    events: int  # how many events were found sealed and matching
    position: int  # the last position checked
    head: str  # the last chain hash checked (an aggregate: its last event hash)
    mismatch: Mismatch | None = None

    @property
    def verified(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True)
class Anchor:
    position: int
    chain_hash: str
    events: int
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "at": self.at.isoformat()}


def _who(originator_id: str | None, version: int | None) -> str:
    return f"agrégat {originator_id}, version {version}"


def _mismatch(
    kind: Kind, position: int | None, originator_id: str | None, version: int | None
) -> Mismatch:
    where = f"à la position {position}" if position is not None else "sans position"
    who = _who(originator_id, version)
    messages = {
        "altered": f"Événement altéré {where} ({who}) : son empreinte recalculée "
        "ne correspond plus à son sceau.",
        "deleted": f"Événement supprimé {where} ({who}) : son sceau demeure, "
        "l'événement n'est plus dans la table.",
        "inserted": f"Événement inséré {where} ({who}) : aucun sceau ne l'a scellé "
        "lors de l'écriture.",
        "reordered": f"Événement déplacé {where} ({who}) : il n'est plus à la "
        "position que son sceau lui donne.",
        "seal_altered": f"Sceau altéré {where} ({who}) : le maillon de la chaîne ne "
        "se recalcule pas (sceau modifié, ou événement et sceau supprimés juste "
        "avant).",
    }
    return Mismatch(kind, position, originator_id, version, messages[kind])


def parse_anchor(text: str) -> tuple[int, str]:
    """POSITION:HASH, as `logis anchor` prints them."""
    position, _, digest = text.partition(":")
    digest = digest.strip().lower()
    if not position.strip().lstrip("-").isdigit() or len(digest) != 64:
        msg = f"ancre attendue sous la forme POSITION:EMPREINTE, pas « {text} »"
        raise ValueError(msg)
    bytes.fromhex(digest)
    return int(position), digest


def _walk(
    ledger: Ledger, page_size: int, progress: Progress | None = None
) -> Iterator[Page]:
    stop = ledger.last_position()
    if stop is None:
        return
    after = LOWEST
    while after < stop:
        page = ledger.page(after, stop, page_size)
        yield page
        after = page.until
        if progress is not None:  # positions, not counts: no count(*) to wait on
            progress(min(after, stop), stop)


def verify_store(
    ledger: Ledger,
    anchors: Mapping[int, str] | None = None,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> Verification:
    """Recompute every event hash and every chain link, in notification order, and
    check the published anchors: the first thing that does not match, or none.
    `progress(position, last)` after each page, for a long store's bar."""
    anchors = dict(anchors or {})
    chain = before = GENESIS
    last: SealRow | None = None
    count = 0
    position = 0

    def result(mismatch: Mismatch | None) -> Verification:
        return Verification(count, position, chain.hex(), mismatch)

    for page in _walk(ledger, page_size, progress):
        events = {e.position: e for e in page.events}
        seals = {s.position: s for s in page.seals}
        for at in sorted(events.keys() | seals.keys()):
            event, seal = events.get(at), seals.get(at)
            if seal is None:
                assert event is not None
                return result(
                    _mismatch("inserted", at, event.originator_id, event.version)
                )
            if event is None:
                moved = ledger.event_position(seal.originator_id, seal.version)
                kind: Kind = "deleted" if moved is None else "reordered"
                return result(_mismatch(kind, at, seal.originator_id, seal.version))
            found = _check(event, seal, chain, before, last, page.previous)
            if found is not None:
                return result(found)
            expected = anchors.pop(at, None)
            if expected is not None and expected != seal.chain_hash.hex():
                return result(_anchor_mismatch(seal, expected))
            before, chain, last = chain, seal.chain_hash, seal
            count += 1
            position = at
    return result(
        unreached_anchor(
            anchors,
            lambda at, expected: (
                f"Ancre publiée à la position {at} ({expected[:16]}…) : aucun "
                "événement scellé n'y figure plus (tables tronquées ou réécrites)."
            ),
        )
    )


def _check(
    event: EventRow,
    seal: SealRow,
    chain: bytes,
    before: bytes,
    last: SealRow | None,
    previous: Mapping[tuple[str, int], bytes],
) -> Mismatch | None:
    at = seal.position
    if (event.originator_id, event.version) != (seal.originator_id, seal.version):
        return _mismatch("reordered", at, event.originator_id, event.version)
    if chain_hash(chain, at, seal.event_hash) != seal.chain_hash:
        if last is not None and (
            chain_hash(before, at, seal.event_hash) == seal.chain_hash
        ):
            # The link holds without the seal before: that one was slipped in.
            return _mismatch(
                "inserted", last.position, last.originator_id, last.version
            )
        return _mismatch("seal_altered", at, seal.originator_id, seal.version)
    if event.version == 1:
        before_hash: bytes | None = GENESIS
    else:
        before_hash = previous.get((event.originator_id, event.version - 1))
    if before_hash is None:
        return Mismatch(
            "deleted",
            None,
            event.originator_id,
            event.version - 1,
            f"Événement supprimé ({_who(event.originator_id, event.version - 1)}) : "
            f"la version suivante, à la position {at}, ne trouve plus son sceau.",
        )
    recomputed = event_hash(
        event.originator_id, event.version, event.topic, event.state, before_hash
    )
    if recomputed != seal.event_hash:
        return _mismatch("altered", at, event.originator_id, event.version)
    return None


def anchor_mismatch(
    position: int, message: str, seal: SealRow | None = None
) -> Mismatch:
    """A published anchor that does not match; `seal`: the one found there."""
    if seal is None:
        return Mismatch("anchor_mismatch", position, None, None, message)
    return Mismatch(
        "anchor_mismatch", position, seal.originator_id, seal.version, message
    )


def unreached_anchor(
    anchors: Mapping[int, str], message: Callable[[int, str], str]
) -> Mismatch | None:
    """The first of the anchors the walk left over (none matched a sealed
    position): `message(position, expected hash)`."""
    for at, expected in sorted(anchors.items()):
        return anchor_mismatch(at, message(at, expected))
    return None


def _anchor_mismatch(seal: SealRow, expected: str) -> Mismatch:
    return anchor_mismatch(
        seal.position,
        f"Ancre non conforme à la position {seal.position} : la chaîne y vaut "
        f"{seal.chain_hash.hex()[:16]}…, l'ancre publiée {expected[:16]}… "
        "(chaîne réécrite depuis la publication).",
        seal,
    )


def verify_aggregate(ledger: Ledger, originator_id: UUID | str) -> Verification:
    """One aggregate: versions contiguous from 1, each sealed at its position, each
    hash recomputed and chained to the previous version, each link of the global
    chain around its seals."""
    key = id_text(originator_id)
    events, seals = ledger.aggregate(key)
    by_version = {e.version: e for e in events}
    sealed = {s.version: s for s in seals}
    count = 0
    position = 0
    head = GENESIS
    versions = sorted(by_version.keys() | sealed.keys())
    top = versions[-1] if versions else 0
    for version in range(1, top + 1):
        event, seal = by_version.get(version), sealed.get(version)
        mismatch: Mismatch | None = None
        if event is None and seal is None:
            mismatch = Mismatch(
                "deleted",
                None,
                key,
                version,
                f"Événement supprimé ({_who(key, version)}) : la version manque, "
                "avec son sceau.",
            )
        elif seal is None:
            assert event is not None
            mismatch = _mismatch("inserted", event.position, key, version)
        elif event is None:
            mismatch = _mismatch("deleted", seal.position, key, version)
        elif event.position != seal.position:
            mismatch = _mismatch("reordered", event.position, key, version)
        else:
            before = seal.previous_chain or GENESIS
            recomputed = event_hash(key, version, event.topic, event.state, head)
            if chain_hash(before, seal.position, seal.event_hash) != seal.chain_hash:
                mismatch = _mismatch("seal_altered", seal.position, key, version)
            elif recomputed != seal.event_hash:
                mismatch = _mismatch("altered", seal.position, key, version)
        if mismatch is not None:
            return Verification(count, position, head.hex(), mismatch)
        assert seal is not None
        head = seal.event_hash
        count += 1
        position = seal.position
    return Verification(count, position, head.hex(), None)


def check_anchors(ledger: Ledger, anchors: Mapping[int, str]) -> Mismatch | None:
    """Published anchors against the stored chain (no recomputation: for
    `--aggregate`; the full walk recomputes every link up to them)."""
    for at, expected in sorted(anchors.items()):
        seal = ledger.seal_at(at)
        if seal is None:
            return anchor_mismatch(
                at, f"Ancre publiée à la position {at} : aucun sceau n'y figure plus."
            )
        if seal.chain_hash.hex() != expected:
            return _anchor_mismatch(seal, expected)
    return None
