"""README's access section, generated from the need-to-know matrix of
domain/access.py: the reads (scope per role and surface), the organisation
scope, the legality report's kinds, the writes (from each aggregate's
STEP_ROLES) and the write scopes. tests/unit/test_access_matrix.py checks the
README against `matrix_markdown()`."""

from __future__ import annotations

from domain.access import (
    ALL,
    COMMUNE,
    DEPT,
    NONE,
    ORG,
    PARTIES,
    READ_ACTIONS,
    READ_ONLY,
    REPORT_KINDS,
    TERRITORY,
    WRITES,
    scope_of,
    writable_steps,
    write_scope,
)
from domain.shared import ROLES

SCOPE_MARKS = {ALL: "all", DEPT: "dept", COMMUNE: "commune", ORG: "org", NONE: "—"}


def matrix_rows() -> list[list[str]]:
    """The read matrix: a header, then one row per role (scope per action)."""
    header = ["role", *READ_ACTIONS]
    return [header] + [
        [role, *(SCOPE_MARKS[scope_of(role, action)] for action in READ_ACTIONS)]
        for role in ROLES
    ]


def write_rows() -> list[list[str]]:
    """The write matrix: per role, the steps it records per kind of record."""
    header = ["role", *WRITES]
    rows = []
    for role in ROLES:
        steps = writable_steps(role)
        rows.append([role, *(", ".join(steps[kind]) or "—" for kind in WRITES)])
    return [header, *rows]


def write_scope_rows() -> list[list[str]]:
    """Where each role writes: its scope per kind of existing record, and the
    territory the records it creates must sit in."""
    kinds = list(WRITES)
    creates = {DEPT: "dept", COMMUNE: "commune"}
    rows = [["role", *kinds, "creates"]]
    for role in ROLES:
        where = "—" if role in READ_ONLY else creates.get(TERRITORY.get(role), "any")
        marks = [SCOPE_MARKS[write_scope(role, kind)] for kind in kinds]
        rows.append([role, *marks, where])
    return rows


def _table(rows: list[list[str]]) -> list[str]:
    header, *body = rows
    return [
        "| " + " | ".join(f"`{h}`" if h != "role" else h for h in header) + " |",
        "|" + " --- |" * len(header),
        *("| " + " | ".join(row) + " |" for row in body),
    ]


def matrix_markdown() -> str:
    """README's access section body, generated: reads, then writes."""
    lines = [
        "Reads (`all`: everything; `dept`: the caller's department claim; "
        "`commune`: its commune claim; `org`: the records naming its "
        "organisation; `—`: 403):",
        "",
        *_table(matrix_rows()),
        "",
        "Organisation scope: "
        + "; ".join(f"`{role}`: {what}" for role, what in PARTIES.items())
        + ".",
        "",
        "Legality report (`legality_report`), the records each role reads in it: "
        + "; ".join(
            f"`{role}`: {', '.join(kinds)}" for role, kinds in REPORT_KINDS.items()
        )
        + ".",
        "",
        "Writes (from each aggregate's `STEP_ROLES`; `auditeur` is refused "
        "every write):",
        "",
        *_table(write_rows()),
        "",
        "Write scopes (a step on an existing record: `dept`, `commune` as for "
        "reads; `org`: the records naming its organisation; `—`: no step on "
        "that kind, 403 `role_not_allowed`. `creates`: the claim a new record's "
        "department or commune must match; `any`: not territorial):",
        "",
        *_table(write_scope_rows()),
    ]
    return "\n".join(lines) + "\n"
