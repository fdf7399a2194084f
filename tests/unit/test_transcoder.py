"""The store's transcoder reads what the library's own JSON transcoder reads,
the same way (its object hook is a lighter one): old stores read unchanged."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

from domain.shared import Actor
from infra.store import LogisTranscoder

STORED = [
    b'{"_type_":"uuid_hex","_data_":"0a1b2c3d4e5f60718293a4b5c6d7e8f9"}',
    b'{"a":{"_type_":"decimal_str","_data_":"12.50"},"b":[{"_type_":"date_iso",'
    b'"_data_":"2025-01-06"},{"_type_":"datetime_iso","_data_":'
    b'"2025-01-06T10:00:00+00:00"}]}',
    b'{"actor":{"_type_":"actor","_data_":{"subject":"s","role":"als",'
    b'"organisation":"o"}}}',
    # Not a transcoded value: other keys, or one of the two missing.
    b'{"_type_":"uuid_hex","_data_":"x","other":1}',
    b'{"_type_":"uuid_hex","data":"x"}',
    b'{"type":"uuid_hex","_data_":"x"}',
    b'{"name":"M\\u00e9nage \\"A\\"","n":null,"t":true,"f":1.5}',
]


def library() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in LogisTranscoder().types.values():
        transcoder.register(transcoding)
    return transcoder


@pytest.mark.parametrize("stored", STORED)
def test_reads_as_the_library_reads(stored: bytes) -> None:
    assert LogisTranscoder().decode(stored) == library().decode(stored)


def test_writes_as_the_library_writes() -> None:
    value = {
        "id": uuid.uuid4(),
        "on": date(2025, 1, 6),
        "at": datetime(2025, 1, 6, 10, tzinfo=UTC),
        "amount": Decimal("12.50"),
        "actor": Actor("s", "als", "o"),
        "names": ["Ménage A"],
    }
    encoded = LogisTranscoder().encode(value)
    assert encoded == library().encode(value)
    assert LogisTranscoder().decode(encoded) == value


def test_an_unknown_type_is_refused_as_the_library_refuses_it() -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        LogisTranscoder().decode(b'{"_type_":"nothing_known","_data_":1}')


def test_a_uuid_read_twice_is_one_object() -> None:
    stored = b'{"_type_":"uuid_hex","_data_":"0a1b2c3d4e5f60718293a4b5c6d7e8f9"}'
    transcoder = LogisTranscoder()
    assert transcoder.decode(stored) is transcoder.decode(stored)
