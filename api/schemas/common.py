"""What several resources answer: a command's answer, an actor; how a public
model is read off what the floors below give."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from commands.context import CommandResult

M = TypeVar("M", bound=BaseModel)


def read_off(model: type[M], source: Any, /, **given: Any) -> M:
    """The public `model` read off an object (an aggregate, a row, a result):
    each field is the object's attribute of that name, but those `given`."""
    read = {
        name: getattr(source, name) for name in model.model_fields if name not in given
    }
    return model(**read, **given)


class CommandAnswer(BaseModel):
    # Each command's own answer from the demo is on its operation
    # (api/operation_docs.py); this one shows for those the demo never gives.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bbd7fcae-7740-4fef-b45f-8e2e9b7b4dea",
                    "version": 2,
                    "position": 87,
                    "stage": "enquete_sociale_rendue",
                }
            ]
        }
    )

    id: UUID
    version: int
    position: int
    stage: str

    @classmethod
    def of(cls, result: CommandResult) -> CommandAnswer:
        return read_off(cls, result)


class ActorPublic(BaseModel):
    subject: str
    role: str
    organisation: str

    @classmethod
    def of(cls, actor: Any) -> ActorPublic:
        return read_off(cls, actor)
