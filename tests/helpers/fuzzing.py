"""What the schemathesis runs (in-process and against a live `logis serve`)
share: who sends each generated request, and which ids its path names.

Reads are made by an auditor (who reads everything). Writes are made by a
role the matrix lets record that step (`Rôles autorisés` of the step's
endpoint, else one of the roles `domain/access.py` lets write that kind of
record), claiming the department and commune of the record the path names
(972 and 97209 otherwise). Ids in paths are, three times in four, those of
known records, so the answers are not only 404s."""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode

from domain.access import WRITES
from tests.helpers.api import COMMUNE, DEPARTMENT, actor

if TYPE_CHECKING:
    from collections.abc import Mapping

    from schemathesis import Case
    from schemathesis.schemas import APIOperation

# Both runs' hypothesis settings, but for their number of examples and seed:
# explicit examples then generated ones, no deadline, no shrinking database.
RUN_SETTINGS = {
    "deadline": None,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}


def cases(operation: APIOperation) -> st.SearchStrategy[Case]:
    """Requests the schema allows, and requests it refuses."""
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )


# The first segment of a write's path: the kind of record whose roles write it.
KIND_OF_SEGMENT = {
    "dossiers": "dossier",
    "mesures": "mesure",
    "saisines": "saisine",
    "programmes": "programme",
    "commissions": "commission",
    "departments": "department",
    "admin": "department",  # erasure: the administrator
}
ALLOWED = re.compile(r"Rôles autorisés : ([a-z_, ]+)\.")


def pick(options: list[str], seed: object) -> str:
    return options[zlib.crc32(repr(seed).encode()) % len(options)]


def writer(case: Case) -> str:
    """A role allowed to record this write: the step's own, else the kind's."""
    allowed = ALLOWED.search(case.operation.definition.raw.get("description", ""))
    if allowed:
        roles = sorted(r.strip() for r in allowed.group(1).split(","))
    else:
        kind = KIND_OF_SEGMENT[case.path.split("/")[2]]
        roles = sorted(frozenset().union(*WRITES[kind].values()))
    return pick(roles, (case.path, case.body))


def with_known_ids(case: Case, ids: Mapping[str, list[str]]) -> None:
    """Three times in four, a path parameter names a known record."""
    for name, value in (case.path_parameters or {}).items():
        if name == "code":
            known = [COMMUNE] if "/communes/" in case.path else [DEPARTMENT, "42"]
        else:
            known = ids.get(name, [])
        if known and zlib.crc32(repr(value).encode()) % 4:
            case.path_parameters[name] = pick(known, value)


def credentials(case: Case, place: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The bearer token of who sends `case`: an auditor reads, a writer allowed
    to record the step writes, where the record the path names sits."""
    claims = {"department": DEPARTMENT, "commune": COMMUNE}
    for value in (case.path_parameters or {}).values():
        if value in place:
            department, commune = place[value]
            claims = {"department": department, "commune": commune}
            break
    role = "auditeur" if case.method == "GET" else writer(case)
    return actor(role, **claims)
