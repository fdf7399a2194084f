"""Errors of the command layer, translated by the API into HTTP answers."""

from __future__ import annotations

from domain.shared import DomainError


class NotFoundError(DomainError):
    code = "not_found"


class ConcurrencyError(DomainError):
    code = "version_conflict"


class InvalidCommandError(DomainError):
    code = "invalid_command"
