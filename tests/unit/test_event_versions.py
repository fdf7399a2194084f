"""A history written today stays readable: every stored event class carries a
version, a class whose fields change gets a new version and an upcaster, and
no topic ever recorded disappears (tests/fixtures/event_schemas.json)."""

from __future__ import annotations

import pytest
from eventsourcing.utils import resolve_topic

from domain.records import event_classes
from tests.fixtures.event_schemas import current_schemas, recorded_schemas

CLASSES = {cls.TOPIC: cls for cls in event_classes()}
RECORDED = recorded_schemas()


@pytest.mark.parametrize("topic", sorted(CLASSES))
def test_each_event_class_has_its_current_version_recorded(topic: str) -> None:
    cls = CLASSES[topic]
    version = cls.class_version
    assert isinstance(version, int)
    assert version >= 1
    fields = current_schemas()[topic][str(version)]
    known = RECORDED.get(topic, {})
    assert str(version) in known, (
        f"{topic} v{version} is not in event_schemas.json: "
        "run `python -m tests.fixtures.event_schemas`"
    )
    assert known[str(version)] == fields, (
        f"{topic}: the fields of version {version} changed; stored events hold "
        "the old ones. Bump class_version and write the upcaster instead."
    )


@pytest.mark.parametrize("topic", sorted(RECORDED))
def test_every_recorded_topic_still_resolves_and_upcasts_to_today(topic: str) -> None:
    cls = resolve_topic(topic)
    assert cls is CLASSES.get(topic, cls), f"{topic} now names another class"
    current = cls.class_version
    for old in sorted(int(v) for v in RECORDED[topic]):
        assert old <= current, f"{topic} v{old} is newer than the code (v{current})"
        for step in range(old, current):
            name = f"upcast_v{step}_v{step + 1}"
            assert name in vars(cls), f"{topic}: {name} is missing"


@pytest.mark.parametrize("topic", sorted(RECORDED))
def test_old_versions_upcast_to_the_current_fields(topic: str) -> None:
    """Upcasting a state of each recorded version gives exactly today's fields."""
    cls = resolve_topic(topic)
    current = cls.class_version
    today = set(RECORDED[topic][str(current)])
    for version, fields in RECORDED[topic].items():
        state: dict[str, object] = dict.fromkeys(fields)
        for step in range(int(version), current):
            getattr(cls, f"upcast_v{step}_v{step + 1}")(state)
        assert set(state) == today, f"{topic} v{version} upcasts to other fields"
