"""Prometheus metrics: HTTP requests by route and status and their latency,
commands by type and outcome, their latency, events appended, and each
projection's position and lag (read when scraped)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from domain.shared import DomainError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from commands.context import CommandResult
    from infra.projector import ProjectionEngine
    from infra.relay import RelayStatus


class Metrics:
    def __init__(self, engine: ProjectionEngine) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "logis_commands",
            "Commands received, by type and outcome (applied, replayed, or the "
            "refusal's code)",
            ("command", "outcome"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "logis_command_duration_seconds",
            "Time to carry out a command, refusals included",
            ("command",),
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.events = Counter(
            "logis_events_appended",
            "Events appended to the store",
            registry=self.registry,
        )
        self.requests = Counter(
            "logis_http_requests",
            "HTTP requests answered, by method, route (its template, not the ids "
            "in it) and status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.request_latency = Histogram(
            "logis_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            ("method", "route"),
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(_ProjectionCollector(engine))

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.request_latency.labels(method, route).observe(seconds)

    @contextmanager
    def command(self, name: str) -> Iterator[_Outcome]:
        outcome = _Outcome()
        started = time.perf_counter()
        try:
            yield outcome
        except DomainError as error:
            outcome.label = error.code
            raise
        except Exception:
            outcome.label = "error"
            raise
        finally:
            self.latency.labels(name).observe(time.perf_counter() - started)
            self.commands.labels(name, outcome.label).inc()
            if outcome.label == "applied":
                self.events.inc(outcome.events)

    def watch_relay(self, status: Callable[[], RelayStatus]) -> None:
        """Also expose the Kafka relay's position and lag (read when scraped)."""
        self.registry.register(_RelayCollector(status))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Outcome:
    def __init__(self) -> None:
        self.label = "error"
        self.events = 0

    def record(self, result: CommandResult) -> None:
        self.label = "replayed" if result.replayed else "applied"
        self.events = result.events


class _ProjectionCollector:
    def __init__(self, engine: ProjectionEngine) -> None:
        self.engine = engine

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # collected at scrape time only

    def collect(self) -> Iterator[GaugeMetricFamily]:
        position = GaugeMetricFamily(
            "logis_projection_position",
            "Last event applied to the view",
            labels=["projection"],
        )
        lag_events = GaugeMetricFamily(
            "logis_projection_lag_events",
            "Events not yet applied",
            labels=["projection"],
        )
        lag_seconds = GaugeMetricFamily(
            "logis_projection_lag_seconds",
            "Age of the oldest event not yet applied",
            labels=["projection"],
        )
        head = GaugeMetricFamily(
            "logis_store_head", "Position of the last stored event"
        )
        failing = GaugeMetricFamily(
            "logis_projection_failing",
            "1 while the view is stuck on an event it cannot apply",
            labels=["projection"],
        )
        stuck = GaugeMetricFamily(
            "logis_projection_stuck_position",
            "Position of the event the view is stuck on, with its topic and error",
            labels=["projection", "event_topic", "error"],
        )
        statuses = self.engine.status()
        for s in statuses:
            position.add_metric([s.name], s.position)
            lag_events.add_metric([s.name], s.lag_events)
            lag_seconds.add_metric([s.name], s.lag_seconds)
            failing.add_metric([s.name], 1 if s.failure else 0)
            if s.failure:
                f = s.failure
                stuck.add_metric([s.name, f.topic, f.error], f.position)
        head.add_metric([], statuses[0].head if statuses else 0)
        yield from (position, lag_events, lag_seconds, head, failing, stuck)


class _RelayCollector:
    def __init__(self, status: Callable[[], RelayStatus]) -> None:
        self.status = status

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # collected at scrape time only

    def collect(self) -> Iterator[GaugeMetricFamily]:
        status = self.status()
        position = GaugeMetricFamily(
            "logis_relay_position", "Last event the broker acknowledged"
        )
        lag = GaugeMetricFamily(
            "logis_relay_lag_events", "Store head minus the relay's position"
        )
        position.add_metric([], status.position)
        lag.add_metric([], status.lag)
        yield from (position, lag)
