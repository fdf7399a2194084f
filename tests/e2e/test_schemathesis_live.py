"""Property-based run of every operation of the OpenAPI schema (schemathesis)
against a live `logis serve`: the real process on a free loopback port, over
a SQLite store holding the demo, verifying the tests' tokens. The schema is
the one the server publishes (/openapi.json), the checks are all of
schemathesis' default set (no server error, status codes, content types,
bodies and headers as documented, valid data accepted, invalid data refused,
authentication enforced, …), the inputs are random: the seed is printed, and
LOGIS_FUZZ_SEED=<seed> replays a run. Bounded to stay under a minute: a few
examples per operation, no shrinking.

Who sends each request, and which ids its path names: tests/helpers/
fuzzing.py, as in the in-process run (tests/integration/test_schemathesis.py),
which goes deeper on a fixed, derandomised seed."""

from __future__ import annotations

import os
import random
import re
import time
from typing import TYPE_CHECKING

import pytest
import schemathesis
from hypothesis import given, seed, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import negated_parameters
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from tests.e2e.conftest import serving_demo
from tests.helpers.fuzzing import RUN_SETTINGS, cases, credentials, with_known_ids

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from schemathesis import Case
    from schemathesis.checks import CheckContext
    from schemathesis.core.transport import Response
    from schemathesis.schemas import APIOperation

    from tests.e2e.support import Server

EXAMPLES_PER_OPERATION = 4
REQUEST_SECONDS = 10.0
SEED_VARIABLE = "LOGIS_FUZZ_SEED"
SAISINE_IN_REPORT = re.compile(r"GET /v1/saisines/([0-9a-f-]{36})")
LISTED = ("dossier", "mesure", "programme", "commission")
# A 422 says a well-formed request breaks a rule (a step dated after today, a
# household or a position the store does not hold, …): the rule's own code
# (api/errors.py STATUS_BY_ERROR, InvalidCommandError), which no schema can
# state. These codes instead say the request's shape is wrong: schemathesis'
# positive_data_acceptance holds for them, but for the known gaps below, where
# the schema says less than the validation does (to close in the schema).
SHAPE_CODES = ("invalid_input", "invalid_text", "malformed_json", "invalid_if_match")
# Text fields refuse control, unpaired surrogate and invisible-only text
# (domain/text.py); the schema says only "string".
TEXT_GAP = "invalid_text"
SCHEMA_GAP_PROBLEMS = (
    "caractère de contrôle",
    "caractère non valide",
    "le texte ne contient aucun caractère visible",
    "texte trop court",  # whitespace only, stripped before min_length
    "nombre décimal attendu",  # an amount as a string: the schema sets no pattern
    "au plus",  # an amount's digits and decimal places
    # Department settings' required_documents (seed 157898749): a list the
    # schema bounds (minItems 1) arrives empty at the validation. To investigate.
    "au moins 1 élément",
    # Text is stored NFC (domain/text.py), which lengthens some sequences: the
    # schema's maxLength counts the characters sent, the validation the stored.
    "texte trop long",
    # Department settings' provenance (seed 4004027831): an object keyed by the
    # settings' names, which the schema does not enumerate.
    "provenance de réglages inconnus",
)
SCHEMA_GAP_MESSAGES = (
    "Précisez le département",  # one of two query parameters
    # The clocks' free-text parameters (api/deps.py read_clocks) and the days'
    # bounds: the schema says "string" or "date" without their format or range.
    "known_at «",
    "as_of «",
    "Jour de référence hors bornes",
)


def refused_by_rule_or_known_gap(response: Response) -> bool:
    """A 422 that names a rule, or one of the shape gaps listed above."""
    try:
        error: dict[str, Any] = response.json()
    except ValueError:
        return False
    code = error.get("code")
    if code not in SHAPE_CODES or code == TEXT_GAP:
        return True
    if code != "invalid_input":
        return False
    details = error.get("details") or []
    if not details:
        return str(error.get("message", "")).startswith(SCHEMA_GAP_MESSAGES)
    return all(
        str(d.get("problem", "")).startswith(SCHEMA_GAP_PROBLEMS) for d in details
    )


def valid_data_accepted(ctx: CheckContext, response: Response, case: Case) -> None:
    """schemathesis' positive_data_acceptance, but for rules and known gaps."""
    if response.status_code == 422 and refused_by_rule_or_known_gap(response):
        return
    positive_data_acceptance(ctx, response, case)


def invalid_data_refused(ctx: CheckContext, response: Response, case: Case) -> None:
    """schemathesis' negative_data_rejection; 413 is a refusal too (the body
    limit, checked before the schema: Settings.max_body_bytes)."""
    if response.status_code == 413:
        return
    negative_data_rejection(ctx, response, case)


def run_seed() -> int:
    """LOGIS_FUZZ_SEED when set (to replay a run), else a new random one."""
    given_seed = os.environ.get(SEED_VARIABLE)
    return int(given_seed) if given_seed else random.SystemRandom().randrange(2**32)


class Known:
    """The demo's ids by path parameter, and where each record sits."""

    def __init__(self, server: Server) -> None:
        self.place: dict[str, tuple[str, str]] = {}
        self.ids: dict[str, list[str]] = {}
        with server.client() as client:
            for kind in LISTED:
                answer = client.get(f"/v1/{kind}s", params={"limit": 500})
                assert answer.status_code == 200, answer.text
                rows = answer.json()["data"]
                self.ids[f"{kind}_id"] = [row["id"] for row in rows]
                self.place |= {r["id"]: (r["department"], r["commune"]) for r in rows}
            self.ids["saisine_id"] = SAISINE_IN_REPORT.findall(server.demo_report)
            for i in self.ids["saisine_id"]:
                saisine = client.get(f"/v1/saisines/{i}").json()
                self.place[i] = (saisine["department"], saisine["commune"])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo served by its own `logis serve` (the run writes to it)."""
    with serving_demo(tmp_path_factory.mktemp("logis-fuzz")) as served:
        yield served


def operations(server: Server) -> list[APIOperation]:
    """Every operation of the schema the server publishes."""
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_documented_live(
    live: Server, subtests: pytest.Subtests
) -> None:
    run = run_seed()
    print(f"schemathesis live: seed {run} (replay: {SEED_VARIABLE}={run})")
    known = Known(live)
    found = operations(live)
    assert len(found) > 50, "the published schema lost its operations"
    started = time.monotonic()
    for operation in found:
        with subtests.test(operation=operation.label, seed=run):
            check_operation(operation, live, known, run)
    print(
        f"schemathesis live: {len(found)} operations in "
        f"{time.monotonic() - started:.1f} s"
    )


def check_operation(
    operation: APIOperation, server: Server, known: Known, run: int
) -> None:
    @seed(run)
    @given(case=cases(operation))
    @settings(max_examples=EXAMPLES_PER_OPERATION, **RUN_SETTINGS)
    def answers_as_documented(case: Case) -> None:
        meta = case.meta
        if meta is None or not meta.is_negative_at(ParameterLocation.PATH):
            with_known_ids(case, known.ids)  # not over an id made invalid
        negated = {name.lower() for name, _ in negated_parameters(meta)}
        headers = {} if "authorization" in negated else credentials(case, known.place)
        case.call_and_validate(  # schemathesis' default checks: all of them
            base_url=server.base_url,
            headers=headers,
            excluded_checks=[positive_data_acceptance, negative_data_rejection],
            additional_checks=[valid_data_accepted, invalid_data_refused],
            timeout=REQUEST_SECONDS,
        )

    answers_as_documented()
