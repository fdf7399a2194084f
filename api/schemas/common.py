"""What several resources answer: a command's answer, an actor; how a public
model is read off what the floors below give."""

from __future__ import annotations

from typing import Annotated, Any, Self, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

M = TypeVar("M", bound=BaseModel)


def read_off(model: type[M], source: Any, /, **given: Any) -> M:
    """The public `model` read off an object (an aggregate, a row, a result):
    each field is the object's attribute of that name, but those `given`."""
    read = {
        name: getattr(source, name) for name in model.model_fields if name not in given
    }
    return model(**read, **given)


# A list's answer beside its `count` (projections/lists.py: a count reads no
# further than LOGIS_LIST_COUNT_LIMIT rows past the page).
CountCapped = Annotated[
    bool,
    Field(
        description="Vrai : plus de `count` lignes correspondent ; le compte "
        "s'arrête à LOGIS_LIST_COUNT_LIMIT lignes, ou à la fin de la page si elle "
        "va plus loin : une page suivante existe"
    ),
]


class ReadOff(BaseModel):
    """A public model read off one object, every field by its name: `of`."""

    @classmethod
    def of(cls, source: Any) -> Self:
        return read_off(cls, source)


class CommandAnswer(ReadOff):
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


class ActorPublic(ReadOff):
    subject: str
    role: str
    organisation: str
