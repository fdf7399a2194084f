"""structlog set up once: JSON lines carrying request and correlation ids. The
standard library's loggers (uvicorn, kafka-python, eventsourcing) go through the
same renderer, so that one process writes one format."""

from __future__ import annotations

import logging
import sys

import structlog

# kafka-python logs every connection attempt at INFO, httpx every request (the
# identity provider's keys): warnings and up only.
QUIET = {
    "kafka": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "yoyo": logging.WARNING,  # a line a statement; infra/migrations logs one a version
}


class _Stderr:
    """Whatever `sys.stderr` is when a line is written, not when logging was
    configured: a stream swapped since (a test's capture, a daemon's redirect)
    and closed must not turn every later log line into an error."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


STDERR = _Stderr()


class _LogisHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours on the root logger, replaced at each configuration (and only ours:
    pytest's capture handlers stay)."""


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(level)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=STDERR),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    handler = _LogisHandler(STDERR)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _LogisHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.getLevelName(level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()  # through the root's, not their own
        logging.getLogger(name).propagate = True
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
