"""What several resources answer: a command's answer, an actor."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict

from commands.context import CommandResult


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
        return cls(
            id=result.id,
            version=result.version,
            position=result.position,
            stage=result.stage,
        )


class ActorPublic(BaseModel):
    subject: str
    role: str
    organisation: str
