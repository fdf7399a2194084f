"""The codes of places, shared by every record: a department's code (01…95, 2A,
2B, 971…976) and a commune's INSEE code, which begins with its department's.

The communes' names are the official names of the INSEE's Code officiel
géographique (source: INSEE COG) for the communes the product knows: every
commune of Martinique, and those the demo, the tests and the docs use. It is a
fixed list to show people a name beside a code, not a referential: a commune
outside it is shown by its code, and records keep the code alone."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from domain.shared import InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Mapping

DEPARTMENT_CODE_PATTERN = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$"
COMMUNE_PATTERN = r"^([0-9]{5}|2[AB][0-9]{3})$"  # code INSEE

# The fields of the commands that name a place.
DepartmentCode = Annotated[str, Field(pattern=DEPARTMENT_CODE_PATTERN)]
CommuneCode = Annotated[str, Field(pattern=COMMUNE_PATTERN, description="Code INSEE")]


COMMUNE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        # Martinique (972): all its 34 communes.
        "97201": "L'Ajoupa-Bouillon",
        "97202": "Les Anses-d'Arlet",
        "97203": "Basse-Pointe",
        "97204": "Le Carbet",
        "97205": "Case-Pilote",
        "97206": "Le Diamant",
        "97207": "Ducos",
        "97208": "Fonds-Saint-Denis",
        "97209": "Fort-de-France",
        "97210": "Le François",
        "97211": "Grand'Rivière",
        "97212": "Gros-Morne",
        "97213": "Le Lamentin",
        "97214": "Le Lorrain",
        "97215": "Macouba",
        "97216": "Le Marigot",
        "97217": "Le Marin",
        "97218": "Le Morne-Rouge",
        "97219": "Le Prêcheur",
        "97220": "Rivière-Pilote",
        "97221": "Rivière-Salée",
        "97222": "Le Robert",
        "97223": "Saint-Esprit",
        "97224": "Saint-Joseph",
        "97225": "Saint-Pierre",
        "97226": "Sainte-Anne",
        "97227": "Sainte-Luce",
        "97228": "Sainte-Marie",
        "97229": "Schœlcher",
        "97230": "La Trinité",
        "97231": "Les Trois-Îlets",
        "97232": "Le Vauclin",
        "97233": "Le Morne-Vert",
        "97234": "Bellefontaine",
        # Loire (42): the demo's communes.
        "42071": "Le Coteau",
        "42094": "Feurs",
        "42095": "Firminy",
        "42127": "Mably",
        "42147": "Montbrison",
        "42184": "Riorges",
        "42186": "Rive-de-Gier",
        "42187": "Roanne",
        "42207": "Saint-Chamond",
        "42218": "Saint-Étienne",
        # Elsewhere, the tests' other departments.
        "97101": "Les Abymes",
        "97105": "Basse-Terre",
        "97113": "Le Gosier",
        "97120": "Pointe-à-Pitre",
        "97411": "Saint-Denis",
        "2A004": "Ajaccio",
    }
)


def commune_label(code: str) -> str:
    """A commune as people read it: « Fort-de-France (97209) »; a code the list
    does not name, as it is."""
    name = COMMUNE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def department_of(commune: str) -> str:
    """An INSEE code begins with its department's: 97209 → 972, 2A004 → 2A."""
    return commune[:3] if commune.startswith("97") else commune[:2]


def check_place(department: str, commune: str) -> None:
    """A commune's INSEE code begins with its department's code."""
    if not (
        re.match(DEPARTMENT_CODE_PATTERN, department)
        and re.match(COMMUNE_PATTERN, commune)
        and commune.startswith(department)
    ):
        msg = f"La commune {commune} n'est pas un code INSEE du {department}."
        raise InvalidValueError(msg)
